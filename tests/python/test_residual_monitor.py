"""driftscope.concept.ResidualMonitor (issue 6 §2, §5, §6): the streaming residual monitor
from Python.

Oracles are independent of our code: numpy lstsq for the reference fit, the statistics
recomputed in numpy from their definitions (Chu, Stinchcombe & White 1996 residual CUSUM;
whitened score CUSUM; CUSUM of squared residuals; MOSUM), the critical value c solved with
scipy's brentq from the CSW crossing probability 2[1 - Φ(c) + c φ(c)], RLS with forgetting
against weighted least squares, λ = 1 against statsmodels' recursive_olsresiduals."""

import pickle

import numpy as np
import pytest
from scipy import optimize, stats

from driftscope import concept

smd = pytest.importorskip("statsmodels.stats.diagnostic")
sm = pytest.importorskip("statsmodels.api")

TESTS = ("residual_cusum", "score_cusum", "mosum", "variance")


# ---------------------------------------------------------------- data and oracles


def house(seed, m=1000, n=3000, *, p=1, change=None, beta_after=1.5, ramp=0, mixing=0, centred=False, sigma=10.0):
    """The issue's house example y = 5 + β·x + σε, x ~ U(20, 120) (centred: U(−50, 50));
    β 2 → beta_after at monitored index `change` (a linear ramp over `ramp` values when
    ramp > 0; with mixing > 0, each of the `mixing` values from `change` on follows the new
    β with probability 0.5, then all do). p > 1 adds N(0, 1) regressors with slopes 1, 2,
    ...  Returns (X_ref, y_ref, X, y) with X 2-D (rows, p)."""
    rng = np.random.default_rng(seed)
    lo, hi = (-50.0, 50.0) if centred else (20.0, 120.0)
    x = rng.uniform(lo, hi, m + n)
    X = np.column_stack([x] + [rng.normal(0.0, 1.0, m + n) for _ in range(p - 1)])
    beta = np.full(m + n, 2.0)
    if change is not None:
        k = np.arange(n, dtype=float)
        if ramp > 0:
            frac = np.clip((k - change) / ramp, 0.0, 1.0)
        elif mixing > 0:
            frac = (k >= change + mixing) | ((k >= change) & (rng.uniform(size=n) < 0.5))
        else:
            frac = k >= change
        beta[m:] = 2.0 + (beta_after - 2.0) * frac
    y = 5.0 + beta * x + sigma * rng.normal(0.0, 1.0, m + n)
    if p > 1:
        y += X[:, 1:] @ np.arange(1, p, dtype=float)
    return X[:m], y[:m], X[m:], y[m:]


def design(X):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    return np.column_stack([np.ones(len(X)), X])


def ols(X, y):
    Z = design(X)
    beta, *_ = np.linalg.lstsq(Z, y, rcond=None)
    e = y - Z @ beta
    return beta, np.sqrt(e @ e / (len(y) - Z.shape[1])), e


def crossing_c(level):
    """c with 2[1 − Φ(c) + c φ(c)] = level (CSW 1996 boundary crossing probability)."""
    return optimize.brentq(lambda c: 2.0 * (stats.norm.sf(c) + c * stats.norm.pdf(c)) - level, 0.1, 20.0, xtol=1e-14)


def csw_boundary(k, m, c):
    t = (m + k) / m
    return np.sqrt(t * (t - 1.0) * (c * c + np.log(t / (t - 1.0))))


class Oracle:
    """The monitor's statistics recomputed from their definitions on the full history."""

    def __init__(self, X_ref, y_ref, X, y, alpha=0.05, n_tests=3):
        self.m = len(y_ref)
        self.beta, self.sigma, e_ref = ols(X_ref, y_ref)
        Zr = design(X_ref)
        self.p = Zr.shape[1] - 1
        self.L = np.linalg.cholesky(Zr.T @ Zr / self.m)
        # variance CUSUM on u = |e|^(1/2) (the fourth root of e², near-symmetric where e² is
        # skewed): reference moments are the mean and sd (ddof 1) of u over the reference residuals
        u = np.sqrt(np.abs(e_ref))
        self.u_mean, self.u_sd = u.mean(), u.std(ddof=1)
        self.Z = design(X)
        self.e = y - self.Z @ self.beta
        self.level = alpha / n_tests

    def at(self, k):
        """Statistics after k monitored values."""
        e, Z, m, s = self.e[:k], self.Z[:k], self.m, self.sigma
        Q = e.sum() / (s * np.sqrt(m))
        w = np.linalg.solve(self.L, Z.T @ e) / (s * np.sqrt(m))
        V = (np.sqrt(np.abs(e)) - self.u_mean).sum() / (self.u_sd * np.sqrt(m))
        c = crossing_c(self.level)
        c_score = crossing_c(self.level / self.p)
        return dict(
            residual_cusum=Q,
            score_cusum=w[1:],
            variance_cusum=V,
            cusum_boundary=csw_boundary(k, m, c),
            score_boundary=csw_boundary(k, m, c_score),
            variance_boundary=csw_boundary(k, m, c),
        )


