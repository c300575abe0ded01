"""Self-contained HTML for a dataset drift report (``DriftReport.to_html()``).

``render_html(report)`` takes the dict of ``DriftReport.to_dict()`` and returns one HTML5
document with inline CSS and inline SVG charts drawn here, so the file opens offline: no
JavaScript library, no network, no external font or image (one tiny inline script only counts
the rendered charts, for the headless-browser test and for anyone checking a saved file).

No statistic is computed here: the C++ report hands over the bin edges and counts, the ECDF
points and the category counts; this module only turns counts into proportions (the reference
and current sizes differ, so raw counts would not be comparable) and proportions into pixels.

Every string taken from the report is escaped (``html.escape`` with quotes, also inside SVG
text and attributes); element ids are ``col-<index>`` so any column name is safe.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from ._report import fmt_float, fmt_p

__all__ = ["render_html"]

# Okabe & Ito's colour-blind-safe palette: blue and orange stay distinct under the common
# colour-vision deficiencies; the ECDF also draws the current sample dashed, so print in grey works.
_REF_COLOUR = "#0072B2"
_CUR_COLOUR = "#E69F00"
_BAR_OPACITY = "0.55"  # overlaid histogram bars: both stay visible where they overlap
_SIDE_OPACITY = "0.85"  # side-by-side category bars

# Chart geometry (SVG user units; the CSS scales the SVG down on narrow screens).
_W = 520
_H = 230
_TOP = 30  # room for the chart title and the legend
_BOTTOM = 34  # x tick labels
_LEFT = 50  # y tick labels
_RIGHT = 14
_LABEL_CHARS = 22  # category labels longer than this are truncated (full text in <title>)
_CAT_LEFT = 160  # room for category labels
_CAT_ROW = 24  # height of one category's pair of bars

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg2:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:var(--fg);margin:0 auto;padding:16px 24px 40px;max-width:1180px}
h1{font-size:22px;margin:4px 0 8px}h2{font-size:18px;margin:28px 0 8px}
h3{font-size:16px;margin:0 0 4px;overflow-wrap:anywhere}
a{color:#0550ae}
.verdict{font-size:17px;font-weight:600;padding:8px 12px;border-radius:6px;display:inline-block}
.verdict.drift{background:#ffebe9;color:#82071e;border:1px solid #ff8182}
.verdict.ok{background:#dafbe1;color:#116329;border:1px solid #4ac26b}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:10px 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
table{border-collapse:collapse;width:100%%;font-variant-numeric:tabular-nums}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th{position:sticky;top:0;background:#fff;border-bottom:2px solid var(--line)}
th.l,td.l{text-align:left}td.name{overflow-wrap:anywhere;max-width:280px}
tbody tr:nth-child(even){background:var(--bg2)}
td.errmsg{text-align:left;color:#82071e;overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;
white-space:nowrap;border:1px solid}
.badge.drift{background:#ffebe9;color:#82071e;border-color:#ff8182}
.badge.ok{background:#dafbe1;color:#116329;border-color:#4ac26b}
.badge.err{background:#fff8c5;color:#7d4e00;border-color:#d4a72c}
.badge.na{background:var(--bg2);color:var(--muted);border-color:var(--line)}
.adj{color:var(--muted);font-size:12px;white-space:nowrap}
section.col{border-top:1px solid var(--line);padding:14px 0 6px}
p.meta{color:var(--muted);margin:2px 0 8px;overflow-wrap:anywhere}
p.error{background:#fff8c5;border:1px solid #d4a72c;padding:8px 10px;border-radius:6px;
white-space:pre-wrap;overflow-wrap:anywhere}
.charts{display:flex;flex-wrap:wrap;gap:12px}
svg.chart{width:100%%;max-width:%(w)dpx;height:auto;border:1px solid var(--line);border-radius:6px;
background:#fff}
svg text{font-size:11px;fill:var(--fg)}svg .ttl{font-weight:600;font-size:12px}
svg .grid{stroke:#e6eaef}svg .axis{stroke:#818b98}
.top{font-size:12px}footer{color:var(--muted);font-size:12px;margin-top:28px}
@media print{section.col{break-inside:avoid}th{position:static}.top{display:none}}
""" % {"w": _W}

