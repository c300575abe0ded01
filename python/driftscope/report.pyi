from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

__all__ = ["ColumnDrift", "DriftReport", "compare", "report_tests"]

@dataclass(frozen=True)
class ColumnDrift:
    name: str
    type: str
    test: Optional[str]
    threshold: Optional[float]
    threshold_kind: Optional[str]
    statistic: Optional[float]
    pvalue: Optional[float]
    pvalue_adjusted: Optional[float]
    drift: Optional[bool]
    score: Optional[float]
    n_reference: int
    n_current: int
    missing_reference: int
    missing_current: int
    error: Optional[str]
    plot: Optional[Dict[str, Any]] = ...

class DriftReport:
    def __init__(self, json_text: str) -> None: ...
    @property
    def columns(self) -> List[ColumnDrift]: ...
    @property
    def drift(self) -> bool: ...
    @property
    def share_drifted(self) -> float: ...
    @property
    def n_drifted(self) -> int: ...
    def __getitem__(self, name: str) -> ColumnDrift: ...
    def __len__(self) -> int: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self, indent: Optional[int] = None) -> str: ...
    def to_pandas(self) -> Any: ...
    def to_html(self) -> str: ...
    def save_html(self, path: str) -> None: ...
    def _repr_html_(self) -> str: ...

def report_tests() -> List[Dict[str, Any]]: ...
def compare(
    reference: Any,
    current: Any,
    columns: Optional[Sequence[str]] = None,
    tests: Union[None, str, Mapping[str, str]] = None,
    thresholds: Union[None, float, Mapping[str, float]] = None,
    correction: Optional[str] = None,
    drift_share: float = 0.5,
    *,
    n_jobs: int = 1,
    column_names: Optional[Sequence[str]] = None,
    alpha: float = 0.05,
    plots: bool = True,
) -> DriftReport: ...