def check_statistics(mon, want, rtol=1e-9):
    for name, value in want.items():
        got = getattr(mon, name)
        np.testing.assert_allclose(got, value, rtol=rtol, atol=rtol * np.max(np.abs(value)), err_msg=name)


# ---------------------------------------------------------------- reference fit, statistics


@pytest.mark.parametrize("p", [1, 3])
def test_reference_fit_matches_lstsq(p):
    X_ref, y_ref, _, _ = house(1, m=400, n=0, p=p)
    mon = concept.ResidualMonitor(X_ref, y_ref)
    beta, sigma, _ = ols(X_ref, y_ref)
    np.testing.assert_allclose(mon.reference_coefficients, beta, rtol=1e-9)
    np.testing.assert_allclose(mon.tracking_coefficients, beta, rtol=1e-9)
    np.testing.assert_allclose(mon.coefficient_change, 0.0, atol=1e-9 * np.abs(beta).max())
    assert mon.sigma == pytest.approx(sigma, rel=1e-9)
    assert (mon.prediction_mode, mon.n_features, mon.reference_size, mon.n_monitored) == (False, p, 400, 0)
    assert not mon.alarmed and mon.alarms == [] and mon.drift is None and not mon.typing_pending
    assert repr(mon) == f"ResidualMonitor(mode=fitted, p={p}, m=400, n_monitored=0, alarmed=False)"
    # 1-D X is one regressor
    if p == 1:
        one = concept.ResidualMonitor(X_ref[:, 0], y_ref)
        np.testing.assert_array_equal(one.reference_coefficients, mon.reference_coefficients)


@pytest.mark.parametrize("alpha", [0.10, 0.05, 0.01])
def test_level_split_and_critical_values(alpha):
    X_ref, y_ref, _, _ = house(2, m=300, n=0, p=2)
    mon = concept.ResidualMonitor(X_ref, y_ref, alpha=alpha)
    # Bonferroni: residual, score and variance CUSUM enabled; the score level split over p = 2
    assert mon.test_alpha("residual_cusum") == pytest.approx(alpha / 3, rel=1e-12)
    assert mon.test_alpha("variance") == pytest.approx(alpha / 3, rel=1e-12)
    assert mon.test_alpha("score_cusum") == pytest.approx(alpha / 6, rel=1e-12)
    assert mon.test_alpha("mosum") == 0.0 and np.isnan(mon.critical_value("mosum"))
    assert mon.critical_value("residual_cusum") == pytest.approx(crossing_c(alpha / 3), rel=1e-9)
    assert mon.critical_value("score_cusum") == pytest.approx(crossing_c(alpha / 6), rel=1e-9)
    # only the residual CUSUM: the whole level, c = the table at 0.10 / 0.05 / 0.01
    solo = concept.ResidualMonitor(X_ref, y_ref, alpha=alpha, score_cusum=False, variance=False)
    assert solo.test_alpha("residual_cusum") == pytest.approx(alpha)
    table = {0.10: 2.500, 0.05: 2.7955, 0.01: 3.368}
    assert solo.critical_value("residual_cusum") == pytest.approx(table[alpha], abs=6e-4)
    assert solo.test_alpha("score_cusum") == 0.0 and np.isnan(solo.critical_value("score_cusum"))


@pytest.mark.parametrize("p", [1, 3])
def test_statistics_match_definitions_at_every_chunk(p):
    X_ref, y_ref, X, y = house(3 + p, m=500, n=600, p=p)
    mon = concept.ResidualMonitor(X_ref, y_ref)
    orc = Oracle(X_ref, y_ref, X, y)
    k = 0
    for size in (1, 1, 7, 91, 200, 300):
        if size == 1:
            mon.update(X[k] if p > 1 else float(X[k, 0]), float(y[k]))
        else:
            mon.update_many(X[k : k + size], y[k : k + size])
        k += size
        assert mon.n_monitored == k
        check_statistics(mon, orc.at(k))


