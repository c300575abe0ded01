"""The self-contained HTML drift report (driftscope._html.render_html).

Input is the DriftReport.to_dict() schema, built here by a fixture helper from real samples
(so the report is realistic without depending on driftscope.compare). Pure-Python tests check
structure, escaping, order and formatting; the Chromium tests open the file in headless
Chromium and check that every section and chart lays out. They are skipped when no Chromium
is installed, unless DRIFTSCOPE_REQUIRE_CHROMIUM=1 (set by ./dev test), which makes them fail.
"""

import html
import json
import math
import os
import re
import shutil
import struct
import subprocess
import time
from html.parser import HTMLParser

import numpy as np
import pytest
from _util import quiet
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps
from scipy.spatial.distance import jensenshannon
from statsmodels.stats.multitest import multipletests

from driftscope._html import render_html
from driftscope._report import fmt_float, fmt_p

SPECIAL_NAME = "<b>&\"'"
UNICODE_NAME = "température °C ✓ 日本語 \U0001f600"
ERROR_TEXT = "all values missing in current <none> & \"quoted\""
LONG_LABEL = "a very long category label that goes on <and> on & on"

# --------------------------------------------------------------------------- report fixtures


def numerical_plot(ref, cur, bins=30, n_x=100):
    """Plot data as the C++ report emits it: equal-width bins over the combined range, ECDF at n_x points."""
    both = np.concatenate([ref, cur])
    lo, hi = float(both.min()), float(both.max())
    if hi <= lo:  # constant: the renderer must cope with degenerate edges
        edges = np.full(bins + 1, lo)
        r = np.zeros(bins, dtype=int)
        c = np.zeros(bins, dtype=int)
        r[0], c[0] = len(ref), len(cur)
        x = np.array([lo])
    else:
        edges = np.linspace(lo, hi, bins + 1)
        r = np.histogram(ref, edges)[0]
        c = np.histogram(cur, edges)[0]
        x = np.linspace(lo, hi, n_x)
    er = np.searchsorted(np.sort(ref), x, side="right") / len(ref)
    ec = np.searchsorted(np.sort(cur), x, side="right") / len(cur)
    return {"kind": "numerical", "edges": edges.tolist(), "reference": r.tolist(), "current": c.tolist(),
            "ecdf": {"x": x.tolist(), "reference": er.tolist(), "current": ec.tolist()}}


def categorical_plot(ref, cur, top=30):
    cats, counts = np.unique(np.concatenate([ref, cur]), return_counts=True)
    order = np.argsort(-counts, kind="stable")
    keep = [str(c) for c in cats[order][:top]]
    r = [int(np.sum(ref == c)) for c in keep]
    c = [int(np.sum(cur == c)) for c in keep]
    if len(cats) > top:
        keep.append("(other)")  # as the C++ report names the rest
        r.append(len(ref) - sum(r))
        c.append(len(cur) - sum(c))
    return {"kind": "categorical", "categories": keep, "reference": r, "current": c}


def make_row(name, type_, test, threshold, kind, statistic, pvalue, plot, n_ref, n_cur,
             missing_reference=0, missing_current=0, error=None, pvalue_adjusted=None):
    if error is not None:
        drift = score = None
    elif kind == "pvalue":
        p = pvalue if pvalue_adjusted is None else pvalue_adjusted
        drift = p < threshold
        score = math.inf if p == 0 else math.log(p) / math.log(threshold)
    else:
        drift = statistic >= threshold
        score = statistic / threshold
    return {"name": name, "type": type_, "test": test, "threshold": threshold, "threshold_kind": kind,
            "statistic": statistic, "pvalue": pvalue, "pvalue_adjusted": pvalue_adjusted, "drift": drift,
            "score": score, "n_reference": n_ref, "n_current": n_cur, "missing_reference": missing_reference,
            "missing_current": missing_current, "error": error, "plot": plot}


