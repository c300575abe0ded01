"""driftscope.compare / DriftReport: parity of each row with scipy / statsmodels / the
driftscope statistics, the default test rule, the bad-input outcomes of issue 3 section 4,
input types, n_jobs, the correction, and the JSON / pandas outputs."""

import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import scipy.spatial.distance
import scipy.stats as ss
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

import driftscope
from _util import assert_close, quiet

RTOL_STAT = 1e-12
RTOL_P = 1e-9
ATOL_P = 1e-14


def _frames(seed=0, n_ref=800, n_cur=700):
    rng = np.random.default_rng(seed)
    ref = pd.DataFrame({
        "x": rng.normal(0, 1, n_ref),
        "y": rng.exponential(1, n_ref).astype(np.float32),
        "k": rng.integers(0, 4, n_ref),             # numerical, 4 distinct values
        "city": rng.choice(["a", "b", "c", "d"], n_ref),
        "flag": rng.random(n_ref) < 0.3,
    })
    cur = pd.DataFrame({
        "x": rng.normal(0.2, 1, n_cur),
        "y": rng.exponential(1.1, n_cur).astype(np.float32),
        "k": rng.integers(0, 4, n_cur),
        "city": rng.choice(["a", "b", "c", "e"], n_cur),  # "e" unseen in reference, "d" gone
        "flag": rng.random(n_cur) < 0.4,
    })
    return ref, cur


def _table(ref, cur, values):
    """2 x k contingency table of category counts (reference row first)."""
    cats = sorted(set(ref) | set(cur))
    return np.array([[np.sum(ref == c) for c in cats], [np.sum(cur == c) for c in cats]], dtype=float)


# --------------------------------------------------------------------------- parity


def test_default_rows_match_the_reference_implementations():
    ref, cur = _frames()
    rep = driftscope.compare(ref, cur)
    assert [c.name for c in rep.columns] == ["x", "y", "k", "city", "flag"]
    x = rep["x"]
    assert (x.type, x.test, x.threshold, x.threshold_kind) == ("numerical", "ks", 0.05, "pvalue")
    k = quiet(ss.ks_2samp, ref.x, cur.x)
    assert_close(x.statistic, k.statistic, RTOL_STAT)
    assert_close(x.pvalue, k.pvalue, RTOL_P, ATOL_P)
    assert x.drift == (k.pvalue < 0.05)
    assert_close(x.score, math.log(k.pvalue) / math.log(0.05), 1e-12)
    y = rep["y"]
    assert y.test == "ks"
    assert_close(y.pvalue, quiet(ss.ks_2samp, ref.y.to_numpy(), cur.y.to_numpy()).pvalue, RTOL_P, ATOL_P)
    kk = rep["k"]  # 4 distinct values: categorical treatment, chi-square on value counts
    assert (kk.type, kk.test) == ("numerical", "chisquare")
    c = quiet(ss.chi2_contingency, _table(ref.k.to_numpy(), cur.k.to_numpy(), None))
    assert_close(kk.statistic, c.statistic, RTOL_STAT)
    assert_close(kk.pvalue, c.pvalue, RTOL_P, ATOL_P)
    city = rep["city"]
    assert (city.type, city.test) == ("categorical", "chisquare")
    c = quiet(ss.chi2_contingency, _table(ref.city.to_numpy(), cur.city.to_numpy(), None))
    assert_close(city.statistic, c.statistic, RTOL_STAT)
    assert_close(city.pvalue, c.pvalue, RTOL_P, ATOL_P)
    flag = rep["flag"]
    assert (flag.type, flag.test) == ("categorical", "z")
    z, p = proportions_ztest([ref.flag.sum(), cur.flag.sum()], [len(ref), len(cur)])
    assert_close(flag.statistic, z, 1e-12)
    assert_close(flag.pvalue, p, RTOL_P, ATOL_P)
    for col in rep.columns:
        assert col.error is None
        assert col.n_reference == 800 and col.n_current == 700
        assert col.missing_reference == 0 and col.pvalue_adjusted is None


