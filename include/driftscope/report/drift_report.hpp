#pragma once
/// @file
/// @brief The dataset drift report: one two-sample test per named column (numerical spans or
/// categorical codes), a drift decision per column, and a dataset verdict. The C++ core of
/// Python's driftscope.compare().
///
/// Per column (see column_test.hpp for the tests, their thresholds and the default choice):
///  - numerical: `float` or `double` values, the same type on both sides, NaN = missing
///    (omitted and counted); ±inf are values;
///  - categorical: int32 codes shared by both sides (0 .. n_categories-1, negative = missing,
///    pandas.factorize's convention), optional labels for the plot.
/// The result row holds the test, the threshold and how it is read, the statistic and p-value,
/// the decision, a score (distance: d / t; p-value: log(p) / log(t), +inf for p = 0; both
/// equal 1 at the threshold and grow with the evidence of drift, so rows sort by it), sizes,
/// missing counts and plot data.
///
/// Per-column failures do not stop the report: a column that is empty or all missing on a
/// side, a z / fisher_exact test on a non-binary column, a statistic rejecting its input, a
/// test returning NaN (e.g. t_test on two constant samples), or an error the caller set in
/// column_spec::error, is recorded in the row's `error` (drift and score not set) and the
/// other columns go on. Bad *requests* — unknown test names, a numerical-only test on a
/// categorical column, bad thresholds or options, duplicate names — throw
/// std::invalid_argument before any work.
///
/// Outcomes worth knowing:
///  - a categorical column (or a numerical one with <= 5 distinct values) with one category
///    present on either side: chisquare / g_test give statistic 0, p-value 1 (dof 0, as
///    scipy); z and fisher_exact give p-value 1 (no evidence of drift, as Evidently's z test)
///    with statistic 0 (z) or NaN (fisher: the odds ratio is undefined);
///  - categories seen only in the current data are counted (they carry the drift);
///    categories absent on both sides are dropped (no zero expected counts).
///
/// Dataset verdict: share_drifted = n_drifted / (columns tested without error; 0 if none);
/// without a correction the dataset drifts when share_drifted >= drift_share (Evidently's
/// DataDriftPreset rule). With a correction (Bonferroni, Holm, Benjamini–Hochberg through
/// stats/multipletests.hpp at level `alpha`), the p-values of the p-value columns are
/// adjusted together, those columns drift when statsmodels' multipletests rejects
/// (adjusted p <= alpha), their threshold is reported as alpha, and the dataset drifts when
/// any column drifts (a family-wise / FDR-controlled test of "no column drifted").
/// Distance columns are decided on their thresholds in both modes.
///
/// Parallelism: `n_jobs` workers (1 = the calling thread only; 0 = all hardware threads)
/// take columns one at a time from a shared counter; each column is independent and writes
/// its own row, so the output (order and values) does not depend on n_jobs. Memory: the
/// statistics sort per-thread scratch copies of one column at a time (ks, cvm, mwu, energy
/// distance...), so the peak is about n_jobs sorted copies of a column, not of the data set.
///
/// Example:
/// @code
///   std::vector<driftscope::column_spec> cols;
///   cols.push_back(driftscope::numerical_column("age", ref_age.data(), ref_age.size(),
///                                               cur_age.data(), cur_age.size()));
///   cols.push_back(driftscope::categorical_column("city", ref_city.data(), ref_city.size(),
///                                                 cur_city.data(), cur_city.size(), 12));
///   driftscope::report_options o;
///   o.n_jobs = 0;
///   driftscope::drift_report r = driftscope::make_drift_report(cols, o);
///   if (r.drift) { /* ... */ }
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/kernels/bin_count.hpp>
#include <driftscope/kernels/sort.hpp>
#include <driftscope/report/column_test.hpp>
#include <driftscope/stats/anderson_ksamp.hpp>
#include <driftscope/stats/binned_distances.hpp>
#include <driftscope/stats/categorical.hpp>
#include <driftscope/stats/cramervonmises.hpp>
#include <driftscope/stats/detail/sample.hpp>
#include <driftscope/stats/energy_distance.hpp>
#include <driftscope/stats/epps_singleton.hpp>
#include <driftscope/stats/js_distance.hpp>
#include <driftscope/stats/ks.hpp>
#include <driftscope/stats/mannwhitneyu.hpp>
#include <driftscope/stats/multipletests.hpp>
#include <driftscope/stats/normed_wasserstein.hpp>
#include <driftscope/stats/psi.hpp>
#include <driftscope/stats/ttest_ind.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <new>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

