#pragma once
/// @file
/// @brief Bin edges for binned drift statistics (PSI, Jensen–Shannon distance):
/// reference quantiles, equal-width bins, or explicit edges.
///
/// Edges are always *interior* edges, sorted ascending, duplicates removed; `m` edges
/// make `m + 1` bins and the bin of a value x is `numpy.searchsorted(edges, x,
/// side='right')`: bin 0 is open to -inf, the last bin open to +inf, a value equal to an
/// edge goes to the bin on its right, ±inf land in the end bins.
///
/// Arithmetic is done in double on values promoted exactly to double, so edges of a
/// float sample equal numpy's on `sample.astype(numpy.float64)`.
///
/// Example:
/// @code
///   std::vector<double> ref = ...;                       // sorted, no NaN
///   auto e = driftscope::quantile_edges(ref.data(), ref.size(), 10);  // deciles
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/kernels/sort.hpp>
#include <driftscope/stats/detail/sample.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

namespace driftscope {

/// How bin edges are chosen.
enum class binning_kind {
  quantile,        ///< reference quantiles at k/bins, k = 1..bins-1 (numpy.quantile 'linear')
  uniform,         ///< equal width over [min, max] of the finite reference values
  explicit_edges,  ///< caller-supplied interior edges
};

/// @brief Parses "quantile" / "uniform" / "explicit".
/// @throws std::invalid_argument naming `binning` and the value.
inline binning_kind parse_binning_kind(std::string_view s) {
  if (s == "quantile") return binning_kind::quantile;
  if (s == "uniform") return binning_kind::uniform;
  if (s == "explicit") return binning_kind::explicit_edges;
  detail::throw_invalid_argument("binning must be 'quantile', 'uniform' or an array of edges, got '{}'", s);
}

inline const char* to_string(binning_kind k) noexcept {
  switch (k) {
    case binning_kind::quantile: return "quantile";
    case binning_kind::uniform: return "uniform";
    case binning_kind::explicit_edges: return "explicit";
  }
  return "?";
}

/// Largest accepted `bins` (a guard against accidental huge allocations).
inline constexpr std::size_t max_bins = std::size_t{1} << 24;

/// @brief Binning options: the kind, the number of bins (quantile / uniform) or the
/// interior edges (explicit).
///
/// Explicit edges must be free of NaN and sorted ascending (ties allowed, they are
/// removed); ±inf edges are allowed (they only make an end bin that holds exactly the
/// values equal to that infinity, as numpy.searchsorted would); at least one edge.
struct binning {
  binning_kind kind = binning_kind::quantile;
  std::size_t bins = 10;      ///< used by quantile and uniform; >= 2
  std::vector<double> edges;  ///< used by explicit_edges

  /// @throws std::invalid_argument naming `function`, the field and the value.
  void validate(std::string_view function = "binning") const {
    if (kind == binning_kind::explicit_edges) {
      if (edges.empty())
        detail::throw_invalid_argument("{}: binning edges must contain at least one edge, got none", function);
      for (std::size_t i = 0; i < edges.size(); ++i) {
        if (std::isnan(edges[i]))
          detail::throw_invalid_argument("{}: binning edges must not contain NaN, got NaN at index {}", function, i);
        if (i > 0 && edges[i] < edges[i - 1])
          detail::throw_invalid_argument("{}: binning edges must be sorted ascending, got {} after {} at index {}",
                                         function, edges[i], edges[i - 1], i);
      }
    } else if (kind == binning_kind::quantile || kind == binning_kind::uniform) {
      if (bins < 2) detail::throw_invalid_argument("{}: bins must be >= 2, got {}", function, bins);
      if (bins > max_bins)
        detail::throw_invalid_argument("{}: bins must be <= {}, got {}", function, max_bins, bins);
    } else {
      detail::throw_invalid_argument("{}: binning kind is not a valid binning_kind ({})", function,
                                     static_cast<int>(kind));
    }
  }