@pytest.mark.parametrize("test,reference", [
    ("ks", lambda a, b: (ss.ks_2samp(a, b).statistic, ss.ks_2samp(a, b).pvalue)),
    ("ks_2samp", lambda a, b: (ss.ks_2samp(a, b).statistic, ss.ks_2samp(a, b).pvalue)),
    ("t_test", lambda a, b: tuple(ss.ttest_ind(a, b))),
    ("mannw", lambda a, b: tuple(ss.mannwhitneyu(a, b))),
    ("cramer_von_mises", lambda a, b: (ss.cramervonmises_2samp(a, b).statistic,
                                       ss.cramervonmises_2samp(a, b).pvalue)),
    ("ed", lambda a, b: (ss.energy_distance(a, b), None)),
    ("wasserstein", lambda a, b: (ss.wasserstein_distance(a, b) / np.std(a), None)),
    ("anderson", lambda a, b: (ss.anderson_ksamp([a, b]).statistic, ss.anderson_ksamp([a, b]).pvalue)),
    ("es", lambda a, b: tuple(ss.epps_singleton_2samp(a, b))),
    ("psi", lambda a, b: (driftscope.psi(a, b).statistic, None)),
    # Evidently's jensenshannon: natural log (scipy's default base)
    ("jensenshannon", lambda a, b: (driftscope.js_distance(a, b, base=np.e).statistic, None)),
])
def test_numerical_tests_match(test, reference):
    rng = np.random.default_rng(1)
    a = rng.normal(0, 1, 300)
    b = rng.normal(0.1, 1.2, 250)
    a[[5, 17]] = np.nan  # omitted and counted
    rep = driftscope.compare({"v": a}, {"v": b}, tests=test)
    row = rep["v"]
    assert row.error is None
    assert row.missing_reference == 2 and row.n_reference == 298
    stat, p = quiet(reference, a[~np.isnan(a)], b)
    assert_close(row.statistic, stat, 1e-11 if test == "wasserstein" else RTOL_STAT)
    if p is None:
        assert row.pvalue is None and row.threshold_kind == "distance"
        assert row.drift == (row.statistic >= row.threshold)
    else:
        assert_close(row.pvalue, p, RTOL_P, ATOL_P)
        assert row.drift == (row.pvalue < row.threshold)


@pytest.mark.parametrize("test", ["chisquare", "g_test", "fisher_exact", "z", "psi", "jensenshannon", "TVD"])
def test_categorical_tests_match(test):
    rng = np.random.default_rng(2)
    ref = rng.choice(["no", "yes"], 120, p=[0.7, 0.3])
    cur = rng.choice(["no", "yes"], 90, p=[0.55, 0.45])
    row = driftscope.compare({"c": ref}, {"c": cur}, tests={"c": test})["c"]
    t = _table(ref, cur, None)
    if test == "chisquare":
        r = ss.chi2_contingency(t)
        expected = (r.statistic, r.pvalue)
    elif test == "g_test":
        r = ss.chi2_contingency(t, lambda_="log-likelihood")
        expected = (r.statistic, r.pvalue)
    elif test == "fisher_exact":
        expected = tuple(ss.fisher_exact(t))
    elif test == "z":
        expected = proportions_ztest([t[0, 1], t[1, 1]], [t[0].sum(), t[1].sum()])
    elif test == "psi":
        expected = (driftscope.psi(ref, cur).statistic, None)
    elif test == "jensenshannon":
        expected = (scipy.spatial.distance.jensenshannon(t[0], t[1]), None)  # base e, as Evidently
    else:
        expected = (0.5 * np.abs(t[0] / t[0].sum() - t[1] / t[1].sum()).sum(), None)
    assert row.error is None
    assert_close(row.statistic, expected[0], 1e-12)
    if expected[1] is not None:
        assert_close(row.pvalue, expected[1], RTOL_P, ATOL_P)


# --------------------------------------------------------------------------- default rule


