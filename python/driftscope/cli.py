"""The ``driftscope`` command line.

``driftscope compare REFERENCE CURRENT``  dataset drift report (table, JSON or HTML)
``driftscope watch --reference REF.csv``  watch a CSV stream (stdin or --input) for drift: alarms as they fire
``driftscope demo``                       adult vs children's voices (no drift, gradual, sudden); a fraud model's errors: sudden shock vs slow rise; the voices as a stream with alarms; the house example: concept drift (income -> rooms) found in the residuals; a broken upstream sensor blamed on its pipeline stage; a new model in shadow mode, then a canary promoted or rolled back
``driftscope --version``

Exit status: 0 on success (whatever the verdict), 2 on a usage or data error, with the
reason on stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import time
from typing import Any, Dict, Iterator, List, Optional, Sequence, TextIO, Tuple

import numpy as np

from . import __version__
from . import demo as _demo
from ._io import MISSING_TOKENS, Table, TableError, read_table
from ._report import fmt_float, fmt_p, json_number, render_table
from .report import DriftReport, compare

__all__ = ["build_parser", "compare_tables", "format_event", "main"]

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


def _count(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {v}")
    return v


def _port(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number in [0, 65535], got {text!r}") from None
    if not 0 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number in [0, 65535], got {v}")
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

    wat = sub.add_parser(
        "watch",
        help="watch a CSV stream (stdin or --input) for drift against a reference; print alarms as they fire",
        description=(
            "Reads CSV rows (a header line first) from standard input or --input, in chunks, and feeds "
            "them to a StreamMonitor built from the reference file (driftscope.monitor). The stream's "
            "header must name exactly the reference's columns (any order). Each warning / alarm is "
            "printed when its window is evaluated (text: one line; jsonl: one JSON object a line), then "
            "a summary (text). Numerical columns get PSI and KS, categorical ones PSI and chi-square, "
            "with the default rules (PSI warning 0.1 / alarm 0.25; p-value warning 0.01 / alarm 0.001). "
            "Missing cells (empty, NA, NaN, null) are counted, not scored. Exit status 0 whatever "
            "fired, 2 on a usage or data error."
        ),
    )
    wat.add_argument("--reference", "-r", required=True, metavar="REF",
                     help="reference data (.csv or .parquet): its columns define the stream's")
    wat.add_argument("--input", "-i", default=None, metavar="FILE",
                     help="read the stream from FILE (default: standard input)")
    wat.add_argument("--window", type=_count, default=1000, metavar="N", help="rows per window (default 1000)")
    wat.add_argument("--stride", type=_count, default=None, metavar="S",
                     help="sliding windows: rows between evaluations (default 100; tumbling: = --window)")
    wat.add_argument("--kind", choices=("sliding", "tumbling"), default="sliding",
                     help="sliding (the last N rows, every S rows; default) or tumbling (disjoint windows of N rows)")
    wat.add_argument("--categorical", type=_columns, default=None, metavar="A,B",
                     help="treat these columns as categorical even when their values are numbers "
                          "(text columns are categorical anyway)")
    wat.add_argument("--format", choices=("text", "jsonl"), default="text",
                     help="text (default): a line per event and a summary; jsonl: a JSON object per event")
    wat.add_argument("--chunk", type=_count, default=1000, metavar="ROWS",
                     help="rows read before they are fed to the monitor (default 1000)")
    wat.add_argument("--rules", default=None, metavar="FILE",
                     help="alert rules (.yaml or .json; see driftscope._rules_file) on the input metrics of the "
                          "stream's columns (<column>:missing_share, <column>:mean, requests:per_second, ...), "
                          "evaluated over time windows (--metrics-window); their events are printed as they fire")
    wat.add_argument("--metrics-port", type=_port, default=None, metavar="PORT",
                     help="serve the input metrics, drift scores and alert states at http://127.0.0.1:PORT/metrics "
                          "(Prometheus / OpenMetrics) while watching; 0 picks a free port (printed on stderr)")
    wat.add_argument("--metrics-window", default="1m", metavar="DURATION",
                     help="time window of the input metrics and rules (default 1m; e.g. 30s, 5m)")
    wat.add_argument("--time-column", default=None, metavar="COL",
                     help="the stream's timestamps (epoch seconds, or ISO 8601) for the metric windows; the column "
                          "is not monitored (default: the time each chunk is read)")
    wat.add_argument("--ks-method", choices=("asymp", "exact", "auto"), default="asymp",
                     help="KS p-values: asymp (default; fast), exact, or auto (scipy's rule: exact up to "
                          "10,000 values per side, about 100 times slower per window)")

    dem = sub.add_parser(
        "demo",
        help="simulated speech features (adult voices, then children's), a fraud model's errors (sudden shock vs slow rise), "
             "the voices as a stream watched by a StreamMonitor, and the house example's concept drift (gradual "
             "inflation vs a sudden change) caught by a ResidualMonitor, a broken upstream sensor, and a new "
             "model deployed in shadow mode and as a canary",
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
        print("driftscope: error: a command is required (compare, watch, demo)", file=sys.stderr)
        return EXIT_ERROR
    try:
        if args.command == "compare":
            return _cmd_compare(args, sys.stdout)
        if args.command == "watch":
            return _cmd_watch(args, sys.stdout)
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


# --------------------------------------------------------------------------- watch

#: Where a chunk carries the --time-column's timestamps (not a column name: it has a NUL).
TIME_KEY = "\0time"

#: Statistics whose score is a p-value (their rules fire below the level).
P_VALUE_STATISTICS = frozenset({"ks", "chi_square"})


def _canonical_category(text: str) -> str:
    """A --categorical column's category: numbers compare by value ("1", "1.0" -> "1")."""
    try:
        v = float(text)
    except ValueError:
        return text
    return format(v, ".17g") if math.isfinite(v) else text


