#pragma once
/// @file
/// @brief The per-column test registry of the dataset drift report: test names (Evidently's
/// stattest names, plus scipy / driftscope aliases), which column kinds each applies to, how
/// its threshold is read, its default threshold, and the default test selection rule.
///
/// Names (case-insensitive; canonical name first, then aliases):
///
/// | name             | aliases                          | kinds        | threshold | default |
/// |------------------|----------------------------------|--------------|-----------|---------|
/// | ks               | ks_2samp                         | num          | p-value   | 0.05    |
/// | wasserstein      | normed_wasserstein               | num          | distance  | 0.1     |
/// | psi              |                                  | num, cat     | distance  | 0.1     |
/// | jensenshannon    | js_distance, base e (Evidently)  | num, cat     | distance  | 0.1     |
/// | kl_div           | kl_divergence                    | num, cat     | distance  | 0.1     |
/// | hellinger        |                                  | num, cat     | distance  | 0.1     |
/// | TVD              | total_variation, tvd             | num, cat     | distance  | 0.1     |
/// | linf             | linf_distance                    | num, cat     | distance  | 0.1     |
/// | chisquare        | chi2_contingency                 | cat (+num)   | p-value   | 0.05    |
/// | z                | two_proportion_ztest             | cat (+num)   | p-value   | 0.05    |
/// | g_test           |                                  | cat (+num)   | p-value   | 0.1     |
/// | fisher_exact     |                                  | cat (+num)   | p-value   | 0.1     |
/// | cramer_von_mises | cramervonmises_2samp             | num          | p-value   | 0.1     |
/// | mannw            | mannwhitneyu                     | num          | p-value   | 0.05    |
/// | t_test           | ttest_ind                        | num          | p-value   | 0.05    |
/// | ed               | energy_distance                  | num          | distance  | 0.1     |
/// | anderson         | anderson_ksamp                   | num          | p-value   | 0.1     |
/// | es               | epps_singleton_2samp             | num          | p-value   | 0.05    |
///
/// Default thresholds are Evidently's (evidently.legacy.calculations.stattests, the
/// `default_threshold` of each StatTest: 0.05 when not given, 0.1 for psi, jensenshannon,
/// kl_div, hellinger, wasserstein, ed, TVD, g_test, fisher_exact, cramer_von_mises and
/// anderson); linf is ours (0.1, as the other distances).
/// A p-value threshold t means drift when p < t; a distance threshold t means drift when
/// d >= t. (Evidently uses p <= t for ks and cramer_von_mises and d > t for ed; we use one
/// rule per kind.) Evidently's TVD reports a permutation p-value; ours reports the
/// distance itself (threshold 0.1 read as a distance).
///
/// Kinds: "num" tests take the raw values of a numerical column. Tests marked "cat (+num)"
/// apply to categorical columns, and to a numerical column by taking each distinct value as a
/// category. The binned distances (psi ... linf) apply to both: on a categorical column, and
/// on a numerical column with at most 5 distinct values, they compare the per-category
/// proportions; on other numerical columns they use driftscope's binning (10 reference
/// quantile bins, see stats/binning.hpp) — not Evidently's Sturges histogram.
/// A numerical-only test on a categorical column is an error.
///
/// Default selection (Evidently's `_get_default_stattest`, evidently.legacy.calculations.
/// stattests.registry): with n = the number of non-missing reference values and u = the number
/// of distinct non-missing values over reference and current together
/// (`pd.concat([reference, current]).nunique()`):
///  - numerical, u > 5:  "ks" if n <= 1000, else "wasserstein" (threshold 0.1);
///  - numerical with u <= 5, and categorical: if n <= 1000, "chisquare", or "z" when u <= 2;
///    else "jensenshannon" (threshold 0.1).
/// A numerical column with u <= 5 is thereby treated as categorical: its values are the
/// categories. (Evidently drops ±inf with NaN before counting; driftscope keeps ±inf as
/// values, its convention everywhere.)

#include <driftscope/core/column_kind.hpp>
#include <driftscope/core/error.hpp>

#include <array>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace driftscope {

/// How a column's threshold is read: p-value (drift when p < t) or distance (drift when d >= t).
enum class threshold_kind { pvalue, distance };

inline const char* to_string(threshold_kind k) noexcept { return k == threshold_kind::pvalue ? "pvalue" : "distance"; }

/// The tests of the report, in the registry's order.
enum class column_test {
  ks,
  wasserstein,
  psi,
  jensenshannon,
  kl_div,
  hellinger,
  tvd,
  linf,
  chisquare,
  z,
  g_test,
  fisher_exact,
  cramer_von_mises,
  mannw,
  t_test,
  ed,
  anderson,
  es,
};

/// What the registry knows about one test.
struct column_test_info {
  column_test id;
  const char* name;           ///< canonical (Evidently) name
  const char* aliases[2];     ///< scipy / driftscope names (nullptr when unused)
  threshold_kind kind;        ///< how the threshold is read
  double default_threshold;   ///< Evidently's default
  bool numerical;             ///< applies to numerical columns
  bool categorical;           ///< applies to categorical columns
  bool categorical_on_numbers;  ///< on a numerical column, runs on the distinct values as categories
  const char* description;
};