def test_default_rule_sizes_and_unique_values():
    rng = np.random.default_rng(3)
    cur = {"a": rng.normal(size=200), "b": rng.normal(size=200), "five": rng.integers(0, 5, 200).astype(float),
           "six": np.r_[rng.integers(0, 5, 199), 9.0], "bin": rng.integers(0, 2, 200),
           "cat": rng.choice(list("ab"), 200), "nan1000": rng.normal(size=200)}
    ref = {"a": rng.normal(size=1000), "b": rng.normal(size=1001), "five": rng.integers(0, 5, 1000).astype(float),
           "six": rng.integers(0, 5, 1000).astype(float), "bin": rng.integers(0, 2, 1000),
           "cat": rng.choice(list("ab"), 1001), "nan1000": np.r_[rng.normal(size=1000), np.nan]}
    rep = driftscope.compare(ref, cur)
    tests = {c.name: (c.test, c.threshold) for c in rep.columns}
    assert tests["a"] == ("ks", 0.05)                  # <= 1000 rows, many values
    assert tests["b"] == ("wasserstein", 0.1)          # > 1000 rows
    assert tests["five"] == ("chisquare", 0.05)        # 5 values: categorical treatment
    assert tests["six"] == ("ks", 0.05)                # 6 values over both sides
    assert tests["bin"] == ("z", 0.05)                 # binary
    assert tests["cat"] == ("jensenshannon", 0.1)      # categorical, > 1000 rows
    assert tests["nan1000"] == ("ks", 0.05)            # rows are counted without NaN


# --------------------------------------------------------------------------- bad input (issue 3, section 4)


def test_per_column_outcomes_are_rows_not_crashes():
    ref = pd.DataFrame({
        "ok": np.arange(50.0),
        "mixed": [1, "a"] * 25,
        "only_ref": np.arange(50.0),
        "all_missing": [np.nan] * 50,
        "one_cat": ["x"] * 50,
        "cat_nan": ["a", None, "b", np.nan, "a"] * 10,
        "unseen": ["a", "b"] * 25,
        "when": pd.date_range("2024-01-01", periods=50),
    })
    cur = pd.DataFrame({
        "ok": np.arange(40.0) + 5,
        "mixed": [2, "b"] * 20,
        "all_missing": [np.nan] * 40,
        "one_cat": ["x"] * 40,
        "cat_nan": ["a", "b", "b", "b"] * 10,
        "unseen": ["a", "b", "c", "c"] * 10,  # a category the reference never saw: counted
        "only_cur": np.arange(40.0),
        "when": pd.date_range("2024-01-01", periods=40),
    })
    rep = driftscope.compare(ref, cur, columns=list(ref.columns) + ["only_cur"])
    rows = {c.name: c for c in rep.columns}
    assert rows["ok"].error is None
    assert "mixed types" in rows["mixed"].error and rows["mixed"].drift is None
    assert rows["only_ref"].error == "column 'only_ref' is not in the current data"
    assert rows["only_cur"].error == "column 'only_cur' is not in the reference data"
    assert "no non-missing values" in rows["all_missing"].error
    assert rows["all_missing"].missing_reference == 50
    one = rows["one_cat"]
    assert (one.error, one.test, one.pvalue, one.drift) == (None, "z", 1.0, False)
    cn = rows["cat_nan"]
    assert cn.error is None and cn.missing_reference == 20 and cn.n_reference == 30
    unseen = rows["unseen"]
    c = ss.chi2_contingency([[25, 25, 0], [10, 10, 20]])
    assert_close(unseen.pvalue, c.pvalue, RTOL_P, ATOL_P)
    assert unseen.plot["categories"][:3] == ["a", "b", "c"]
    assert "unsupported dtype" in rows["when"].error
    assert rep.to_dict()["dataset"]["n_errors"] == 5
    assert rep.to_dict()["dataset"]["n_columns"] == 9