namespace driftscope {

/// @brief One column of the report: its data (borrowed, not copied) and its options.
/// Build it with numerical_column(), categorical_column() or failed_column().
struct column_spec {
  std::string name;
  column_kind kind = column_kind::numerical;
  /// Numerical: values of both sides, `float` if float32 else `double`. Categorical: int32 codes.
  const void* reference = nullptr;
  std::size_t n_reference = 0;
  const void* current = nullptr;
  std::size_t n_current = 0;
  bool float32 = false;
  std::size_t n_categories = 0;     ///< categorical: codes are < n_categories
  std::vector<std::string> labels;  ///< categorical: empty, or one label per category (plots)
  std::string test;                 ///< test name or alias; empty = the default rule
  double threshold = std::numeric_limits<double>::quiet_NaN();  ///< NaN = the test's default
  /// Set by a front end for a column it cannot pass (absent on one side, mixed types...):
  /// the row reports this error and the column is not tested.
  std::string error;
};

/// @brief A numerical column (T = float or double, NaN = missing).
template <class T>
column_spec numerical_column(std::string name, const T* reference, std::size_t n_reference, const T* current,
                             std::size_t n_current) {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "numerical_column: T must be float or double");
  column_spec c;
  c.name = std::move(name);
  c.kind = column_kind::numerical;
  c.reference = reference;
  c.n_reference = n_reference;
  c.current = current;
  c.n_current = n_current;
  c.float32 = std::is_same<T, float>::value;
  return c;
}

/// @brief A categorical column of codes shared by both sides (negative = missing).
inline column_spec categorical_column(std::string name, const std::int32_t* reference, std::size_t n_reference,
                                      const std::int32_t* current, std::size_t n_current, std::size_t n_categories,
                                      std::vector<std::string> labels = {}) {
  column_spec c;
  c.name = std::move(name);
  c.kind = column_kind::categorical;
  c.reference = reference;
  c.n_reference = n_reference;
  c.current = current;
  c.n_current = n_current;
  c.n_categories = n_categories;
  c.labels = std::move(labels);
  return c;
}

/// @brief A column reported with `error` and not tested (e.g. absent from the current data).
inline column_spec failed_column(std::string name, column_kind kind, std::string error) {
  column_spec c;
  c.name = std::move(name);
  c.kind = kind;
  c.error = std::move(error);
  return c;
}

/// @brief Report-wide options.
struct report_options {
  double drift_share = 0.5;  ///< dataset drift when share_drifted >= drift_share, in (0, 1]
  std::optional<multitest_method> correction;  ///< none, or adjust the p-value columns together
  double alpha = 0.05;       ///< family level of the correction, in (0, 1)
  unsigned n_jobs = 1;       ///< worker threads; 1 = calling thread, 0 = all hardware threads
  bool plots = true;         ///< fill the plot data of each row
  std::size_t plot_bins = 30;      ///< equal-width histogram bins over the combined finite range
  std::size_t ecdf_points = 100;   ///< ECDF evaluation points over the same range
  std::size_t max_categories = 30; ///< categorical plots: the top categories, the rest as "(other)"

  /// @throws std::invalid_argument naming the field and the value.
  void validate() const {
    if (!(drift_share > 0 && drift_share <= 1))
      detail::throw_invalid_argument("drift report: drift_share must be in (0, 1], got {}", drift_share);
    if (!(alpha > 0 && alpha < 1)) detail::throw_invalid_argument("drift report: alpha must be in (0, 1), got {}", alpha);
    if (correction && *correction != multitest_method::bonferroni && *correction != multitest_method::holm &&
        *correction != multitest_method::fdr_bh)
      detail::throw_invalid_argument("drift report: correction has invalid value {}", static_cast<int>(*correction));
    if (plot_bins < 1 || plot_bins > 10000)
      detail::throw_invalid_argument("drift report: plot_bins must be in [1, 10000], got {}", plot_bins);
    if (ecdf_points < 2 || ecdf_points > 100000)
      detail::throw_invalid_argument("drift report: ecdf_points must be in [2, 100000], got {}", ecdf_points);
    if (max_categories < 1)
      detail::throw_invalid_argument("drift report: max_categories must be >= 1, got {}", max_categories);
  }
};