namespace detail::report {

inline constexpr std::array<column_test_info, 18> registry{{
    {column_test::ks, "ks", {"ks_2samp", nullptr}, threshold_kind::pvalue, 0.05, true, false, false,
     "two-sample Kolmogorov-Smirnov test (scipy.stats.ks_2samp)"},
    {column_test::wasserstein, "wasserstein", {"normed_wasserstein", nullptr}, threshold_kind::distance, 0.1, true,
     false, false, "Wasserstein distance divided by the reference standard deviation"},
    {column_test::psi, "psi", {nullptr, nullptr}, threshold_kind::distance, 0.1, true, true, false,
     "population stability index"},
    {column_test::jensenshannon, "jensenshannon", {"js_distance", nullptr}, threshold_kind::distance, 0.1, true, true,
     false, "Jensen-Shannon distance (base 2)"},
    {column_test::kl_div, "kl_div", {"kl_divergence", nullptr}, threshold_kind::distance, 0.1, true, true, false,
     "Kullback-Leibler divergence KL(reference || current)"},
    {column_test::hellinger, "hellinger", {nullptr, nullptr}, threshold_kind::distance, 0.1, true, true, false,
     "Hellinger distance"},
    {column_test::tvd, "TVD", {"total_variation", "tvd"}, threshold_kind::distance, 0.1, true, true, false,
     "total variation distance"},
    {column_test::linf, "linf", {"linf_distance", nullptr}, threshold_kind::distance, 0.1, true, true, false,
     "largest absolute difference of the proportions"},
    {column_test::chisquare, "chisquare", {"chi2_contingency", nullptr}, threshold_kind::pvalue, 0.05, true, true,
     true, "chi-square test on the 2 x k table (scipy.stats.chi2_contingency)"},
    {column_test::z, "z", {"two_proportion_ztest", nullptr}, threshold_kind::pvalue, 0.05, true, true, true,
     "two-proportion z-test of a binary feature"},
    {column_test::g_test, "g_test", {nullptr, nullptr}, threshold_kind::pvalue, 0.1, true, true, true,
     "G-test on the 2 x k table (chi2_contingency, lambda_='log-likelihood')"},
    {column_test::fisher_exact, "fisher_exact", {nullptr, nullptr}, threshold_kind::pvalue, 0.1, true, true, true,
     "Fisher's exact test of a binary feature (scipy.stats.fisher_exact)"},
    {column_test::cramer_von_mises, "cramer_von_mises", {"cramervonmises_2samp", nullptr}, threshold_kind::pvalue, 0.1,
     true, false, false, "two-sample Cramer-von Mises test (scipy.stats.cramervonmises_2samp)"},
    {column_test::mannw, "mannw", {"mannwhitneyu", nullptr}, threshold_kind::pvalue, 0.05, true, false, false,
     "Mann-Whitney U test, two-sided (scipy.stats.mannwhitneyu)"},
    {column_test::t_test, "t_test", {"ttest_ind", nullptr}, threshold_kind::pvalue, 0.05, true, false, false,
     "Student's t-test (scipy.stats.ttest_ind)"},
    {column_test::ed, "ed", {"energy_distance", nullptr}, threshold_kind::distance, 0.1, true, false, false,
     "energy distance (scipy.stats.energy_distance)"},
    {column_test::anderson, "anderson", {"anderson_ksamp", nullptr}, threshold_kind::pvalue, 0.1, true, false, false,
     "k-sample Anderson-Darling test, p-value capped to [0.001, 0.25] (scipy.stats.anderson_ksamp)"},
    {column_test::es, "es", {"epps_singleton_2samp", nullptr}, threshold_kind::pvalue, 0.05, true, false, false,
     "Epps-Singleton test (scipy.stats.epps_singleton_2samp)"},
}};

inline bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace detail::report

/// @brief The registry entry of a test.
inline const column_test_info& test_info(column_test t) {
  return detail::report::registry[static_cast<std::size_t>(t)];
}

/// @brief All registered names, canonical first then aliases: "ks, ks_2samp, wasserstein, ...".
inline std::string column_test_names() {
  std::string s;
  for (const column_test_info& i : detail::report::registry) {
    if (!s.empty()) s += ", ";
    s += i.name;
    for (const char* a : i.aliases)
      if (a != nullptr) (s += ", ") += a;
  }
  return s;
}

/// @brief Looks a test up by canonical name or alias (case-insensitive).
/// @throws std::invalid_argument naming the test and listing the valid names.
inline column_test parse_column_test(std::string_view name) {
  for (const column_test_info& i : detail::report::registry) {
    if (detail::report::iequal(name, i.name)) return i.id;
    for (const char* a : i.aliases)
      if (a != nullptr && detail::report::iequal(name, a)) return i.id;
  }
  detail::throw_invalid_argument("drift report: unknown test '{}'; valid tests: {}", name, column_test_names());
}

/// @brief True if test `t` can run on a column of kind `k`.
inline bool test_applies(column_test t, column_kind k) {
  const column_test_info& i = test_info(t);
  return k == column_kind::numerical ? i.numerical : i.categorical;
}

/// Number of distinct values at or below which a numerical column is treated as categorical.
inline constexpr std::size_t discrete_max_values = 5;
/// Reference size at or below which the default tests are statistical tests (p-values).
inline constexpr std::size_t small_reference_max = 1000;

/// @brief Evidently's default test (see the file comment).
/// @param n_reference non-missing reference values; @param n_unique distinct non-missing
/// values over reference and current together (only whether it is <= 2, <= 5 matters).
inline column_test default_column_test(column_kind kind, std::size_t n_reference, std::size_t n_unique) {
  const bool small = n_reference <= small_reference_max;
  if (kind == column_kind::numerical && n_unique > discrete_max_values)
    return small ? column_test::ks : column_test::wasserstein;
  if (!small) return column_test::jensenshannon;
  return n_unique <= 2 ? column_test::z : column_test::chisquare;
}

}  // namespace driftscope