def ks_row(name, ref, cur, **kw):
    r = quiet(sps.ks_2samp, ref, cur)
    return make_row(name, "numerical", "ks", 0.05, "pvalue", float(r.statistic), float(r.pvalue),
                    numerical_plot(ref, cur), len(ref), len(cur), **kw)


def wasserstein_row(name, ref, cur):
    d = float(sps.wasserstein_distance(ref, cur)) / float(np.std(ref))
    return make_row(name, "numerical", "wasserstein", 0.1, "distance", d, None, numerical_plot(ref, cur),
                    len(ref), len(cur))


def chisquare_row(name, ref, cur):
    plot = categorical_plot(ref, cur)
    table = np.array([plot["reference"], plot["current"]])
    r = quiet(sps.chi2_contingency, table)
    return make_row(name, "categorical", "chisquare", 0.05, "pvalue", float(r.statistic), float(r.pvalue), plot,
                    len(ref), len(cur))


def js_row(name, ref, cur):
    plot = categorical_plot(ref, cur)
    p = np.array(plot["reference"], float)
    q = np.array(plot["current"], float)
    d = float(quiet(jensenshannon, p / p.sum(), q / q.sum(), base=2))
    return make_row(name, "categorical", "jensenshannon", 0.1, "distance", d, None, plot, len(ref), len(cur))


def dataset(columns, n_ref, n_cur, correction=None, drift_share=0.5):
    n_drifted = sum(1 for c in columns if c["drift"])
    n_errors = sum(1 for c in columns if c["error"] is not None)
    share = n_drifted / len(columns) if columns else 0.0
    drift = any(c["drift"] for c in columns) if correction else share >= drift_share
    return {"driftscope_version": "9.8.7-test", "n_reference": n_ref, "n_current": n_cur,
            "dataset": {"drift": drift, "n_columns": len(columns), "n_drifted": n_drifted, "n_errors": n_errors,
                        "share_drifted": share,
                        "drift_share": drift_share, "correction": correction, "alpha": 0.05},
            "columns": columns}


def make_report(seed=7, n_ref=1500, n_cur=1000):
    """A realistic mixed report: drifted and stable columns of both kinds, both threshold kinds,
    an error row, p = 0 (infinite score), a constant column and names that need escaping."""
    rng = np.random.default_rng(seed)
    skus = [f"sku-{i}" for i in range(45)] + [LONG_LABEL]  # > 30 categories: top 30 + "other"
    sku_p = np.r_[np.full(45, 1.0), 10.0] / 55.0
    cols = [
        ks_row("age", rng.normal(40, 10, n_ref), rng.normal(40, 10, n_cur), missing_reference=3),
        ks_row(SPECIAL_NAME, rng.normal(0, 1, n_ref), rng.normal(0.4, 1, n_cur), missing_current=12),
        wasserstein_row(UNICODE_NAME, rng.gamma(2, 2, n_ref), rng.gamma(2, 2.6, n_cur)),
        wasserstein_row("income", rng.lognormal(10, 1, n_ref) * 1e3, rng.lognormal(10, 1, n_cur) * 1e3),
        chisquare_row("city", rng.choice(["oslo", "rome", "lima", "<script>x</script>"], n_ref),
                      rng.choice(["oslo", "rome", "lima", "<script>x</script>"], n_cur, p=[.1, .2, .3, .4])),
        js_row("product", rng.choice(skus, n_ref, p=sku_p), rng.choice(skus, n_cur, p=sku_p)),
        make_row("broken", "numerical", "ks", 0.05, "pvalue", None, None, None, n_ref, 0,
                 missing_current=n_cur, error=ERROR_TEXT),
        ks_row("constant", np.full(n_ref, 3.0), np.full(n_cur, 3.0)),
        ks_row("shifted far", rng.normal(0, 1, n_ref), rng.normal(50, 1, n_cur)),
    ]
    assert cols[-1]["pvalue"] == 0.0 and cols[-1]["score"] == math.inf
    return dataset(cols, n_ref, n_cur)