/// Which plot data a row holds.
enum class plot_kind { none, numerical, categorical };

/// Histogram and ECDF of both sides of a numerical column over the combined finite range
/// [lo, hi]: bin i holds edges[i] <= x < edges[i+1] (the first bin also the values below lo,
/// i.e. -inf; the last bin also hi and +inf). A constant column has one bin [lo, lo].
struct numerical_plot {
  std::vector<double> edges;                             ///< k + 1 edges, lo .. hi
  std::vector<std::uint64_t> reference, current;         ///< k counts each
  std::vector<double> ecdf_x;                            ///< evaluation points, lo .. hi
  std::vector<double> ecdf_reference, ecdf_current;      ///< fraction of values <= x
};

/// Counts per category of both sides: the max_categories categories with the largest total
/// count (ties: lower code first), then "(other)" for the rest when there is a rest.
struct categorical_plot {
  std::vector<std::string> categories;
  std::vector<std::uint64_t> reference, current;
};

/// @brief One row of the report.
struct column_result {
  std::string name;
  column_kind kind = column_kind::numerical;
  std::string test;  ///< canonical test name; empty if no test was chosen (an early error)
  threshold_kind threshold_type = threshold_kind::pvalue;
  double threshold = std::numeric_limits<double>::quiet_NaN();
  double statistic = std::numeric_limits<double>::quiet_NaN();
  double pvalue = std::numeric_limits<double>::quiet_NaN();           ///< NaN for distances
  double pvalue_adjusted = std::numeric_limits<double>::quiet_NaN();  ///< with a correction only
  bool drift = false;                                                 ///< meaningful when ok()
  double score = std::numeric_limits<double>::quiet_NaN();
  std::size_t n_reference = 0, n_current = 0;          ///< non-missing values
  std::size_t missing_reference = 0, missing_current = 0;
  std::string error;  ///< empty when the column was tested
  plot_kind plot = plot_kind::none;
  numerical_plot numerical;
  categorical_plot categorical;

  bool ok() const noexcept { return error.empty(); }
};

/// @brief The report: rows in input order and the dataset verdict.
struct drift_report {
  std::vector<column_result> columns;
  bool drift = false;
  std::size_t n_columns = 0;  ///< rows
  std::size_t n_drifted = 0;  ///< rows that drift
  std::size_t n_errors = 0;   ///< rows with an error (not tested)
  double share_drifted = 0;   ///< n_drifted / (n_columns - n_errors), 0 when nothing was tested
  double drift_share = 0.5;
  std::optional<multitest_method> correction;
  double alpha = 0.05;
  std::size_t n_reference = 0, n_current = 0;  ///< rows of each side (largest column length)
};

/// @brief Runs the report. @throws std::invalid_argument for bad requests (see file comment).
inline drift_report make_drift_report(const std::vector<column_spec>& columns, const report_options& options = {});

// ===================================================================================
// Implementation
// ===================================================================================

