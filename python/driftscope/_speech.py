"""The speech example of the seed notes as a stream: a speech recognition model trained on
adult voices; children's voices arrive gradually, then all at once.

Deterministic for a seed (numpy's PCG64 via ``default_rng``). Features per utterance:

* ``pitch_hz`` - adults: half men (lognormal around 120 Hz), half women (around 210 Hz);
  children: around 285 Hz;
* ``speech_rate`` - syllables per second: adults ~4.6, children ~3.6;
* ``snr_db`` - signal-to-noise ratio: adults ~22 dB, children ~19 dB (noisier rooms);
* ``duration_s`` - utterance length: adults ~3.0 s, children ~2.2 s (lognormal);
* ``device`` (categorical) - adults: phone / laptop / smart_speaker / tablet; in the gradual
  phase children use their parents' devices (same mix); once the app launches in schools
  (the sudden switch) nearly every utterance comes from a school tablet.

The stream has three phases: ``adult`` (adults only), ``gradual`` (the share of children
rises linearly from 0 to ``gradual_end_share``, row by row) and ``children`` (children only,
on school devices). The numbers are illustrative, not measurements.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import IO, Dict, List, Sequence, Tuple

import numpy as np

__all__ = [
    "CATEGORICAL",
    "FEATURES",
    "NUMERIC",
    "SEED",
    "SpeechStream",
    "generate",
    "voices",
    "write_csv",
]

SEED = 2026
NUMERIC = ("pitch_hz", "speech_rate", "snr_db", "duration_s")
CATEGORICAL = ("device",)
FEATURES = NUMERIC + CATEGORICAL

#: Device mix of adults (and of children before the school launch), and of school traffic.
HOME_DEVICES = (("phone", 0.55), ("laptop", 0.25), ("smart_speaker", 0.15), ("tablet", 0.05))
SCHOOL_DEVICES = (("tablet", 0.85), ("laptop", 0.15))

REFERENCE_ROWS = 5_000
ADULT_ROWS = 4_000
GRADUAL_ROWS = 6_000
CHILDREN_ROWS = 3_000
GRADUAL_END_SHARE = 0.5


def _devices(rng: np.random.Generator, n: int, mix: Sequence[Tuple[str, float]]) -> np.ndarray:
    names = np.array([m[0] for m in mix], dtype=object)
    p = np.array([m[1] for m in mix], dtype=np.float64)
    return names[rng.choice(len(mix), size=n, p=p / p.sum())]


def voices(rng: np.random.Generator, is_child: np.ndarray, school: bool = False) -> Dict[str, np.ndarray]:
    """One utterance per entry of ``is_child`` (bool array): adult or child features; devices
    from the school mix when ``school`` else the home mix."""
    is_child = np.asarray(is_child, dtype=bool)
    n = is_child.size
    women = rng.random(n) < 0.5
    adult_pitch = np.where(women, rng.lognormal(np.log(210.0), 0.12, n), rng.lognormal(np.log(120.0), 0.15, n))
    child_pitch = rng.lognormal(np.log(285.0), 0.08, n)
    return {
        "pitch_hz": np.where(is_child, child_pitch, adult_pitch),
        "speech_rate": np.clip(np.where(is_child, rng.normal(3.6, 0.8, n), rng.normal(4.6, 0.7, n)), 1.0, None),
        "snr_db": np.where(is_child, rng.normal(19.0, 6.0, n), rng.normal(22.0, 5.0, n)),
        "duration_s": np.where(is_child, rng.lognormal(np.log(2.2), 0.5, n), rng.lognormal(np.log(3.0), 0.45, n)),
        "device": _devices(rng, n, SCHOOL_DEVICES if school else HOME_DEVICES),
    }


@dataclass
class SpeechStream:
    """A reference batch of adult utterances and a stream in three phases."""

    reference: Dict[str, np.ndarray]
    stream: Dict[str, np.ndarray]
    #: probability that each stream row is a child's (0 in the adult phase, 1 at the end)
    children_share: np.ndarray
    #: whether each stream row is a child's
    is_child: np.ndarray
    #: (name, first row, end row) per phase, 0-based half-open row ranges
    phases: List[Tuple[str, int, int]] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return int(self.is_child.size)

    def phase_of(self, rows_seen: int) -> str:
        """The phase of the row that brought the stream to ``rows_seen`` rows (1-based)."""
        for name, a, b in self.phases:
            if a < rows_seen <= b:
                return name
        raise ValueError(f"rows_seen must be in [1, {self.n_rows}], got {rows_seen}")


def generate(
    seed: int = SEED,
    reference_rows: int = REFERENCE_ROWS,
    adult_rows: int = ADULT_ROWS,
    gradual_rows: int = GRADUAL_ROWS,
    children_rows: int = CHILDREN_ROWS,
    gradual_end_share: float = GRADUAL_END_SHARE,
) -> SpeechStream:
    """The reference (adults only) and the stream: ``adult_rows`` adults, ``gradual_rows`` rows
    whose children's share rises linearly from 0 to ``gradual_end_share`` (home devices), then
    ``children_rows`` children on school devices."""
    for name, v in (("reference_rows", reference_rows), ("adult_rows", adult_rows),
                    ("gradual_rows", gradual_rows), ("children_rows", children_rows)):
        if v < 0:
            raise ValueError(f"{name} must be >= 0, got {v}")
    if not 0.0 <= gradual_end_share <= 1.0:
        raise ValueError(f"gradual_end_share must be in [0, 1], got {gradual_end_share}")
    ref_rng, stream_rng = np.random.default_rng(seed).spawn(2)
    reference = voices(ref_rng, np.zeros(reference_rows, dtype=bool))
    ramp = (np.arange(gradual_rows) + 1) / max(gradual_rows, 1) * gradual_end_share
    share = np.concatenate([np.zeros(adult_rows), ramp, np.ones(children_rows)])
    is_child = stream_rng.random(share.size) < share
    home_n = adult_rows + gradual_rows
    home = voices(stream_rng, is_child[:home_n])
    school = voices(stream_rng, is_child[home_n:], school=True)
    stream = {f: np.concatenate([home[f], school[f]]) for f in FEATURES}
    phases = [("adult", 0, adult_rows), ("gradual", adult_rows, home_n), ("children", home_n, share.size)]
    return SpeechStream(reference, stream, share, is_child, phases)


def write_csv(f: IO[str], data: Dict[str, np.ndarray], columns: Sequence[str] = FEATURES, start: int = 0,
              stop: "int | None" = None, header: bool = True) -> None:
    """Writes rows [start, stop) of ``data`` as CSV (numbers with 6 significant digits)."""
    n = len(data[columns[0]])
    stop = n if stop is None else stop
    w = csv.writer(f, lineterminator="\n")
    if header:
        w.writerow(columns)
    cols = [data[c] for c in columns]
    for i in range(start, stop):
        w.writerow([f"{v:.6g}" if isinstance(v, (float, np.floating)) else v for v in (c[i] for c in cols)])
