"""The ``driftscope`` command line.

``driftscope compare REFERENCE CURRENT``  drift statistics for every shared numeric column
``driftscope demo``                       adult vs children's voices: no drift, gradual, sudden
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
from ._report import fmt_float, fmt_p, json_number, render_table
from .stats import js_distance, ks_2samp, psi, wasserstein_distance

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
        help="compare two CSV / Parquet files column by column",
        description=(
            "For every numeric column present in both files: PSI, Jensen-Shannon distance, "
            "KS statistic and p-value, Wasserstein distance and missing counts. A column "
            "drifts when PSI >= --psi-threshold. Missing cells (empty, NA, NaN, null) are "
            "omitted and counted."
        ),
    )
    cmp_.add_argument("reference", metavar="REFERENCE", help="reference data (.csv or .parquet)")
    cmp_.add_argument("current", metavar="CURRENT", help="current data (.csv or .parquet)")
    cmp_.add_argument("--columns", type=_columns, default=None, metavar="A,B",
                      help="only these columns (default: every shared numeric column)")
    cmp_.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    cmp_.add_argument("--psi-threshold", type=_threshold, default=0.2, metavar="T",
                      help="PSI at or above which a column is reported as drifted (default 0.2)")
    cmp_.add_argument("--bins", type=_bins, default=10, help="quantile bins for PSI / JS (default 10)")

    dem = sub.add_parser(
        "demo",
        help="simulated speech features: adult voices, then children's voices arrive",
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
    try:
        ref = read_table(args.reference)
        cur = read_table(args.current)
    except TableError as e:
        raise CliError(str(e)) from None
    report = compare_tables(ref, cur, columns=args.columns, psi_threshold=args.psi_threshold, bins=args.bins)
    if args.format == "json":
        json.dump(report, out, indent=2, allow_nan=False)
        out.write("\n")
    else:
        out.write(_compare_text(report))
    return EXIT_OK


def compare_tables(
    ref: Table,
    cur: Table,
    columns: Optional[Sequence[str]] = None,
    psi_threshold: float = 0.2,
    bins: int = 10,
) -> Dict[str, Any]:
    """Drift statistics for the shared numeric columns of two tables, as a JSON-ready dict.

    Raises :class:`CliError` when a requested column is absent or not numeric, or when the
    tables share no numeric column.
    """
    if columns is not None:
        for c in columns:
            for t, side in ((ref, "reference"), (cur, "current")):
                if c not in t.columns:
                    raise CliError(f"column {c!r} is not in the {side} file {t.path} "
                                   f"(columns: {', '.join(t.columns)})")
                if c not in t.numeric:
                    raise CliError(f"column {c!r} in the {side} file {t.path} is not numeric")
        selected = list(dict.fromkeys(columns))
        skipped: List[str] = []
    else:
        shared = [c for c in ref.columns if c in cur.columns]
        selected = [c for c in shared if c in ref.numeric and c in cur.numeric]
        skipped = [c for c in shared if c not in selected]
        if not selected:
            raise CliError(f"no shared numeric columns between {ref.path} and {cur.path}")

    results = [_compare_column(c, ref.numeric[c], cur.numeric[c], psi_threshold, bins) for c in selected]
    return {
        "reference": ref.path,
        "current": cur.path,
        "settings": {
            "psi_threshold": psi_threshold,
            "bins": bins,
            "binning": "quantile",
            "epsilon": 1e-4,
            "js_base": 2,
            "ks_alternative": "two-sided",
            "nan_policy": "omit",
        },
        "rows": {"reference": ref.n_rows, "current": cur.n_rows},
        "columns": results,
        "skipped_columns": skipped,
        "drifted_columns": [r["column"] for r in results if r["drift"]],
    }


def _compare_column(name: str, r: np.ndarray, c: np.ndarray, threshold: float, bins: int) -> Dict[str, Any]:
    r_ok = r[~np.isnan(r)]
    c_ok = c[~np.isnan(c)]
    row: Dict[str, Any] = {
        "column": name,
        "n_reference": int(r_ok.size),
        "n_current": int(c_ok.size),
        "missing_reference": int(r.size - r_ok.size),
        "missing_current": int(c.size - c_ok.size),
        "psi": None,
        "js_distance": None,
        "ks_statistic": None,
        "ks_pvalue": None,
        "ks_method": None,
        "wasserstein": None,
        "drift": False,
        "verdict": "no data",
        "note": None,
    }
    if r_ok.size == 0 or c_ok.size == 0:
        side = "reference" if r_ok.size == 0 else "current"
        row["note"] = f"no non-missing values in the {side} file"
        return row
    try:
        p = psi(r_ok, c_ok, bins=bins)
        js = js_distance(r_ok, c_ok, bins=bins)
        ks = ks_2samp(r_ok, c_ok)
        w1 = wasserstein_distance(r_ok, c_ok)
    except ValueError as e:
        raise CliError(f"column {name!r}: {e}") from None
    row.update(
        psi=json_number(p.statistic),
        js_distance=json_number(js.statistic),
        ks_statistic=json_number(ks.statistic),
        ks_pvalue=json_number(ks.pvalue),
        ks_method=ks.method,
        wasserstein=json_number(w1),
    )
    drift = bool(p.statistic >= threshold)
    row["drift"] = drift
    row["verdict"] = "DRIFT" if drift else "ok"
    return row


def _compare_text(report: Dict[str, Any]) -> str:
    s = report["settings"]
    header = ["column", "PSI", "JS", "KS", "KS p", "Wasserstein", "n ref", "n cur",
              "miss ref", "miss cur", "verdict"]
    rows = []
    for r in report["columns"]:
        rows.append([
            r["column"], _f(r["psi"]), _f(r["js_distance"]), _f(r["ks_statistic"]),
            fmt_p(r["ks_pvalue"]) if isinstance(r["ks_pvalue"], float) else "-",
            _f(r["wasserstein"]), str(r["n_reference"]), str(r["n_current"]),
            str(r["missing_reference"]), str(r["missing_current"]), r["verdict"],
        ])
    lines = [
        f"reference: {report['reference']} ({report['rows']['reference']} rows)",
        f"current:   {report['current']} ({report['rows']['current']} rows)",
        "",
        render_table(header, rows, align="l" + "r" * 9 + "l"),
        "",
    ]
    drifted = report["drifted_columns"]
    n = len(report["columns"])
    if drifted:
        lines.append(f"drift in {len(drifted)} of {n} columns (PSI >= {s['psi_threshold']:g}): "
                     + ", ".join(drifted))
    else:
        lines.append(f"no drift in {n} columns (PSI < {s['psi_threshold']:g})")
    for r in report["columns"]:
        if r["note"]:
            lines.append(f"note: {r['column']}: {r['note']}")
    if report["skipped_columns"]:
        lines.append("skipped (not numeric in both files): " + ", ".join(report["skipped_columns"]))
    return "\n".join(lines) + "\n"


def _f(x: Any) -> str:
    if isinstance(x, str):
        return x
    return fmt_float(x)


# --------------------------------------------------------------------------- demo


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    result = _demo.run(seed=args.seed)
    if args.format == "json":
        json.dump(result, out, indent=2, allow_nan=False)
        out.write("\n")
    else:
        out.write(_demo.render_text(result))
    return EXIT_OK
