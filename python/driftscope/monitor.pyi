from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from .shape import DriftShape

from ._core import AlarmEvent as AlarmEvent
from ._core import EventLog as EventLog
from ._core import ThresholdRule as ThresholdRule
from ._core import ThresholdTracker as ThresholdTracker

from ._alerts import *
from ._exposition import *
from ._pipeline import Monitor as Monitor
from ._pipeline import PipelineMonitor as PipelineMonitor
from ._pipeline import Stage as Stage

__all__: List[str]

class StreamMonitor:
    def __init__(
        self,
        reference: Any,
        columns: Optional[Sequence[str]] = ...,
        categorical: Optional[Sequence[str]] = ...,
        window: str = ...,
        size: int = ...,
        stride: Optional[int] = ...,
        duration: Optional[int] = ...,
        half_life: Optional[float] = ...,
        statistics: Optional[Mapping[str, Sequence[str]]] = ...,
        rules: Optional[Mapping[str, Mapping[str, Optional[ThresholdRule]]]] = ...,
        bins: int = ...,
        on_event: Optional[Callable[[AlarmEvent], Any]] = ...,
        *,
        binning: Any = ...,
        psi_epsilon: float = ...,
        event_capacity: int = ...,
        ks_method: str = ...,
        value_metrics: bool = ...,
    ) -> None: ...
    def update(self, row: Any, timestamp: Any = ...) -> List[AlarmEvent]: ...
    def update_many(self, rows: Any, timestamps: Any = ...) -> List[AlarmEvent]: ...
    def snapshot(self) -> Dict[str, Any]: ...
    def current(self) -> Dict[str, Any]: ...
    def metric_families(self) -> List[Any]: ...
    def score_history(self, column: str, statistic: str) -> Tuple[np.ndarray, np.ndarray]: ...
    def drift_shape(self, column: str, statistic: str, min_duration: Optional[float] = ...) -> DriftShape: ...
    @property
    def events(self) -> EventLog: ...
    @property
    def columns(self) -> List[str]: ...
    @property
    def column_kinds(self) -> Dict[str, str]: ...
    @property
    def categories(self) -> Dict[str, List[str]]: ...
    @property
    def rows_seen(self) -> int: ...
    @property
    def memory_bytes(self) -> int: ...
    @property
    def value_metrics(self) -> bool: ...
    @property
    def on_event(self) -> Optional[Callable[[AlarmEvent], Any]]: ...
    def set_on_event(self, callback: Optional[Callable[[AlarmEvent], Any]]) -> None: ...
    def merge(self, other: StreamMonitor) -> None: ...
    def serialize(self) -> bytes: ...
    @classmethod
    def deserialize(cls, data: bytes) -> StreamMonitor: ...
    def __reduce__(self) -> Any: ...
