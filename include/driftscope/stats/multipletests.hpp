#pragma once
/// @file
/// @brief Multiple-testing p-value adjustment, matching the 'bonferroni', 'holm' and
/// 'fdr_bh' methods of statsmodels.stats.multitest.multipletests (statsmodels 0.14/0.15).
///
/// Definitions, with p(1) <= ... <= p(m) the p-values sorted ascending and alpha the
/// family-wise error rate (FWER) or false discovery rate (FDR):
///  - bonferroni: corrected p(j) = m * p(j); reject when p(j) <= alpha / m.
///  - holm (Holm 1979, step-down): corrected p(j) = max_{i<=j} (m - i + 1) * p(i);
///    reject p(1..j*-1) where j* is the first j with p(j) > alpha / (m - j + 1).
///  - fdr_bh (Benjamini & Hochberg 1995, step-up): corrected p(j) = min_{i>=j} p(i) / (i/m);
///    reject p(1..j*) where j* is the last j with p(j) <= (j/m) * alpha.
/// Corrected p-values are clipped above at 1. The floating-point operations are the ones
/// statsmodels performs ((j/m) is computed first, then p / (j/m)), so results agree to the
/// last bit. Also returned, as statsmodels: alphacSidak = 1 - (1 - alpha)^(1/m) and
/// alphacBonf = alpha / m.
///
/// Accepted method names (case-insensitive, statsmodels' aliases): 'b', 'bonf',
/// 'bonferroni'; 'h', 'holm'; 'fdr_bh', 'fdr_i', 'fdr_p', 'fdri', 'fdrp'. Every other
/// statsmodels method — including its default 'hs' (Holm-Sidak) — throws
/// std::invalid_argument.
///
/// Differences from statsmodels (documented choices): NaN p-values throw
/// std::invalid_argument (statsmodels sorts them last, after which 'holm' may *reject*
/// them and 'fdr_bh' turns every corrected p-value into NaN); an empty input throws
/// (statsmodels returns empty arrays and NaN alphas). Values outside [0, 1] are not checked, as statsmodels.
///
/// `is_sorted` (statsmodels' flag): the input is taken to be sorted already and no sort is
/// done (results are positional, as statsmodels, if it is not). `returnsorted`: outputs are
/// in ascending p-value order instead of the input order.
///
/// Cost: one index sort (LSD radix on the p-value bits for m >= 1024, thread_local scratch:
/// no allocation once warmed up)
/// and two linear passes; bonferroni without returnsorted does not sort.

#include <driftscope/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace driftscope {

enum class multitest_method { bonferroni, holm, fdr_bh };

/// @brief Parses a statsmodels method name (aliases above, case-insensitive).
/// @throws std::invalid_argument for an unsupported or unknown name.
inline multitest_method parse_multitest_method(std::string_view s);
inline const char* to_string(multitest_method m) noexcept;

struct multipletests_options {
  double alpha = 0.05;
  multitest_method method = multitest_method::fdr_bh;
  bool is_sorted = false;
  bool returnsorted = false;
  /// @throws std::invalid_argument if method is outside its enumeration or alpha is NaN.
  inline void validate() const;
};

/// The two scalar outputs of multipletests.
struct multipletests_alphas {
  double alphac_sidak = 0;
  double alphac_bonf = 0;
};

struct multipletests_result {
  std::vector<unsigned char> reject;  ///< 1 where the hypothesis is rejected
  std::vector<double> pvals_corrected;
  double alphac_sidak = 0;
  double alphac_bonf = 0;
};

/// @brief statsmodels multipletests writing into caller buffers of length n
/// (`reject` as 0/1 bytes). @throws std::invalid_argument for n == 0, a NaN p-value or
/// invalid options.
inline multipletests_alphas multipletests(const double* pvals, std::size_t n, unsigned char* reject,
                                          double* pvals_corrected, const multipletests_options& options);