def test_zero_expected_counts_and_z_on_more_than_two():
    # a category present on neither side would give a zero expected count: dropped
    ref = pd.Series(pd.Categorical(["a", "b"] * 10, categories=["a", "b", "zzz"]))
    cur = pd.Series(pd.Categorical(["a", "a", "b"] * 5, categories=["a", "b", "zzz"]))
    rep = driftscope.compare({"c": ref}, {"c": cur}, tests="chisquare")
    assert_close(rep["c"].pvalue, ss.chi2_contingency([[10, 10], [10, 5]]).pvalue, RTOL_P, ATOL_P)
    rep = driftscope.compare({"c": list("abc") * 5}, {"c": list("abcc") * 5}, tests="z")
    assert "binary" in rep["c"].error


@pytest.mark.parametrize("kwargs,message", [
    ({"tests": "kolmogorov"}, "unknown test 'kolmogorov'"),
    ({"tests": {"x": "nope"}}, "unknown test 'nope'"),
    ({"tests": {"city": "ks"}}, "does not apply to the categorical column 'city'"),
    ({"tests": {"zzz": "ks"}}, "not compared"),
    ({"tests": 3}, "must be a test name"),
    ({"thresholds": -1}, "thresholds must be finite and > 0"),
    ({"thresholds": {"x": float("nan")}}, "finite"),
    ({"thresholds": "0.1"}, "must be a number"),
    ({"tests": "ks", "thresholds": {"x": 1.5}}, "must be < 1"),
    ({"tests": "ks", "thresholds": {"x": 0.01}, "correction": "holm"}, "decided at alpha"),
    ({"drift_share": 0}, "drift_share"),
    ({"drift_share": 1.5}, "drift_share"),
    ({"correction": "sidak"}, "correction"),
    ({"alpha": 1.0}, "alpha"),
    ({"n_jobs": -2}, "n_jobs"),
    ({"n_jobs": 1.5}, "n_jobs"),
    ({"columns": "x"}, "sequence of names"),
])
def test_bad_requests_raise_value_error(kwargs, message):
    ref, cur = _frames()
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        driftscope.compare(ref, cur, **kwargs)


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="reference must be a pandas DataFrame"):
        driftscope.compare([1, 2, 3], {"a": [1.0]})
    with pytest.raises(ValueError, match="2-D"):
        driftscope.compare(np.zeros(5), np.zeros((5, 1)))
    with pytest.raises(ValueError, match="column_names has 1 names"):
        driftscope.compare(np.zeros((5, 2)), np.zeros((5, 2)), column_names=["a"])
    with pytest.raises(ValueError, match="duplicate column names"):
        driftscope.compare(pd.DataFrame([[1.0, 2.0]], columns=["a", "a"]), {"a": [1.0]})


# --------------------------------------------------------------------------- inputs, jobs, outputs


def test_pandas_pyarrow_dict_numpy_give_the_same_report():
    ref, cur = _frames(4)
    num = ["x", "k"]
    base = driftscope.compare(ref, cur).to_dict()
    via_arrow = driftscope.compare(pa.Table.from_pandas(ref), pa.Table.from_pandas(cur)).to_dict()
    via_dict = driftscope.compare({c: ref[c].to_numpy() for c in ref}, {c: cur[c].to_numpy() for c in cur}).to_dict()
    assert via_arrow == base
    assert via_dict == base
    via_numpy = driftscope.compare(ref[num].to_numpy(), cur[num].to_numpy(), column_names=num).to_dict()
    sub = driftscope.compare(ref, cur, columns=num).to_dict()
    for a, b in zip(via_numpy["columns"], sub["columns"]):
        if a["name"] == "k":  # integer -> float64 in the 2-D array: same values
            assert a == b
        else:
            assert a == b
    default_names = driftscope.compare(ref[num].to_numpy(), cur[num].to_numpy())
    assert [c.name for c in default_names.columns] == ["0", "1"]


