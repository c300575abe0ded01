from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import numpy.typing as npt

from ._house import HouseStream
from ._speech import SpeechStream

__all__ = [
    "CONCEPT_STREAMS",
    "DEFAULT_SEED",
    "DESCRIPTION",
    "DETECTORS",
    "ERROR_STREAMS",
    "FEATURES",
    "SCENARIOS",
    "STREAM_RULES",
    "Batch",
    "ConceptStream",
    "DemoDetector",
    "ErrorStream",
    "Scenario",
    "adult_voices",
    "children_voices",
    "gradual_shift",
    "mixed_voices",
    "no_drift",
    "render_text",
    "run",
    "run_concept",
    "run_detectors",
    "run_stream",
    "slow_rise",
    "sudden_shift",
    "sudden_shock",
    "verdict",
]

DESCRIPTION: str
DEFAULT_SEED: int
REFERENCE_SIZE: int
BATCH_SIZE: int
FEATURES: tuple[str, ...]
PSI_WARN: float
PSI_DRIFT: float
KS_ALPHA: float
ERROR_STREAM_SIZE: int
STREAM_WINDOW: int
STREAM_STRIDE: int
STREAM_PATIENCE: int
STREAM_COOLDOWN: int
STREAM_RULES: Dict[str, Dict[str, Any]]
CONCEPT_REFERENCE: int
CONCEPT_ROWS: int
CONCEPT_CHANGE: int
CONCEPT_RAMP: int
CONCEPT_WINDOW: int
CONCEPT_ALPHA: float

_Features = Dict[str, npt.NDArray[np.float64]]

@dataclass
class Batch:
    label: str
    children_share: float
    data: _Features

@dataclass
class Scenario:
    name: str
    title: str
    batches: List[Batch]

_ScenarioFn = Callable[[np.random.Generator, int], Scenario]

SCENARIOS: List[_ScenarioFn]

@dataclass
class ErrorStream:
    name: str
    title: str
    errors: npt.NDArray[np.float64]
    change_start: int
    change_end: int
    rate_before: float
    rate_after: float

@dataclass
class DemoDetector:
    name: str
    call: str
    make: Callable[[], Any]

_ErrorStreamFn = Callable[[np.random.Generator, int], ErrorStream]

ERROR_STREAMS: List[_ErrorStreamFn]
DETECTORS: List[DemoDetector]

@dataclass
class ConceptStream:
    name: str
    title: str
    make: Callable[[int], HouseStream]

CONCEPT_STREAMS: List[ConceptStream]

def adult_voices(rng: np.random.Generator, n: int) -> _Features: ...
def children_voices(rng: np.random.Generator, n: int) -> _Features: ...
def mixed_voices(rng: np.random.Generator, n: int, children_share: float) -> _Features: ...
def no_drift(rng: np.random.Generator, n: int) -> Scenario: ...
def gradual_shift(rng: np.random.Generator, n: int) -> Scenario: ...
def sudden_shift(rng: np.random.Generator, n: int) -> Scenario: ...
def sudden_shock(rng: np.random.Generator, n: int) -> ErrorStream: ...
def slow_rise(rng: np.random.Generator, n: int) -> ErrorStream: ...
def verdict(psi: float, ks_pvalue: float) -> str: ...
def run(
    seed: int = ...,
    scenarios: Optional[List[_ScenarioFn]] = None,
    reference_size: int = ...,
    batch_size: int = ...,
    detectors: Optional[List[DemoDetector]] = None,
    error_streams: Optional[List[_ErrorStreamFn]] = None,
    stream: bool = True,
    concept: bool = True,
    pipeline: bool = True,
    deployment: bool = True,
) -> Dict[str, Any]: ...
def run_concept(seed: int = ..., streams: Optional[List[ConceptStream]] = None) -> Dict[str, Any]: ...
def run_stream(seed: int = ..., speech: Optional[SpeechStream] = None) -> Dict[str, Any]: ...
def run_detectors(
    seed: int = ...,
    detectors: Optional[List[DemoDetector]] = None,
    streams: Optional[List[_ErrorStreamFn]] = None,
    n: int = ...,
) -> Dict[str, Any]: ...
def render_text(result: Dict[str, Any]) -> str: ...
