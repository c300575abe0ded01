"""Plain-text tables and JSON-safe values for the command line (no algorithm lives here)."""

from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence

__all__ = ["fmt_float", "fmt_p", "json_number", "render_table"]


def fmt_float(x: Optional[float], digits: int = 4) -> str:
    """Fixed-point for ordinary magnitudes, scientific for very large / small ones, '-' for None."""
    if x is None:
        return "-"
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x != 0 and (abs(x) >= 1e6 or abs(x) < 10 ** -digits):
        return f"{x:.{max(digits - 1, 1)}e}"
    return f"{x:.{digits}f}"


def fmt_p(p: Optional[float]) -> str:
    """p-values: 3 significant digits, scientific below 1e-3."""
    if p is None:
        return "-"
    if math.isnan(p):
        return "nan"
    if p == 0:
        return "0"
    if p < 1e-3:
        return f"{p:.2e}"
    return f"{p:.3f}"


def json_number(x: Any) -> Any:
    """float for JSON: NaN -> None, +/-inf -> "inf" / "-inf" (keeps the output strict JSON)."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """Columns padded to their widest cell; ``align`` holds 'l' or 'r' per column (default: l then r)."""
    ncol = len(header)
    if not align:
        align = "l" + "r" * (ncol - 1)
    widths = [len(h) for h in header]
    for r in rows:
        for j, c in enumerate(r):
            widths[j] = max(widths[j], len(c))

    def line(cells: Sequence[str]) -> str:
        out: List[str] = []
        for j, c in enumerate(cells):
            out.append(c.ljust(widths[j]) if align[j] == "l" else c.rjust(widths[j]))
        return "  ".join(out).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), sep] + [line(r) for r in rows])
