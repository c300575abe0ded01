"""The ``driftscope`` command line.

``driftscope compare REFERENCE CURRENT``  dataset drift report (table, JSON or HTML)
``driftscope demo``                       adult vs children's voices (no drift, gradual, sudden); a fraud model's errors: sudden shock vs slow rise
``driftscope --version``

Exit status: 0 on success (whatever the verdict), 2 on a usage or data error, with the
reason on stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any, Dict, List, Optional, Sequence, TextIO

import numpy as np

from . import __version__
from . import demo as _demo
from ._io import Table, TableError, read_table
from ._report import fmt_float, fmt_p, render_table
from .report import DriftReport, compare

__all__ = ["build_parser", "compare_tables", "main"]

EXIT_OK = 0
EXIT_ERROR = 2


class CliError(Exception):
    """An error reported as "driftscope: <message>" with exit status 2."""


def _threshold(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}")
    return v


def _bins(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if v < 2:
        raise argparse.ArgumentTypeError(f"must be >= 2, got {v}")
    return v


def _positive(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}")
    return v


def _unit_open(text: str) -> float:
    v = _positive(text)
    if v >= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1), got {text!r}")
    return v


def _unit_half_open(text: str) -> float:
    v = _positive(text)
    if v > 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text!r}")
    return v


def _assignments(what: str, convert: Any) -> Any:
    """'VALUE' (every column) or 'A=VALUE,B=VALUE' (per column) -> value or {column: value}."""

    def parse(text: str) -> Any:
        if "=" not in text:
            return convert(text.strip())
        out: Dict[str, Any] = {}
        for part in text.split(","):
            name, sep, value = part.partition("=")
            if not sep or not name.strip() or not value.strip():
                raise argparse.ArgumentTypeError(f"expected COLUMN={what.upper()} pairs separated by commas, "
                                                 f"got {part!r}")
            out[name.strip()] = convert(value.strip())
        return out

    return parse


def _columns(text: str) -> List[str]:
    cols = [c.strip() for c in text.split(",")]
    if not cols or any(not c for c in cols):
        raise argparse.ArgumentTypeError(f"expected comma-separated column names, got {text!r}")
    return cols


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="driftscope",
        description="Detect data drift between a reference and a current data set.",
    )
    parser.add_argument("--version", action="version", version=f"driftscope {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    cmp_ = sub.add_parser(
        "compare",
        help="dataset drift report for two CSV / Parquet files",
        description=(
            "Drift report over the columns of two files (driftscope.compare): one test per "
            "column (Evidently's default rule unless --tests names one), its statistic, "
            "p-value, threshold and verdict, missing counts, and the dataset verdict. "
            "Numeric columns are numerical; text / bool columns are categorical. Missing "
            "cells (empty, NA, NaN, null) are omitted and counted. Exit status 0 whatever "
            "the verdict."
        ),
    )
    cmp_.add_argument("reference", metavar="REFERENCE", help="reference data (.csv or .parquet)")
    cmp_.add_argument("current", metavar="CURRENT", help="current data (.csv or .parquet)")
    cmp_.add_argument("--columns", type=_columns, default=None, metavar="A,B",
                      help="only these columns, present in both files (default: every column of REFERENCE; "
                           "one absent from CURRENT is reported as an error row)")
    cmp_.add_argument("--tests", type=_assignments("test", str), default=None, metavar="TEST|A=TEST,...",
                      help="a test for every column (e.g. ks) or per column (a=ks,b=psi); "
                           "default: the automatic choice")
    cmp_.add_argument("--thresholds", type=_assignments("threshold", _positive), default=None,
                      metavar="T|A=T,...", help="a threshold for every column or per column (default: the test's)")
    cmp_.add_argument("--correction", choices=("bonferroni", "holm", "fdr_bh"), default=None,
                      help="decide the p-value columns together at --alpha (multiple testing)")
    cmp_.add_argument("--alpha", type=_unit_open, default=0.05, help="family level of --correction (default 0.05)")
    cmp_.add_argument("--drift-share", type=_unit_half_open, default=0.5, metavar="S",
                      help="the dataset drifts when this share of the columns drifts (default 0.5)")
    cmp_.add_argument("--n-jobs", type=int, default=1, metavar="N",
                      help="worker threads over columns (default 1; 0 = all cores)")
    cmp_.add_argument("--format", choices=("table", "json", "html"), default="table",
                      help="table (default), json (the DriftReport.to_dict schema) or html (needs --output)")
    cmp_.add_argument("--output", "-o", default=None, metavar="PATH",
                      help="write the report to PATH (default: standard output; required for html)")
    cmp_.add_argument("--psi-threshold", type=_threshold, default=None, metavar="T",
                      help="deprecated: the same as --tests psi --thresholds T")
    cmp_.add_argument("--bins", type=_bins, default=None, help="deprecated: only 10 (the report's PSI binning)")

    dem = sub.add_parser(
        "demo",
        help="simulated speech features (adult voices, then children's) and a fraud model's errors (sudden shock vs slow rise)",
        description=_demo.DESCRIPTION,
    )
    dem.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    dem.add_argument("--seed", type=int, default=_demo.DEFAULT_SEED, help="random seed (default %(default)s)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit status (0 success, 2 error)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help / --version (0) or a usage error (2)
        return int(e.code) if isinstance(e.code, int) else EXIT_ERROR
    if args.command is None:
        parser.print_usage(sys.stderr)
        print("driftscope: error: a command is required (compare, demo)", file=sys.stderr)
        return EXIT_ERROR
    try:
        if args.command == "compare":
            return _cmd_compare(args, sys.stdout)
        return _cmd_demo(args, sys.stdout)
    except CliError as e:
        print(f"driftscope: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # e.g. `driftscope demo | head`
        return EXIT_OK


# --------------------------------------------------------------------------- compare


def _cmd_compare(args: argparse.Namespace, out: TextIO) -> int:
    tests, thresholds = args.tests, args.thresholds
    if args.psi_threshold is not None:
        if tests is not None or thresholds is not None:
            raise CliError("--psi-threshold cannot be combined with --tests / --thresholds")
        print("driftscope: warning: --psi-threshold is deprecated; use --tests psi --thresholds T",
              file=sys.stderr)
        tests, thresholds = "psi", args.psi_threshold
    if args.bins is not None and args.bins != 10:
        raise CliError("--bins is no longer supported: the report's PSI uses 10 reference-quantile bins")
    if args.format == "html" and args.output is None:
        raise CliError("--format html needs --output PATH (e.g. --output report.html)")
    if args.n_jobs < 0:
        raise CliError(f"--n-jobs must be >= 0, got {args.n_jobs}")
    try:
        ref = read_table(args.reference)
        cur = read_table(args.current)
    except TableError as e:
        raise CliError(str(e)) from None
    report = compare_tables(ref, cur, columns=args.columns, tests=tests, thresholds=thresholds,
                            correction=args.correction, drift_share=args.drift_share, n_jobs=args.n_jobs,
                            alpha=args.alpha)
    if args.format == "json":
        text = report.to_json(indent=2) + "\n"
    elif args.format == "html":
        text = report.to_html()
    else:
        text = _compare_text(report, ref, cur)
    if args.output is None:
        out.write(text)
        return EXIT_OK
    try:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise CliError(f"{args.output}: cannot write ({e.strerror})") from None
    print(f"driftscope: wrote {args.format} report to {args.output}", file=sys.stderr)
    return EXIT_OK


def compare_tables(
    ref: Table,
    cur: Table,
    columns: Optional[Sequence[str]] = None,
    tests: Any = None,
    thresholds: Any = None,
    correction: Optional[str] = None,
    drift_share: float = 0.5,
    n_jobs: int = 1,
    alpha: float = 0.05,
) -> DriftReport:
    """The drift report (:func:`driftscope.compare`) of two tables read by ``read_table``.

    Raises :class:`CliError` when a requested column is absent from a file, when the files
    share no column, or for a request driftscope.compare rejects (unknown test, ...).
    """
    if columns is not None:
        for c in columns:
            for t, side in ((ref, "reference"), (cur, "current")):
                if c not in t.columns:
                    raise CliError(f"column {c!r} is not in the {side} file {t.path} "
                                   f"(columns: {', '.join(t.columns)})")
        selected = list(dict.fromkeys(columns))
    else:
        selected = list(ref.columns)
        if not any(c in cur.columns for c in selected):
            raise CliError(f"no shared columns between {ref.path} and {cur.path}")

    def side(t: Table) -> Dict[str, Any]:
        # columns of neither kind (e.g. Parquet dates) are passed as an error-producing dtype
        return {c: t.numeric[c] if c in t.numeric else t.categorical.get(c, np.array([], dtype="datetime64[ns]"))
                for c in t.columns}

    try:
        return compare(side(ref), side(cur), columns=selected, tests=tests, thresholds=thresholds,
                       correction=correction, drift_share=drift_share, n_jobs=n_jobs, alpha=alpha)
    except ValueError as e:
        raise CliError(str(e)) from None


def _compare_text(report: DriftReport, ref: Table, cur: Table) -> str:
    d = report.to_dict()
    header = ["column", "type", "test", "statistic", "p-value", "threshold", "score", "n ref", "n cur",
              "miss ref", "miss cur", "verdict"]
    rows = []
    for c in d["columns"]:
        if c["error"] is not None:
            verdict = "error"
        else:
            verdict = "DRIFT" if c["drift"] else "ok"
        p = c["pvalue_adjusted"] if c["pvalue_adjusted"] is not None else c["pvalue"]
        kind = {"pvalue": "p<", "distance": "d>="}.get(c["threshold_kind"] or "", "")
        rows.append([
            c["name"], c["type"], c["test"] or "-", fmt_float(c["statistic"]), fmt_p(p),
            f"{kind}{c['threshold']:g}" if c["threshold"] is not None else "-",
            fmt_float(c["score"], 2) if c["score"] is not None else ("inf" if verdict == "DRIFT" else "-"),
            str(c["n_reference"]), str(c["n_current"]), str(c["missing_reference"]), str(c["missing_current"]),
            verdict,
        ])
    ds = d["dataset"]
    lines = [
        f"reference: {ref.path} ({d['n_reference']} rows)",
        f"current:   {cur.path} ({d['n_current']} rows)",
        "",
        render_table(header, rows, align="lll" + "r" * 8 + "l"),
        "",
    ]
    drifted = [c["name"] for c in d["columns"] if c["drift"]]
    tested = ds["n_columns"] - ds["n_errors"]
    if ds["correction"]:
        rule = f"{ds['correction']} correction at alpha {ds['alpha']:g}: drift if any column drifts"
    else:
        rule = f"share {ds['share_drifted']:.3g} vs drift share {ds['drift_share']:g}"
    lines.append(f"dataset drift: {'YES' if ds['drift'] else 'no'} ({ds['n_drifted']} of {tested} tested "
                 f"columns drifted; {rule})")
    if drifted:
        lines.append("drifted: " + ", ".join(drifted))
    for c in d["columns"]:
        if c["error"] is not None:
            lines.append(f"error: {c['name']}: {c['error']}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- demo


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    result = _demo.run(seed=args.seed)
    if args.format == "json":
        json.dump(result, out, indent=2, allow_nan=False)
        out.write("\n")
    else:
        out.write(_demo.render_text(result))
    return EXIT_OK
