#pragma once
/// @file
/// @brief moments: streaming count, mean, variance, min, max; mergeable.
///
/// update() is Welford's (1962) recurrence (mean += δ/n, M2 += δ·(x − mean));
/// update_many() summarizes blocks of 1024 values with an exact two-pass mean / M2 and
/// combines them, and merge() combines two summaries, both with the parallel formula of
/// Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise algorithm for
/// computing sample variances":
///   n = na + nb, δ = mean_b − mean_a, mean = mean_a + δ·nb/n, M2 = M2a + M2b + δ²·na·nb/n.
/// So merge(a, b) equals the moments of the concatenated inputs: count, missing, min and
/// max exactly, mean and variance to rounding (~1e-12 relative for well-scaled data).
/// variance(ddof) = M2 / (count − ddof), as numpy.var(x, ddof=ddof); std = its sqrt.
///
/// NaN is missing: counted in missing(), otherwise ignored. ±inf are values: like numpy,
/// the mean becomes ±inf (NaN when both signs occurred) and the variance NaN; min / max
/// report them.
///
/// ## Serialized format (version 1), all little-endian, 56 bytes
///
/// | offset | size | field                                     |
/// |--------|------|-------------------------------------------|
/// | 0      | 4    | magic: ASCII "DSMO"                       |
/// | 4      | 1    | family id: 21 (moments)                   |
/// | 5      | 1    | format version: 1                         |
/// | 6      | 2    | flags, reserved: 0                        |
/// | 8      | 8    | count: non-missing values (u64)           |
/// | 16     | 8    | missing: NaN values (u64)                 |
/// | 24     | 8    | mean (f64; 0 when count = 0)              |
/// | 32     | 8    | M2, sum of squared deviations (f64)       |
/// | 40     | 8    | min (f64; NaN when count = 0)             |
/// | 48     | 8    | max (f64; NaN when count = 0)             |
///
/// deserialize() throws std::out_of_range when truncated, std::invalid_argument when
/// corrupt (magic, family, version, flags, negative M2, min > max, NaN min / max with
/// count > 0, non-empty fields with count = 0, trailing bytes).

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace driftscope {

/// @brief Streaming mean / variance / min / max (Welford, Chan et al. merge).
class moments {
 public:
  static constexpr std::uint8_t serial_family = 21;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serialized_bytes = 56;

  moments() = default;

  /// @brief Adds one value (Welford); NaN counts as missing.
  template <class U>
  void update(U x) noexcept {
    static_assert(std::is_floating_point<U>::value, "moments::update: float or double");
    const double v = static_cast<double>(x);
    if (std::isnan(v)) {
      ++missing_;
      return;
    }
    ++count_;
    if (!std::isfinite(mean_)) {
      // an infinite value was seen: the mean stays ±inf unless the other sign appears
      if (std::isinf(v) && v != mean_) mean_ = std::numeric_limits<double>::quiet_NaN();
      m2_ = std::numeric_limits<double>::quiet_NaN();
    } else {
      const double delta = v - mean_;
      mean_ += delta / static_cast<double>(count_);
      m2_ += delta * (v - mean_);
    }
    if (count_ == 1) {
      min_ = max_ = v;
    } else {
      min_ = std::min(min_, v);
      max_ = std::max(max_, v);
    }
  }

  /// @brief Adds `x[0..n)` (float or double): blocks of 1024 values get an exact two-pass
  /// mean and M2 and are merged in (Chan et al.). No allocation.
  template <class U>
  void update_many(const U* x, std::size_t n) noexcept {
    static_assert(std::is_floating_point<U>::value, "moments::update_many: float or double");
    constexpr std::size_t block = 1024;
    for (std::size_t start = 0; start < n; start += block) {
      const std::size_t end = std::min(n, start + block);
      // four independent accumulators so the loops vectorize / pipeline (no reassociation
      // of a single sum is needed)
      double cnt[4] = {0, 0, 0, 0};  // exact (< 2^53); double keeps the loop vectorizable
      double sum[4] = {0, 0, 0, 0};
      double lo[4], hi[4];
      for (int j = 0; j < 4; ++j) {
        lo[j] = std::numeric_limits<double>::infinity();
        hi[j] = -std::numeric_limits<double>::infinity();
      }
      const std::size_t len = end - start;
      const U* p = x + start;
      std::size_t i = 0;
      for (; i + 4 <= len; i += 4)
        for (std::size_t j = 0; j < 4; ++j)
          accumulate(static_cast<double>(p[i + j]), cnt[j], sum[j], lo[j], hi[j]);
      for (; i < len; ++i) accumulate(static_cast<double>(p[i]), cnt[0], sum[0], lo[0], hi[0]);
      const auto c = static_cast<std::uint64_t>((cnt[0] + cnt[1]) + (cnt[2] + cnt[3]));
      missing_ += len - c;
      if (c == 0) continue;
      const double mean = ((sum[0] + sum[1]) + (sum[2] + sum[3])) / static_cast<double>(c);
      const double block_lo = std::min(std::min(lo[0], lo[1]), std::min(lo[2], lo[3]));
      const double block_hi = std::max(std::max(hi[0], hi[1]), std::max(hi[2], hi[3]));
      double m2 = 0;
      if (std::isfinite(mean)) {
        double acc[4] = {0, 0, 0, 0};
        i = 0;
        for (; i + 4 <= len; i += 4)
          for (std::size_t j = 0; j < 4; ++j) {
            const double v = static_cast<double>(p[i + j]);
            const double d = v == v ? v - mean : 0.0;  // NaN contributes nothing
            acc[j] += d * d;
          }
        for (; i < len; ++i) {
          const double v = static_cast<double>(p[i]);
          const double d = v == v ? v - mean : 0.0;
          acc[0] += d * d;
        }
        m2 = (acc[0] + acc[1]) + (acc[2] + acc[3]);
      } else {
        m2 = std::numeric_limits<double>::quiet_NaN();  // ±inf among the values, as numpy
      }
      combine(c, mean, m2, block_lo, block_hi);
    }
  }
  template <class U>
  void update_many(const std::vector<U>& x) noexcept {
    update_many(x.data(), x.size());
  }

  /// @brief Combines `other` into this (Chan et al. 1979).
  void merge(const moments& other) noexcept {
    missing_ += other.missing_;
    if (other.count_ != 0) combine(other.count_, other.mean_, other.m2_, other.min_, other.max_);
  }

  /// Non-missing values seen.
  std::uint64_t count() const noexcept { return count_; }
  /// NaN values seen.
  std::uint64_t missing() const noexcept { return missing_; }

  /// @throws std::domain_error when count() == 0.
  double mean() const {
    check_not_empty("mean");
    return mean_;
  }
  /// @brief M2 / (count − ddof), as numpy.var(x, ddof=ddof).
  /// @throws std::invalid_argument for ddof < 0 or NaN; std::domain_error unless count > ddof.
  double variance(double ddof = 0) const {
    if (!(ddof >= 0))
      detail::throw_invalid_argument("moments::variance: ddof must be >= 0, got {}", ddof);
    check_not_empty("variance");
    const double dof = static_cast<double>(count_) - ddof;
    if (!(dof > 0))
      detail::throw_domain_error("moments::variance: needs count > ddof, got count {} and ddof {}",
                                 count_, ddof);
    return m2_ / dof;
  }
  /// @brief sqrt(variance(ddof)), as numpy.std.
  double std(double ddof = 0) const { return std::sqrt(variance(ddof)); }
  /// Sum of squared deviations from the mean.
  double m2() const {
    check_not_empty("m2");
    return m2_;
  }
  /// @throws std::domain_error when count() == 0.
  double min() const {
    check_not_empty("min");
    return min_;
  }
  /// @throws std::domain_error when count() == 0.
  double max() const {
    check_not_empty("max");
    return max_;
  }

  std::size_t serialized_size_bytes() const noexcept { return serialized_bytes; }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_bytes);
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSMO", serial_family, serial_version);
    w.put_zeros(2);
    w.put(count_);
    w.put(missing_);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    w.put(count_ == 0 ? 0.0 : mean_);
    w.put(count_ == 0 ? 0.0 : m2_);
    w.put(count_ == 0 ? nan : min_);
    w.put(count_ == 0 ? nan : max_);
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt).
  static moments deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "moments::deserialize";
    detail::byte_reader rd(data, size, fn);
    rd.require(serialized_bytes, "state");
    detail::read_preamble(rd, "DSMO", serial_family, serial_version, fn, "moments");
    for (int i = 0; i < 2; ++i)
      if (rd.get<std::uint8_t>("flags") != 0)
        detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    moments m;
    m.count_ = rd.get<std::uint64_t>("count");
    m.missing_ = rd.get<std::uint64_t>("missing");
    m.mean_ = rd.get<double>("mean");
    m.m2_ = rd.get<double>("m2");
    m.min_ = rd.get<double>("min");
    m.max_ = rd.get<double>("max");
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the state", fn, rd.remaining());
    if (m.count_ == 0) {
      if (m.mean_ != 0 || m.m2_ != 0 || std::signbit(m.mean_) || std::signbit(m.m2_) ||
          !std::isnan(m.min_) || !std::isnan(m.max_))
        detail::throw_invalid_argument("{}: an empty state must have mean 0, M2 0, min / max NaN",
                                       fn);
      m.m2_ = 0;
    } else {
      if (m.m2_ < 0) detail::throw_invalid_argument("{}: M2 must be >= 0, got {}", fn, m.m2_);
      if (std::isnan(m.min_) || std::isnan(m.max_) || !(m.min_ <= m.max_))
        detail::throw_invalid_argument("{}: min / max invalid ({} / {})", fn, m.min_, m.max_);
      if (std::isfinite(m.mean_) && (m.mean_ < m.min_ || m.mean_ > m.max_))
        detail::throw_invalid_argument("{}: mean {} outside [min, max]", fn, m.mean_);
    }
    return m;
  }

 private:
  static void accumulate(double v, double& c, double& sum, double& lo, double& hi) noexcept {
    const bool ok = v == v;  // not NaN
    c += ok ? 1.0 : 0.0;
    sum += ok ? v : 0.0;
    lo = v < lo ? v : lo;  // false for NaN
    hi = v > hi ? v : hi;
  }

  void check_not_empty(const char* what) const {
    if (count_ == 0) detail::throw_domain_error("moments::{}: no values (count is 0)", what);
  }

  void combine(std::uint64_t nb, double mean_b, double m2_b, double lo, double hi) noexcept {
    if (count_ == 0) {
      count_ = nb;
      mean_ = mean_b;
      m2_ = m2_b;
      min_ = lo;
      max_ = hi;
      return;
    }
    if (!std::isfinite(mean_) || !std::isfinite(mean_b)) {
      // ±inf among the values: inf + inf = inf, inf + -inf = NaN, NaN stays NaN
      mean_ = !std::isfinite(mean_) && !std::isfinite(mean_b)
                  ? mean_ + mean_b
                  : (std::isfinite(mean_) ? mean_b : mean_);
      m2_ = std::numeric_limits<double>::quiet_NaN();
      count_ += nb;
      min_ = std::min(min_, lo);
      max_ = std::max(max_, hi);
      return;
    }
    const double na = static_cast<double>(count_);
    const double nbd = static_cast<double>(nb);
    count_ += nb;
    const double n = static_cast<double>(count_);
    const double delta = mean_b - mean_;
    mean_ += delta * (nbd / n);
    m2_ += m2_b + delta * delta * (na * nbd / n);
    min_ = std::min(min_, lo);
    max_ = std::max(max_, hi);
  }

  std::uint64_t count_ = 0;
  std::uint64_t missing_ = 0;
  double mean_ = 0;
  double m2_ = 0;
  double min_ = 0, max_ = 0;
};

}  // namespace driftscope
