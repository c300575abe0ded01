"""driftscope quickstart: compare a reference sample with new data.

Run:  python examples/python/quickstart.py
"""

import pickle

import numpy as np

import driftscope
from driftscope import ReferenceProfile, jensenshannon, js_distance, ks_2samp, psi, wasserstein_distance

rng = np.random.default_rng(0)

# A numeric feature: last month's values (reference) and this week's (current, shifted a little).
reference = rng.normal(loc=50.0, scale=10.0, size=20_000)
current = rng.normal(loc=53.0, scale=11.0, size=5_000)
current[:40] = np.nan  # a few missing values: omitted and counted by the drift-level API

print(f"driftscope {driftscope.__version__}")

# scipy-compatible functions (same names, parameters and defaults as scipy).
res = ks_2samp(reference, current, nan_policy="omit")
print(f"KS statistic={res.statistic:.4f} p={res.pvalue:.3g} method={res.method} "
      f"at x={res.statistic_location:.2f} (n1={res.n1}, n2={res.n2}, missing2={res.missing2})")
stat, pvalue = res  # unpacks like scipy's result
clean = current[~np.isnan(current)]
print(f"Wasserstein distance = {wasserstein_distance(reference, clean):.3f}")
print(f"Jensen-Shannon distance of two histograms = {jensenshannon([10, 20, 30], [15, 25, 20], base=2):.4f}")

# Drift-level statistics: PSI and JS distance on 10 quantile bins of the reference.
p = psi(reference, current)
print(f"PSI = {p.statistic:.4f} over {len(p.edges) + 1} bins, missing in current: {p.missing_current}")
print("  reference counts:", p.reference_counts.tolist())
print("  current counts:  ", p.current_counts.tolist())
print(f"JS distance (base 2) = {js_distance(reference, current).statistic:.4f}")
print("verdict:", "DRIFT" if p.statistic >= 0.2 else "WARN" if p.statistic >= 0.1 else "OK")

# A prepared reference: sort / bin once, compare many batches.
profile = ReferenceProfile(reference, bins=10)
for week, shift in enumerate([0.0, 2.0, 6.0], start=1):
    batch = rng.normal(50.0 + shift, 10.0, 2_000)
    print(f"week {week}: psi={profile.psi(batch).statistic:.4f} "
          f"ks p={profile.ks(batch).pvalue:.3g} wasserstein={profile.wasserstein(batch):.3f}")

# Profiles pickle (through their versioned bytes), e.g. to ship to a scoring service.
restored = pickle.loads(pickle.dumps(profile))
assert restored.psi(clean).statistic == profile.psi(clean).statistic

# Categorical features: one bin per category seen in the reference, plus one for new ones.
ref_device = rng.choice(["android", "ios", "web"], size=5_000, p=[0.5, 0.3, 0.2])
cur_device = rng.choice(["android", "ios", "web", "tv"], size=2_000, p=[0.4, 0.3, 0.2, 0.1])
c = psi(ref_device, cur_device)
print(f"device PSI = {c.statistic:.4f}; categories {c.categories} + unseen {c.unseen_categories}")
print("  reference counts:", c.reference_counts.tolist(), " current counts:", c.current_counts.tolist())
