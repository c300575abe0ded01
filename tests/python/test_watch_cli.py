"""`driftscope watch`: a CSV stream against a reference, run as `python -m driftscope watch`.

Clean streams are built so that every evaluated window holds exactly the reference's values
(the reference repeated: a sliding window of len(reference) rows is a rotation of it), so no
statistic can differ from the reference; drifting streams shift one column from a known row
on, and scipy's ks_2samp on the same windows is the oracle for the values printed.
"""

import csv
import json
import os
import pathlib
import select
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

N_REF = 1000


def module_cmd(*args):
    return [sys.executable, "-m", "driftscope", "watch", *args]


def run_watch(*args, stdin_text=None):
    return subprocess.run(module_cmd(*args), input=stdin_text, capture_output=True, text=True, timeout=120)


def write_rows(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return str(path)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("watch")
    rng = np.random.default_rng(20261126)
    x = np.round(rng.normal(0, 1, N_REF), 6)
    y = np.round(rng.normal(5, 2, N_REF), 6)
    color = rng.choice(["red", "green", "blue"], N_REF)
    code = rng.integers(1, 4, N_REF)
    ref_rows = [[f"{a:.6f}", f"{b:.6f}", c, str(k)] for a, b, c, k in zip(x, y, color, code)]
    header = ["x", "y", "color", "code"]
    ref = write_rows(d / "ref.csv", header, ref_rows)
    # clean: the reference 3 times, columns in another order
    order = [2, 0, 3, 1]
    clean = write_rows(d / "clean.csv", [header[i] for i in order],
                       [[r[i] for i in order] for r in ref_rows * 3])
    # drifting: the reference twice, then the reference with x + 3 (rows 2001..3000)
    shifted = [[f"{float(r[0]) + 3:.6f}", *r[1:]] for r in ref_rows]
    drift = write_rows(d / "drift.csv", header, ref_rows * 2 + shifted)
    stream_x = np.concatenate([x, x, np.round(x + 3, 6)])
    return {"dir": d, "ref": ref, "clean": clean, "drift": drift, "x": x, "stream_x": stream_x,
            "header": header, "ref_rows": ref_rows}


def test_clean_stream_gives_no_events(data):
    p = run_watch("--reference", data["ref"], "--input", data["clean"], "--window", str(N_REF), "--stride", "100")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("summary: 3000 rows, 21 windows evaluated (sliding 1000 / 100), 0 events"), p.stdout
    assert len(lines) == 1
    p = run_watch("--reference", data["ref"], "--kind", "tumbling", "--window", str(N_REF), "--format", "jsonl",
                  stdin_text=pathlib.Path(data["clean"]).read_text())
    assert p.returncode == 0, p.stderr
    assert p.stdout == ""


def test_drifting_stream_events_at_expected_windows(data):
    p = run_watch("--reference", data["ref"], "--input", data["drift"], "--window", str(N_REF), "--stride", "100",
                  "--format", "jsonl", "--chunk", "250")
    assert p.returncode == 0, p.stderr
    events = [json.loads(line) for line in p.stdout.splitlines()]
    assert events, "a shift of 3 standard deviations must fire"
    for e in events:
        assert set(e) == {"feature", "statistic", "level", "value", "threshold", "window_end"}
        # windows up to row 2000 are rotations of the reference; only x changes afterwards
        assert e["window_end"] > 2000 and e["feature"] == "x", e
        assert (e["window_end"] - N_REF) % 100 == 0
        assert e["level"] in ("warning", "alarm")
    ks = [e for e in events if e["statistic"] == "ks"]
    psi = [e for e in events if e["statistic"] == "psi"]
    assert ks and psi
    # the oracle: scipy's KS p-value on the same window (exact or asymptotic method)
    ref_x, sx = data["x"], data["stream_x"]
    for e in ks:
        w = sx[e["window_end"] - N_REF:e["window_end"]]
        cands = [stats.ks_2samp(w, ref_x, method=m).pvalue for m in ("exact", "asymp")]
        assert any(abs(e["value"] - c) <= 1e-6 + 1e-3 * c for c in cands), (e, cands)
        assert e["value"] < e["threshold"]
    # default rules (patience 1, no cooldown): KS fires at every window whose p < 0.01, so the
    # first KS event is the first window where scipy's p-value is < 0.01 (well below it here)
    ends = list(range(2100, 3001, 100))
    pvals = {t: stats.ks_2samp(sx[t - N_REF:t], ref_x, method="asymp").pvalue for t in ends}
    first_alarm = next(e["window_end"] for e in ks if e["level"] == "alarm")
    expected = next(t for t in ends if pvals[t] < 1e-3)
    # (unless the p-value at the earlier of the two is too close to 0.001 to tell the methods apart)
    assert first_alarm == expected or 0.5e-3 < pvals[min(first_alarm, expected)] < 2e-3, (first_alarm, pvals)
    assert {e["window_end"] for e in ks} >= {t for t in ends if pvals[t] < 1e-4}
    assert psi[-1]["window_end"] == 3000 and psi[-1]["level"] == "alarm"


def test_text_output_and_summary(data):
    p = run_watch("--reference", data["ref"], "--input", data["drift"])
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    ev = [ln for ln in lines if ln.startswith("window_end")]
    assert ev and all(" x " in ln for ln in ev)
    assert any("ALARM" in ln and "ks p=" in ln and "< 0.001" in ln for ln in ev)
    assert any("ALARM" in ln and " psi " in ln and ">= 0.25" in ln for ln in ev)
    assert f"summary: 3000 rows, 21 windows evaluated (sliding 1000 / 100), {len(ev)} events" in p.stdout
    assert any(ln.strip().startswith("x/ks:") for ln in lines)


def test_streaming_prints_before_input_ends(data):
    """Events are printed (and flushed) while stdin is still open."""
    proc = subprocess.Popen(module_cmd("--reference", data["ref"], "--chunk", "100", "--format", "jsonl"),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        text = pathlib.Path(data["drift"]).read_text().splitlines(keepends=True)
        proc.stdin.write("".join(text[:2801]))  # header + 2800 rows: windows up to 2800 are evaluated
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "no event printed while the stream is open"
        first = json.loads(proc.stdout.readline())
        assert first["feature"] == "x" and 2000 < first["window_end"] <= 2800
        assert proc.poll() is None  # still waiting for more input
        proc.stdin.write("".join(text[2801:]))
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()


def test_fewer_rows_than_a_window(data):
    rows = "".join(pathlib.Path(data["clean"]).read_text().splitlines(keepends=True)[:501])
    p = run_watch("--reference", data["ref"], stdin_text=rows)
    assert p.returncode == 0, p.stderr
    assert "summary: 500 rows, 0 windows evaluated" in p.stdout and "nothing was evaluated" in p.stdout


def test_categorical_option(data, tmp_path):
    # 'code' holds numbers: numerical by default, so a text code is a malformed row ...
    rows = data["ref_rows"][:50] + [["0.1", "5.0", "red", "A"]]
    bad = write_rows(tmp_path / "codes.csv", data["header"], rows)
    p = run_watch("--reference", data["ref"], "--input", bad)
    assert p.returncode == 2 and "line 52" in p.stderr and "'code'" in p.stderr and "--categorical code" in p.stderr
    # ... and accepted with --categorical code; "2.0" and "2" are the same category
    p = run_watch("--reference", data["ref"], "--input", bad, "--categorical", "code")
    assert p.returncode == 0, p.stderr
    same = [[r[0], r[1], r[2], r[3] + ".0"] for r in data["ref_rows"]]
    p = run_watch("--reference", data["ref"], "--categorical", "code", "--window", str(N_REF), "--format", "jsonl",
                  "--input", write_rows(tmp_path / "same.csv", data["header"], same * 2))
    assert p.returncode == 0 and p.stdout == "", (p.stdout, p.stderr)


@pytest.mark.parametrize("case", ["no_reference", "empty_reference", "missing_column", "unknown_column",
                                  "non_numeric", "field_count", "empty_stream", "bad_categorical",
                                  "tumbling_stride", "bad_window"])
def test_errors_exit_2(data, tmp_path, case):
    ref, header = data["ref"], data["header"]
    body = data["ref_rows"][:20]
    stdin = None
    args = ["--reference", ref]
    needle = None
    if case == "no_reference":
        args = ["--reference", str(tmp_path / "absent.csv")]
        stdin, needle = "x\n1\n", "absent.csv"
    elif case == "empty_reference":
        (tmp_path / "empty.csv").write_text("")
        args = ["--reference", str(tmp_path / "empty.csv")]
        stdin, needle = "x\n1\n", "empty"
    elif case == "missing_column":
        stdin, needle = "x,y,color\n1,2,red\n", "missing column(s) code"
    elif case == "unknown_column":
        stdin, needle = "x,y,color,code,z\n1,2,red,1,5\n", "unknown column(s) z"
    elif case == "non_numeric":
        rows = body + [["abc", "1", "red", "1"]]
        args += ["--input", write_rows(tmp_path / "s.csv", header, rows)]
        needle = "line 22: column 'x' is numerical in the reference, got 'abc'"
    elif case == "field_count":
        stdin, needle = "x,y,color,code\n1,2,red,1\n1,2,red\n", "line 3: 3 fields, the header has 4"
    elif case == "empty_stream":
        stdin, needle = "", "empty stream"
    elif case == "bad_categorical":
        args += ["--categorical", "nope"]
        stdin, needle = "x,y,color,code\n", "--categorical: column 'nope'"
    elif case == "tumbling_stride":
        args += ["--kind", "tumbling", "--window", "100", "--stride", "10"]
        stdin, needle = "x,y,color,code\n", "--stride must equal --window"
    elif case == "bad_window":
        args += ["--window", "0"]
        stdin, needle = "", "must be >= 1"
    p = run_watch(*args, stdin_text=stdin)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert needle in p.stderr, p.stderr
    assert "Traceback" not in p.stderr


def test_in_process_parser_knows_watch():
    from driftscope.cli import build_parser

    a = build_parser().parse_args(["watch", "--reference", "r.csv"])
    assert (a.window, a.stride, a.kind, a.format, a.chunk, a.input, a.ks_method) == \
        (1000, None, "sliding", "text", 1000, None, "asymp")
    assert os.path.basename(a.reference) == "r.csv"


def test_format_event_text():
    from driftscope._core import AlarmEvent
    from driftscope.cli import format_event

    e = AlarmEvent("pitch_hz", "ks", "alarm", 1.5e-7, 0.001, 2300)
    assert format_event(e) == "window_end    2300  ALARM    pitch_hz  ks p=1.50e-07 < 0.001"
    e = AlarmEvent("device", "psi", "warning", 0.1234, 0.1, 900)
    assert format_event(e) == "window_end     900  WARNING  device  psi 0.1234 >= 0.1"