def make_wide_report(n_columns=200, seed=11, n=2000):
    """n_columns columns, one in five categorical, every third one drifted."""
    rng = np.random.default_rng(seed)
    cols = []
    for i in range(n_columns):
        shift = 0.3 if i % 3 == 0 else 0.0
        if i % 5 == 4:
            cats = [f"level {k}" for k in range(12)]
            p = rng.dirichlet(np.ones(12))
            q = 0.7 * p + 0.3 * rng.dirichlet(np.ones(12)) if shift else p
            cols.append(js_row(f"cat_{i}", rng.choice(cats, n, p=p), rng.choice(cats, n, p=q)))
        else:
            cols.append(ks_row(f"num_{i}", rng.normal(0, 1, n), rng.normal(shift, 1, n)))
    return dataset(cols, n, n)


def expected_charts(report):
    """2 charts per numerical plot (histogram + ECDF), 1 per categorical plot, 0 without plot data."""
    n = 0
    for c in report["columns"]:
        if c["plot"] is not None:
            n += 2 if c["plot"]["kind"] == "numerical" and c["plot"].get("ecdf") is not None else 1
    return n


def expected_order(report):
    def key(ic):
        i, c = ic
        s = c["score"]
        if s is None or (isinstance(s, float) and math.isnan(s)):
            # JSON writes +inf as null: a drifted row without error and without score sorts first
            s = math.inf if c["error"] is None and c["drift"] else None
        if c["error"] is not None or s is None:
            return (1, 0.0, i)
        return (0, -float(s), i)
    return [i for i, _ in sorted(enumerate(report["columns"]), key=key)]


@pytest.fixture(scope="module")
def report():
    return make_report()


@pytest.fixture(scope="module")
def page(report):
    return render_html(report)


# --------------------------------------------------------------------------- a strict parse


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Parses a document, records structural problems and keeps what the tests look at."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.ids = []
        self.hrefs = []
        self.srcs = []
        self.scripts = 0
        self.rows = []  # summary <tr id="row-i"> in document order
        self.cells = {}  # row id -> list of cell texts
        self.sections = []  # section ids in order
        self.section_names = {}  # section id -> heading name text
        self.svg_titles = []  # texts of <title> inside SVG
        self.svg_texts = []  # texts of <text> inside SVG
        self.svg_count = 0
        self.body_attrs = {}
        self.text = []
        self._cell = None
        self._row = None
        self._section = None
        self._capture = None

    def _in_svg(self):
        return "svg" in self.stack

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if "src" in a:
            self.srcs.append(a["src"])
        if tag == "script":
            self.scripts += 1
        if tag == "body":
            self.body_attrs = a
        if tag == "svg":
            self.svg_count += 1
            if "aria-label" not in a or a.get("role") != "img":
                self.problems.append("svg without role=img / aria-label")
        if tag == "tr" and a.get("id", "").startswith("row-"):
            self._row = a["id"]
            self.rows.append(a["id"])
            self.cells[a["id"]] = []
        if tag == "td" and self._row is not None:
            self._cell = []
        if tag == "section" and a.get("class") == "col":
            self._section = a["id"]
            self.sections.append(a["id"])
        if tag == "span" and a.get("class") == "name" and self._section is not None and "h3" in self.stack:
            self._capture = ("name", [])
        if tag in ("title", "text") and self._in_svg():
            self._capture = (tag, [])
        if tag in VOID:
            return
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID and not self._in_svg():
            self.problems.append(f"self-closing non-void HTML element <{tag}/>")
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append(f"end tag for void element </{tag}>")
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "td" and self._cell is not None:
            self.cells[self._row].append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr":
            self._row = None
        if tag == "section" and self._section is not None and "section" not in self.stack[-1:]:
            self._section = None
        if self._capture is not None:
            kind, buf = self._capture
            if (kind == "name" and tag == "span") or (kind == tag):
                text = "".join(buf)
                if kind == "name":
                    self.section_names[self._section] = text
                elif kind == "title":
                    self.svg_titles.append(text)
                else:
                    self.svg_texts.append(text)
                self._capture = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._capture is not None:
            self._capture[1].append(data)

    def close(self):
        super().close()
        if self.stack:
            self.problems.append(f"unclosed elements at the end: {self.stack}")


