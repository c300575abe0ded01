"""The driftscope command line, in process (main(argv)) and as `python -m driftscope`."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

import driftscope
from driftscope.cli import main


def write_csv(path, columns):
    names = list(columns)
    n = max(len(v) for v in columns.values())
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        for i in range(n):
            w.writerow([columns[c][i] if i < len(columns[c]) else "" for c in names])
    return str(path)


@pytest.fixture
def csv_pair(tmp_path):
    rng = np.random.default_rng(2024)
    n_ref, n_cur = 3000, 2000
    stable_ref = [f"{v:.6g}" for v in rng.normal(0, 1, n_ref)]
    stable_cur = [f"{v:.6g}" for v in rng.normal(0, 1, n_cur)]
    shifted_ref = [f"{v:.6g}" for v in rng.normal(10, 2, n_ref)]
    shifted_cur = [f"{v:.6g}" for v in rng.normal(13, 2, n_cur)]
    # a few missing cells of every flavour
    for i, tok in enumerate(["", "NA", "NaN", "null", " "]):
        stable_ref[i * 7] = tok
    shifted_cur[3] = ""
    shifted_cur[4] = "N/A"
    city_ref = list(rng.choice(["oslo", "rome"], n_ref))
    city_cur = list(rng.choice(["oslo", "rome"], n_cur))
    ref = write_csv(tmp_path / "ref.csv", {"stable": stable_ref, "shifted": shifted_ref, "city": city_ref,
                                            "only_ref": [str(i) for i in range(n_ref)]})
    cur = write_csv(tmp_path / "cur.csv", {"shifted": shifted_cur, "stable": stable_cur, "city": city_cur})
    return ref, cur


def run_main(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- compare


def test_compare_json_flags_drifted_column(csv_pair, capsys):
    ref, cur = csv_pair
    code, out, err = run_main(capsys, "compare", ref, cur, "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    cols = {c["name"]: c for c in report["columns"]}
    assert list(cols) == ["stable", "shifted", "city", "only_ref"]
    assert cols["shifted"]["drift"] is True and cols["shifted"]["test"] == "wasserstein"
    assert cols["stable"]["drift"] is False
    assert cols["city"]["type"] == "categorical" and cols["city"]["test"] == "jensenshannon"
    assert cols["only_ref"]["error"] == "column 'only_ref' is not in the current data"
    assert cols["only_ref"]["drift"] is None
    assert cols["stable"]["missing_reference"] == 5 and cols["stable"]["missing_current"] == 0
    assert cols["shifted"]["missing_current"] == 2
    assert cols["stable"]["n_reference"] == 2995
    assert report["dataset"]["n_drifted"] == 1 and report["dataset"]["n_errors"] == 1
    assert report["dataset"]["drift"] is False  # 1 of 3 tested columns
    assert (report["n_reference"], report["n_current"]) == (3000, 2000)


def test_compare_values_equal_library(csv_pair, capsys):
    ref, cur = csv_pair
    code, out, _ = run_main(capsys, "compare", ref, cur, "--format", "json", "--columns", "shifted",
                            "--tests", "ks")
    assert code == 0
    (col,) = json.loads(out)["columns"]
    import csv as _csv

    def column(path):
        with open(path) as f:
            rows = list(_csv.DictReader(f))
        return np.array([float(r["shifted"]) if r["shifted"].strip() not in ("", "N/A") else np.nan for r in rows])

    r, c = column(ref), column(cur)
    k = driftscope.ks_2samp(r, c, nan_policy="omit")
    assert col["statistic"] == k.statistic and col["pvalue"] == k.pvalue


def test_compare_table_output(csv_pair, capsys):
    ref, cur = csv_pair
    code, out, err = run_main(capsys, "compare", ref, cur)
    assert code == 0, err
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("column"))
    assert "test" in header and "p-value" in header and "verdict" in header
    shifted = next(line for line in lines if line.startswith("shifted"))
    stable = next(line for line in lines if line.startswith("stable"))
    assert shifted.rstrip().endswith("DRIFT")
    assert stable.rstrip().endswith("ok")
    assert "dataset drift: no (1 of 3 tested columns drifted" in out
    assert "error: only_ref: column 'only_ref' is not in the current data" in out


def test_compare_threshold_changes_verdict(csv_pair, capsys):
    ref, cur = csv_pair
    code, out, _ = run_main(capsys, "compare", ref, cur, "--format", "json", "--thresholds", "1000")
    assert code == 0
    assert json.loads(out)["dataset"]["n_drifted"] == 0
    # the deprecated option still works: PSI with that threshold on every column
    code, out, err = run_main(capsys, "compare", ref, cur, "--format", "json", "--psi-threshold", "1000")
    assert code == 0 and "deprecated" in err
    cols = json.loads(out)["columns"]
    assert {c["test"] for c in cols if c["error"] is None} == {"psi"}
    assert all(c["threshold"] == 1000 for c in cols if c["error"] is None)


def test_compare_all_missing_column_reported(tmp_path, capsys):
    ref = write_csv(tmp_path / "r.csv", {"a": ["1", "2", "3"]})
    cur = write_csv(tmp_path / "c.csv", {"a": ["", "NA", "nan"]})
    code, out, err = run_main(capsys, "compare", ref, cur, "--format", "json")
    assert code == 0, err
    a = json.loads(out)["columns"][0]
    assert a["drift"] is None and a["statistic"] is None and a["missing_current"] == 3
    assert "no non-missing values" in a["error"]


def test_compare_parquet(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rng = np.random.default_rng(1)
    pq.write_table(pa.table({"x": rng.normal(0, 1, 500), "k": pa.array([None] + list(range(499))),
                             "s": pa.array(["u", "v"] * 250)}), tmp_path / "r.parquet")
    pq.write_table(pa.table({"x": rng.normal(2, 1, 400), "k": pa.array(list(range(400))),
                             "s": pa.array(["u", "v", "v", None] * 100)}), tmp_path / "c.parquet")
    code, out, err = run_main(capsys, "compare", str(tmp_path / "r.parquet"), str(tmp_path / "c.parquet"),
                              "--format", "json")
    assert code == 0, err
    cols = {c["name"]: c for c in json.loads(out)["columns"]}
    assert cols["x"]["drift"] is True
    assert cols["k"]["missing_reference"] == 1
    assert cols["s"]["type"] == "categorical" and cols["s"]["missing_current"] == 100


# --------------------------------------------------------------------------- errors


def test_error_missing_file(tmp_path, csv_pair, capsys):
    ref, _ = csv_pair
    code, out, err = run_main(capsys, "compare", ref, str(tmp_path / "nope.csv"))
    assert code == 2 and out == ""
    assert "nope.csv" in err and "no such file" in err


def test_error_no_shared_columns(tmp_path, capsys):
    ref = write_csv(tmp_path / "r.csv", {"a": ["1", "2"]})
    cur = write_csv(tmp_path / "c.csv", {"b": ["1", "2"]})
    code, _, err = run_main(capsys, "compare", ref, cur)
    assert code == 2 and "no shared columns" in err


def test_error_unknown_column(csv_pair, capsys):
    ref, cur = csv_pair
    code, _, err = run_main(capsys, "compare", ref, cur, "--columns", "stable,missing_col")
    assert code == 2 and "missing_col" in err
    code, _, err = run_main(capsys, "compare", ref, cur, "--columns", "only_ref")
    assert code == 2 and "only_ref" in err and "current" in err


def test_error_numerical_test_on_categorical_column(csv_pair, capsys):
    ref, cur = csv_pair
    code, _, err = run_main(capsys, "compare", ref, cur, "--columns", "city", "--tests", "ks")
    assert code == 2 and "does not apply to the categorical column 'city'" in err


@pytest.mark.parametrize(
    "content, message",
    [
        ("a,b\n1,2\n3\n", "row 3"),
        ("", "empty"),
        ("a,a\n1,2\n", "duplicate"),
        ("a,b\n", "no data rows"),
    ],
)
def test_error_unreadable_csv(tmp_path, csv_pair, capsys, content, message):
    ref, _ = csv_pair
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    code, _, err = run_main(capsys, "compare", ref, str(bad))
    assert code == 2 and message in err


def test_error_binary_file(tmp_path, csv_pair, capsys):
    ref, _ = csv_pair
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00\x81garbage\x00\x9c")
    code, _, err = run_main(capsys, "compare", ref, str(bad))
    assert code == 2 and "bad.csv" in err


def test_error_bad_parquet(tmp_path, csv_pair, capsys):
    ref, _ = csv_pair
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    code, _, err = run_main(capsys, "compare", ref, str(bad))
    assert code == 2 and "bad.parquet" in err


@pytest.mark.parametrize("value", ["-1", "0", "abc", "nan", "inf"])
def test_error_bad_threshold(csv_pair, capsys, value):
    ref, cur = csv_pair
    code, _, err = run_main(capsys, "compare", ref, cur, f"--psi-threshold={value}")
    assert code == 2 and "psi-threshold" in err
    code, _, err = run_main(capsys, "compare", ref, cur, f"--thresholds={value}")
    assert code == 2 and "thresholds" in err


def test_error_bad_bins_and_format(csv_pair, capsys):
    ref, cur = csv_pair
    assert run_main(capsys, "compare", ref, cur, "--bins", "1")[0] == 2
    code, _, err = run_main(capsys, "compare", ref, cur, "--bins", "20")
    assert code == 2 and "--bins is no longer supported" in err
    assert run_main(capsys, "compare", ref, cur, "--bins", "10")[0] == 0
    assert run_main(capsys, "compare", ref, cur, "--format", "xml")[0] == 2


def test_no_command_and_version(capsys):
    code, _, err = run_main(capsys)
    assert code == 2 and "command" in err
    code, out, _ = run_main(capsys, "--version")
    assert code == 0 and driftscope.__version__ in out


# --------------------------------------------------------------------------- demo


def test_demo_json_in_process(capsys):
    code, out, err = run_main(capsys, "demo", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    by_name = {s["name"]: s for s in report["scenarios"]}
    assert by_name["no drift"]["flagged"] is False
    assert all(b["verdict"] != "DRIFT" for b in by_name["no drift"]["batches"])
    assert by_name["sudden shift"]["flagged"] is True
    assert by_name["sudden shift"]["batches"][-1]["verdict"] == "DRIFT"
    gradual = by_name["gradual shift"]
    assert gradual["flagged"] is True
    shares = [b["children_share"] for b in gradual["batches"]]
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] == 0.5
    assert gradual["batches"][0]["verdict"] == "OK"
    assert gradual["batches"][-1]["verdict"] == "DRIFT"
    for s in report["scenarios"]:
        assert s["summary"].startswith(s["name"])


def test_demo_text_and_seed_determinism(capsys):
    code, out1, _ = run_main(capsys, "demo")
    assert code == 0
    assert "summary:" in out1 and "pitch_hz" in out1 and "DRIFT" in out1
    assert "gradual shift: drift first flagged at batch" in out1
    _, out2, _ = run_main(capsys, "demo")
    assert out1 == out2
    _, out3, _ = run_main(capsys, "demo", "--seed", "123")
    assert out3 != out1


def test_demo_scenarios_are_extensible():
    from driftscope import demo

    def all_children(rng, n):
        return demo.Scenario("kids only", "children only", [demo.Batch("b1", 1.0, demo.mixed_voices(rng, n, 1.0))])

    result = demo.run(seed=1, scenarios=[*demo.SCENARIOS, all_children], reference_size=2000, batch_size=500)
    assert [s["name"] for s in result["scenarios"]][-1] == "kids only"
    assert result["scenarios"][-1]["flagged"] is True
    # adding a scenario does not change the data of the others
    base = demo.run(seed=1, reference_size=2000, batch_size=500)
    assert base["scenarios"] == result["scenarios"][:-1]


# --------------------------------------------------------------------------- as a subprocess


def run_module(*args):
    return subprocess.run([sys.executable, "-m", "driftscope", *args], capture_output=True, text=True, timeout=120)


def test_subprocess_compare_and_errors(csv_pair, tmp_path):
    ref, cur = csv_pair
    p = run_module("compare", ref, cur, "--format", "json")
    assert p.returncode == 0, p.stderr
    assert [c["name"] for c in json.loads(p.stdout)["columns"] if c["drift"]] == ["shifted"]
    p = run_module("compare", ref, str(tmp_path / "absent.csv"))
    assert p.returncode == 2 and "absent.csv" in p.stderr and p.stdout == ""
    p = run_module("compare", ref, cur, "--psi-threshold", "-3")
    assert p.returncode == 2


def test_subprocess_demo_and_version():
    p = run_module("demo", "--format", "json")
    assert p.returncode == 0, p.stderr
    by_name = {s["name"]: s for s in json.loads(p.stdout)["scenarios"]}
    assert by_name["sudden shift"]["flagged"] and not by_name["no drift"]["flagged"]
    p = run_module("--version")
    assert p.returncode == 0 and p.stdout.strip() == f"driftscope {driftscope.__version__}"


def test_parquet_without_pyarrow_is_a_clear_error(monkeypatch, tmp_path, csv_pair, capsys):
    ref, _ = csv_pair
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # makes `import pyarrow` raise ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    path = tmp_path / "cur.parquet"
    path.write_bytes(b"PAR1")
    code, _, err = run_main(capsys, "compare", ref, str(path))
    assert code == 2 and "pyarrow" in err and "not installed" in err
