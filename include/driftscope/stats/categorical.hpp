#pragma once
/// @file
/// @brief Drift of a categorical feature given as integer codes: counting the categories
/// of a reference and a current sample, and one drift statistic on the two count vectors.
///
/// Codes follow pandas.factorize / pandas.Categorical.codes: 0 .. n_categories-1 name a
/// category, a negative code is a missing value. count_categories() is O(n) with no
/// allocation per value; categorical_drift() is O(k) on the k categories. Categories the
/// reference never saw but the current sample has ("unseen in reference") are kept as
/// their own columns and take part in every test; categories absent on both sides are
/// dropped (they carry no information, and chi-square would divide by a zero expected
/// count).
///
/// The tests (names as Evidently's stattests):
///  - chisquare:     scipy.stats.chi2_contingency on the 2 x k table [reference; current]
///                   (Pearson, Yates' correction when dof = 1, as scipy's default); k = 1
///                   gives dof 0, statistic 0, p-value 1.
///  - g_test:        the same with lambda_='log-likelihood' (G-test).
///  - z:             statsmodels proportions_ztest on a binary feature (exactly 2 categories
///                   present): the count of the second category (higher code) in each
///                   sample, as Evidently's z stattest codes the first category 0 and the
///                   other 1.
///  - fisher_exact:  scipy.stats.fisher_exact on the 2 x 2 table [[ref_a, ref_b], [cur_a,
///                   cur_b]] of a binary feature (two-sided).
///  - psi:           psi_counts(reference, current, epsilon).
///  - jensenshannon: js_distance_counts(reference, current, base 2) (js_distance's base;
///                   Evidently uses the natural log here).
///  - hellinger / tvd: hellinger_counts / total_variation_counts.
///  - kl_div:        kl_divergence_counts(reference, current, epsilon), natural log.
/// Distances have no p-value (NaN).
///
/// Both functions are pure and re-entrant (a report may run columns on several threads).
///
/// Example:
/// @code
///   auto cc = driftscope::count_categories(ref_codes.data(), ref_codes.size(),
///                                          cur_codes.data(), cur_codes.size(), 12);
///   auto r = driftscope::categorical_drift(cc, driftscope::categorical_test::chisquare);
///   if (r.pvalue < 0.05) { /* drift */ }
/// @endcode

#include <driftscope/core/alternative.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/stats/binned_distances.hpp>
#include <driftscope/stats/chi2_contingency.hpp>
#include <driftscope/stats/fisher_exact.hpp>
#include <driftscope/stats/js_distance.hpp>
#include <driftscope/stats/psi.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>
#include <vector>

namespace driftscope {

/// Counts per category of a reference and a current sample of codes.
struct category_counts {
  std::vector<std::int64_t> reference, current;            ///< n_categories counts each
  std::size_t missing_reference = 0, missing_current = 0;  ///< negative codes
  std::size_t n_reference = 0, n_current = 0;              ///< non-missing codes
};

namespace detail {

/// Counts codes[0..n) into counts[0..k) (already zeroed); returns the number of negative
/// (missing) codes. One unsigned comparison per value sorts a code into "valid" or "not".
template <class Code>
std::size_t count_codes(const Code* codes, std::size_t n, std::size_t k, std::int64_t* counts,
                        const char* name) {
  static_assert(std::is_integral<Code>::value && std::is_signed<Code>::value,
                "count_categories: codes must be a signed integer type (int8/16/32/64)");
  std::size_t missing = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Code c = codes[i];
    // a negative code converts to a huge unsigned value, so one test catches both cases
    if (static_cast<std::uint64_t>(static_cast<std::int64_t>(c)) < static_cast<std::uint64_t>(k)) {
      ++counts[static_cast<std::size_t>(c)];
    } else if (c < 0) {
      ++missing;
    } else {
      throw_invalid_argument("count_categories: {} must be < n_categories = {}, got {} at index {}",
                             name, k, static_cast<std::int64_t>(c), i);
    }
  }
  return missing;
}

}  // namespace detail