def test_mosum_matches_definition():
    X_ref, y_ref, X, y = house(5, m=400, n=300)
    h = 50
    mon = concept.ResidualMonitor(X_ref, y_ref, mosum_window=h, horizon=2000)
    beta, sigma, _ = ols(X_ref, y_ref)
    e = y - design(X) @ beta
    mon.update_many(X[: h - 1], y[: h - 1])
    assert np.isnan(mon.mosum)
    for k in (h, h + 1, 137, 300):
        mon.update_many(X[mon.n_monitored : k], y[mon.n_monitored : k])
        want = e[k - h : k].sum() / (sigma * np.sqrt(h * (1.0 + h / 400)))
        assert mon.mosum == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert mon.test_alpha("mosum") == pytest.approx(0.05 / 4)
    # constant boundary from the Pickands / Siegmund tail of a moving Brownian increment
    # over positions h..H: 2[1 − Φ(b)] + 2 ((H − h) / h_eff) b φ(b) = level, h_eff = h(1 + h/m)
    h_eff, H = h * (1.0 + h / 400), 2000
    b = optimize.brentq(
        lambda b: 2 * stats.norm.sf(b) + 2 * (H - h) / h_eff * b * stats.norm.pdf(b) - 0.05 / 4, 0.5, 20, xtol=1e-14
    )
    assert mon.mosum_boundary == pytest.approx(b, rel=1e-9)
    assert mon.critical_value("mosum") == pytest.approx(b, rel=1e-9)


# ---------------------------------------------------------------- tracking RLS


def test_forgetting_rls_is_weighted_least_squares():
    """RLS started at b = β̂, P = (Z_ref'Z_ref)⁻¹ and run with λ minimises
        Σ_i λ^(n−i) (y_i − z_i'b)² + λ^n (b − β̂)' Z_ref'Z_ref (b − β̂)
    over the n monitored rows, and since Σ_ref (y_j − z_j'b)² = SSR + (b − β̂)'Z'Z(b − β̂),
    that is weighted least squares on reference + monitored rows with every reference row
    weighted λ^n (the reference enters as one block at time 0) and monitored row i
    (1-based) weighted λ^(n−i)."""
    lam = 0.99
    X_ref, y_ref, X, y = house(6, m=300, n=700, p=2, change=200)
    mon = concept.ResidualMonitor(X_ref, y_ref, forgetting=lam)
    Zr, Z = design(X_ref), design(X)
    for n in (1, 50, 400, 700):
        mon.update_many(X[mon.n_monitored : n], y[mon.n_monitored : n])
        w = np.concatenate([np.full(len(y_ref), lam**n), lam ** (n - np.arange(1, n + 1))])
        A = np.vstack([Zr, Z[:n]]) * np.sqrt(w)[:, None]
        b = np.concatenate([y_ref, y[:n]]) * np.sqrt(w)
        want, *_ = np.linalg.lstsq(A, b, rcond=None)
        np.testing.assert_allclose(mon.tracking_coefficients, want, rtol=1e-7)
        np.testing.assert_allclose(mon.coefficient_change, want - mon.reference_coefficients, rtol=1e-6, atol=1e-9)
    # after the change the tracked slope is near the new β = 1.5, the change near −0.5
    assert mon.tracking_coefficients[1] == pytest.approx(1.5, abs=0.05)
    assert mon.coefficient_change[1] == pytest.approx(-0.5, abs=0.05)


def test_rls_without_forgetting_matches_statsmodels_rparams():
    X_ref, y_ref, X, y = house(7, m=200, n=300, p=3)
    mon = concept.ResidualMonitor(X_ref, y_ref, forgetting=1.0)
    Xall, yall = np.vstack([X_ref, X]), np.concatenate([y_ref, y])
    res = sm.OLS(yall, sm.add_constant(Xall, has_constant="add")).fit()
    rparams = smd.recursive_olsresiduals(res, skip=4)[1]
    for n in (1, 10, 300):
        mon.update_many(X[mon.n_monitored : n], y[mon.n_monitored : n])
        np.testing.assert_allclose(mon.tracking_coefficients, rparams[200 + n - 1], rtol=1e-8)


# ---------------------------------------------------------------- prediction mode