namespace detail::report {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// A column's request after validation.
struct resolved {
  std::optional<column_test> test;  ///< empty: the default rule
  double threshold = nan;           ///< NaN: the test's default
};

inline resolved resolve(const column_spec& c, const report_options& o) {
  resolved r;
  if (!c.test.empty()) {
    r.test = parse_column_test(c.test);
    if (!test_applies(*r.test, c.kind))
      throw_invalid_argument("drift report: test '{}' does not apply to the {} column '{}' (it takes numerical data)",
                             test_info(*r.test).name, to_string(c.kind), c.name);
  }
  if (!std::isnan(c.threshold)) {
    if (!(c.threshold > 0) || std::isinf(c.threshold))
      throw_invalid_argument("drift report: threshold of column '{}' must be finite and > 0, got {}", c.name,
                             c.threshold);
    if (r.test && test_info(*r.test).kind == threshold_kind::pvalue && !(c.threshold < 1))
      throw_invalid_argument("drift report: p-value threshold of column '{}' must be in (0, 1), got {}", c.name,
                             c.threshold);
    if (r.test && test_info(*r.test).kind == threshold_kind::pvalue && o.correction)
      throw_invalid_argument(
          "drift report: column '{}' sets a p-value threshold, but with a correction p-value columns are decided "
          "at alpha = {}",
          c.name, o.alpha);
    r.threshold = c.threshold;
  }
  if (c.error.empty()) {
    if ((c.n_reference != 0 && c.reference == nullptr) || (c.n_current != 0 && c.current == nullptr))
      throw_invalid_argument("drift report: column '{}' has a null data pointer with a non-zero size", c.name);
    if (c.kind == column_kind::categorical && !c.labels.empty() && c.labels.size() != c.n_categories)
      throw_invalid_argument("drift report: column '{}' has {} labels for {} categories", c.name, c.labels.size(),
                             c.n_categories);
  }
  return r;
}

/// Up to `cap` distinct non-NaN values of a and b (in first-seen order); returns how many
/// were found (cap means "at least cap"). O(n·cap), stops at cap.
template <class T>
std::size_t distinct_upto(const T* a, std::size_t na, const T* b, std::size_t nb, double* values, std::size_t cap) {
  std::size_t k = 0;
  auto scan = [&](const T* x, std::size_t n) {
    for (std::size_t i = 0; i < n && k < cap; ++i) {
      const double v = static_cast<double>(x[i]);
      if (std::isnan(v)) continue;
      bool seen = false;
      for (std::size_t j = 0; j < k && !seen; ++j) seen = values[j] == v;
      if (!seen) values[k++] = v;
    }
  };
  scan(a, na);
  scan(b, nb);
  return k;
}

struct sorted_ref_tag {};
struct sorted_cur_tag {};

/// Counts per distinct value of a numerical column (the values as categories), NaN omitted.
/// With the distinct values known (<= discrete_max_values of them), one linear pass;
/// otherwise sorted per-thread copies and a merge walk.
template <class T>
category_counts value_counts(const T* a, std::size_t na, const T* b, std::size_t nb, const double* known,
                             std::size_t n_known) {
  category_counts cc;
  if (n_known <= discrete_max_values) {
    std::vector<double> v(known, known + n_known);
    std::sort(v.begin(), v.end());
    cc.reference.assign(v.size(), 0);
    cc.current.assign(v.size(), 0);
    auto count = [&](const T* x, std::size_t n, std::vector<std::int64_t>& out) {
      for (std::size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(x[i]);
        for (std::size_t j = 0; j < v.size(); ++j)
          if (v[j] == d) {
            ++out[j];
            break;
          }
      }
    };
    count(a, na, cc.reference);
    count(b, nb, cc.current);
  } else {
    std::vector<T>& sa = thread_scratch<T, sorted_ref_tag>();
    std::vector<T>& sb = thread_scratch<T, sorted_cur_tag>();
    sorted_without_nan(a, na, sa);
    sorted_without_nan(b, nb, sb);
    std::size_t i = 0, j = 0;
    while (i < sa.size() || j < sb.size()) {
      const T x = (j >= sb.size() || (i < sa.size() && sa[i] <= sb[j])) ? sa[i] : sb[j];
      std::int64_t ca = 0, cb = 0;
      while (i < sa.size() && sa[i] == x) ++i, ++ca;
      while (j < sb.size() && sb[j] == x) ++j, ++cb;
      cc.reference.push_back(ca);
      cc.current.push_back(cb);
    }
  }
  for (std::int64_t c : cc.reference) cc.n_reference += static_cast<std::size_t>(c);
  for (std::int64_t c : cc.current) cc.n_current += static_cast<std::size_t>(c);
  return cc;
}

struct test_value {
  double statistic = nan, pvalue = nan;
};

/// The report's "jensenshannon" is Evidently's: scipy.spatial.distance.jensenshannon with
/// base=None, i.e. the natural log (at most sqrt(ln 2) ~ 0.83), so its 0.1 threshold means
/// what it means there. driftscope::js_distance itself defaults to base 2.
inline constexpr double evidently_js_base = natural_log_base;

inline std::size_t categories_present(const category_counts& cc) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < cc.reference.size(); ++i) k += (cc.reference[i] != 0 || cc.current[i] != 0);
  return k;
}