def _reference_columns(ref: Table, forced: Sequence[str]) -> Tuple[Dict[str, np.ndarray], List[str]]:
    """The reference as {name: 1-D array} (categorical: object arrays, None = missing) and the
    names of its categorical columns."""
    for c in forced:
        if c not in ref.columns:
            raise CliError(f"--categorical: column {c!r} is not in the reference {ref.path} "
                           f"(columns: {', '.join(ref.columns)})")
    data: Dict[str, np.ndarray] = {}
    categorical: List[str] = []
    for c in ref.columns:
        if c in ref.numeric and c not in forced:
            data[c] = ref.numeric[c]
            continue
        if c in ref.numeric:  # a numeric column forced categorical
            x = ref.numeric[c]
            col = np.empty(x.size, dtype=object)
            for i, v in enumerate(x):
                col[i] = None if math.isnan(v) else _canonical_category(repr(float(v)))
            data[c] = col
        else:
            data[c] = ref.categorical[c]
        categorical.append(c)
    return data, categorical


class _StreamReader:
    """Reads a CSV stream in chunks of parsed columns, without reading ahead of the chunk."""

    def __init__(self, f: TextIO, name: str, ref_columns: Sequence[str], categorical: Sequence[str],
                 canonical: Sequence[str], chunk: int, time_column: Optional[str] = None) -> None:
        self.name = name
        self.chunk = chunk
        self.rows = csv.reader(f)
        self.line = 0
        self.n_rows = 0
        header = self._next_row()
        if header is None:
            raise CliError(f"{name}: empty stream, expected a header row")
        header = [h.strip() for h in header]
        if time_column is not None and time_column in ref_columns:
            raise CliError(f"--time-column: {time_column!r} is a column of the reference, not a time stamp")
        if time_column is not None and time_column not in header:
            raise CliError(f"{name}: --time-column {time_column!r} is not in the header ({', '.join(header)})")
        missing = [c for c in ref_columns if c not in header]
        unknown = [c for c in header if c not in ref_columns and c != time_column]
        dupes = sorted({c for c in header if header.count(c) > 1})
        if dupes:
            raise CliError(f"{name}: duplicate column name(s) in the header: {', '.join(dupes)}")
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing column(s) {', '.join(missing)}")
            if unknown:
                parts.append(f"unknown column(s) {', '.join(unknown)}")
            raise CliError(f"{name}: the header does not match the reference: {'; '.join(parts)} "
                           f"(reference columns: {', '.join(ref_columns)})")
        self.width = len(header)
        self.index = [header.index(c) for c in ref_columns]  # stream position of each reference column
        self.time_column = time_column
        self.time_index = header.index(time_column) if time_column is not None else -1
        self.columns = list(ref_columns)
        self.categorical = set(categorical)
        self.canonical = set(canonical)

    def _next_row(self) -> Optional[List[str]]:
        try:
            for row in self.rows:
                self.line = self.rows.line_num
                if row:  # skip blank lines
                    return row
        except csv.Error as e:
            raise CliError(f"{self.name}: line {self.rows.line_num}: malformed CSV ({e})") from None
        return None

    def chunks(self) -> Iterator[Dict[str, np.ndarray]]:
        while True:
            rows: List[Tuple[int, List[str]]] = []
            while len(rows) < self.chunk:
                r = self._next_row()
                if r is None:
                    break
                if len(r) != self.width:
                    raise CliError(f"{self.name}: line {self.line}: {len(r)} fields, the header has {self.width}")
                rows.append((self.line, r))
            if not rows:
                return
            yield self._parse(rows)
            self.n_rows += len(rows)
            if len(rows) < self.chunk:
                return

    def _parse(self, rows: List[Tuple[int, List[str]]]) -> Dict[str, np.ndarray]:
        out: Dict[str, np.ndarray] = {}
        for name, j in zip(self.columns, self.index):
            if name in self.categorical:
                col = np.empty(len(rows), dtype=object)
                for k, (_, r) in enumerate(rows):
                    s = r[j].strip()
                    if s.lower() in MISSING_TOKENS:
                        col[k] = None
                    else:
                        col[k] = _canonical_category(s) if name in self.canonical else s
            else:
                col = np.empty(len(rows), dtype=np.float64)
                for k, (line, r) in enumerate(rows):
                    s = r[j].strip()
                    if s.lower() in MISSING_TOKENS:
                        col[k] = math.nan
                        continue
                    try:
                        col[k] = float(s)
                    except ValueError:
                        raise CliError(f"{self.name}: line {line}: column {name!r} is numerical in the "
                                       f"reference, got {r[j]!r} (use --categorical {name} if it is a "
                                       f"category)") from None
            out[name] = col
        if self.time_index >= 0:
            out[TIME_KEY] = self._times(rows)
        return out

    def _times(self, rows: List[Tuple[int, List[str]]]) -> np.ndarray:
        """int64 nanoseconds of the time column: epoch seconds or ISO 8601."""
        ts = np.empty(len(rows), dtype=np.int64)
        for k, (line, r) in enumerate(rows):
            s = r[self.time_index].strip()
            try:
                ts[k] = round(float(s) * 1e9)
            except ValueError:
                try:
                    ts[k] = np.datetime64(s.rstrip("Z"), "ns").astype(np.int64)
                except ValueError:
                    raise CliError(f"{self.name}: line {line}: --time-column {self.time_column!r}: expected epoch "
                                   f"seconds or an ISO 8601 time, got {s!r}") from None
        return ts


