#pragma once
/// @file
/// @brief A reference sample prepared once (sorted values, bin edges, bin counts) and
/// compared many times against current samples with PSI, Jensen–Shannon distance, KS
/// and Wasserstein.
///
/// Each query equals the one-shot function on (reference, current) with the profile's
/// nan_policy — `p.psi(cur)` == `psi(ref, cur)`, `p.ks(cur)` == `ks_2samp(ref, cur)`,
/// `p.wasserstein(cur)` == `wasserstein_distance(ref without NaN, cur without NaN)` —
/// without sorting or re-binning the reference: psi / js_distance cost one bin count of
/// the current sample, ks / wasserstein one sort of it plus a merge walk.
/// Const queries may run concurrently: the scratch buffer that sorts the current sample
/// is per thread (thread_local; it keeps the largest size a thread has seen).
///
/// Example:
/// @code
///   driftscope::reference_profile<double> prof(ref.data(), ref.size());
///   auto psi = prof.psi(cur.data(), cur.size()).statistic;
///   auto ks = prof.ks(cur.data(), cur.size());
///   std::vector<std::uint8_t> bytes = prof.serialize();
///   auto again = driftscope::reference_profile<double>::deserialize(bytes.data(), bytes.size());
/// @endcode
///
/// ## Serialized format (version 1), all little-endian
///
/// | offset        | size          | field                                                    |
/// |---------------|---------------|----------------------------------------------------------|
/// | 0             | 4             | magic: ASCII "DSRP"                                      |
/// | 4             | 1             | family id: 1 (reference_profile)                         |
/// | 5             | 1             | format version: 1                                        |
/// | 6             | 1             | flags: bit 0 set = values are double, clear = float;     |
/// |               |               | other bits 0                                             |
/// | 7             | 1             | value size in bytes: 8 (double) or 4 (float)             |
/// | 8             | 1             | binning kind: 0 quantile, 1 uniform, 2 explicit          |
/// | 9             | 1             | nan_policy: 0 propagate, 1 raise, 2 omit                 |
/// | 10            | 6             | reserved, 0                                              |
/// | 16            | 8             | bins (u64; 0 for explicit edges)                         |
/// | 24            | 8             | n: non-missing reference values (u64)                    |
/// | 32            | 8             | missing: NaN values in the reference (u64)               |
/// | 40            | 8             | m: number of interior edges (u64)                        |
/// | 48            | 8·m           | edges (f64), strictly ascending, no NaN                  |
/// | 48 + 8·m      | 8·(m+1)       | reference bin counts (u64), summing to n                 |
/// | 56 + 16·m     | s·n           | sorted reference values (f64 or f32, s = value size)     |
///
/// deserialize() checks everything it can: a buffer shorter than the layout requires
/// throws std::out_of_range; a wrong magic / family / unknown version / wrong value type /
/// out-of-range enum / non-zero reserved bytes / unsorted or NaN values / edges that do
/// not match the values / counts that do not match / trailing bytes throw
/// std::invalid_argument.

#include <driftscope/core/alternative.hpp>
#include <driftscope/core/bytes.hpp>
#include <driftscope/core/drift_result.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/kernels/ecdf_walk.hpp>
#include <driftscope/kernels/sort.hpp>
#include <driftscope/stats/binning.hpp>
#include <driftscope/stats/detail/binned.hpp>
#include <driftscope/stats/detail/sample.hpp>
#include <driftscope/stats/jensenshannon.hpp>
#include <driftscope/stats/ks.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace driftscope {