def test_arrow_nulls_and_nullable_pandas():
    ref = pa.table({"v": pa.array([1.0, None, 3.0, 4.0, 5.0, 6.0, 7.0]), "s": pa.array(["a", None, "b"] * 2 + ["a"])})
    cur = pa.table({"v": pa.array([2.0, 3.0, None, None, 5.0, 9.0, 1.0]), "s": pa.array(["a", "b", "b"] * 2 + [None])})
    rep = driftscope.compare(ref, cur)
    assert (rep["v"].missing_reference, rep["v"].missing_current) == (1, 2)
    assert (rep["s"].missing_reference, rep["s"].missing_current) == (2, 1)
    p = driftscope.compare(ref.to_pandas().astype({"v": "Float64", "s": "string"}),
                           cur.to_pandas().astype({"v": "Float64", "s": "string"}))
    assert p.to_dict() == rep.to_dict()


def test_n_jobs_does_not_change_the_report():
    rng = np.random.default_rng(5)
    ref = {f"c{i}": rng.normal(0, 1, 500 + 50 * i) for i in range(12)}
    cur = {f"c{i}": rng.normal(0.05 * i, 1, 400) for i in range(12)}
    ref["cat"] = rng.choice(list("abcdef"), 2000)
    cur["cat"] = rng.choice(list("abcdeg"), 1500)
    one = driftscope.compare(ref, cur, n_jobs=1).to_json()
    assert driftscope.compare(ref, cur, n_jobs=2).to_json() == one
    assert driftscope.compare(ref, cur, n_jobs=0).to_json() == one
    assert driftscope.compare(ref, cur, n_jobs=-1).to_json() == one


@pytest.mark.parametrize("method", ["bonferroni", "holm", "fdr_bh"])
def test_correction_as_statsmodels(method):
    rng = np.random.default_rng(6)
    ref = {f"c{i}": rng.normal(0, 1, 300) for i in range(10)}
    cur = {f"c{i}": rng.normal(0.06 * i, 1, 300) for i in range(10)}
    plain = driftscope.compare(ref, cur, tests="ks")
    rep = driftscope.compare(ref, cur, tests="ks", correction=method, alpha=0.1)
    p = np.array([c.pvalue for c in plain.columns])
    reject, corrected, _, _ = multipletests(p, alpha=0.1, method=method)
    for row, r, q in zip(rep.columns, reject, corrected):
        assert_close(row.pvalue_adjusted, q, 1e-12)
        assert row.drift == bool(r)
        assert row.threshold == 0.1
    d = rep.to_dict()["dataset"]
    assert d["correction"] == method and d["alpha"] == 0.1
    assert rep.drift == bool(reject.any())
    assert rep.n_drifted == int(reject.sum())


def test_scalar_threshold_with_correction_and_auto_tests():
    rng = np.random.default_rng(11)
    ref = {"a": rng.normal(size=300), "c": rng.choice(list("xyz"), 300)}
    cur = {"a": rng.normal(size=300), "c": rng.choice(list("xyz"), 300)}
    # a scalar threshold applies to distance tests; p-value tests are decided at alpha
    rep = driftscope.compare(ref, cur, tests={"a": "ks"}, thresholds=0.3, correction="holm")
    assert rep["a"].threshold == 0.05 and rep["a"].error is None
    assert rep["c"].test == "chisquare" and rep["c"].threshold == 0.05 and rep["c"].error is None
    # the rule chooses p-value tests here (small reference): 2 cannot be a p-value threshold
    rep = driftscope.compare(ref, cur, thresholds=2.0)
    assert "is not a p-value threshold" in rep["a"].error
    assert "is not a p-value threshold" in rep["c"].error


def test_dataset_verdict_and_drift_share():
    rng = np.random.default_rng(7)
    ref = {f"c{i}": rng.normal(0, 1, 400) for i in range(4)}
    cur = {f"c{i}": rng.normal(3.0 if i < 2 else 0.0, 1, 400) for i in range(4)}
    rep = driftscope.compare(ref, cur, tests="ks", thresholds=1e-6)
    assert rep.n_drifted == 2 and rep.share_drifted == 0.5
    assert rep.drift  # 0.5 >= 0.5
    assert not driftscope.compare(ref, cur, tests="ks", thresholds=1e-6, drift_share=0.51).drift
    assert "2 of 4 columns drifted" in repr(rep)