def test_prediction_mode_equals_fitted_mode_on_ols_predictions():
    """y_pred = the reference OLS prediction: the same residuals. Prediction mode scales by
    sd(r, ddof 1) where the fitted mode uses sqrt(SSR / (m − k)), so Q·σ̂ and w·σ̂ agree; the
    variance CUSUM (standardized by its own reference moments) agrees as it is."""
    X_ref, y_ref, X, y = house(8, m=500, n=800, p=2, change=400, beta_after=1.8)
    fit = concept.ResidualMonitor(X_ref, y_ref)
    beta = fit.reference_coefficients
    pred = concept.ResidualMonitor.from_predictions(y_ref, design(X_ref) @ beta, X_ref)
    assert pred.prediction_mode and pred.n_features == 2 and pred.reference_size == 500
    assert repr(pred).startswith("ResidualMonitor(mode=prediction, p=2, m=500")
    _, _, e_ref = ols(X_ref, y_ref)
    assert pred.sigma == pytest.approx(np.std(e_ref, ddof=1), rel=1e-9)
    yp = design(X) @ beta
    for n in (1, 100, 450, 800):
        k0 = fit.n_monitored
        fit.update_many(X[k0:n], y[k0:n])
        pred.update_many(y[k0:n], yp[k0:n], X[k0:n])
        assert pred.residual_cusum * pred.sigma == pytest.approx(fit.residual_cusum * fit.sigma, rel=1e-8, abs=1e-8)
        np.testing.assert_allclose(pred.score_cusum * pred.sigma, fit.score_cusum * fit.sigma, rtol=1e-7, atol=1e-7)
        assert pred.variance_cusum == pytest.approx(fit.variance_cusum, rel=1e-8, abs=1e-8)
        assert pred.cusum_boundary == pytest.approx(fit.cusum_boundary, rel=1e-12)
    assert [a.test for a in pred.alarms if a.test == "variance"] == [a.test for a in fit.alarms if a.test == "variance"]


def test_prediction_mode_biased_model_statistics_and_coefficients():
    """A deployed model that is not the OLS fit (biased, wrong slope): residuals r = y_true −
    y_pred are centred by their reference mean μ̂ and scaled by sd(r, ddof 1); the score
    increments z_i e_i have the reference mean v̄ of z_i (r_i − μ̂) subtracted and are whitened
    by chol(Z'Z / m) of the reference X. Reference / tracking coefficients: OLS of y_true on
    [1, X] with X, else on [1, y_pred] (the calibration line)."""
    X_ref, y_ref, X, y = house(22, m=400, n=500, p=2)
    f = lambda X: 9.0 + 1.9 * X[:, 0] + 0.5 * X[:, 1]  # noqa: E731
    yp_ref, yp = f(X_ref), f(X)
    mon = concept.ResidualMonitor.from_predictions(y_ref, yp_ref, X_ref, forgetting=1.0)
    r = y_ref - yp_ref
    mu, s = r.mean(), r.std(ddof=1)
    Zr, Z = design(X_ref), design(X)
    L = np.linalg.cholesky(Zr.T @ Zr / 400)
    vbar = (Zr * (r - mu)[:, None]).mean(axis=0)
    beta, *_ = np.linalg.lstsq(Zr, y_ref, rcond=None)
    np.testing.assert_allclose(mon.reference_coefficients, beta, rtol=1e-9)
    assert mon.sigma == pytest.approx(s, rel=1e-12)
    e = y - yp - mu
    for n in (1, 77, 500):
        k0 = mon.n_monitored
        mon.update_many(y[k0:n], yp[k0:n], X[k0:n])
        assert mon.residual_cusum == pytest.approx(e[:n].sum() / (s * np.sqrt(400)), rel=1e-9)
        w = np.linalg.solve(L, (Z[:n] * e[:n, None] - vbar).sum(axis=0)) / (s * np.sqrt(400))
        np.testing.assert_allclose(mon.score_cusum, w[1:], rtol=1e-8, atol=1e-10 * np.abs(w).max())
    # λ = 1: tracking = OLS of y_true on [1, X] over reference + monitored rows
    want, *_ = np.linalg.lstsq(np.vstack([Zr, Z]), np.concatenate([y_ref, y]), rcond=None)
    np.testing.assert_allclose(mon.tracking_coefficients, want, rtol=1e-8)
    # without X: the calibration line of y_true on y_pred
    cal = concept.ResidualMonitor.from_predictions(y_ref, yp_ref)
    want, *_ = np.linalg.lstsq(np.column_stack([np.ones(400), yp_ref]), y_ref, rcond=None)
    np.testing.assert_allclose(cal.reference_coefficients, want, rtol=1e-9)


def test_prediction_mode_single_updates_equal_update_many():
    X_ref, y_ref, X, y = house(9, m=300, n=200)
    rng = np.random.default_rng(0)
    yp_ref, yp = 3.0 + 2.1 * X_ref[:, 0] + rng.normal(0, 1, 300), 3.0 + 2.1 * X[:, 0]
    a = concept.ResidualMonitor.from_predictions(y_ref, yp_ref)
    b = concept.ResidualMonitor.from_predictions(y_ref, yp_ref)
    assert a.n_features == 0 and a.test_alpha("score_cusum") == 0.0
    a.update_many(y, yp)
    for i in range(200):
        b.update(float(y[i]), float(yp[i]))
    assert b.residual_cusum == a.residual_cusum and b.variance_cusum == a.variance_cusum
    r_ref = y_ref - yp_ref
    want = ((y - yp) - r_ref.mean()).sum() / (np.std(r_ref, ddof=1) * np.sqrt(300))
    assert a.residual_cusum == pytest.approx(want, rel=1e-9)
    # keyword forms
    c = concept.ResidualMonitor.from_predictions(y_ref, yp_ref)
    c.update(y_true=float(y[0]), y_pred=float(yp[0]))
    c.update_many(y_true=y[1:], y_pred=yp[1:])
    assert c.residual_cusum == pytest.approx(a.residual_cusum, rel=1e-12)