# Counts the charts that actually laid out (non-empty bounding box) once the DOM is ready, so a
# headless browser's --dump-dom shows data-rendered next to the data-charts the renderer emitted.
_SCRIPT = (
    'document.addEventListener("DOMContentLoaded",function(){var n=0;'
    'document.querySelectorAll("svg.chart").forEach(function(s){'
    "var b=s.getBBox();if(b.width>0&&b.height>0)n++;});"
    "document.body.dataset.rendered=String(n);});"
)


# --------------------------------------------------------------------------- value helpers


def _esc(value: Any) -> str:
    """Text or attribute-safe form of any value from the report.

    Besides html.escape (quotes included, so it is safe in attributes), control characters that
    HTML forbids are replaced by U+FFFD and lone surrogates (possible in names read from files)
    by '?', so the document always encodes as UTF-8 and parses cleanly.
    """
    s = value if isinstance(value, str) else str(value)
    if not s.isascii():
        s = s.encode("utf-8", "replace").decode("utf-8")
    s = _CONTROL.sub("\ufffd", s)
    return html.escape(s, quote=True)


def _num(value: Any, where: str) -> Optional[float]:
    """A float from a report field: None and NaN -> None; "inf" / "-inf" (JSON-safe form) accepted."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.strip().lower() not in ("inf", "+inf", "-inf", "infinity", "-infinity", "nan"):
            raise ValueError(f"render_html: {where} must be a number or null, got {value!r}")
        v = float(value)
    else:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"render_html: {where} must be a number or null, got {value!r}") from None
    # + 0.0 turns -0.0 (e.g. a score log(1) / log(t)) into 0.0, so it never shows as "-0.00".
    return None if math.isnan(v) else v + 0.0


def _int(value: Any, where: str) -> Optional[int]:
    v = _num(value, where)
    if v is None or math.isinf(v):
        return None
    return int(v)


def _seq(value: Any, where: str) -> List[Any]:
    """A list from a list / tuple / numpy array field (strings are not sequences of values here)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or not hasattr(value, "__iter__"):
        raise ValueError(f"render_html: {where} must be a list, got {type(value).__name__}")
    return list(value)


def _floats(value: Any, where: str) -> List[float]:
    """Numbers of a plot array; a null / non-finite entry becomes NaN and is drawn as nothing."""
    out: List[float] = []
    for i, v in enumerate(_seq(value, where)):
        f = _num(v, f"{where}[{i}]")
        out.append(math.nan if f is None else f)
    return out


def _coord(v: float) -> str:
    """SVG coordinate with one decimal, trailing zeros dropped (keeps 200-column files small)."""
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _fmt_count(n: Optional[int]) -> str:
    return "-" if n is None else f"{n:,}"


def _fmt_short(x: Optional[float]) -> str:
    """Thresholds and shares: up to 4 significant digits ("0.05", "0.1", "2.5e-06")."""
    if x is None:
        return "-"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.4g}"


def _fmt_pct(x: float) -> str:
    return f"{x * 100:.3g}%"


def _tick_labels(values: Sequence[float]) -> List[str]:
    """Compact labels, with just enough significant digits to tell distinct ticks apart."""
    labels: List[str] = []
    n_distinct = len(set(values))
    for digits in range(3, 13):
        labels = [f"{v:.{digits}g}" if math.isfinite(v) else fmt_float(v) for v in values]
        if len(set(labels)) >= n_distinct:
            break
    return labels


def _nice_top(v: float) -> float:
    """Axis top: the smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (times a power of ten) >= v."""
    if not (v > 0 and math.isfinite(v)):
        return 1.0
    base = 10.0 ** math.floor(math.log10(v))
    for m in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if m * base >= v * (1 - 1e-12):
            return m * base
    return 10.0 * base


def _proportions(counts: Sequence[float]) -> List[float]:
    """counts / total over the finite non-negative counts; all zero when the total is 0."""
    clean = [c if math.isfinite(c) and c > 0 else 0.0 for c in counts]
    total = math.fsum(clean)
    return [c / total for c in clean] if total > 0 else [0.0] * len(clean)


