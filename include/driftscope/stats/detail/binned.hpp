#pragma once
/// @file
/// @brief Shared machinery of the binned drift statistics (psi, js_distance and
/// reference_profile): NaN handling, edges, counting, statistics from counts.

#include <driftscope/core/drift_result.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/kernels/bin_count.hpp>
#include <driftscope/kernels/sort.hpp>
#include <driftscope/stats/binning.hpp>
#include <driftscope/stats/detail/sample.hpp>
#include <driftscope/stats/jensenshannon.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace driftscope::detail {

inline void check_nan_policy(driftscope::nan_policy p, std::string_view function) {
  if (p != nan_policy::propagate && p != nan_policy::raise && p != nan_policy::omit)
    throw_invalid_argument("{}: nan_policy is not a valid nan_policy ({})", function, static_cast<int>(p));
}

inline void check_epsilon(double epsilon, std::string_view function) {
  if (!(epsilon > 0 && epsilon < 1))
    throw_invalid_argument("{}: epsilon must be > 0 and < 1, got {}", function, epsilon);
}

inline void check_not_empty(std::size_t n, std::string_view function, std::string_view name) {
  if (n == 0) throw_invalid_argument("{}: {} must not be empty, got size 0", function, name);
}

/// Applies a nan_policy to a sample of size n holding `missing` NaN values: throws for
/// NaN under `raise` and for an all-NaN sample under `omit`; under `propagate` an
/// all-NaN sample is allowed (the statistic is NaN).
inline void check_missing(std::size_t missing, std::size_t n, driftscope::nan_policy policy,
                          std::string_view function, std::string_view name) {
  if (missing != 0 && policy == nan_policy::raise)
    throw_invalid_argument("{}: {} contains NaN (nan_policy='raise'), got {} NaN values", function, name, missing);
  if (missing == n && policy == nan_policy::omit)
    throw_invalid_argument("{}: {} is empty after omitting NaN (nan_policy='omit'), got {} NaN values", function,
                           name, n);
}

/// Size and NaN checks of one sample under a nan_policy; returns its NaN count.
template <class T>
std::size_t check_sample(const T* x, std::size_t n, driftscope::nan_policy policy, std::string_view function,
                         std::string_view name) {
  check_not_empty(n, function, name);
  const std::size_t missing = kernels::count_nan(x, n);
  check_missing(missing, n, policy, function, name);
  return missing;
}

struct edges_scratch_tag {};

/// Edges for `b` (validated) from an unsorted reference with `missing` NaN values.
/// Quantile binning selects order statistics in a per-thread scratch copy.
template <class T>
std::vector<double> edges_from_sample(const binning& b, const T* ref, std::size_t n, std::size_t missing,
                                      std::string_view function) {
  const std::size_t valid = n - missing;
  switch (b.kind) {
    case binning_kind::quantile: {
      if (valid == 0) return {};
      std::vector<T>& buf = thread_scratch<T, edges_scratch_tag>();
      buf.resize(n);
      copy_without_nan_as(ref, n, buf.data());
      return quantile_edges_unsorted(buf.data(), valid, b.bins);
    }
    case binning_kind::uniform: {
      if (valid == 0) return {};
      bool any_finite = false;
      for (std::size_t i = 0; i < n && !any_finite; ++i) any_finite = std::isfinite(static_cast<double>(ref[i]));
      if (!any_finite)
        throw_invalid_argument("{}: reference must contain a finite value for uniform binning, got {} values and "
                               "none finite",
                               function, n);
      return uniform_edges(ref, n, b.bins);
    }
    case binning_kind::explicit_edges: {
      std::vector<double> e = b.edges;
      unique_edges(e);
      return e;
    }
  }
  return {};
}

/// Counts of `x[0..n)` in the bins of `edges` (NaN skipped).
template <class T>
std::vector<std::uint64_t> count_bins(const T* x, std::size_t n, const std::vector<double>& edges) {
  std::vector<std::uint64_t> c(edges.size() + 1, 0);
  kernels::bin_count(x, n, edges.data(), edges.size(), c.data());
  return c;
}

/// PSI = Σ (c_i − r_i)·ln(c_i / r_i) with r_i = ref_i / ref_total and
/// c_i = cur_i / cur_total, each clipped from below at epsilon.
template <class C>
double psi_from_counts(const C* ref, double ref_total, const C* cur, double cur_total, std::size_t n_bins,
                       double epsilon) {
  double s = 0;
  for (std::size_t i = 0; i < n_bins; ++i) {
    const double r = std::max(static_cast<double>(ref[i]) / ref_total, epsilon);
    const double c = std::max(static_cast<double>(cur[i]) / cur_total, epsilon);
    s += (c - r) * std::log(c / r);
  }
  return s;
}

/// Shared driver: checks, edges, counts; the statistic is filled by the caller from the
/// counts (or NaN under propagate when a sample contains NaN). Returns true when the
/// statistic must be NaN.
template <class T, class U>
bool binned_prepare(const T* reference, std::size_t n_reference, const U* current, std::size_t n_current,
                    const binning& b, driftscope::nan_policy policy, std::string_view function, drift_result& r) {
  b.validate(function);
  check_nan_policy(policy, function);
  r.missing_reference = check_sample(reference, n_reference, policy, function, "reference");
  r.missing_current = check_sample(current, n_current, policy, function, "current");
  r.n_reference = n_reference - r.missing_reference;
  r.n_current = n_current - r.missing_current;
  r.edges = edges_from_sample(b, reference, n_reference, r.missing_reference, function);
  r.reference_counts = count_bins(reference, n_reference, r.edges);
  r.current_counts = count_bins(current, n_current, r.edges);
  return r.missing_reference + r.missing_current != 0 && policy == nan_policy::propagate;
}

}  // namespace driftscope::detail