def test_input_forms_agree():
    """x as a Python float, int, numpy scalar, 0-d / 1-element array or list (p = 1); X as
    1-D, (n, 1), float32, a list or a non-contiguous view: all the same monitor state."""
    X_ref, y_ref, X, y = house(21, m=200, n=6)
    X = np.round(X)  # integral, so the int form is exact
    ref = concept.ResidualMonitor(X_ref, y_ref)
    ref.update_many(X, y)
    singles = concept.ResidualMonitor(X_ref, y_ref)
    forms = [float(X[0, 0]), int(X[1, 0]), np.float64(X[2, 0]), np.array(X[3, 0]), X[4], [float(X[5, 0])]]
    for x, yi in zip(forms, y):
        singles.update(x, yi)
    assert singles.to_bytes() == ref.to_bytes()
    wide = np.zeros((6, 3))
    wide[:, 1] = X[:, 0]
    for XX in (X[:, 0], X.astype(np.float32), X.tolist(), wide[:, 1::2][:, :1]):
        other = concept.ResidualMonitor(X_ref, y_ref)
        other.update_many(XX, y.tolist())
        assert other.to_bytes() == ref.to_bytes()
    # keyword form
    kw = concept.ResidualMonitor(X_ref, y_ref)
    kw.update_many(X=X[:3], y=y[:3])
    for i in range(3, 6):
        kw.update(x=X[i], y=y[i])
    assert kw.to_bytes() == ref.to_bytes()


# ---------------------------------------------------------------- alarms: false alarms, detection


def test_no_drift_false_alarm_rate():
    """300 no-drift house streams (m = 1000, 4000 monitored values): the share of runs with
    an alarm of the default monitor at α = 0.05 is within ±5 pp of α (loose: the C++ tests
    check ±2 pp with 2000 runs); the residual CUSUM alone at α = 0.10 likewise."""
    runs, m, n = 300, 1000, 4000
    alarms_default = alarms_resid = 0
    for seed in range(runs):
        X_ref, y_ref, X, y = house(10_000 + seed, m=m, n=n)
        mon = concept.ResidualMonitor(X_ref, y_ref)
        alarms_default += mon.update_many(X, y) is not None
        solo = concept.ResidualMonitor(X_ref, y_ref, alpha=0.10, score_cusum=False, variance=False)
        alarms_resid += solo.update_many(X, y) is not None
    assert abs(alarms_default / runs - 0.05) <= 0.05 and alarms_default >= 3
    assert abs(alarms_resid / runs - 0.10) <= 0.05


def test_sudden_slope_change_detected_soon():
    """β 2 → 1.5 at monitored index 3000 (m = 1000): the residual mean drops by 35 = 3.5σ, so
    Q grows by 35 / (σ√m) ≈ 0.11 per value against b(t = 4) ≈ 11 at c(α/3): ~100 values to
    cross. Every run must alarm, 19 of 20 within 250 values of the change."""
    hits = 0
    for seed in range(20):
        X_ref, y_ref, X, y = house(200 + seed, n=3600, change=3000)
        mon = concept.ResidualMonitor(X_ref, y_ref)
        first = mon.update_many(X, y)
        assert first is not None and mon.alarmed
        assert mon.alarms[0].index == first
        hits += 3000 <= first <= 3250
    assert hits >= 19


def test_centred_slope_change_fires_the_score_cusum():
    """x centred: a slope change leaves the residual mean at 0, so the residual CUSUM is
    (mostly) blind and the score CUSUM (component 0 = x) fires."""
    score_hits = resid_hits = 0
    runs = 30
    for seed in range(runs):
        X_ref, y_ref, X, y = house(300 + seed, n=3000, change=1000, beta_after=1.9, centred=True)
        mon = concept.ResidualMonitor(X_ref, y_ref, variance=False)
        mon.update_many(X, y)
        # (an alarm before the change is a false alarm: it does not count as a detection)
        tests = {(a.test, a.component) for a in mon.alarms if a.index >= 1000}
        score_hits += ("score_cusum", 0) in tests
        resid_hits += ("residual_cusum", 0) in tests
        assert all(abs(a.statistic) > a.boundary for a in mon.alarms)
    assert score_hits >= 0.9 * runs
    assert resid_hits <= 0.3 * runs