def format_event(e: Any) -> str:
    """One readable line for an AlarmEvent, e.g.
    "window_end 2300  ALARM    pitch_hz  psi 0.312 >= 0.25"."""
    op = "<" if e.statistic in P_VALUE_STATISTICS else ">="
    what = "p" if e.statistic in P_VALUE_STATISTICS else ""
    value = fmt_p(e.value) if e.statistic in P_VALUE_STATISTICS else fmt_float(e.value)
    stat = f"{e.statistic} {what}={value}" if what else f"{e.statistic} {value}"
    return f"window_end {e.window_end:>7}  {e.level.upper():<7}  {e.feature}  {stat} {op} {e.threshold:g}"


def _cmd_watch(args: argparse.Namespace, out: TextIO) -> int:
    try:
        from .monitor import StreamMonitor
    except ImportError as e:  # pragma: no cover - a broken install
        raise CliError(f"the stream monitor is not available ({e})") from None
    if args.kind == "tumbling" and args.stride is not None and args.stride != args.window:
        raise CliError(f"--kind tumbling: --stride must equal --window ({args.window}) or be left out, "
                       f"got {args.stride}")
    stride = args.window if args.kind == "tumbling" else (100 if args.stride is None else args.stride)
    try:
        ref = read_table(args.reference)
    except TableError as e:
        raise CliError(str(e)) from None
    forced = list(dict.fromkeys(args.categorical or []))
    reference, categorical = _reference_columns(ref, forced)
    canonical = [c for c in forced if c in ref.numeric]
    try:
        monitor = StreamMonitor(reference, categorical=categorical, window=args.kind, size=args.window,
                                stride=stride if args.kind == "sliding" else None, ks_method=args.ks_method)
    except ValueError as e:
        raise CliError(f"{args.reference}: {e}") from None

    stage_pipe, window_ns = _watch_stage(args, ref, reference, categorical)
    latest: List[list] = [[]]  # the families served: swapped whole after each chunk
    server = None
    if args.metrics_port is not None:
        from ._exposition import serve_metrics

        try:
            server = serve_metrics(lambda: latest[0], port=args.metrics_port)
        except OSError as e:
            raise CliError(f"--metrics-port {args.metrics_port}: cannot listen ({e.strerror})") from None
        print(f"driftscope watch: serving metrics at {server.url}", file=sys.stderr, flush=True)

    if args.input is not None:
        try:
            f: TextIO = open(args.input, newline="", encoding="utf-8-sig")
        except OSError as e:
            raise CliError(f"{args.input}: cannot read ({e.strerror})") from None
        name = args.input
    else:
        f = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
        name = "<stdin>"
    counts: Dict[str, Dict[str, int]] = {}
    events = 0
    alerts = 0
    last_ts: Optional[int] = None
    try:
        reader = _StreamReader(f, name, ref.columns, categorical, canonical, args.chunk, args.time_column)
        for chunk in reader.chunks():
            ts = chunk.pop(TIME_KEY, None)
            rows = f"rows {reader.n_rows + 1}..{reader.n_rows + len(chunk[ref.columns[0]])}"
            try:
                fired = monitor.update_many(chunk)
            except ValueError as e:
                raise CliError(f"{name}: {rows}: {e}") from None
            for e in fired:
                events += 1
                key = f"{e.feature}/{e.statistic}"
                counts.setdefault(key, {"warning": 0, "alarm": 0})[e.level] += 1
                if args.format == "jsonl":
                    d = {"feature": e.feature, "statistic": e.statistic, "level": e.level,
                         "value": json_number(e.value), "threshold": json_number(e.threshold),
                         "window_end": e.window_end}
                    out.write(json.dumps(d, allow_nan=False) + "\n")
                else:
                    out.write(format_event(e) + "\n")
                out.flush()
            if stage_pipe is not None:
                n = len(chunk[ref.columns[0]])
                if ts is None:
                    ts = np.full(n, time.time_ns(), dtype=np.int64)
                try:
                    changed = stage_pipe.stage(0).observe_many(chunk, timestamps=ts)
                except ValueError as e:
                    raise CliError(f"{name}: {rows}: {e}") from None
                alerts += _write_alerts(changed, args.format, out)
                last_ts = int(ts[-1]) if n else last_ts
                if server is not None:
                    latest[0] = stage_pipe.metric_families() + monitor.metric_families()
        if stage_pipe is not None and last_ts is not None:
            # the last, partial window is evaluated at its end
            alerts += _write_alerts(stage_pipe.advance(last_ts + window_ns), args.format, out)
            if server is not None:
                latest[0] = stage_pipe.metric_families() + monitor.metric_families()
    except UnicodeDecodeError as e:
        raise CliError(f"{name}: not a UTF-8 text stream ({e.reason})") from None
    finally:
        if args.input is not None:
            f.close()
        if server is not None:
            server.close()
    if args.format == "text":
        out.write(_watch_summary(reader.n_rows, args.kind, args.window, stride, events, counts))
        if stage_pipe is not None:
            out.write(_alert_summary(stage_pipe, alerts))
        out.flush()
    return EXIT_OK