/// A test that reads category counts (categorical columns, discrete numerical ones).
inline test_value on_counts(column_test t, const category_counts& cc) {
  test_value v;
  if ((t == column_test::z || t == column_test::fisher_exact) && categories_present(cc) == 1 &&
      cc.n_reference != 0 && cc.n_current != 0) {
    // one category on both sides: no evidence of drift (Evidently's z test returns p = 1)
    v.statistic = t == column_test::z ? 0.0 : nan;
    v.pvalue = 1.0;
    return v;
  }
  if (t == column_test::linf) {
    v.statistic = linf_distance_counts(cc.reference.data(), cc.current.data(), cc.reference.size());
    return v;
  }
  categorical_test ct = categorical_test::chisquare;
  switch (t) {
    case column_test::chisquare: ct = categorical_test::chisquare; break;
    case column_test::g_test: ct = categorical_test::g_test; break;
    case column_test::z: ct = categorical_test::z; break;
    case column_test::fisher_exact: ct = categorical_test::fisher_exact; break;
    case column_test::psi: ct = categorical_test::psi; break;
    case column_test::jensenshannon: ct = categorical_test::jensenshannon; break;
    case column_test::hellinger: ct = categorical_test::hellinger; break;
    case column_test::tvd: ct = categorical_test::tvd; break;
    case column_test::kl_div: ct = categorical_test::kl_div; break;
    default: throw_invalid_argument("drift report: test '{}' does not take category counts", test_info(t).name);
  }
  const categorical_result r = categorical_drift(cc, ct, 1e-4, evidently_js_base);
  v.statistic = r.statistic;
  v.pvalue = r.pvalue;
  return v;
}

/// Runs a scipy-named test with nan_policy::omit; its statistic and p-value.
template <class Options, class Test>
test_value with_nan_omitted(Test&& test) {
  Options o;
  o.nan = nan_policy::omit;
  const auto r = test(o);
  return {r.statistic, r.pvalue};
}

/// NaN-free sorted copies of both sides in this thread's scratch, for the tests scipy gives
/// no nan_policy (energy_distance, anderson_ksamp); both accept sorted input.
template <class T>
std::pair<const std::vector<T>&, const std::vector<T>&> sorted_pair(const T* a, std::size_t na, const T* b,
                                                                    std::size_t nb) {
  std::vector<T>& sa = thread_scratch<T, sorted_ref_tag>();
  std::vector<T>& sb = thread_scratch<T, sorted_cur_tag>();
  sorted_without_nan(a, na, sa);
  sorted_without_nan(b, nb, sb);
  return {sa, sb};
}

/// A test on the raw values of a numerical column (NaN omitted).
template <class T>
test_value on_values(column_test t, const T* a, std::size_t na, const T* b, std::size_t nb) {
  test_value v;
  switch (t) {
    case column_test::ks:
      return with_nan_omitted<ks_options>([&](const ks_options& o) { return ks_2samp(a, na, b, nb, o); });
    case column_test::wasserstein: v.statistic = normed_wasserstein(a, na, b, nb, nan_policy::omit).statistic; return v;
    case column_test::cramer_von_mises:
      return with_nan_omitted<cvm_options>([&](const cvm_options& o) { return cramervonmises_2samp(a, na, b, nb, o); });
    case column_test::mannw:
      return with_nan_omitted<mwu_options>([&](const mwu_options& o) { return mannwhitneyu(a, na, b, nb, o); });
    case column_test::t_test:
      return with_nan_omitted<ttest_options>([&](const ttest_options& o) { return ttest_ind(a, na, b, nb, o); });
    case column_test::es:
      return with_nan_omitted<epps_singleton_options>(
          [&](const epps_singleton_options& o) { return epps_singleton_2samp(a, na, b, nb, o); });
    case column_test::ed: {
      const auto [sa, sb] = sorted_pair(a, na, b, nb);
      v.statistic = energy_distance_sorted(sa.data(), sa.size(), sb.data(), sb.size());
      return v;
    }
    case column_test::anderson: {
      const auto [sa, sb] = sorted_pair(a, na, b, nb);
      const anderson_ksamp_result r = anderson_ksamp(sa.data(), sa.size(), sb.data(), sb.size());
      v.statistic = r.statistic;
      v.pvalue = r.pvalue;
      return v;
    }
    case column_test::psi: v.statistic = psi(a, na, b, nb).statistic; return v;
    case column_test::jensenshannon: {
      js_options o;
      o.base = evidently_js_base;
      v.statistic = js_distance(a, na, b, nb, o).statistic;
      return v;
    }
    case column_test::kl_div: v.statistic = kl_divergence(a, na, b, nb).statistic; return v;
    case column_test::hellinger: v.statistic = hellinger(a, na, b, nb).statistic; return v;
    case column_test::tvd: v.statistic = total_variation(a, na, b, nb).statistic; return v;
    case column_test::linf: v.statistic = linf_distance(a, na, b, nb).statistic; return v;
    default: break;
  }
  throw_invalid_argument("drift report: test '{}' does not take raw values", test_info(t).name);
}