def parse(doc):
    p = Page()
    p.feed(doc)
    p.close()
    return p


# --------------------------------------------------------------------------- structure


def test_parses_cleanly_and_is_self_contained(page):
    p = parse(page)
    assert p.problems == []
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert len(p.ids) == len(set(p.ids)), "duplicate element ids"
    # every link is an in-page anchor that exists; nothing is loaded from anywhere
    assert p.hrefs and all(h.startswith("#") and h[1:] in p.ids for h in p.hrefs)
    assert p.srcs == []
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<script[^>]*\bsrc\b", page)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert "url(" not in page and "@import" not in page
    assert p.scripts == 1
    assert "<title>Data drift report" in page


def test_every_column_has_an_escaped_section(report, page):
    p = parse(page)
    n = len(report["columns"])
    assert sorted(p.sections) == sorted(f"col-{i}" for i in range(n))
    # headings read back (parser unescapes) as the exact names
    assert {p.section_names[f"col-{i}"] for i in range(n)} == {c["name"] for c in report["columns"]}
    for c in report["columns"]:
        assert html.escape(c["name"], quote=True) in page
    # no markup from the data leaks through
    assert "<b>" not in page and "<script>x" not in page and "<none>" not in page
    assert "&lt;b&gt;&amp;&quot;&#x27;" in page


def test_summary_sorted_by_score_errors_last(report, page):
    p = parse(page)
    order = expected_order(report)
    assert p.rows == [f"row-{i}" for i in order]
    assert p.sections == [f"col-{i}" for i in order]  # sections follow the summary's order
    names = [report["columns"][i]["name"] for i in order]
    assert names[0] == "shifted far"  # p = 0: infinite score
    assert names[-1] == "broken"  # the error row


def test_error_row_shows_message(report, page):
    p = parse(page)
    i = next(i for i, c in enumerate(report["columns"]) if c["error"])
    cells = p.cells[f"row-{i}"]
    assert ERROR_TEXT in cells and "error" in cells
    assert html.escape(ERROR_TEXT) in page
    assert page.count(html.escape(ERROR_TEXT)) == 2  # summary row and the column's section


def test_numbers_formatted(report, page):
    p = parse(page)
    for i, c in enumerate(report["columns"]):
        cells = p.cells[f"row-{i}"]
        name, type_, test, thr = cells[:4]
        assert (name, type_, test) == (c["name"], c["type"], c["test"])
        sym = "p <" if c["threshold_kind"] == "pvalue" else "d \u2265"
        assert thr == f"{sym} {c['threshold']:.4g}"
        if c["error"]:
            continue
        stat, pv, score, badge, miss_r, miss_c = cells[4:]
        assert stat == fmt_float(c["statistic"])
        assert pv == fmt_p(c["pvalue"])
        assert score == fmt_float(c["score"] + 0.0, 2)  # -0.0 (score of p = 1) shows as 0.00
        assert badge == ("drift" if c["drift"] else "no drift")
        assert (miss_r, miss_c) == (f"{c['missing_reference']:,}", f"{c['missing_current']:,}")
    assert "p &lt; 0.05" in page and "d \u2265 0.1" in page


def test_header_verdict(report, page):
    ds = report["dataset"]
    p = parse(page)
    text = " ".join(p.text)
    verdict = "Dataset drift detected" if ds["drift"] else "No dataset drift"
    assert f"{verdict}: {ds['n_drifted']} of {ds['n_columns']} columns drifted" in text
    assert f"({ds['share_drifted'] * 100:.3g}%)" in text
    assert "50%" in text and "no multiple-testing correction" in text
    assert "1,500" in text and "1,000" in text and "9.8.7-test" in text
    assert re.search(r"Columns with errors\s*1\b", text)


def test_correction_and_adjusted_pvalues():
    rng = np.random.default_rng(3)
    cols = [ks_row(f"c{i}", rng.normal(0, 1, 300), rng.normal(0.15 * i, 1, 300)) for i in range(4)]
    adj = quiet(multipletests, [c["pvalue"] for c in cols], alpha=0.05, method="holm")[1]
    cols = [make_row(c["name"], "numerical", "ks", 0.05, "pvalue", c["statistic"], c["pvalue"], c["plot"], 300, 300,
                     pvalue_adjusted=float(a)) for c, a in zip(cols, adj)]
    rep = dataset(cols, 300, 300, correction="holm")
    doc = render_html(rep)
    p = parse(doc)
    assert p.problems == []
    text = " ".join(p.text)
    assert "holm correction at alpha = 0.05" in text
    for i, c in enumerate(cols):
        assert p.cells[f"row-{i}"][5] == f"{fmt_p(c['pvalue'])} (adj. {fmt_p(c['pvalue_adjusted'])})"


def test_chart_count_and_accessibility(report, page):
    p = parse(page)
    assert p.svg_count == expected_charts(report) == int(p.body_attrs["data-charts"])
    # every chart has a <title> naming the column (screen readers, hover)
    for c in report["columns"]:
        if c["plot"] is not None:
            assert any(c["name"] in t for t in p.svg_titles)
    assert "#0072B2" in page and "#E69F00" in page  # colour-blind-safe blue / orange


def test_histogram_bins_are_proportions(report, page):
    p = parse(page)
    c = report["columns"][1]  # SPECIAL_NAME, numerical
    pl = c["plot"]
    r = np.array(pl["reference"], float)
    q = np.array(pl["current"], float)
    pr, pc = r / r.sum(), q / q.sum()
    want = {f"reference {x * 100:.3g}%, current {y * 100:.3g}%" for x, y in zip(pr, pc) if x > 0 or y > 0}
    got = {t.split("): ", 1)[1] for t in p.svg_titles if t.startswith("[") and "): reference" in t}
    assert want <= got
    # x tick labels come from the edges
    e = pl["edges"]
    assert f"{e[0]:.3g}" in p.svg_texts and f"{e[-1]:.3g}" in p.svg_texts


def test_categorical_labels_truncated_with_full_title(report, page):
    p = parse(page)
    assert LONG_LABEL not in p.svg_texts
    assert any(t.startswith(LONG_LABEL[:10]) and t.endswith("\u2026") for t in p.svg_texts)
    assert any(t.startswith(LONG_LABEL + ": reference ") for t in p.svg_titles)
    assert "(other)" in p.svg_texts  # the top-30 + (other) bucket of the 46-category column
    assert "<script>x</script>" in p.svg_texts  # escaped in the file, text once parsed


@pytest.mark.parametrize("inf_as", ["string", "null"])
def test_numbers_through_json_render_the_same(report, inf_as):
    """A dict read back from JSON renders the same: inf as "inf" strings (_report.json_number) or as
    null (report_json.hpp: the p = 0 row then has score null and must still sort first)."""
    def safe(x):
        if isinstance(x, float) and math.isinf(x):
            return None if inf_as == "null" else "inf" if x > 0 else "-inf"
        if isinstance(x, dict):
            return {k: safe(v) for k, v in x.items()}
        if isinstance(x, list):
            return [safe(v) for v in x]
        return x
    back = json.loads(json.dumps(safe(report), allow_nan=False))
    assert render_html(back) == render_html(report)
    # numpy arrays and scalars in the dict are fine too
    rep = json.loads(json.dumps(safe(report)))
    for c in rep["columns"]:
        if c["plot"] and c["plot"]["kind"] == "numerical":
            c["plot"]["edges"] = np.array(c["plot"]["edges"])
            c["plot"]["reference"] = np.array(c["plot"]["reference"], dtype=np.int64)
            c["statistic"] = np.float64(c["statistic"])
            c["drift"] = np.bool_(c["drift"])
            c["n_reference"] = np.int64(c["n_reference"])
    assert render_html(rep) == render_html(report)


# --------------------------------------------------------------------------- edge inputs


def test_nulls_nan_and_infinities():
    rows = [
        make_row("nan stat", "numerical", "ks", 0.05, "pvalue", float("nan"), float("nan"), None, 5, 5),
        make_row("inf stat", "numerical", "kl_div", 0.1, "distance", math.inf, None, None, 5, 5),
        make_row("none", "numerical", "ks", 0.05, "pvalue", 0.5, 0.5, None, 5, 5),
    ]
    rows[0]["score"] = rows[0]["drift"] = None
    rep = dataset(rows, 5, 5)
    rep["columns"][2].update(statistic=None, pvalue=None, score=None, drift=None)
    p = parse(render_html(rep))
    assert p.problems == []
    assert p.rows == ["row-1", "row-0", "row-2"]
    assert p.cells["row-0"][4:7] == ["-", "-", "-"]
    assert p.cells["row-1"][4:7] == ["inf", "-", "inf"]
    assert p.cells["row-2"][7] == "n/a"
    assert p.svg_count == 0 and "No plot data" in " ".join(p.text)


def test_degenerate_plots():
    rows = [
        make_row("empty hist", "numerical", "ks", 0.05, "pvalue", 0.0, 1.0,
                 {"kind": "numerical", "edges": [], "reference": [], "current": [],
                  "ecdf": {"x": [], "reference": [], "current": []}}, 0, 0),
        make_row("huge", "numerical", "ks", 0.05, "pvalue", 0.1, 0.5,
                 numerical_plot(np.array([-1e300, 1e300, 0.0]), np.array([1e300, 5e299])), 3, 2),
        make_row("overflow span", "numerical", "ks", 0.05, "pvalue", 0.1, 0.5,
                 {"kind": "numerical", "edges": [-1.7e308, 0.0, 1.7e308], "reference": [1, 2], "current": [0, 0],
                  "ecdf": {"x": [-1.7e308, 1.7e308], "reference": [0.3, 1.0], "current": [None, None]}}, 3, 0),
        make_row("tiny", "numerical", "ks", 0.05, "pvalue", 0.1, 0.5,
                 numerical_plot(np.array([1e-300, 2e-300, 3e-300]), np.array([1e-300, 2.5e-300])), 3, 2),
        make_row("one value", "numerical", "ks", 0.05, "pvalue", 0.0, 1.0, numerical_plot(np.ones(1), np.ones(1)),
                 1, 1),
        make_row("no cats", "categorical", "chisquare", 0.05, "pvalue", 0.0, 1.0,
                 {"kind": "categorical", "categories": [], "reference": [], "current": []}, 0, 0),
        make_row("zero counts", "categorical", "chisquare", 0.05, "pvalue", 0.0, 1.0,
                 {"kind": "categorical", "categories": ["a", "b"], "reference": [0, 0], "current": [0, 0]}, 0, 0),
    ]
    rep = dataset(rows, 3, 2)
    doc = render_html(rep)
    p = parse(doc)
    assert p.problems == []
    assert p.svg_count == expected_charts(rep) == int(p.body_attrs["data-charts"])
    assert "nan" not in " ".join(p.svg_texts).lower()
    assert "no finite values to bin" in p.svg_texts and "no categories" in p.svg_texts
    # tick labels of the 1e-300 column are distinct (precision grows until they differ)
    assert len({t for t in p.svg_texts if "e-300" in t}) >= 3
    for m in re.finditer(r'\s(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', doc):
        assert math.isfinite(float(m.group(1))), m.group(0)


def test_control_characters_and_surrogates_in_names():
    rep = make_report()
    rep["columns"][0]["name"] = "bell\x07 nul\x00 del\x7f tab\t"
    rep["columns"][1]["name"] = "lone \ud800 surrogate"
    doc = render_html(rep)
    doc.encode("utf-8")  # encodable
    assert "\x00" not in doc and "\x07" not in doc and "\x7f" not in doc
    p = parse(doc)
    assert p.problems == []
    assert "bell\ufffd nul\ufffd del\ufffd tab\t" in p.section_names.values()
    assert "lone ? surrogate" in p.section_names.values()


def test_no_columns():
    doc = render_html(dataset([], 10, 10))
    p = parse(doc)
    assert p.problems == [] and p.sections == [] and p.svg_count == 0
    assert "The report has no columns." in doc


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
                min_size=1, max_size=6),
       st.lists(st.one_of(st.none(), st.floats(), st.sampled_from(["inf", "-inf"])), min_size=6, max_size=6))
