#pragma once
/// @file
/// @brief histogram_sketch: a mergeable fixed-edge histogram (bin counts + missing count).
///
/// Binning is numpy.searchsorted(edges, x, side='right') (kernels::bin_count): with m
/// interior edges there are m + 1 bins, bin 0 open to -inf, bin m open to +inf, a value
/// equal to an edge goes to the bin on its right, ±inf land in the end bins, NaN is
/// counted in missing() and in no bin. Counts are exact, so merge(a, b) equals the
/// histogram of the concatenated inputs exactly.
///
/// Example:
/// @code
///   driftscope::histogram_sketch h({-1.0, 0.0, 1.0});
///   h.update_many(x.data(), x.size());
///   const auto& c = h.counts();   // 4 bins
/// @endcode
///
/// ## Serialized format (version 1), all little-endian
///
/// | offset      | size      | field                                              |
/// |-------------|-----------|----------------------------------------------------|
/// | 0           | 4         | magic: ASCII "DSHS"                                |
/// | 4           | 1         | family id: 20 (histogram_sketch)                   |
/// | 5           | 1         | format version: 1                                  |
/// | 6           | 2         | flags, reserved: 0                                 |
/// | 8           | 8         | m: number of interior edges (u64)                  |
/// | 16          | 8         | total: non-missing values counted (u64)            |
/// | 24          | 8         | missing: NaN values seen (u64)                     |
/// | 32          | 8·m       | edges (f64), strictly ascending, no NaN            |
/// | 32 + 8·m    | 8·(m+1)   | bin counts (u64), summing to total                 |
///
/// deserialize() throws std::out_of_range for a truncated buffer and
/// std::invalid_argument for corrupt bytes (magic, family, version, flags, edges not
/// strictly ascending or NaN, counts not summing to total, trailing bytes).

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/kernels/bin_count.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

namespace driftscope {

/// @brief Bin counts over fixed interior edges; exact and mergeable.
class histogram_sketch {
 public:
  static constexpr std::uint8_t serial_family = 20;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serial_preamble_bytes = 32;

  /// @brief An empty histogram over `edges` (interior edges, strictly ascending, no NaN;
  /// may be empty: one bin).
  /// @throws std::invalid_argument naming `edges` when they are unsorted, repeated or NaN.
  explicit histogram_sketch(std::vector<double> edges) : edges_(std::move(edges)) {
    check_edges(edges_, "histogram_sketch");
    counts_.assign(edges_.size() + 1, 0);
  }
  histogram_sketch(const double* edges, std::size_t m)
      : histogram_sketch(std::vector<double>(edges, edges + m)) {}

  /// @brief Counts one value (float or double; NaN counts as missing).
  template <class U>
  void update(U x) {
    static_assert(std::is_floating_point<U>::value, "histogram_sketch::update: float or double");
    if (std::isnan(x)) {
      ++missing_;
      return;
    }
    const double v = static_cast<double>(x);
    const auto bin = static_cast<std::size_t>(std::upper_bound(edges_.begin(), edges_.end(), v) -
                                              edges_.begin());
    ++counts_[bin];
    ++total_;
  }

  /// @brief Counts `x[0..n)` (float or double) with the SIMD bin-count kernel.
  template <class U>
  void update_many(const U* x, std::size_t n) {
    static_assert(std::is_same<U, float>::value || std::is_same<U, double>::value,
                  "histogram_sketch::update_many: float or double");
    if (n == 0) return;
    const std::size_t nan = kernels::bin_count(x, n, edges_.data(), edges_.size(), counts_.data());
    missing_ += nan;
    total_ += n - nan;
  }
  template <class U>
  void update_many(const std::vector<U>& x) {
    update_many(x.data(), x.size());
  }

  /// @brief Adds the counts of `other`.
  /// @throws std::invalid_argument naming `edges` unless the edges are identical.
  void merge(const histogram_sketch& other) {
    if (other.edges_.size() != edges_.size() ||
        !std::equal(edges_.begin(), edges_.end(), other.edges_.begin()))
      detail::throw_invalid_argument(
          "histogram_sketch::merge: edges must match exactly, got {} edges and other.edges with {} "
          "edges{}",
          edges_.size(), other.edges_.size(),
          other.edges_.size() == edges_.size() ? " of different values" : "");
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    missing_ += other.missing_;
  }

  const std::vector<double>& edges() const noexcept { return edges_; }
  /// m + 1 bin counts (bin i: edges[i-1] <= x < edges[i]).
  const std::vector<std::uint64_t>& counts() const noexcept { return counts_; }
  /// Non-missing values counted (sum of counts()).
  std::uint64_t total() const noexcept { return total_; }
  /// NaN values seen.
  std::uint64_t missing() const noexcept { return missing_; }

  std::size_t serialized_size_bytes() const noexcept {
    return serial_preamble_bytes + 16 * edges_.size() + 8;
  }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_size_bytes());
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSHS", serial_family, serial_version);
    w.put_zeros(2);
    w.put(static_cast<std::uint64_t>(edges_.size()));
    w.put(total_);
    w.put(missing_);
    w.put_array(edges_.data(), edges_.size());
    w.put_array(counts_.data(), counts_.size());
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt).
  static histogram_sketch deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "histogram_sketch::deserialize";
    detail::byte_reader rd(data, size, fn);
    rd.require(serial_preamble_bytes, "preamble");
    detail::read_preamble(rd, "DSHS", serial_family, serial_version, fn, "histogram_sketch");
    for (int i = 0; i < 2; ++i)
      if (rd.get<std::uint8_t>("flags") != 0)
        detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    const auto m = rd.get<std::uint64_t>("number of edges");
    const auto total = rd.get<std::uint64_t>("total");
    const auto missing = rd.get<std::uint64_t>("missing");
    rd.require_array(m, 8, "edges");
    std::vector<double> edges(static_cast<std::size_t>(m));
    rd.get_array(edges.data(), edges.size(), "edges");
    rd.require_array(m + 1, 8, "counts");
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(m + 1));
    rd.get_array(counts.data(), counts.size(), "counts");
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the histogram", fn,
                                     rd.remaining());
    check_edges(edges, fn);
    std::uint64_t sum = 0;
    for (auto c : counts) {
      if (sum + c < sum) detail::throw_invalid_argument("{}: counts overflow", fn);
      sum += c;
    }
    if (sum != total)
      detail::throw_invalid_argument("{}: counts sum to {}, total is {}", fn, sum, total);
    histogram_sketch h(std::move(edges));
    h.counts_ = std::move(counts);
    h.total_ = total;
    h.missing_ = missing;
    return h;
  }

 private:
  static void check_edges(const std::vector<double>& e, const char* fn) {
    for (std::size_t i = 0; i < e.size(); ++i) {
      if (std::isnan(e[i]))
        detail::throw_invalid_argument("{}: edges must not contain NaN (index {})", fn, i);
      if (i > 0 && !(e[i] > e[i - 1]))
        detail::throw_invalid_argument(
            "{}: edges must be strictly ascending, got edges[{}] = {} after {}", fn, i, e[i],
            e[i - 1]);
    }
  }

  std::vector<double> edges_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t missing_ = 0;
};

}  // namespace driftscope
