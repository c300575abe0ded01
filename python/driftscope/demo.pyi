from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_SEED",
    "DESCRIPTION",
    "FEATURES",
    "SCENARIOS",
    "Batch",
    "Scenario",
    "adult_voices",
    "children_voices",
    "gradual_shift",
    "mixed_voices",
    "no_drift",
    "render_text",
    "run",
    "sudden_shift",
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

def adult_voices(rng: np.random.Generator, n: int) -> _Features: ...
def children_voices(rng: np.random.Generator, n: int) -> _Features: ...
def mixed_voices(rng: np.random.Generator, n: int, children_share: float) -> _Features: ...
def no_drift(rng: np.random.Generator, n: int) -> Scenario: ...
def gradual_shift(rng: np.random.Generator, n: int) -> Scenario: ...
def sudden_shift(rng: np.random.Generator, n: int) -> Scenario: ...
def verdict(psi: float, ks_pvalue: float) -> str: ...
def run(
    seed: int = ...,
    scenarios: Optional[List[_ScenarioFn]] = None,
    reference_size: int = ...,
    batch_size: int = ...,
) -> Dict[str, Any]: ...
def render_text(result: Dict[str, Any]) -> str: ...