def test_any_names_and_numbers(names, numbers):
    rows = []
    for i, name in enumerate(names):
        stat, pv, score = numbers[i % 6], numbers[(i + 1) % 6], numbers[(i + 2) % 6]
        plot = {"kind": "categorical", "categories": [name, name + "x"], "reference": [1, 2], "current": [2, 1]}
        rows.append({"name": name, "type": "categorical", "test": name, "threshold": 0.05,
                     "threshold_kind": "pvalue", "statistic": stat, "pvalue": pv, "pvalue_adjusted": None,
                     "drift": None if score is None else bool(i % 2), "score": score, "n_reference": 3,
                     "n_current": 3, "missing_reference": 0, "missing_current": 0,
                     "error": f"failed: {name}" if i == 2 else None, "plot": plot})
    rep = dataset(rows, 3, 3)
    doc = render_html(rep)
    p = parse(doc)
    assert p.problems == []
    assert p.rows == [f"row-{i}" for i in expected_order(rep)]
    assert [p.section_names[f"col-{i}"] for i in range(len(names))] == names
    assert p.svg_count == len(names)
    for name in names:
        assert html.escape(name) in doc


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("report, exc, match", [
    (None, TypeError, "report must be a mapping"),
    ([], TypeError, "report must be a mapping"),
    ({}, ValueError, "report has no 'columns'"),
    ({"columns": "abc"}, ValueError, r"report\['columns'\] must be a list"),
    ({"columns": [1]}, ValueError, r"report\['columns'\]\[0\] must be a mapping"),
    ({"columns": [{"type": "numerical"}]}, ValueError, r"report\['columns'\]\[0\] has no 'name'"),
    ({"columns": [{"name": "a", "statistic": "big"}]}, ValueError, r"\['statistic'\] must be a number"),
    ({"columns": [{"name": "a", "pvalue": [1]}]}, ValueError, r"\['pvalue'\] must be a number"),
    ({"columns": [{"name": "a"}], "dataset": 3}, ValueError, r"report\['dataset'\] must be a mapping"),
    ({"columns": [{"name": "a", "plot": {"kind": "pie"}}]}, ValueError, r"\['plot'\]\['kind'\] must be"),
    ({"columns": [{"name": "a", "plot": [1]}]}, ValueError, r"\['plot'\] must be a mapping"),
    ({"columns": [{"name": "a", "plot": {"kind": "numerical", "edges": [0, 1], "reference": [1, 2],
                                          "current": [1, 2]}}]}, ValueError, "'edges' must have one more"),
    ({"columns": [{"name": "a", "plot": {"kind": "numerical", "edges": [0, 1, 2], "reference": [1, 2],
                                          "current": [1, 2], "ecdf": {"x": [0], "reference": [],
                                                                      "current": [1]}}}]}, ValueError,
     r"\['ecdf'\]: 'x', 'reference' and 'current' must have equal lengths"),
    ({"columns": [{"name": "a", "plot": {"kind": "categorical", "categories": ["x"], "reference": [1, 2],
                                          "current": [1]}}]}, ValueError, "'categories', 'reference' and 'current'"),
    ({"columns": [{"name": "a", "plot": {"kind": "categorical", "categories": "xy", "reference": [1, 2],
                                          "current": [1, 2]}}]}, ValueError, r"\['categories'\] must be a list"),
    ({"columns": [{"name": "a", "plot": {"kind": "numerical", "edges": [0, "x"], "reference": [1],
                                          "current": [1]}}]}, ValueError, r"\['edges'\]\[1\] must be a number"),
])
def test_bad_input(report, exc, match):
    with pytest.raises(exc, match=match):
        render_html(report)