/// Equal-width histogram and ECDF of both sides over the combined finite range.
template <class T>
void numerical_plot_data(const T* a, std::size_t na, const T* b, std::size_t nb, std::size_t valid_a,
                         std::size_t valid_b, const report_options& o, column_result& r) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  auto range = [&](const T* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const double v = static_cast<double>(x[i]);
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  };
  range(a, na);
  range(b, nb);
  if (lo > hi) return;  // no finite value: nothing to draw
  numerical_plot& p = r.numerical;
  const std::size_t k = lo == hi ? 1 : o.plot_bins;
  // step from halves so hi - lo cannot overflow for values near ±DBL_MAX
  const double step = (hi / static_cast<double>(k) - lo / static_cast<double>(k));
  p.edges.resize(k + 1);
  p.edges[0] = lo;
  for (std::size_t i = 1; i < k; ++i) p.edges[i] = std::min(hi, lo + static_cast<double>(i) * step);
  p.edges[k] = hi;
  p.reference.assign(k, 0);
  p.current.assign(k, 0);
  kernels::bin_count(a, na, p.edges.data() + 1, k - 1, p.reference.data());
  kernels::bin_count(b, nb, p.edges.data() + 1, k - 1, p.current.data());

  const std::size_t m = lo == hi ? 1 : o.ecdf_points;
  const double xstep = m == 1 ? 0.0 : (hi / static_cast<double>(m - 1) - lo / static_cast<double>(m - 1));
  p.ecdf_x.resize(m);
  for (std::size_t j = 0; j < m; ++j) p.ecdf_x[j] = j + 1 == m ? hi : std::min(hi, lo + static_cast<double>(j) * xstep);
  // F(x) = #{v <= x} / n: count below the next double up from each point
  std::vector<double> up(m);
  for (std::size_t j = 0; j < m; ++j) up[j] = std::nextafter(p.ecdf_x[j], std::numeric_limits<double>::infinity());
  std::vector<std::uint64_t> c(m + 1);
  auto ecdf = [&](const T* x, std::size_t n, std::size_t valid, std::vector<double>& out) {
    std::fill(c.begin(), c.end(), 0);
    kernels::bin_count(x, n, up.data(), m, c.data());
    out.resize(m);
    std::uint64_t cum = 0;
    for (std::size_t j = 0; j < m; ++j) {
      cum += c[j];
      out[j] = valid == 0 ? nan : static_cast<double>(cum) / static_cast<double>(valid);
    }
  };
  ecdf(a, na, valid_a, p.ecdf_reference);
  ecdf(b, nb, valid_b, p.ecdf_current);
  r.plot = plot_kind::numerical;
}

/// Top categories by total count plus "(other)".
inline void categorical_plot_data(const category_counts& cc, const std::vector<std::string>& labels,
                                  const report_options& o, column_result& r) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < cc.reference.size(); ++i)
    if (cc.reference[i] != 0 || cc.current[i] != 0) idx.push_back(i);
  auto total = [&](std::size_t i) { return cc.reference[i] + cc.current[i]; };
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t x, std::size_t y) { return total(x) > total(y); });
  categorical_plot& p = r.categorical;
  const std::size_t shown = std::min(idx.size(), o.max_categories);
  for (std::size_t j = 0; j < shown; ++j) {
    const std::size_t i = idx[j];
    p.categories.push_back(labels.empty() ? std::to_string(i) : labels[i]);
    p.reference.push_back(static_cast<std::uint64_t>(cc.reference[i]));
    p.current.push_back(static_cast<std::uint64_t>(cc.current[i]));
  }
  if (shown < idx.size()) {
    std::uint64_t ra = 0, ca = 0;
    for (std::size_t j = shown; j < idx.size(); ++j) {
      ra += static_cast<std::uint64_t>(cc.reference[idx[j]]);
      ca += static_cast<std::uint64_t>(cc.current[idx[j]]);
    }
    p.categories.emplace_back("(other)");
    p.reference.push_back(ra);
    p.current.push_back(ca);
  }
  r.plot = plot_kind::categorical;
}