def _watch_stage(args: argparse.Namespace, ref: Table, reference: Dict[str, np.ndarray],
                 categorical: List[str]) -> Tuple[Any, int]:
    """The input-metrics stage of --rules / --metrics-port as a one-stage PipelineMonitor, and
    the window in ns; (None, 0) without either option."""
    if args.rules is None and args.metrics_port is None:
        return None, 0
    from ._pipeline import PipelineMonitor, Stage, _duration_ns
    from ._rules_file import load_rules

    rules = []
    if args.rules is not None:
        try:
            rules = load_rules(args.rules)
        except ValueError as e:
            raise CliError(f"--rules: {e}") from None
    try:
        window = _duration_ns(args.metrics_window, "--metrics-window", "the window")
        numeric = [c for c in ref.columns if c not in categorical]
        stage = Stage("input", numeric=numeric, categorical=categorical, window=window, rules=rules,
                      reference=reference)
    except ValueError as e:
        raise CliError(f"--rules / --metrics-window: {e}") from None
    return PipelineMonitor([stage]), window


def _write_alerts(events: List[Any], fmt: str, out: TextIO) -> int:
    """Writes the firing / resolved alert events; returns how many it wrote."""
    n = 0
    for e in events:
        if e.to_state not in ("firing", "resolved"):
            continue
        n += 1
        when = np.datetime_as_string(np.datetime64(int(e.timestamp), "ns"), unit="s") + "Z"
        if fmt == "jsonl":
            d = {"alert": e.rule, "severity": e.severity, "state": e.to_state, "value": json_number(e.value),
                 "time": when}
            out.write(json.dumps(d, allow_nan=False) + "\n")
        else:
            out.write(f"alert {when}  {e.severity.upper():<7}  {e.to_state:<8}  {e.rule}  value {fmt_float(e.value)}\n")
        out.flush()
    return n


def _alert_summary(pipe: Any, alerts: int) -> str:
    states = pipe.stage(0).alert_states
    firing = [f"{r} ({sev})" for r, sev, st in states if st == "firing"]
    line = f"alerts: {alerts} firing / resolved events; firing now: {', '.join(firing) if firing else 'none'}\n"
    return line


def _watch_summary(n_rows: int, kind: str, size: int, stride: int, events: int,
                   counts: Dict[str, Dict[str, int]]) -> str:
    evaluations = 0 if n_rows < size else (n_rows - size) // stride + 1
    window = f"sliding {size} / {stride}" if kind == "sliding" else f"tumbling {size}"
    lines = [f"summary: {n_rows} rows, {evaluations} windows evaluated ({window}), {events} events"]
    if n_rows < size:
        lines.append(f"  (fewer rows than one window of {size}: nothing was evaluated)")
    for key, c in counts.items():
        lines.append(f"  {key}: {c['alarm']} alarm(s), {c['warning']} warning(s)")
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