# --------------------------------------------------------------------------- size


def test_200_columns_size_and_time():
    rep = make_wide_report(200)
    t0 = time.perf_counter()
    doc = render_html(rep)
    elapsed = time.perf_counter() - t0
    size = len(doc.encode("utf-8"))
    per_column = size / 200
    print(f"\n200 columns: {size / 1024:.0f} KiB ({per_column / 1024:.1f} KiB per column), rendered in "
          f"{elapsed * 1e3:.0f} ms")
    assert per_column < 40 * 1024
    assert elapsed < 5.0  # typically ~0.1 s; generous for a loaded 2-core machine
    p = parse(doc)
    assert p.problems == []
    assert len(p.sections) == 200 and p.svg_count == expected_charts(rep)


# --------------------------------------------------------------------------- headless Chromium


def test_missing_chromium_skips_unless_required(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("DRIFTSCOPE_REQUIRE_CHROMIUM", raising=False)
    with pytest.raises(pytest.skip.Exception):
        chromium_binary()
    monkeypatch.setenv("DRIFTSCOPE_REQUIRE_CHROMIUM", "1")
    with pytest.raises(pytest.fail.Exception, match="DRIFTSCOPE_REQUIRE_CHROMIUM=1"):
        chromium_binary()


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("DRIFTSCOPE_REQUIRE_CHROMIUM") == "1":
        pytest.fail("DRIFTSCOPE_REQUIRE_CHROMIUM=1 but no chromium / chromium-browser / google-chrome on PATH")
    pytest.skip("no chromium binary found (set DRIFTSCOPE_REQUIRE_CHROMIUM=1 to make this a failure)")


def run_chromium(tmp_path, html_path, *args):
    exe = chromium_binary()
    cmd = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--disable-extensions", "--no-first-run", f"--user-data-dir={tmp_path / 'chromium-profile'}",
           *args, html_path.as_uri()]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, f"{cmd} failed ({res.returncode}):\n{res.stderr[-3000:]}"
    return res.stdout