inline void set_test(column_result& r, column_test t, double threshold) {
  const column_test_info& i = test_info(t);
  r.test = i.name;
  r.threshold_type = i.kind;
  r.threshold = std::isnan(threshold) ? i.default_threshold : threshold;
}

inline std::string empty_side_error(const char* side, std::size_t n, std::size_t missing) {
  if (n == 0) return fmt::format("the {} data is empty", side);
  return fmt::format("the {} data has no non-missing values (all {} missing)", side, missing);
}

template <class T>
void run_numerical(const column_spec& c, const resolved& q, const report_options& o, column_result& r) {
  const T* a = static_cast<const T*>(c.reference);
  const T* b = static_cast<const T*>(c.current);
  const std::size_t na = c.n_reference, nb = c.n_current;
  r.missing_reference = na == 0 ? 0 : kernels::count_nan(a, na);
  r.missing_current = nb == 0 ? 0 : kernels::count_nan(b, nb);
  r.n_reference = na - r.missing_reference;
  r.n_current = nb - r.missing_current;
  if (o.plots) numerical_plot_data(a, na, b, nb, r.n_reference, r.n_current, o, r);
  double values[discrete_max_values + 1];
  const std::size_t u = distinct_upto(a, na, b, nb, values, discrete_max_values + 1);
  const column_test t = q.test ? *q.test : default_column_test(column_kind::numerical, r.n_reference, u);
  set_test(r, t, q.threshold);
  if (r.n_reference == 0) {
    r.error = empty_side_error("reference", na, r.missing_reference);
    return;
  }
  if (r.n_current == 0) {
    r.error = empty_side_error("current", nb, r.missing_current);
    return;
  }
  const column_test_info& info = test_info(t);
  const bool by_category = info.categorical_on_numbers || (info.categorical && u <= discrete_max_values);
  const test_value v = by_category ? on_counts(t, value_counts(a, na, b, nb, values, u)) : on_values(t, a, na, b, nb);
  r.statistic = v.statistic;
  r.pvalue = v.pvalue;
}

inline void run_categorical(const column_spec& c, const resolved& q, const report_options& o, column_result& r) {
  const auto* a = static_cast<const std::int32_t*>(c.reference);
  const auto* b = static_cast<const std::int32_t*>(c.current);
  const category_counts cc = count_categories(a, c.n_reference, b, c.n_current, c.n_categories);
  r.missing_reference = cc.missing_reference;
  r.missing_current = cc.missing_current;
  r.n_reference = cc.n_reference;
  r.n_current = cc.n_current;
  if (o.plots) categorical_plot_data(cc, c.labels, o, r);
  const column_test t =
      q.test ? *q.test : default_column_test(column_kind::categorical, r.n_reference, categories_present(cc));
  set_test(r, t, q.threshold);
  if (r.n_reference == 0) {
    r.error = empty_side_error("reference", c.n_reference, r.missing_reference);
    return;
  }
  if (r.n_current == 0) {
    r.error = empty_side_error("current", c.n_current, r.missing_current);
    return;
  }
  const test_value v = on_counts(t, cc);
  r.statistic = v.statistic;
  r.pvalue = v.pvalue;
}

/// log(p) / log(t): 1 at the threshold, +inf at p = 0, 0 at p = 1.
inline double pvalue_score(double p, double t) { return p == 0 ? std::numeric_limits<double>::infinity() : std::log(p) / std::log(t); }

/// Drift decision and score from the statistic / p-value and the threshold.
inline void decide(column_result& r) {
  if (!r.ok()) return;
  const bool by_p = r.threshold_type == threshold_kind::pvalue;
  if (by_p && !(r.threshold < 1)) {  // a threshold given for any test, and the rule chose a p-value test
    r.error = fmt::format("threshold {} is not a p-value threshold (must be < 1) for test {}", r.threshold, r.test);
    return;
  }
  const double x = by_p ? r.pvalue : r.statistic;
  if (std::isnan(x)) {
    r.error = fmt::format("{} returned NaN ({} = NaN; e.g. constant samples)", r.test, by_p ? "p-value" : "statistic");
    return;
  }
  r.drift = by_p ? x < r.threshold : x >= r.threshold;
  r.score = by_p ? pvalue_score(x, r.threshold) : x / r.threshold;
}