  static binning quantile(std::size_t n_bins = 10) { return {binning_kind::quantile, n_bins, {}}; }
  static binning uniform(std::size_t n_bins = 10) { return {binning_kind::uniform, n_bins, {}}; }
  static binning explicit_edges(std::vector<double> interior_edges) {
    return {binning_kind::explicit_edges, 0, std::move(interior_edges)};
  }
};

namespace detail {

/// Removes adjacent duplicates of a sorted edge vector (numerically equal values).
inline void unique_edges(std::vector<double>& e) { e.erase(std::unique(e.begin(), e.end()), e.end()); }

/// numpy's _lerp: a + (b-a)*t, and b - (b-a)*(1-t) when t >= 0.5. Where that formula
/// gives NaN only because a neighbour is infinite (numpy.quantile then returns NaN) we
/// return the limit of the interpolation instead, so edges never contain NaN:
/// a if t == 0 or a == b, b if t == 1, ±inf towards the infinite neighbour, and between
/// -inf and +inf the nearer one (t < 0.5 -> -inf).
inline double numpy_lerp(double a, double b, double t) {
  const double diff = b - a;
  const double r = (t >= 0.5) ? b - diff * (1.0 - t) : a + diff * t;
  if (!std::isnan(r) || std::isnan(a) || std::isnan(b)) return r;
  if (t == 0.0 || a == b) return a;
  if (t == 1.0) return b;
  if (std::isinf(a) && std::isinf(b)) return t < 0.5 ? a : b;
  return std::isinf(b) ? b : a;
}

/// Index pair and weight numpy.quantile ('linear') uses for q = k/bins on n values.
struct quantile_position {
  std::size_t prev, next;
  double gamma;
};
inline quantile_position quantile_pos(std::size_t n, std::size_t k, std::size_t bins) {
  const double q = static_cast<double>(k) / static_cast<double>(bins);
  const double virt = static_cast<double>(n - 1) * q;  // numpy: (n - 1) * quantiles
  if (virt >= static_cast<double>(n - 1)) return {n - 1, n - 1, 0.0};
  const double fl = std::floor(virt);
  const auto prev = static_cast<std::size_t>(fl);
  return {prev, prev + 1, virt - fl};
}

/// Quantile edges from a sample partially ordered so that every index quantile_pos
/// asks for holds its order statistic (a sorted sample qualifies).
template <class T>
std::vector<double> quantile_edges_from_order_stats(const T* x, std::size_t n, std::size_t bins) {
  std::vector<double> e;
  e.reserve(bins - 1);
  for (std::size_t k = 1; k < bins; ++k) {
    const quantile_position p = quantile_pos(n, k, bins);
    e.push_back(numpy_lerp(static_cast<double>(x[p.prev]), static_cast<double>(x[p.next]), p.gamma));
  }
  unique_edges(e);
  return e;
}

/// Quantile edges of `x[0..n)` (no NaN), sorting `x` in place first. A vectorized full
/// sort (kernels::sort) measured faster than selecting the 2·(bins-1) order statistics
/// with std::nth_element (numpy.partition's approach) at 1e6 and 1e7 values.
template <class T>
std::vector<double> quantile_edges_unsorted(T* x, std::size_t n, std::size_t bins) {
  kernels::sort(x, n);
  return quantile_edges_from_order_stats(x, n, bins);
}

}  // namespace detail

/// @brief Interior edges at the quantiles k/bins (k = 1..bins-1) of a sorted sample,
/// duplicates removed.
///
/// Matches `numpy.quantile(x, numpy.arange(1, bins) / bins)` with the default method
/// 'linear' (Hyndman & Fan type 7): virtual index (n-1)·q with q = k/bins computed as a
/// double division, numpy's _lerp between the two neighbouring order statistics. The one
/// difference: where numpy returns NaN because a neighbour is ±inf, we return the limit
/// (see detail::numpy_lerp).
/// @param sorted sample sorted ascending, no NaN, n >= 1.
/// @throws std::invalid_argument if n == 0 or bins < 2.
template <class T>
std::vector<double> quantile_edges(const T* sorted, std::size_t n, std::size_t bins) {
  binning{binning_kind::quantile, bins, {}}.validate("quantile_edges");
  if (n == 0) detail::throw_invalid_argument("quantile_edges: sample must not be empty, got n = 0");
  return detail::quantile_edges_from_order_stats(sorted, n, bins);
}

/// @brief Interior edges of `bins` equal-width bins over [min, max] of the finite values
/// of `x` (any order; NaN and ±inf ignored for the range), duplicates removed.
///
/// Matches `numpy.linspace(min, max, bins + 1)[1:-1]`: edge_k = k·((max-min)/bins) + min,
/// including numpy's fallback (k/bins)·(max-min) + min when the step underflows to 0.
/// A constant sample gives the single edge min.
/// @throws std::invalid_argument if x has no finite value or bins < 2.
template <class T>
std::vector<double> uniform_edges(const T* x, std::size_t n, std::size_t bins) {
  binning{binning_kind::uniform, bins, {}}.validate("uniform_edges");
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (lo > hi)
    detail::throw_invalid_argument("uniform_edges: sample must contain a finite value for uniform binning, got {} "
                                   "values and none finite",
                                   n);
  const double delta = hi - lo;
  const double div = static_cast<double>(bins);
  const double step = delta / div;
  std::vector<double> e;
  e.reserve(bins - 1);
  for (std::size_t k = 1; k < bins; ++k) {
    const double fk = static_cast<double>(k);
    e.push_back(step == 0.0 ? (fk / div) * delta + lo : fk * step + lo);
  }
  detail::unique_edges(e);
  return e;
}

/// @brief Validates explicit interior edges (no NaN, sorted ascending, at least one) and
/// returns them with duplicates removed.
/// @throws std::invalid_argument naming the offending index and value.
inline std::vector<double> explicit_edges(const double* edges, std::size_t n) {
  binning b{binning_kind::explicit_edges, 0, std::vector<double>(edges, edges + n)};
  b.validate("explicit_edges");
  detail::unique_edges(b.edges);
  return std::move(b.edges);
}

namespace detail {

/// Edges for binning `b` (already validated) from a reference given as a sorted sample.
template <class T>
std::vector<double> edges_from_sorted(const binning& b, const T* sorted, std::size_t n, std::string_view function) {
  switch (b.kind) {
    case binning_kind::quantile: return quantile_edges_from_order_stats(sorted, n, b.bins);
    case binning_kind::uniform: {
      // sorted: the finite range is found from both ends
      std::size_t lo = 0, hi = n;
      while (lo < hi && !std::isfinite(static_cast<double>(sorted[lo]))) ++lo;
      while (hi > lo && !std::isfinite(static_cast<double>(sorted[hi - 1]))) --hi;
      if (lo == hi)
        throw_invalid_argument("{}: reference must contain a finite value for uniform binning, got {} values and "
                               "none finite",
                               function, n);
      const T ends[2] = {sorted[lo], sorted[hi - 1]};
      return uniform_edges(ends, 2, b.bins);
    }
    case binning_kind::explicit_edges: {
      std::vector<double> e = b.edges;
      unique_edges(e);
      return e;
    }
  }
  return {};
}

}  // namespace detail
}  // namespace driftscope