/// @brief Counts the categories of two samples of integer codes.
/// @param ref_codes, cur_codes codes in [0, n_categories), negative = missing; Code =
///        int8_t, int16_t, int32_t or int64_t. Either sample may be empty or all missing
///        (categorical_drift then rejects it).
/// @param n_categories number of categories (the length of both count vectors).
/// @throws std::invalid_argument naming ref_codes / cur_codes and the index of a code
///         >= n_categories.
template <class Code>
category_counts count_categories(const Code* ref_codes, std::size_t n_ref, const Code* cur_codes,
                                 std::size_t n_cur, std::size_t n_categories) {
  category_counts r;
  r.reference.assign(n_categories, 0);
  r.current.assign(n_categories, 0);
  r.missing_reference =
      detail::count_codes(ref_codes, n_ref, n_categories, r.reference.data(), "ref_codes");
  r.missing_current =
      detail::count_codes(cur_codes, n_cur, n_categories, r.current.data(), "cur_codes");
  r.n_reference = n_ref - r.missing_reference;
  r.n_current = n_cur - r.missing_current;
  return r;
}

/// The statistic categorical_drift() computes.
enum class categorical_test {
  chisquare,
  g_test,
  z,
  fisher_exact,
  psi,
  jensenshannon,
  hellinger,
  tvd,
  kl_div
};

/// @brief Parses Evidently's stattest names: "chisquare", "g_test", "z", "fisher_exact",
/// "psi", "jensenshannon", "hellinger", "tvd", "kl_div".
/// @throws std::invalid_argument naming `test` and the value.
inline categorical_test parse_categorical_test(std::string_view s) {
  if (s == "chisquare") return categorical_test::chisquare;
  if (s == "g_test") return categorical_test::g_test;
  if (s == "z") return categorical_test::z;
  if (s == "fisher_exact") return categorical_test::fisher_exact;
  if (s == "psi") return categorical_test::psi;
  if (s == "jensenshannon") return categorical_test::jensenshannon;
  if (s == "hellinger") return categorical_test::hellinger;
  if (s == "tvd") return categorical_test::tvd;
  if (s == "kl_div") return categorical_test::kl_div;
  detail::throw_invalid_argument(
      "test must be one of 'chisquare', 'g_test', 'z', 'fisher_exact', 'psi', 'jensenshannon', "
      "'hellinger', "
      "'tvd', 'kl_div', got '{}'",
      s);
}

inline const char* to_string(categorical_test t) noexcept {
  switch (t) {
    case categorical_test::chisquare: return "chisquare";
    case categorical_test::g_test: return "g_test";
    case categorical_test::z: return "z";
    case categorical_test::fisher_exact: return "fisher_exact";
    case categorical_test::psi: return "psi";
    case categorical_test::jensenshannon: return "jensenshannon";
    case categorical_test::hellinger: return "hellinger";
    case categorical_test::tvd: return "tvd";
    case categorical_test::kl_div: return "kl_div";
  }
  return "?";
}

/// Result of categorical_drift().
struct categorical_result {
  double statistic = 0;
  double pvalue = std::numeric_limits<double>::quiet_NaN();  ///< NaN for the distances
  const char* method = "";                                   ///< to_string(test), a static string
  std::size_t dof = 0;           ///< chisquare / g_test degrees of freedom, else 0
  std::size_t n_categories = 0;  ///< categories present on either side (the columns used)
};

namespace detail {

struct categorical_scratch_tag {};

/// Validates one count vector for categorical_drift: non-negative entries, positive sum.
inline void check_category_counts(const std::vector<std::int64_t>& v, const char* name) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] < 0)
      throw_invalid_argument("categorical_drift: {} counts must be >= 0, got {} at index {}", name,
                             v[i], i);
    if (v[i] > std::numeric_limits<std::int64_t>::max() - sum)
      throw_invalid_argument("categorical_drift: {} counts overflow int64 at index {}", name, i);
    sum += v[i];
  }
  if (sum == 0)
    throw_invalid_argument(
        "categorical_drift: {} has no non-missing values (all counts are 0, size {})", name,
        v.size());
}

}  // namespace detail