def _increasing(xs: Sequence[float]) -> bool:
    """True if xs are finite, strictly increasing and their span is a finite positive number."""
    if len(xs) < 2 or not all(math.isfinite(x) for x in xs):
        return False
    if any(b <= a for a, b in zip(xs, xs[1:])):
        return False
    span = xs[-1] - xs[0]
    return math.isfinite(span) and span > 0


# --------------------------------------------------------------------------- SVG pieces


def _svg_open(width: int, height: int, label: str, title: str) -> List[str]:
    """The <svg> element with role/aria-label and a <title> (read by screen readers, shown on hover)."""
    return [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_esc(label)}"><title>{_esc(label)}</title>',
        f'<text class="ttl" x="10" y="18">{_esc(title)}</text>',
    ]


def _legend(out: List[str], right: float, lines: bool = False, opacity: str = _BAR_OPACITY) -> None:
    """Reference / current keys, right-aligned at the top of a chart: filled squares for bars,
    a solid and a dashed line segment for the ECDF's step lines."""
    out.append('<g aria-hidden="true">')
    x = right - 176
    for colour, text, dash in ((_REF_COLOUR, "reference", ""), (_CUR_COLOUR, "current", ' stroke-dasharray="6 4"')):
        if lines:
            out.append(f'<line x1="{_coord(x)}" x2="{_coord(x + 18)}" y1="15" y2="15" stroke="{colour}" '
                       f'stroke-width="2"{dash}/>')
        else:
            out.append(f'<rect x="{_coord(x + 3)}" y="9" width="12" height="12" fill="{colour}" '
                       f'fill-opacity="{opacity}" stroke="{colour}"/>')
        out.append(f'<text x="{_coord(x + 22)}" y="19">{text}</text>')
        x += 96
    out.append("</g>")