/// One row; per-column failures become the row's error (bad_alloc propagates).
inline column_result run_column(const column_spec& c, const resolved& q, const report_options& o) {
  column_result r;
  r.name = c.name;
  r.kind = c.kind;
  if (!c.error.empty()) {
    if (q.test) set_test(r, *q.test, q.threshold);
    r.n_reference = c.n_reference;
    r.n_current = c.n_current;
    r.error = c.error;
    return r;
  }
  try {
    if (c.kind == column_kind::categorical)
      run_categorical(c, q, o, r);
    else if (c.float32)
      run_numerical<float>(c, q, o, r);
    else
      run_numerical<double>(c, q, o, r);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  decide(r);
  return r;
}

/// Adjusts the p-values of the p-value rows together and decides them at alpha.
inline void apply_correction(drift_report& rep, multitest_method m, double alpha) {
  std::vector<std::size_t> rows;
  std::vector<double> p;
  for (std::size_t i = 0; i < rep.columns.size(); ++i) {
    const column_result& r = rep.columns[i];
    if (r.ok() && r.threshold_type == threshold_kind::pvalue) {
      rows.push_back(i);
      p.push_back(r.pvalue);
    }
  }
  for (std::size_t i = 0; i < rep.columns.size(); ++i)
    if (rep.columns[i].threshold_type == threshold_kind::pvalue && !rep.columns[i].test.empty())
      rep.columns[i].threshold = alpha;
  if (rows.empty()) return;
  multipletests_options mo;
  mo.alpha = alpha;
  mo.method = m;
  const multipletests_result mt = multipletests(p.data(), p.size(), mo);
  for (std::size_t j = 0; j < rows.size(); ++j) {
    column_result& r = rep.columns[rows[j]];
    r.pvalue_adjusted = mt.pvals_corrected[j];
    r.drift = mt.reject[j] != 0;
    r.score = pvalue_score(r.pvalue_adjusted, alpha);
  }
}

}  // namespace detail::report

inline drift_report make_drift_report(const std::vector<column_spec>& columns, const report_options& options) {
  namespace dr = detail::report;
  options.validate();
  // every request is checked before any work
  std::vector<dr::resolved> req;
  req.reserve(columns.size());
  std::unordered_set<std::string> names;
  for (const column_spec& c : columns) {
    if (!names.insert(c.name).second) detail::throw_invalid_argument("drift report: duplicate column name '{}'", c.name);
    req.push_back(dr::resolve(c, options));
  }

  drift_report rep;
  rep.drift_share = options.drift_share;
  rep.correction = options.correction;
  rep.alpha = options.alpha;
  rep.n_columns = columns.size();
  rep.columns.resize(columns.size());
  for (const column_spec& c : columns) {
    rep.n_reference = std::max(rep.n_reference, c.n_reference);
    rep.n_current = std::max(rep.n_current, c.n_current);
  }

  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  auto work = [&]() {
    try {
      for (std::size_t i = next++; i < columns.size() && !failed; i = next++)
        rep.columns[i] = dr::run_column(columns[i], req[i], options);
    } catch (...) {  // bad_alloc (or a thread failing to start below): stop everyone
      if (!failed.exchange(true)) failure = std::current_exception();
    }
  };
  std::size_t jobs = options.n_jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : options.n_jobs;
  jobs = std::max<std::size_t>(1, std::min(jobs, columns.size()));
  std::vector<std::thread> pool;
  try {
    for (std::size_t j = 1; j < jobs; ++j) pool.emplace_back(work);
  } catch (...) {
    if (!failed.exchange(true)) failure = std::current_exception();
  }
  work();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);

  if (options.correction) dr::apply_correction(rep, *options.correction, options.alpha);
  for (const column_result& r : rep.columns) {
    if (!r.ok()) ++rep.n_errors;
    else if (r.drift) ++rep.n_drifted;
  }
  const std::size_t tested = rep.n_columns - rep.n_errors;
  rep.share_drifted = tested == 0 ? 0.0 : static_cast<double>(rep.n_drifted) / static_cast<double>(tested);
  rep.drift = options.correction ? rep.n_drifted > 0 : (tested > 0 && rep.share_drifted >= options.drift_share);
  return rep;
}

}  // namespace driftscope