def test_json_dict_and_pandas_outputs():
    ref, cur = _frames(8)
    rep = driftscope.compare(ref, cur, tests={"x": "wasserstein"})
    d = rep.to_dict()
    assert json.loads(rep.to_json()) == d
    assert json.loads(rep.to_json(indent=2)) == d
    assert set(d) == {"driftscope_version", "n_reference", "n_current", "dataset", "columns"}
    assert d["driftscope_version"] == driftscope.__version__
    assert (d["n_reference"], d["n_current"]) == (800, 700)
    assert set(d["dataset"]) == {"drift", "n_columns", "n_drifted", "n_errors", "share_drifted", "drift_share",
                                 "correction", "alpha"}
    x = d["columns"][0]
    assert x["pvalue"] is None and x["threshold_kind"] == "distance"
    plot = x["plot"]
    assert plot["kind"] == "numerical" and len(plot["edges"]) == 31 and len(plot["reference"]) == 30
    assert sum(plot["reference"]) == 800 and sum(plot["current"]) == 700
    assert len(plot["ecdf"]["x"]) == 100 and plot["ecdf"]["reference"][-1] == 1.0
    city = d["columns"][3]["plot"]
    assert city["kind"] == "categorical" and set(city["categories"]) == {"a", "b", "c", "d", "e"}
    assert isinstance(d["dataset"]["share_drifted"], float)
    df = rep.to_pandas()
    assert df.shape == (5, 15)
    assert list(df.columns) == ["name", "type", "test", "threshold", "threshold_kind", "statistic", "pvalue",
                                "pvalue_adjusted", "drift", "score", "n_reference", "n_current",
                                "missing_reference", "missing_current", "error"]
    assert df["pvalue"].dtype == np.float64 and math.isnan(df["pvalue"][0])
    assert driftscope.compare(ref, cur, plots=False).to_dict()["columns"][0]["plot"] is None


def test_unicode_and_odd_names_round_trip():
    names = ['quote"', "back\\slash", "new\nline", "tab\t", "é€😀", "\x01ctl"]
    rng = np.random.default_rng(9)
    ref = {n: rng.normal(size=30) for n in names}
    cur = {n: rng.normal(size=30) for n in names}
    rep = driftscope.compare(ref, cur)
    assert [c["name"] for c in json.loads(rep.to_json())["columns"]] == names
    labels = ["α", 'q"', "x\\y"]
    rep = driftscope.compare({"c": labels * 3}, {"c": labels[::-1] * 3})
    assert set(rep["c"].plot["categories"]) == set(labels)


def test_float32_without_copy_and_mixed_precision():
    rng = np.random.default_rng(10)
    a32 = rng.normal(size=500).astype(np.float32)
    b32 = rng.normal(size=400).astype(np.float32)
    rep = driftscope.compare({"v": a32}, {"v": b32}, tests="ks")
    assert_close(rep["v"].pvalue, ss.ks_2samp(a32, b32).pvalue, RTOL_P, ATOL_P)
    mixed = driftscope.compare({"v": a32}, {"v": b32.astype(np.float64)}, tests="ks")
    assert_close(mixed["v"].pvalue, ss.ks_2samp(a32.astype(np.float64), b32).pvalue, RTOL_P, ATOL_P)


def test_report_tests_registry():
    names = {t["name"]: t for t in driftscope.report_tests()}
    assert {"ks", "wasserstein", "psi", "jensenshannon", "kl_div", "hellinger", "TVD", "chisquare", "z",
            "g_test", "fisher_exact", "cramer_von_mises", "mannw", "t_test", "ed", "anderson", "es"} <= set(names)
    assert names["psi"]["default_threshold"] == 0.1 and names["ks"]["threshold_kind"] == "pvalue"
    assert "ks_2samp" in names["ks"]["aliases"]