/// @brief A prepared reference sample (T = float or double): sorted non-NaN values,
/// bin edges and counts, sizes. Immutable after construction.
template <class T = double>
class reference_profile {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "reference_profile: T must be float or double");

 public:
  using value_type = T;

  static constexpr std::uint8_t serial_family = 1;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serial_preamble_bytes = 48;

  /// @brief Prepares `reference[0..n)` (U = float or double; converted to T).
  /// @param bins how edges are chosen (see binning.hpp), as for psi().
  /// @param policy omit (default): NaN dropped and counted; raise: NaN throws;
  ///        propagate: NaN kept in `missing()` and every query returns NaN.
  /// @throws std::invalid_argument for an empty reference, empty after omitting NaN,
  ///         NaN under raise, invalid binning, or uniform binning without finite values.
  template <class U>
  reference_profile(const U* reference, std::size_t n, const driftscope::binning& bins = {},
                    driftscope::nan_policy policy = nan_policy::omit)
      : binning_(bins), policy_(policy) {
    binning_.validate("reference_profile");
    detail::check_nan_policy(policy_, "reference_profile");
    missing_ = detail::check_sample(reference, n, policy_, "reference_profile", "reference");
    detail::sorted_without_nan(reference, n, sorted_);
    if (binning_.kind == binning_kind::explicit_edges) {
      edges_ = binning_.edges;
      detail::unique_edges(edges_);
      binning_.edges = edges_;
    } else if (!sorted_.empty()) {
      edges_ = detail::edges_from_sorted(binning_, sorted_.data(), sorted_.size(), "reference_profile");
    }
    counts_ = detail::count_bins(sorted_.data(), sorted_.size(), edges_);
  }

  // --- queries ---------------------------------------------------------------------

  /// @brief PSI of `current` against the reference; equals psi(reference, current,
  /// {binning, epsilon, nan_policy}).
  /// @throws std::invalid_argument for epsilon outside (0, 1), an empty current sample
  ///         (or empty after omitting NaN), NaN under raise.
  template <class U>
  drift_result psi(const U* current, std::size_t n, double epsilon = 1e-4) const {
    detail::check_epsilon(epsilon, "reference_profile::psi");
    drift_result r;
    const bool nan_out = binned(current, n, "reference_profile::psi", r);
    r.statistic = nan_out ? std::numeric_limits<double>::quiet_NaN()
                          : detail::psi_from_counts(r.reference_counts.data(), static_cast<double>(r.n_reference),
                                                    r.current_counts.data(), static_cast<double>(r.n_current),
                                                    r.reference_counts.size(), epsilon);
    return r;
  }

  /// @brief Jensen–Shannon distance of the binned samples; equals
  /// js_distance(reference, current, {binning, base, nan_policy}).
  template <class U>
  drift_result js_distance(const U* current, std::size_t n, double base = 2.0) const {
    detail::check_base(base, "reference_profile::js_distance");
    drift_result r;
    const bool nan_out = binned(current, n, "reference_profile::js_distance", r);
    r.statistic = nan_out ? std::numeric_limits<double>::quiet_NaN()
                          : detail::jensenshannon_unchecked(r.reference_counts.data(),
                                                            static_cast<double>(r.n_reference),
                                                            r.current_counts.data(), static_cast<double>(r.n_current),
                                                            r.reference_counts.size(), std::log(base));
    return r;
  }

  /// @brief Two-sample KS test of reference (data1) against current (data2); equals
  /// ks_2samp(reference, current, {alt, method, nan_policy}).
  template <class U>
  ks_result ks(const U* current, std::size_t n, alternative alt = alternative::two_sided,
               ks_method method = ks_method::automatic) const {
    ks_options{alt, method, policy_}.validate();
    std::size_t missing = 0;
    const std::vector<T>& cur = sorted_current(current, n, "reference_profile::ks", missing);
    if (propagates(missing)) return detail::ks::nan_result(method, sorted_.size(), n - missing, missing_, missing);
    ks_result r = ks_2samp_sorted(sorted_.data(), sorted_.size(), cur.data(), cur.size(), alt, method);
    r.missing1 = missing_;
    r.missing2 = missing;
    return r;
  }

  /// @brief 1-Wasserstein distance between the reference and `current`; equals
  /// wasserstein_distance(reference, current) on the NaN-free samples (NaN under
  /// propagate when either sample had NaN).
  template <class U>
  double wasserstein(const U* current, std::size_t n) const {
    std::size_t missing = 0;
    const std::vector<T>& cur = sorted_current(current, n, "reference_profile::wasserstein", missing);
    if (propagates(missing)) return std::numeric_limits<double>::quiet_NaN();
    return kernels::ecdf_walk(sorted_.data(), sorted_.size(), cur.data(), cur.size()).l1;
  }

  // --- state -----------------------------------------------------------------------

  const std::vector<double>& edges() const noexcept { return edges_; }
  const std::vector<std::uint64_t>& counts() const noexcept { return counts_; }
  /// Non-missing reference size.
  std::size_t n() const noexcept { return sorted_.size(); }
  std::size_t missing() const noexcept { return missing_; }
  const std::vector<T>& sorted_values() const noexcept { return sorted_; }
  const driftscope::binning& binning() const noexcept { return binning_; }
  driftscope::nan_policy nan() const noexcept { return policy_; }

  // --- serialization ---------------------------------------------------------------

  std::size_t serialized_size_bytes() const noexcept {
    return serial_preamble_bytes + 8 * edges_.size() + 8 * (edges_.size() + 1) + sizeof(T) * sorted_.size();
  }

  /// @brief The profile as versioned little-endian bytes (layout in the file comment).
  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_size_bytes());
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSRP", serial_family, serial_version);
    w.put(static_cast<std::uint8_t>(std::is_same<T, double>::value ? 1 : 0));
    w.put(static_cast<std::uint8_t>(sizeof(T)));
    w.put(static_cast<std::uint8_t>(binning_.kind));
    w.put(static_cast<std::uint8_t>(policy_));
    w.put_zeros(6);
    w.put(static_cast<std::uint64_t>(binning_.kind == binning_kind::explicit_edges ? 0 : binning_.bins));
    w.put(static_cast<std::uint64_t>(sorted_.size()));
    w.put(static_cast<std::uint64_t>(missing_));
    w.put(static_cast<std::uint64_t>(edges_.size()));
    w.put_array(edges_.data(), edges_.size());
    w.put_array(counts_.data(), counts_.size());
    w.put_array(sorted_.data(), sorted_.size());
    return out;
  }

  /// @brief Restores a profile from serialize()'s bytes; the result answers every query
  /// exactly as the original.
  /// @throws std::out_of_range for a truncated buffer, std::invalid_argument for corrupt
  ///         or incompatible bytes (see the file comment).
  static reference_profile deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "reference_profile::deserialize";
    detail::byte_reader rd(data, size, fn);
    rd.require(serial_preamble_bytes, "preamble");
    detail::read_preamble(rd, "DSRP", serial_family, serial_version, fn, "reference_profile");
    const auto flags = rd.get<std::uint8_t>("flags");
    const auto value_size = rd.get<std::uint8_t>("value size");
    const std::uint8_t want_flags = std::is_same<T, double>::value ? 1 : 0;
    if (flags != want_flags || value_size != sizeof(T))
      detail::throw_invalid_argument("{}: bytes hold {} values (flags {}, value size {}), expected {} for this type",
                                     fn, (flags & 1) ? "double" : "float", flags, value_size,
                                     std::is_same<T, double>::value ? "double" : "float");
    const auto kind = rd.get<std::uint8_t>("binning kind");
    if (kind > 2) detail::throw_invalid_argument("{}: binning kind must be 0, 1 or 2, got {}", fn, kind);
    const auto pol = rd.get<std::uint8_t>("nan_policy");
    if (pol > 2) detail::throw_invalid_argument("{}: nan_policy must be 0, 1 or 2, got {}", fn, pol);
    for (int k = 0; k < 6; ++k)
      if (rd.get<std::uint8_t>("reserved") != 0)
        detail::throw_invalid_argument("{}: reserved bytes must be 0", fn);
    const auto bins = rd.get<std::uint64_t>("bins");
    const auto n = rd.get<std::uint64_t>("n");
    const auto missing = rd.get<std::uint64_t>("missing");
    const auto m = rd.get<std::uint64_t>("number of edges");

    reference_profile p;
    p.binning_.kind = static_cast<binning_kind>(kind);
    p.policy_ = static_cast<driftscope::nan_policy>(pol);
    p.missing_ = static_cast<std::size_t>(missing);
    if (p.binning_.kind == binning_kind::explicit_edges) {
      if (bins != 0) detail::throw_invalid_argument("{}: bins must be 0 for explicit edges, got {}", fn, bins);
      if (m == 0) detail::throw_invalid_argument("{}: explicit binning needs at least one edge, got 0", fn);
    } else {
      if (bins < 2 || bins > max_bins)
        detail::throw_invalid_argument("{}: bins must be in [2, {}], got {}", fn, max_bins, bins);
      if (m > bins - 1) detail::throw_invalid_argument("{}: {} edges for {} bins", fn, m, bins);
      p.binning_.bins = static_cast<std::size_t>(bins);
    }
    if (p.policy_ == nan_policy::raise && missing != 0)
      detail::throw_invalid_argument("{}: {} missing values under nan_policy 'raise'", fn, missing);
    if (n == 0 && !(p.policy_ == nan_policy::propagate && missing != 0))
      detail::throw_invalid_argument("{}: n must be >= 1, got 0", fn);

    rd.require_array(m, 8, "edges");
    p.edges_.resize(static_cast<std::size_t>(m));
    rd.get_array(p.edges_.data(), p.edges_.size(), "edges");
    for (std::size_t i = 0; i < p.edges_.size(); ++i)
      if (std::isnan(p.edges_[i]) || (i > 0 && !(p.edges_[i] > p.edges_[i - 1])))
        detail::throw_invalid_argument("{}: edges must be strictly ascending and not NaN (index {})", fn, i);
    rd.require_array(m + 1, 8, "counts");
    p.counts_.resize(static_cast<std::size_t>(m + 1));
    rd.get_array(p.counts_.data(), p.counts_.size(), "counts");
    rd.require_array(n, sizeof(T), "sorted values");
    if (missing > std::numeric_limits<std::size_t>::max() - static_cast<std::size_t>(n))
      detail::throw_invalid_argument("{}: n + missing must fit in size_t, got n {} and missing {}", fn, n, missing);
    p.sorted_.resize(static_cast<std::size_t>(n));
    rd.get_array(p.sorted_.data(), p.sorted_.size(), "sorted values");
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the profile", fn, rd.remaining());

    for (std::size_t i = 0; i < p.sorted_.size(); ++i)
      if (std::isnan(p.sorted_[i]) || (i > 0 && p.sorted_[i] < p.sorted_[i - 1]))
        detail::throw_invalid_argument("{}: sorted values must be ascending and not NaN (index {})", fn, i);
    if (p.binning_.kind == binning_kind::explicit_edges) {
      p.binning_.edges = p.edges_;
    } else if (!p.sorted_.empty()) {
      const std::vector<double> expect =
          detail::edges_from_sorted(p.binning_, p.sorted_.data(), p.sorted_.size(), fn);
      if (expect.size() != p.edges_.size() || !std::equal(expect.begin(), expect.end(), p.edges_.begin()))
        detail::throw_invalid_argument("{}: edges do not match the sorted values", fn);
    } else if (!p.edges_.empty()) {
      detail::throw_invalid_argument("{}: edges without reference values", fn);
    }
    // counts must be the bin counts of the sorted values (bin i: edges[i-1] <= x < edges[i]),
    // O(m log n) by binary search
    std::size_t below = 0;
    for (std::size_t i = 0; i <= p.edges_.size(); ++i) {
      const std::size_t upto =
          i < p.edges_.size()
              ? static_cast<std::size_t>(std::lower_bound(p.sorted_.begin(), p.sorted_.end(), p.edges_[i],
                                                          [](T v, double e) { return static_cast<double>(v) < e; }) -
                                         p.sorted_.begin())
              : p.sorted_.size();
      if (p.counts_[i] != upto - below)
        detail::throw_invalid_argument("{}: bin count {} does not match the sorted values", fn, i);
      below = upto;
    }
    return p;
  }

 private:
  reference_profile() = default;

  /// Under propagate, a NaN in the reference or in the current sample gives NaN.
  bool propagates(std::size_t current_missing) const noexcept {
    return policy_ == nan_policy::propagate && (missing_ != 0 || current_missing != 0);
  }

  template <class U>
  bool binned(const U* current, std::size_t n, const char* function, drift_result& r) const {
    // One pass over the current sample: the bin count also counts the NaNs.
    detail::check_not_empty(n, function, "current");
    r.current_counts.assign(edges_.size() + 1, 0);
    r.missing_current = kernels::bin_count(current, n, edges_.data(), edges_.size(), r.current_counts.data());
    detail::check_missing(r.missing_current, n, policy_, function, "current");
    r.n_current = n - r.missing_current;
    r.n_reference = sorted_.size();
    r.missing_reference = missing_;
    r.edges = edges_;
    r.reference_counts = counts_;
    return propagates(r.missing_current);
  }

  struct scratch_tag {};

  /// The current sample without NaN, converted to T and sorted, in per-thread scratch;
  /// `missing` receives the NaN count, checked against the policy before sorting.
  template <class U>
  const std::vector<T>& sorted_current(const U* current, std::size_t n, const char* function,
                                       std::size_t& missing) const {
    detail::check_not_empty(n, function, "current");
    std::vector<T>& buf = detail::thread_scratch<T, scratch_tag>();
    buf.resize(n);
    const std::size_t kept = detail::copy_without_nan_as(current, n, buf.data());
    buf.resize(kept);
    missing = n - kept;
    detail::check_missing(missing, n, policy_, function, "current");
    if (!propagates(missing)) kernels::sort(buf.data(), kept);
    return buf;
  }

  driftscope::binning binning_{};
  driftscope::nan_policy policy_ = nan_policy::omit;
  std::vector<T> sorted_;
  std::vector<double> edges_;
  std::vector<std::uint64_t> counts_;
  std::size_t missing_ = 0;
};

}  // namespace driftscope