def test_alarm_fields_and_single_updates_equal_update_many():
    X_ref, y_ref, X, y = house(11, m=500, n=900, change=600)
    a = concept.ResidualMonitor(X_ref, y_ref)
    b = concept.ResidualMonitor(X_ref, y_ref)
    first = a.update_many(X, y)
    fired = [i for i in range(900) if b.update(float(X[i, 0]), float(y[i]))]
    assert first == fired[0] and fired == [al.index for al in a.alarms]
    assert [(x.index, x.test, x.component, x.statistic, x.boundary) for x in a.alarms] == [
        (x.index, x.test, x.component, x.statistic, x.boundary) for x in b.alarms
    ]
    al = a.alarms[0]
    assert al.test in TESTS and abs(al.statistic) > al.boundary > 0
    assert repr(al).startswith(f"ResidualAlarm(index={al.index}, test='{al.test}'")
    # each test / component alarms at most once
    keys = [(x.test, x.component) for x in a.alarms]
    assert len(keys) == len(set(keys))
    # a batch with no new alarm returns None
    assert a.update_many(X[:10], y[:10]) is None


# ---------------------------------------------------------------- drift typing


def _typed(mon, X, y):
    mon.update_many(X, y)
    return mon.drift


def test_drift_typing_presence_and_timing():
    """Mechanics that hold whatever the classifier says: typing happens after the first
    alarm, within max_wait monitored values, and names the alarming test."""
    X_ref, y_ref, X, y = house(12, n=7000, change=3000)
    mon = concept.ResidualMonitor(X_ref, y_ref)
    mon.update_many(X[:3000], y[:3000])
    assert mon.drift is None
    first = mon.update_many(X[3000:3200], y[3000:3200])
    assert first is not None and mon.alarmed
    assert mon.drift is not None or mon.typing_pending
    mon.update_many(X[3200:], y[3200:])
    d = mon.drift
    assert d is not None and not mon.typing_pending
    assert d.test == mon.alarms[0].test and d.component == mon.alarms[0].component
    assert d.kind in ("sudden", "incremental", "mixing") and d.gradual == (d.kind != "sudden")
    assert d.shape.kind == d.kind and d.shape.onset == d.onset and d.shape.magnitude == d.magnitude
    assert repr(d).startswith(f"ResidualDrift(kind='{d.kind}'")


# Typing accuracy on the house example (issue 6 §3 targets, checked here on 10 seeded runs
# each; the 200-run figures are the evaluation harness's). The ramp and mixing checks type the
# residual channel (variance=False): with the variance CUSUM on, a slope change inflates e²
# and the variance test often alarms first; its e² trajectory grows quadratically along a
# ramp, so the fitted duration comes out short. A 50/50 mixing over 1000 values needs the
# settle window (settle_blocks · block_size) longer than the plateau: with the default 10
# blocks (500 values) the first step already looks complete and is typed sudden.


def test_sudden_change_typed_sudden_with_onset():
    ok = 0
    for seed in range(10):
        X_ref, y_ref, X, y = house(400 + seed, n=7000, change=3000)
        d = _typed(concept.ResidualMonitor(X_ref, y_ref), X, y)
        assert d is not None and not d.forced
        # the residual mean falls by 0.5 · E[x] = 35 (y units) on the residual CUSUM's trajectory
        magnitude_ok = d.test != "residual_cusum" or d.magnitude == pytest.approx(-35.0, rel=0.25)
        ok += d.kind == "sudden" and not d.gradual and abs(d.onset - 3000) <= 100 and magnitude_ok
    assert ok >= 9


@pytest.mark.parametrize("ramp", [250, 1000, 2000])
def test_ramp_typed_incremental_with_duration(ramp):
    ok = 0
    for seed in range(10):
        X_ref, y_ref, X, y = house(500 + seed, n=9000, change=2000, ramp=ramp)
        d = _typed(concept.ResidualMonitor(X_ref, y_ref, variance=False), X, y)
        assert d is not None and d.test in ("residual_cusum", "score_cusum")
        ok += (
            d.kind == "incremental"
            and d.gradual
            and d.duration == pytest.approx(ramp, rel=0.25)
            and abs(d.onset - 2000) <= 0.25 * ramp
            and d.rate == pytest.approx(d.magnitude / d.duration, rel=1e-9)
        )
    assert ok >= 9


def test_mixing_typed_mixing():
    ok = 0
    for seed in range(10):
        X_ref, y_ref, X, y = house(600 + seed, n=8000, change=2000, mixing=1000)
        d = _typed(concept.ResidualMonitor(X_ref, y_ref, variance=False, settle_blocks=25), X, y)
        assert d is not None
        ok += d.gradual and d.kind == "mixing" and d.duration == pytest.approx(1000, rel=0.25)
    assert ok >= 9