def dumped_dom_checks(report, dom):
    p = parse(dom)
    n_charts = expected_charts(report)
    assert int(p.body_attrs["data-charts"]) == n_charts
    assert p.body_attrs.get("data-rendered") == str(n_charts), "charts with an empty layout box"
    assert sorted(p.sections) == sorted(f"col-{i}" for i in range(len(report["columns"])))
    assert {p.section_names[s] for s in p.sections} == {c["name"] for c in report["columns"]}
    assert p.svg_count == n_charts
    return p


def test_chromium_renders_every_column(tmp_path, report, page):
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    dom = run_chromium(tmp_path, path, "--dump-dom")
    p = dumped_dom_checks(report, dom)
    assert p.rows == [f"row-{i}" for i in expected_order(report)]


def test_chromium_renders_200_columns(tmp_path):
    rep = make_wide_report(200)
    path = tmp_path / "wide.html"
    path.write_text(render_html(rep), encoding="utf-8")
    dumped_dom_checks(rep, run_chromium(tmp_path, path, "--dump-dom"))


def test_chromium_screenshot(tmp_path, page):
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    shot = tmp_path / "report.png"
    run_chromium(tmp_path, path, f"--screenshot={shot}", "--window-size=1280,2400", "--hide-scrollbars",
                 "--force-device-scale-factor=1")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2400)
    # a blank or unstyled page compresses to a few KB; text, table and charts take far more
    assert len(data) > 60 * 1024, len(data)
    keep = os.environ.get("DRIFTSCOPE_HTML_SCREENSHOT")
    if keep:  # to look at it: DRIFTSCOPE_HTML_SCREENSHOT=/tmp/report.png
        shutil.copyfile(shot, keep)