def _no_data(out: List[str], width: int, height: int, why: str) -> None:
    out.append(f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle">{_esc(why)}</text></svg>')


def _y_axis(out: List[str], top: float, left: float, right: float, y0: float, y1: float) -> None:
    """Grid lines and percent labels at 0, top/2 and top of a proportion axis (y0 = bottom px)."""
    for frac in (0.0, 0.5, 1.0):
        y = y0 + (y1 - y0) * frac
        out.append(f'<line class="grid" x1="{_coord(left)}" x2="{_coord(right)}" y1="{_coord(y)}" '
                   f'y2="{_coord(y)}"/><text x="{_coord(left - 5)}" y="{_coord(y + 4)}" '
                   f'text-anchor="end">{_fmt_pct(top * frac)}</text>')


def _x_ticks(out: List[str], pixels: Sequence[float], labels: Sequence[str], y: float) -> None:
    for px, lab in zip(pixels, labels):
        out.append(f'<line class="axis" x1="{_coord(px)}" x2="{_coord(px)}" y1="{_coord(y)}" '
                   f'y2="{_coord(y + 4)}"/><text x="{_coord(px)}" y="{_coord(y + 16)}" '
                   f'text-anchor="middle">{_esc(lab)}</text>')


def _spread(n: int, k: int) -> List[int]:
    """Up to k indices spread evenly over range(n), first and last included."""
    if n <= k:
        return list(range(n))
    return sorted({round(j * (n - 1) / (k - 1)) for j in range(k)})


def _svg_histogram(name: str, edges: List[float], ref: List[float], cur: List[float]) -> str:
    """Reference and current histograms as proportions, drawn over each other, semi-transparent."""
    k = len(ref)
    label = f"Histogram of {name}: share of rows per bin, reference vs current"
    out = _svg_open(_W, _H, label, "Distribution (share of rows)")
    if k == 0:
        _no_data(out, _W, _H, "no finite values to bin")
        return "".join(out)
    _legend(out, _W - _RIGHT)
    pr, pc = _proportions(ref), _proportions(cur)
    x0, x1 = float(_LEFT), float(_W - _RIGHT)
    ybot, ytop = float(_H - _BOTTOM), float(_TOP + 6)
    edge_text = _tick_labels(edges)
    finite = all(math.isfinite(e) for e in edges)
    if _increasing(edges):
        # Placed by value (the report's bins are equal-width, so this is also placing by index).
        lo, span = edges[0], edges[-1] - edges[0]
        px = [x0 + (e - lo) / span * (x1 - x0) for e in edges]
        titles = [f"[{edge_text[i]}, {edge_text[i + 1]})" for i in range(k)]
        ticks = _spread(k + 1, 6)
        tick_px, tick_text = [px[i] for i in ticks], _tick_labels([edges[i] for i in ticks])
    elif finite and min(edges) == max(edges):
        # Every value equal (a constant column): one bar in the middle, labelled with the value.
        pr, pc, k = [math.fsum(pr)], [math.fsum(pc)], 1
        mid, half = (x0 + x1) / 2, (x1 - x0) / 12
        px = [mid - half, mid + half]
        titles = [f"value {edge_text[0]}"]
        tick_px, tick_text = [(x0 + x1) / 2], [edge_text[0]]
    else:
        # Edges that cannot be placed by value (overflowing span, infinities): equal slots.
        px = [x0 + i / k * (x1 - x0) for i in range(k + 1)]
        titles = [f"[{edge_text[i]}, {edge_text[i + 1]})" for i in range(k)]
        ticks = _spread(k + 1, 6)
        tick_px, tick_text = [px[i] for i in ticks], [edge_text[i] for i in ticks]
    top = _nice_top(max(max(pr), max(pc)))
    _y_axis(out, top, x0, x1, ybot, ytop)
    scale = (ybot - ytop) / top
    for i in range(k):
        if pr[i] <= 0 and pc[i] <= 0:
            continue
        w = max(px[i + 1] - px[i], 0.5)
        out.append(f"<g><title>{_esc(titles[i])}: reference {_fmt_pct(pr[i])}, current {_fmt_pct(pc[i])}</title>")
        for p, colour in ((pr[i], _REF_COLOUR), (pc[i], _CUR_COLOUR)):
            if p > 0:
                h = p * scale
                out.append(f'<rect x="{_coord(px[i])}" y="{_coord(ybot - h)}" width="{_coord(w)}" '
                           f'height="{_coord(h)}" fill="{colour}" fill-opacity="{_BAR_OPACITY}"/>')
        out.append("</g>")
    out.append(f'<line class="axis" x1="{_coord(x0)}" x2="{_coord(x1)}" y1="{_coord(ybot)}" '
               f'y2="{_coord(ybot)}"/>')
    _x_ticks(out, tick_px, tick_text, ybot)
    out.append("</svg>")
    return "".join(out)


def _svg_ecdf(name: str, xs: List[float], ref: List[float], cur: List[float]) -> str:
    """Empirical CDFs of both samples at the report's x points, as two right-continuous step lines."""
    label = f"Empirical CDF of {name}: reference (solid) vs current (dashed)"
    out = _svg_open(_W, _H, label, "Empirical CDF")
    keep = [i for i in range(len(xs)) if math.isfinite(xs[i])]
    if not keep:
        _no_data(out, _W, _H, "no finite values")
        return "".join(out)
    _legend(out, _W - _RIGHT, lines=True)
    x0, x1 = float(_LEFT), float(_W - _RIGHT)
    ybot, ytop = float(_H - _BOTTOM), float(_TOP + 6)
    _y_axis(out, 1.0, x0, x1, ybot, ytop)
    pts = [xs[i] for i in keep]
    if _increasing([pts[0], pts[-1]]):
        lo, span = pts[0], pts[-1] - pts[0]
        px = [x0 + (min(max(x, lo), pts[-1]) - lo) / span * (x1 - x0) for x in pts]
    elif len(set(pts)) == 1:  # a constant sample: the one step in the middle
        px = [(x0 + x1) / 2] * len(pts)
    else:  # a span that overflows: spread the points evenly
        px = [x0 + j / (len(pts) - 1) * (x1 - x0) for j in range(len(pts))]

    def y_of(f: float) -> float:
        return ybot - min(max(f, 0.0), 1.0) * (ybot - ytop)

    for ys, colour, dash in ((ref, _REF_COLOUR, ""), (cur, _CUR_COLOUR, ' stroke-dasharray="6 4"')):
        # F = 0 left of the first point, then hold each value until the next point (step "H then V")
        # and the last one to the right edge.
        d = [f"M{_coord(x0)},{_coord(ybot)}"]
        for j, i in enumerate(keep):
            f = ys[i]
            if math.isfinite(f):
                d.append(f"H{_coord(px[j])}V{_coord(y_of(f))}")
        if len(d) == 1:
            continue  # no finite value for this sample: draw nothing
        d.append(f"H{_coord(x1)}")
        out.append(f'<path d="{"".join(d)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
    out.append(f'<line class="axis" x1="{_coord(x0)}" x2="{_coord(x1)}" y1="{_coord(ybot)}" '
               f'y2="{_coord(ybot)}"/>')
    ticks = _spread(len(pts), 6)
    _x_ticks(out, [px[j] for j in ticks], _tick_labels([pts[j] for j in ticks]), ybot)
    out.append("</svg>")
    return "".join(out)


def _truncate(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def _svg_categories(name: str, cats: List[str], ref: List[float], cur: List[float]) -> str:
    """Grouped horizontal bars: per category, the reference and current share of rows.

    Horizontal so that labels read left to right at any length; labels longer than
    _LABEL_CHARS are cut with an ellipsis and the full label is in the group's <title> tooltip.
    """
    n = len(cats)
    label = f"Bar chart of {name}: share of rows per category, reference vs current"
    height = _TOP + 8 + max(n, 1) * _CAT_ROW + _BOTTOM
    out = _svg_open(_W, height, label, "Categories (share of rows)")
    if n == 0:
        _no_data(out, _W, height, "no categories")
        return "".join(out)
    _legend(out, _W - _RIGHT, opacity=_SIDE_OPACITY)
    pr, pc = _proportions(ref), _proportions(cur)
    top = _nice_top(max(max(pr), max(pc)))
    x0, x1 = float(_CAT_LEFT), float(_W - _RIGHT)
    y0 = float(_TOP + 8)
    ybot = y0 + n * _CAT_ROW
    scale = (x1 - x0) / top
    for frac in (0.0, 0.5, 1.0):
        x = x0 + (x1 - x0) * frac
        out.append(f'<line class="grid" x1="{_coord(x)}" x2="{_coord(x)}" y1="{_coord(y0)}" '
                   f'y2="{_coord(ybot)}"/><text x="{_coord(x)}" y="{_coord(ybot + 16)}" '
                   f'text-anchor="middle">{_fmt_pct(top * frac)}</text>')
    bar = (_CAT_ROW - 6) / 2
    for i, cat in enumerate(cats):
        y = y0 + i * _CAT_ROW + 3
        out.append(f"<g><title>{_esc(cat)}: reference {_fmt_pct(pr[i])}, current {_fmt_pct(pc[i])}"
                   f'</title><text x="{_coord(x0 - 6)}" y="{_coord(y + bar + 4)}" text-anchor="end">'
                   f"{_esc(_truncate(cat, _LABEL_CHARS))}</text>")
        for j, (p, colour) in enumerate(((pr[i], _REF_COLOUR), (pc[i], _CUR_COLOUR))):
            if p > 0:
                out.append(f'<rect x="{_coord(x0)}" y="{_coord(y + j * bar)}" width="{_coord(max(p * scale, 0.5))}" '
                           f'height="{_coord(bar)}" fill="{colour}" fill-opacity="{_SIDE_OPACITY}"/>')
        out.append("</g>")
    out.append(f'<line class="axis" x1="{_coord(x0)}" x2="{_coord(x0)}" y1="{_coord(y0)}" '
               f'y2="{_coord(ybot)}"/></svg>')
    return "".join(out)


# --------------------------------------------------------------------------- report model


class _Column:
    """One report row, read and checked once from the dict (only the fields the page shows)."""

    def __init__(self, index: int, row: Any) -> None:
        where = f"report['columns'][{index}]"
        if not isinstance(row, Mapping):
            raise ValueError(f"render_html: {where} must be a mapping, got {type(row).__name__}")
        if "name" not in row:
            raise ValueError(f"render_html: {where} has no 'name'")
        self.index = index
        self.anchor = f"col-{index}"
        self.name = str(row["name"])
        self.type = str(row.get("type") or "-")
        self.test = str(row.get("test") or "-")
        self.threshold = _num(row.get("threshold"), f"{where}['threshold']")
        self.threshold_kind = row.get("threshold_kind")
        self.statistic = _num(row.get("statistic"), f"{where}['statistic']")
        self.pvalue = _num(row.get("pvalue"), f"{where}['pvalue']")
        self.pvalue_adjusted = _num(row.get("pvalue_adjusted"), f"{where}['pvalue_adjusted']")
        drift = row.get("drift")
        self.drift: Optional[bool] = None if drift is None else bool(drift)
        self.score = _num(row.get("score"), f"{where}['score']")
        self.n_reference = _int(row.get("n_reference"), f"{where}['n_reference']")
        self.n_current = _int(row.get("n_current"), f"{where}['n_current']")
        self.missing_reference = _int(row.get("missing_reference"), f"{where}['missing_reference']")
        self.missing_current = _int(row.get("missing_current"), f"{where}['missing_current']")
        err = row.get("error")
        self.error: Optional[str] = None if err is None or err == "" else str(err)
        self.plot = row.get("plot")
        self.where = where
        if self.score is None and self.error is None and self.drift:
            # The JSON form writes +inf as null (report_json.hpp); a drifted row's score is only
            # missing when it was +inf (p = 0, or an infinite distance): keep it at the top.
            self.score = math.inf

    def sort_key(self) -> Tuple[int, float, int]:
        """Score descending (p = 0 gives +inf: first); rows without a score, errors included, last."""
        if self.error is not None or self.score is None:
            return (1, 0.0, self.index)
        return (0, -self.score, self.index)

    def threshold_text(self) -> str:
        t = _fmt_short(self.threshold)
        if self.threshold_kind == "pvalue":
            return f"p < {t}"
        if self.threshold_kind == "distance":
            return f"d \u2265 {t}"
        return t

    def badge(self) -> str:
        if self.error is not None:
            return '<span class="badge err">error</span>'
        if self.drift is None:
            return '<span class="badge na">n/a</span>'
        return '<span class="badge drift">drift</span>' if self.drift else '<span class="badge ok">no drift</span>'

    def pvalue_html(self) -> str:
        s = _esc(fmt_p(self.pvalue))
        if self.pvalue_adjusted is not None:
            s += f' <span class="adj">(adj. {_esc(fmt_p(self.pvalue_adjusted))})</span>'
        return s

    def charts(self) -> List[str]:
        """The column's SVG charts (none for a row without plot data)."""
        plot = self.plot
        if plot is None:
            return []
        w = f"{self.where}['plot']"
        if not isinstance(plot, Mapping):
            raise ValueError(f"render_html: {w} must be a mapping or null, got {type(plot).__name__}")
        kind = plot.get("kind")
        if kind == "numerical":
            edges = _floats(plot.get("edges", []), f"{w}['edges']")
            ref = _floats(plot.get("reference", []), f"{w}['reference']")
            cur = _floats(plot.get("current", []), f"{w}['current']")
            if len(cur) != len(ref) or (ref and len(edges) != len(ref) + 1):
                raise ValueError(f"render_html: {w}: 'edges' must have one more entry than 'reference' "
                                 f"and 'current' has as many as 'reference', got {len(edges)}, "
                                 f"{len(ref)}, {len(cur)}")
            charts = [_svg_histogram(self.name, edges, ref, cur)]
            ecdf = plot.get("ecdf")
            if ecdf is not None:
                if not isinstance(ecdf, Mapping):
                    raise ValueError(f"render_html: {w}['ecdf'] must be a mapping or null")
                xs = _floats(ecdf.get("x", []), f"{w}['ecdf']['x']")
                er = _floats(ecdf.get("reference", []), f"{w}['ecdf']['reference']")
                ec = _floats(ecdf.get("current", []), f"{w}['ecdf']['current']")
                if len(er) != len(xs) or len(ec) != len(xs):
                    raise ValueError(f"render_html: {w}['ecdf']: 'x', 'reference' and 'current' must "
                                     f"have equal lengths, got {len(xs)}, {len(er)}, {len(ec)}")
                charts.append(_svg_ecdf(self.name, xs, er, ec))
            return charts
        if kind == "categorical":
            cats = [str(c) for c in _seq(plot.get("categories", []), f"{w}['categories']")]
            ref = _floats(plot.get("reference", []), f"{w}['reference']")
            cur = _floats(plot.get("current", []), f"{w}['current']")
            if len(ref) != len(cats) or len(cur) != len(cats):
                raise ValueError(f"render_html: {w}: 'categories', 'reference' and 'current' must have "
                                 f"equal lengths, got {len(cats)}, {len(ref)}, {len(cur)}")
            return [_svg_categories(self.name, cats, ref, cur)]
        raise ValueError(f"render_html: {w}['kind'] must be 'numerical' or 'categorical', got {kind!r}")


# --------------------------------------------------------------------------- page


def _summary_row(c: _Column) -> str:
    cells = [
        f'<td class="l name"><a href="#{c.anchor}">{_esc(c.name)}</a></td>',
        f'<td class="l">{_esc(c.type)}</td>',
        f'<td class="l">{_esc(c.test)}</td>',
        f'<td class="thr">{_esc(c.threshold_text())}</td>',
    ]
    if c.error is not None:
        cells.append(f'<td class="errmsg" colspan="3">{_esc(c.error)}</td>')
    else:
        cells.append(f'<td class="stat">{_esc(fmt_float(c.statistic))}</td>')
        cells.append(f'<td class="p">{c.pvalue_html()}</td>')
        cells.append(f'<td class="score">{_esc(fmt_float(c.score, 2))}</td>')
    cells.append(f'<td class="l">{c.badge()}</td>')
    cells.append(f"<td>{_fmt_count(c.missing_reference)}</td><td>{_fmt_count(c.missing_current)}</td>")
    return f'<tr id="row-{c.index}">{"".join(cells)}</tr>'


def _column_section(c: _Column, charts: List[str]) -> str:
    meta = [_esc(c.type), f"test {_esc(c.test)}", f"threshold {_esc(c.threshold_text())}"]
    if c.error is None:
        meta.append(f"statistic {_esc(fmt_float(c.statistic))}")
        if c.pvalue is not None:
            meta.append(f"p-value {c.pvalue_html()}")
    meta.append(f"reference n = {_fmt_count(c.n_reference)} (missing {_fmt_count(c.missing_reference)})")
    meta.append(f"current n = {_fmt_count(c.n_current)} (missing {_fmt_count(c.missing_current)})")
    parts = [
        f'<section class="col" id="{c.anchor}" aria-labelledby="{c.anchor}-h">',
        f'<h3 id="{c.anchor}-h"><span class="name">{_esc(c.name)}</span> {c.badge()}</h3>',
        f'<p class="meta">{" &middot; ".join(meta)}</p>',
    ]
    if c.error is not None:
        parts.append(f'<p class="error"><strong>Error:</strong> {_esc(c.error)}</p>')
    if charts:
        parts.append(f'<div class="charts">{"".join(charts)}</div>')
    elif c.error is None:
        parts.append('<p class="meta">No plot data in this report.</p>')
    parts.append('<p class="top"><a href="#summary">&uarr; back to the summary</a></p></section>')
    return "".join(parts)


def _header(report: Mapping[str, Any], n_cols: int) -> Tuple[str, str]:
    """The page title and the header block (dataset verdict, rule, sizes, version)."""
    ds = report.get("dataset") or {}
    if not isinstance(ds, Mapping):
        raise ValueError(f"render_html: report['dataset'] must be a mapping, got {type(ds).__name__}")
    drift = ds.get("drift")
    n_drifted = _int(ds.get("n_drifted"), "report['dataset']['n_drifted']")
    n_columns = _int(ds.get("n_columns"), "report['dataset']['n_columns']")
    if n_columns is None:
        n_columns = n_cols
    share = _num(ds.get("share_drifted"), "report['dataset']['share_drifted']")
    drift_share = _num(ds.get("drift_share"), "report['dataset']['drift_share']")
    alpha = _num(ds.get("alpha"), "report['dataset']['alpha']")
    correction = ds.get("correction")
    if drift is None:
        verdict, cls = "Dataset drift: unknown", "ok"
    elif bool(drift):
        verdict, cls = "Dataset drift detected", "drift"
    else:
        verdict, cls = "No dataset drift", "ok"
    share_txt = "-" if share is None else _fmt_pct(share)
    if correction:
        rule = (f"{_esc(correction)} correction at alpha = {_esc(_fmt_short(alpha))}: p-value tests "
                "decide on adjusted p-values; the dataset drifts if any column drifts")
    else:
        rule = (f"the dataset drifts when the share of drifted columns is &ge; "
                f"{_esc('-' if drift_share is None else _fmt_pct(drift_share))} (no multiple-testing correction)")
    n_errors = _int(ds.get("n_errors"), "report['dataset']['n_errors']")
    n_ref = _int(report.get("n_reference"), "report['n_reference']")
    n_cur = _int(report.get("n_current"), "report['n_current']")
    version = report.get("driftscope_version")
    block = (
        "<header><h1>Data drift report</h1>"
        f'<p class="verdict {cls}" id="verdict">{verdict}: {_fmt_count(n_drifted)} of '
        f"{_fmt_count(n_columns)} columns drifted ({share_txt})</p>"
        '<dl class="facts">'
        f"<dt>Decision rule</dt><dd>{rule}</dd>"
        + ("" if n_errors is None else f"<dt>Columns with errors</dt><dd>{_fmt_count(n_errors)}</dd>")
        + f"<dt>Reference rows</dt><dd>{_fmt_count(n_ref)}</dd>"
        f"<dt>Current rows</dt><dd>{_fmt_count(n_cur)}</dd>"
        f"<dt>driftscope</dt><dd>{_esc(version if version is not None else '-')}</dd>"
        "</dl></header>"
    )
    title = f"Data drift report: {verdict} ({_fmt_count(n_drifted)}/{_fmt_count(n_columns)} columns)"
    return title, block


def render_html(report: Mapping[str, Any]) -> str:
    """One self-contained HTML5 page for a drift report.

    Parameters
    ----------
    report : mapping
        ``DriftReport.to_dict()``: ``driftscope_version``, ``n_reference``, ``n_current``,
        ``dataset`` (verdict) and ``columns`` (one row per column, with optional ``plot`` data).
        NaN and ``None`` show as "-"; infinities may be floats or the strings "inf" / "-inf".
        The JSON form writes +inf as null, so a drifted row without error whose score is null
        sorts as score +inf (it had p = 0 or an infinite distance).

    Returns
    -------
    str
        The document: a header with the dataset verdict, a summary table sorted by drift score
        (rows without a score, errors included, last) linking to one section per column with
        its charts (numerical: overlaid histograms of proportions and ECDFs; categorical: grouped
        bars of proportions). The body's ``data-charts`` holds the number of charts; an inline
        script sets ``data-rendered`` to the number that laid out with a non-empty box.

    Raises
    ------
    TypeError
        ``report`` is not a mapping.
    ValueError
        ``report['columns']`` is missing or not a list, a row has no name, a number field holds
        something else, or a row's plot arrays have inconsistent lengths.
    """
    if not isinstance(report, Mapping):
        raise TypeError(f"render_html: report must be a mapping (DriftReport.to_dict()), got {type(report).__name__}")
    if "columns" not in report:
        raise ValueError("render_html: report has no 'columns'")
    rows = _seq(report["columns"], "report['columns']")
    cols = [_Column(i, r) for i, r in enumerate(rows)]
    ordered = sorted(cols, key=_Column.sort_key)
    title, header = _header(report, len(cols))

    sections: List[str] = []
    n_charts = 0
    for c in ordered:
        charts = c.charts()
        n_charts += len(charts)
        sections.append(_column_section(c, charts))

    head = ('<th class="l">Column</th><th class="l">Type</th><th class="l">Test</th><th>Threshold</th>'
            '<th>Statistic</th><th>p-value</th><th title="distance / threshold, or log p / log threshold: '
            '1 at the threshold, larger means more drift">Score</th><th class="l">Drift</th>'
            "<th>Missing ref.</th><th>Missing cur.</th>")
    body = "".join(_summary_row(c) for c in ordered)
    summary = (
        '<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Columns by drift score</h2>'
        + (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" if cols
           else "<p>The report has no columns.</p>")
        + "</section>"
    )
    parts = [
        "<!DOCTYPE html>\n",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title><style>{_CSS}</style></head>",
        f'<body data-charts="{n_charts}">',
        header,
        "<main>",
        summary,
        '<h2 id="columns-h">Columns</h2>' if cols else "",
        *sections,
        "</main>",
        "<footer>Generated by driftscope; self-contained: opens without a network connection.</footer>",
        f"<script>{_SCRIPT}</script></body></html>\n",
    ]
    return "".join(parts)