/// @brief The same, returning vectors.
inline multipletests_result multipletests(const double* pvals, std::size_t n,
                                          const multipletests_options& options = {});

// ===================================================================================
// Implementation
// ===================================================================================

inline multitest_method parse_multitest_method(std::string_view s) {
  std::string l(s);
  for (char& c : l) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  if (l == "b" || l == "bonf" || l == "bonferroni") return multitest_method::bonferroni;
  if (l == "h" || l == "holm") return multitest_method::holm;
  if (l == "fdr_bh" || l == "fdr_i" || l == "fdr_p" || l == "fdri" || l == "fdrp") return multitest_method::fdr_bh;
  detail::throw_invalid_argument(
      "multipletests: method must be 'bonferroni', 'holm' or 'fdr_bh' (statsmodels' other methods, "
      "including its default 'hs', are not supported), got '{}'",
      s);
}

inline const char* to_string(multitest_method m) noexcept {
  switch (m) {
    case multitest_method::bonferroni: return "bonferroni";
    case multitest_method::holm: return "holm";
    case multitest_method::fdr_bh: return "fdr_bh";
  }
  return "?";
}

inline void multipletests_options::validate() const {
  if (method != multitest_method::bonferroni && method != multitest_method::holm && method != multitest_method::fdr_bh)
    detail::throw_invalid_argument("multipletests: method has invalid value {}", static_cast<int>(method));
  if (std::isnan(alpha)) detail::throw_invalid_argument("multipletests: alpha must not be NaN, got {}", alpha);
}