# ---------------------------------------------------------------- serialization


def test_pickle_and_bytes_round_trip_mid_stream():
    X_ref, y_ref, X, y = house(15, m=600, n=5000, p=2, change=1500, ramp=500)
    mon = concept.ResidualMonitor(X_ref, y_ref, mosum_window=40, horizon=8000)
    mon.update_many(X[:1700], y[:1700])
    copies = [
        pickle.loads(pickle.dumps(mon)),
        concept.ResidualMonitor.from_bytes(mon.to_bytes()),
        concept.ResidualMonitor.from_bytes(bytearray(mon.to_bytes())),
        concept.ResidualMonitor.from_bytes(memoryview(mon.to_bytes())),
    ]
    assert all(c.to_bytes() == mon.to_bytes() for c in copies)

    def state(x):
        d = x.drift
        return (
            [(a.index, a.test, a.component, a.statistic, a.boundary) for a in x.alarms],
            None if d is None else (d.test, d.component, d.kind, d.onset, d.duration, d.magnitude, d.forced),
            x.residual_cusum,
            x.score_cusum.tolist(),
            x.variance_cusum,
            x.mosum,
            x.tracking_coefficients.tolist(),
            x.n_monitored,
            x.typing_pending,
        )

    for lo, hi in ((1700, 1701), (1701, 2600), (2600, 5000)):
        for x in [mon, *copies]:
            x.update_many(X[lo:hi], y[lo:hi])
        assert all(state(c) == state(mon) for c in copies)
    assert mon.alarmed


def test_bad_bytes():
    X_ref, y_ref, X, y = house(16, m=200, n=100)
    mon = concept.ResidualMonitor(X_ref, y_ref)
    mon.update_many(X, y)
    b = mon.to_bytes()
    for cut in (0, 3, len(b) // 2, len(b) - 1):
        with pytest.raises((ValueError, IndexError)):
            concept.ResidualMonitor.from_bytes(b[:cut])
    with pytest.raises(ValueError):
        concept.ResidualMonitor.from_bytes(b"XXXX" + b[4:])
    fresh = concept.ResidualMonitor.__new__(concept.ResidualMonitor)
    with pytest.raises(ValueError, match="pickle version"):
        fresh.__setstate__((99, b))


# ---------------------------------------------------------------- bad input (§6)


def test_bad_reference():
    X_ref, y_ref, _, _ = house(17, m=100, n=0, p=2)
    RM = concept.ResidualMonitor
    with pytest.raises(ValueError, match="X needs more rows than parameters"):  # m = 3 ≤ p + 1
        RM(X_ref[:3], y_ref[:3])
    with pytest.raises(ValueError, match="X column 2 is constant"):
        RM(np.column_stack([X_ref, np.full(100, 4.0)]), y_ref)
    with pytest.raises(ValueError, match="X column 2 is .*linear combination"):
        RM(np.column_stack([X_ref, 2.0 * X_ref[:, 0] + 1.0]), y_ref)
    bad = X_ref.copy()
    bad[5, 1] = np.nan
    with pytest.raises(ValueError, match="X must be finite, got nan at row 5, column 1"):
        RM(bad, y_ref)
    with pytest.raises(ValueError, match="y must be finite, got nan at row 7"):
        RM(X_ref, np.where(np.arange(100) == 7, np.nan, y_ref))
    with pytest.raises(ValueError, match="X has 99 rows but y has 100"):
        RM(X_ref[:99], y_ref)
    with pytest.raises(ValueError, match="y is an exact linear function of X"):  # σ̂ = 0: a perfect fit
        RM(X_ref, 1.0 + X_ref @ np.array([2.0, 3.0]))
    with pytest.raises(ValueError, match="y_pred"):
        RM.from_predictions(y_ref, y_ref[:-1])
    with pytest.raises(ValueError, match="X"):
        RM.from_predictions(y_ref, y_ref + 1.0, X_ref[:-1])
    with pytest.raises(ValueError, match="y_pred must be finite, got nan at row 3"):
        RM.from_predictions(y_ref, np.where(np.arange(100) == 3, np.nan, y_ref))
    with pytest.raises(ValueError, match="y_true . y_pred is constant"):  # σ̂ = 0: no residual spread
        RM.from_predictions(y_ref, y_ref + 1.0)
    with pytest.raises(ValueError, match="y_pred is constant"):  # no X: the calibration line needs y_pred to vary
        RM.from_predictions(y_ref, np.zeros(100))


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(alpha=0.0), "alpha"),
        (dict(alpha=1.0), "alpha"),
        (dict(alpha=float("nan")), "alpha"),
        (dict(forgetting=0.0), "forgetting"),
        (dict(forgetting=1.01), "forgetting"),
        (dict(block_size=0), "block_size"),
        (dict(block_size=-1), "block_size"),
        (dict(settle_blocks=0), "settle_blocks"),
        (dict(history_blocks=-5), "history_blocks"),
        (dict(max_wait=-1), "max_wait"),
        (dict(mosum_window=100, horizon=50), "horizon|mosum_window"),
        (dict(mosum_window=-1), "mosum_window"),
        (dict(residual_cusum=False, score_cusum=False, variance=False), "enable no test"),
        (dict(min_segment=-1), "min_segment"),
        (dict(min_duration=-1.0), "min_duration"),
        (dict(smoothing=-2.0), "smoothing"),
    ],
)
def test_bad_options(kwargs, name):
    X_ref, y_ref, _, _ = house(18, m=100, n=0)
    with pytest.raises(ValueError, match=name):
        concept.ResidualMonitor(X_ref, y_ref, **kwargs)
    with pytest.raises(ValueError, match=name):
        concept.ResidualMonitor.from_predictions(y_ref, y_ref - 1.0 + np.sin(np.arange(100)), **kwargs)