/// @brief One drift statistic on the counts of a categorical feature (see the file
/// comment for each test).
/// @param epsilon floor of the proportions for psi (0 < epsilon < 1) and kl_div
///        (0 <= epsilon < 1); ignored by the other tests.
/// @param js_base logarithm base of jensenshannon (finite, > 0, != 1): 2 as js_distance
///        (in [0, 1]); the drift report passes e, as Evidently's jensenshannon test (scipy's
///        default base) does.
/// @throws std::invalid_argument if the count vectors differ in length, hold a negative
///         count, or one sums to 0; for z / fisher_exact unless exactly 2 categories are
///         present ("z test needs a binary feature"); for a bad epsilon or test value.
inline categorical_result categorical_drift(const category_counts& counts, categorical_test test,
                                            double epsilon = 1e-4, double js_base = 2.0) {
  if (counts.reference.size() != counts.current.size())
    detail::throw_invalid_argument(
        "categorical_drift: reference and current counts must have the same length, got {} and {}",
        counts.reference.size(), counts.current.size());
  detail::check_category_counts(counts.reference, "reference");
  detail::check_category_counts(counts.current, "current");

  categorical_result r;
  r.method = to_string(test);
  // the present columns, as a 2 x k row-major table [reference; current] of doubles
  const std::size_t n = counts.reference.size();
  std::vector<double>& t = detail::thread_scratch<double, detail::categorical_scratch_tag>();
  t.resize(2 * n);
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (counts.reference[i] != 0 || counts.current[i] != 0) {
      t[k] = static_cast<double>(counts.reference[i]);
      t[n + k] = static_cast<double>(counts.current[i]);
      ++k;
    }
  // compact to a contiguous 2 x k table
  std::copy(t.begin() + static_cast<std::ptrdiff_t>(n),
            t.begin() + static_cast<std::ptrdiff_t>(n + k),
            t.begin() + static_cast<std::ptrdiff_t>(k));
  const double* ref = t.data();
  const double* cur = t.data() + k;
  r.n_categories = k;

  switch (test) {
    case categorical_test::chisquare:
    case categorical_test::g_test: {
      chi2_contingency_options o;
      o.lambda = test == categorical_test::g_test ? 0.0 : 1.0;
      const chi2_contingency_result c = chi2_contingency(ref, 2, k, o);
      r.statistic = c.statistic;
      r.pvalue = c.pvalue;
      r.dof = c.dof;
      return r;
    }
    case categorical_test::z:
    case categorical_test::fisher_exact: {
      if (k != 2)
        detail::throw_invalid_argument(
            "categorical_drift: {} test needs a binary feature (exactly 2 categories present), got "
            "{} categories",
            test == categorical_test::z ? "z" : "fisher_exact", k);
      if (test == categorical_test::z) {
        const ztest_result z =
            two_proportion_ztest(ref[1], ref[0] + ref[1], cur[1], cur[0] + cur[1]);
        r.statistic = z.statistic;
        r.pvalue = z.pvalue;
      } else {
        const significance_result f =
            fisher_exact(static_cast<std::int64_t>(ref[0]), static_cast<std::int64_t>(ref[1]),
                         static_cast<std::int64_t>(cur[0]), static_cast<std::int64_t>(cur[1]));
        r.statistic = f.statistic;
        r.pvalue = f.pvalue;
      }
      return r;
    }
    case categorical_test::psi:
      detail::check_epsilon(epsilon, "categorical_drift");
      r.statistic = psi_counts(ref, cur, k, epsilon);
      return r;
    case categorical_test::jensenshannon:
      r.statistic = js_distance_counts(ref, cur, k, js_base);
      return r;
    case categorical_test::hellinger: r.statistic = hellinger_counts(ref, cur, k); return r;
    case categorical_test::tvd: r.statistic = total_variation_counts(ref, cur, k); return r;
    case categorical_test::kl_div:
      detail::check_kl_epsilon(epsilon, "categorical_drift");
      r.statistic = kl_divergence_counts(ref, cur, k, epsilon);
      return r;
  }
  detail::throw_invalid_argument("categorical_drift: test is not a valid categorical_test ({})",
                                 static_cast<int>(test));
}

}  // namespace driftscope
