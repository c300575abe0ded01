"""`driftscope compare` as a report: --tests, --thresholds, --correction, --drift-share,
--n-jobs, --format json|html, --output; values equal driftscope.compare on the same data."""

import json

import numpy as np
import pandas as pd
import pytest

import driftscope
from driftscope.cli import main


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(7)
    ref = pd.DataFrame({"a": rng.normal(0, 1, 600), "b": rng.normal(0, 1, 600),
                        "c": rng.choice(["x", "y", "z"], 600), "d": rng.integers(0, 3, 600)})
    cur = pd.DataFrame({"a": rng.normal(0.5, 1, 500), "b": rng.normal(0, 1, 500),
                        "c": rng.choice(["x", "y"], 500), "d": rng.integers(0, 3, 500)})
    ref.to_csv(tmp_path / "ref.csv", index=False)
    cur.to_csv(tmp_path / "cur.csv", index=False)
    return str(tmp_path / "ref.csv"), str(tmp_path / "cur.csv"), ref, cur


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_equals_library_report(files, capsys):
    r, c, ref, cur = files
    code, out, err = run(capsys, "compare", r, c, "--format", "json", "--tests", "a=ks,b=psi,c=g_test",
                         "--thresholds", "b=0.2", "--n-jobs", "2")
    assert code == 0, err
    got = json.loads(out)
    want = driftscope.compare(ref, cur, tests={"a": "ks", "b": "psi", "c": "g_test"},
                              thresholds={"b": 0.2}).to_dict()
    assert got == want
    tests = {col["name"]: (col["test"], col["threshold"]) for col in got["columns"]}
    assert tests == {"a": ("ks", 0.05), "b": ("psi", 0.2), "c": ("g_test", 0.1), "d": ("chisquare", 0.05)}


def test_correction_and_drift_share(files, capsys):
    r, c, ref, cur = files
    code, out, _ = run(capsys, "compare", r, c, "--format", "json", "--correction", "holm", "--alpha", "0.01")
    assert code == 0
    d = json.loads(out)
    assert d["dataset"]["correction"] == "holm" and d["dataset"]["alpha"] == 0.01
    assert d == driftscope.compare(ref, cur, correction="holm", alpha=0.01).to_dict()
    code, out, _ = run(capsys, "compare", r, c, "--format", "json", "--drift-share", "0.25")
    assert json.loads(out)["dataset"]["drift_share"] == 0.25


def test_output_file_and_table(files, capsys, tmp_path):
    r, c, *_ = files
    path = tmp_path / "out.json"
    code, out, err = run(capsys, "compare", r, c, "--format", "json", "--output", str(path))
    assert code == 0 and out == "" and "wrote json report" in err
    assert json.loads(path.read_text())["dataset"]["n_columns"] == 4
    code, out, _ = run(capsys, "compare", r, c, "--correction", "bonferroni")
    assert "bonferroni correction at alpha 0.05" in out


def test_html(files, capsys, tmp_path):
    r, c, ref, cur = files
    code, _, err = run(capsys, "compare", r, c, "--format", "html")
    assert code == 2 and "--output" in err
    pytest.importorskip("driftscope._html")
    path = tmp_path / "report.html"
    code, _, err = run(capsys, "compare", r, c, "--format", "html", "--output", str(path))
    assert code == 0, err
    html = path.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    for name in ("a", "b", "c", "d"):
        assert name in html
    assert driftscope.compare(ref, cur).to_html() == html


@pytest.mark.parametrize("argv,message", [
    (["--tests", "nope"], "unknown test 'nope'"),
    (["--tests", "a=ks,=psi"], "COLUMN=TEST"),
    (["--tests", "zz=ks"], "not compared"),
    (["--thresholds", "a=-1"], "thresholds"),
    (["--correction", "sidak"], "correction"),
    (["--alpha", "1"], "alpha"),
    (["--drift-share", "0"], "drift-share"),
    (["--n-jobs", "-1"], "n-jobs"),
    (["--psi-threshold", "0.1", "--tests", "ks"], "cannot be combined"),
])
def test_errors(files, capsys, argv, message):
    r, c, *_ = files
    code, out, err = run(capsys, "compare", r, c, *argv)
    assert code == 2 and out == ""
    assert message in err