def test_bad_updates_fitted_mode():
    X_ref, y_ref, X, y = house(19, m=200, n=50, p=2)
    mon = concept.ResidualMonitor(X_ref, y_ref)
    before = mon.to_bytes()
    with pytest.raises(ValueError, match="x must be finite, got nan at column 1"):
        mon.update([1.0, np.nan], 3.0)
    with pytest.raises(ValueError, match="y must be finite, got inf"):
        mon.update([1.0, 2.0], np.inf)
    with pytest.raises(ValueError, match="x.*3 values.*2 features"):
        mon.update([1.0, 2.0, 3.0], 3.0)
    with pytest.raises(ValueError, match="x.*scalar"):
        mon.update(1.0, 3.0)
    with pytest.raises(ValueError, match="X.*3 columns"):
        mon.update_many(np.ones((5, 3)), np.ones(5))
    with pytest.raises(ValueError, match="X has 4 rows but y has 5 values"):
        mon.update_many(X[:4], y[:5])
    with pytest.raises(ValueError, match="y must be 1-D, got 2-D"):
        mon.update_many(X, np.ones((50, 1)))
    assert mon.to_bytes() == before  # rejected before any state change
    # the prediction-mode signature on a fitted monitor
    with pytest.raises(TypeError, match=r"update\(x, y\)"):
        mon.update(1.0, 2.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="y_true"):
        mon.update(y_true=1.0, y_pred=2.0)
    with pytest.raises(TypeError, match="missing argument 'y'"):
        mon.update([1.0, 2.0])
    with pytest.raises(TypeError, match="y must be a number"):
        mon.update([1.0, 2.0], "a")
    with pytest.raises(TypeError, match=r"update_many\(X, y\)"):
        mon.update_many(y, y, X)
    # NaN in a batch: an error naming the value
    yb = y.copy()
    yb[10] = np.nan
    with pytest.raises(ValueError, match="y must be finite, got nan at row 10"):
        mon.update_many(X, yb)


def test_bad_updates_prediction_mode():
    X_ref, y_ref, X, y = house(20, m=200, n=50)
    yp_ref = y_ref + np.random.default_rng(1).normal(0, 1, 200)
    mon = concept.ResidualMonitor.from_predictions(y_ref, yp_ref, X_ref)
    with pytest.raises(ValueError, match="x is required"):
        mon.update(1.0, 2.0)
    with pytest.raises(ValueError, match="X is required"):
        mon.update_many(y, y)
    with pytest.raises(ValueError, match="y_pred has 49"):
        mon.update_many(y, y[:-1], X)
    with pytest.raises(ValueError, match="X has 49 rows but y_true has 50 values"):
        mon.update_many(y, y, X[:-1])
    with pytest.raises(TypeError, match="unexpected keyword argument 'y'"):
        mon.update(x=1.0, y=2.0)
    with pytest.raises(ValueError, match="y_true must be finite"):
        mon.update(np.nan, 2.0, 1.0)
    with pytest.raises(ValueError, match="y_pred must be finite"):
        mon.update(1.0, np.nan, 1.0)
    no_x = concept.ResidualMonitor.from_predictions(y_ref, yp_ref)
    with pytest.raises(ValueError, match="without regressors"):
        no_x.update(1.0, 2.0, 3.0)
    with pytest.raises(ValueError, match="test must be"):
        no_x.test_alpha("cusum")