namespace detail::multitest {

/// Order-preserving map of a non-NaN double to an unsigned key (IEEE-754 total order;
/// -0.0 sorts just before +0.0, which no method distinguishes).
inline std::uint64_t order_key(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return (b >> 63) ? ~b : (b | (std::uint64_t{1} << 63));
}

struct keyed {
  std::uint64_t key;
  std::size_t index;
};

/// Stable LSD radix sort of `order` by p-value (11-bit digits, passes where every key has
/// the same digit are skipped); std::sort on the keys for small n.
inline void sort_indices(const double* pvals, std::size_t n, std::vector<std::size_t>& order) {
  thread_local std::vector<keyed> a, b;
  a.resize(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = {order_key(pvals[i]), i};
  if (n < 1024) {
    std::sort(a.begin(), a.end(), [](const keyed& x, const keyed& y) { return x.key < y.key; });
  } else {
    b.resize(n);
    // all six 11-bit digit histograms in one pass
    constexpr unsigned bits = 11, passes = 6;
    constexpr std::size_t radix = std::size_t{1} << bits, mask = radix - 1;
    thread_local std::vector<std::size_t> count;
    count.assign(passes * radix, 0);
    for (std::size_t i = 0; i < n; ++i)
      for (unsigned pass = 0; pass < passes; ++pass) ++count[pass * radix + ((a[i].key >> (pass * bits)) & mask)];
    for (unsigned pass = 0; pass < passes; ++pass) {
      std::size_t* c = count.data() + pass * radix;
      const unsigned shift = pass * bits;
      if (c[(a[0].key >> shift) & mask] == n) continue;  // one digit value: no-op pass
      std::size_t sum = 0;
      for (std::size_t d = 0; d < radix; ++d) {
        const std::size_t t = c[d];
        c[d] = sum;
        sum += t;
      }
      for (std::size_t i = 0; i < n; ++i) b[c[(a[i].key >> shift) & mask]++] = a[i];
      a.swap(b);
    }
  }
  for (std::size_t i = 0; i < n; ++i) order[i] = a[i].index;
}

inline std::vector<std::size_t>& order_scratch() {
  thread_local std::vector<std::size_t> v;
  return v;
}

}  // namespace detail::multitest

inline multipletests_alphas multipletests(const double* pvals, std::size_t n, unsigned char* reject,
                                          double* pvals_corrected, const multipletests_options& options) {
  options.validate();
  if (n == 0) detail::throw_invalid_argument("multipletests: pvals must not be empty, got size 0");
  for (std::size_t i = 0; i < n; ++i)
    if (std::isnan(pvals[i]))
      detail::throw_invalid_argument("multipletests: pvals must not contain NaN, got NaN at index {}", i);

  const double alpha = options.alpha;
  const double m = static_cast<double>(n);
  multipletests_alphas out;
  out.alphac_sidak = 1 - std::pow(1. - alpha, 1. / m);
  out.alphac_bonf = alpha / m;

  if (options.method == multitest_method::bonferroni && !options.returnsorted) {
    // elementwise: no order needed
    for (std::size_t i = 0; i < n; ++i) {
      reject[i] = pvals[i] <= out.alphac_bonf ? 1 : 0;
      const double c = pvals[i] * m;
      pvals_corrected[i] = c > 1 ? 1.0 : c;
    }
    return out;
  }

  // order[j] = input index of the j-th smallest p-value (identity when is_sorted). Ties
  // may come in any order: every method gives tied p-values the same outputs.
  std::vector<std::size_t>& order = detail::multitest::order_scratch();
  order.resize(n);
  if (options.is_sorted) {
    std::iota(order.begin(), order.end(), std::size_t{0});
  } else {
    detail::multitest::sort_indices(pvals, n, order);
  }
  // output position of the j-th sorted value
  const bool sorted_out = options.is_sorted || options.returnsorted;
  auto at = [&](std::size_t j) { return sorted_out ? j : order[j]; };

  switch (options.method) {
    case multitest_method::bonferroni:
      for (std::size_t j = 0; j < n; ++j) {
        const double p = pvals[order[j]];
        reject[at(j)] = p <= out.alphac_bonf ? 1 : 0;
        const double c = p * m;
        pvals_corrected[at(j)] = c > 1 ? 1.0 : c;
      }
      break;
    case multitest_method::holm: {
      // step-down: reject until the first p(j) > alpha / (m - j) (0-based j)
      bool stopped = false;
      double run_max = -std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < n; ++j) {
        const double p = pvals[order[j]];
        const double k = static_cast<double>(n - j);
        if (p > alpha / k) stopped = true;
        reject[at(j)] = stopped ? 0 : 1;
        const double c = p * k;
        if (j == 0 || c > run_max) run_max = c;
        pvals_corrected[at(j)] = run_max > 1 ? 1.0 : run_max;
      }
      break;
    }
    case multitest_method::fdr_bh: {
      // step-up: reject up to the last p(j) <= ((j+1)/m) * alpha
      std::size_t n_reject = 0;
      for (std::size_t j = 0; j < n; ++j) {
        const double ecdf = static_cast<double>(j + 1) / m;
        if (pvals[order[j]] <= ecdf * alpha) n_reject = j + 1;
      }
      double run_min = std::numeric_limits<double>::infinity();
      for (std::size_t jj = n; jj-- > 0;) {
        const double ecdf = static_cast<double>(jj + 1) / m;
        const double c = pvals[order[jj]] / ecdf;
        if (jj == n - 1 || c < run_min) run_min = c;
        reject[at(jj)] = jj < n_reject ? 1 : 0;
        pvals_corrected[at(jj)] = run_min > 1 ? 1.0 : run_min;
      }
      break;
    }
  }
  return out;
}

inline multipletests_result multipletests(const double* pvals, std::size_t n, const multipletests_options& options) {
  multipletests_result r;
  r.reject.resize(n);
  r.pvals_corrected.resize(n);
  const multipletests_alphas a = multipletests(pvals, n, r.reject.data(), r.pvals_corrected.data(), options);
  r.alphac_sidak = a.alphac_sidak;
  r.alphac_bonf = a.alphac_bonf;
  return r;
}

}  // namespace driftscope
