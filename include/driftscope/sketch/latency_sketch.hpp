#pragma once
/// @file
/// @brief latency_sketch: quantiles of non-negative values (latencies, sizes) with a
/// guaranteed relative error, in bounded memory; mergeable (DDSketch).
///
/// Algorithm: Masson, Rim & Lee (2019), "DDSketch: a fast and fully-mergeable quantile
/// sketch with relative-error guarantees" (PVLDB 12(12)). With γ = (1 + α) / (1 − α), a
/// positive value x goes to bucket i = ⌈log_γ x⌉, which holds (γ^(i−1), γ^i]; bucket i is
/// represented by v_i = 2γ^i / (γ + 1), within relative error α of every value in it.
/// Exact zeros are counted apart. The logarithm is the exact one (DDSketch's
/// "logarithmic mapping", the default of the `ddsketch` Python package, with the same
/// formula for i), so the buckets are those of ddsketch.DDSketch(α).
///
/// Quantile (lower rank, as numpy.quantile(x, q, method='lower') and ddsketch's
/// get_quantile_value): the value of 0-based rank r = ⌊q (n − 1)⌋ in sorted order.
/// quantile(q) returns the representative of the bucket that holds rank r (0 for the zero
/// bucket) clamped to [min, max], so |quantile(q) − x_r| ≤ α·x_r for every q — unless
/// collapsing (below) moved values below x_r; quantile(0) = min and quantile(1) = max
/// exactly.
///
/// Bounded memory: the buckets form a dense window of at most `max_buckets` (default 2048)
/// consecutive indices, i.e. at most max_buckets × 8 bytes of counts (16 KiB) plus about
/// 120 bytes, whatever the stream. If the positive values span more than max_buckets
/// buckets (max / min > γ^(max_buckets − 1): with α = 0.01 and 2048 buckets a ratio above
/// 6·10^17, e.g. 1 ns to 19 years), the lowest buckets are collapsed into the lowest kept
/// one, as DDSketch's "collapsing lowest" store does: the high quantiles keep the
/// guarantee, the collapsed values are over-estimated. collapsed_count() counts them;
/// quantile(q) keeps the α guarantee whenever ⌊q (n − 1)⌋ ≥ zero_count() + collapsed_count().
///
/// count_le(b) (for Prometheus' cumulative `le` buckets) counts the values whose bucket
/// representative is ≤ b — exact zeros, all values when b ≥ max, none when b < min — so
///   #{x ≤ b / (1 + α)} ≤ count_le(b) ≤ #{x ≤ b / (1 − α)}:
/// only values within relative distance α of b can be on the wrong side (collapsed values
/// count as values of the lowest kept bucket). It is consistent
/// with quantile(): count_le(quantile(q)) > ⌊q (n − 1)⌋.
///
/// count, sum, min, max and mean are exact (sum is a double sum). Values: finite and
/// >= 0; a NaN, negative or infinite latency throws std::invalid_argument. Units are the
/// caller's (seconds, or nanoseconds as integers: update_many takes std::int64_t arrays).
/// Cost: update is O(1), one log(); no allocation once the window covers the values
/// (the window grows by doubling up to max_buckets). quantile / count_le: O(buckets).
/// merge(a, b) equals the sketch of both streams (same α; a collapse may differ only when
/// the two max_buckets differ).
///
/// Example:
/// @code
///   driftscope::latency_sketch lat(0.01);   // ±1% relative
///   lat.update(0.0123);                      // seconds
///   double p99 = lat.quantile(0.99);
///   std::uint64_t fast = lat.count_le(0.05);  // requests within 50 ms
/// @endcode
///
/// ## Serialized format (version 1), all little-endian, 80 + 8·B bytes
///
/// | offset | size | field                                                          |
/// |--------|------|----------------------------------------------------------------|
/// | 0      | 4    | magic: ASCII "DSLS"                                            |
/// | 4      | 1    | family id: 25 (latency_sketch)                                 |
/// | 5      | 1    | format version: 1                                              |
/// | 6      | 2    | flags, reserved: 0                                             |
/// | 8      | 8    | α, relative accuracy (f64, in [1e-6, 1))                       |
/// | 16     | 4    | max_buckets (u32, 16 .. 2^20)                                  |
/// | 20     | 4    | B: buckets stored (u32, <= max_buckets; 0 = no positive value) |
/// | 24     | 4    | index of the first stored bucket (i32; 0 when B = 0)           |
/// | 28     | 4    | reserved: 0                                                    |
/// | 32     | 8    | count: values seen, zeros included (u64)                       |
/// | 40     | 8    | zero count (u64)                                               |
/// | 48     | 8    | collapsed count (u64)                                          |
/// | 56     | 8    | sum (f64; 0 when count = 0)                                    |
/// | 64     | 8    | min (f64; NaN when count = 0)                                  |
/// | 72     | 8    | max (f64; NaN when count = 0)                                  |
/// | 80     | 8·B  | counts of buckets first .. first + B − 1 (u64; the first and   |
/// |        |      | the last are non-zero)                                         |
///
/// deserialize() throws std::out_of_range when truncated and std::invalid_argument when
/// corrupt: magic, family, version, reserved bytes, α or max_buckets out of range, B above
/// max_buckets, zero first / last bucket, counts not adding up to count, collapsed count
/// above the first bucket, min / max / sum inconsistent (NaN, negative, min > max, min = 0
/// without zeros or the reverse, positive buckets with max = 0), trailing bytes.

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace driftscope {

/// @brief DDSketch (Masson, Rim & Lee 2019): relative-error quantiles of non-negative values.
class latency_sketch {
 public:
  static constexpr double default_relative_accuracy = 0.01;
  static constexpr double min_relative_accuracy = 1e-6;
  static constexpr std::uint32_t default_max_buckets = 2048;
  static constexpr std::uint32_t min_max_buckets = 16;
  static constexpr std::uint32_t max_max_buckets = std::uint32_t{1} << 20;

  static constexpr std::uint8_t serial_family = 25;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serial_header_bytes = 80;

  /// One non-empty bucket: its values lie in (lower, upper]; count of them.
  struct bucket {
    double lower;
    double upper;
    std::uint64_t count;
  };

  /// @brief An empty sketch.
  /// @param relative_accuracy α in [1e-6, 1): every quantile is within α·x of the true x.
  /// @param max_buckets bound on the buckets kept, in [16, 2^20] (memory: 8 bytes each).
  /// @throws std::invalid_argument for either parameter out of range.
  explicit latency_sketch(double relative_accuracy = default_relative_accuracy,
                          std::uint32_t max_buckets = default_max_buckets) {
    check_parameters(relative_accuracy, max_buckets, "latency_sketch");
    alpha_ = relative_accuracy;
    max_buckets_ = max_buckets;
    // as ddsketch's LogarithmicMapping: γ = 1 + 2α / (1 − α), log γ by log1p
    const double gamma_mantissa = 2 * alpha_ / (1 - alpha_);
    gamma_ = 1 + gamma_mantissa;
    multiplier_ = 1 / std::log1p(gamma_mantissa);
    value_factor_ = 2 / (1 + gamma_);
  }

  // --- updates -----------------------------------------------------------------------

  /// @brief Adds one latency. O(1).
  /// @throws std::invalid_argument when latency is NaN, negative or infinite.
  void update(double latency) {
    if (!(latency >= 0 && latency <= std::numeric_limits<double>::max()))
      detail::throw_invalid_argument(
          "latency_sketch::update: latency must be finite and >= 0, got {}", latency);
    add(latency);
  }

  /// @brief Adds `latency[0..n)` (float, double or an integer type; converted to double).
  /// All or nothing: every value is checked before any is added.
  /// @throws std::invalid_argument naming the first NaN, negative or infinite latency.
  template <class U>
  void update_many(const U* latency, std::size_t n) {
    static_assert(std::is_arithmetic<U>::value, "latency_sketch::update_many: arithmetic values");
    bool ok = true;
    for (std::size_t i = 0; i < n; ++i) ok &= valid(latency[i]);  // branch-free, vectorizes
    if (!ok)
      for (std::size_t i = 0; i < n; ++i)
        if (!valid(latency[i]))
          detail::throw_invalid_argument(
              "latency_sketch::update_many: latency[{}] must be finite and >= 0, got {}", i,
              latency[i]);
    add_many(latency, n);
  }
  template <class U>
  void update_many(const std::vector<U>& latency) {
    update_many(latency.data(), latency.size());
  }

  /// @brief Adds the other sketch's values: afterwards this equals the sketch of both
  /// streams (bucket counts, zero count, count, min, max exactly; sum to rounding).
  /// @throws std::invalid_argument when the relative accuracies differ.
  void merge(const latency_sketch& other) {
    if (&other == this) {
      const latency_sketch copy = other;
      merge(copy);
      return;
    }
    if (other.alpha_ != alpha_)
      detail::throw_invalid_argument(
          "latency_sketch::merge: relative_accuracy must match, got {} and other.relative_accuracy "
          "{}",
          alpha_, other.alpha_);
    if (other.count_ == 0) return;
    note_min_max(other.min_, other.max_);
    count_ += other.count_;
    zero_count_ += other.zero_count_;
    sum_ += other.sum_;
    if (!other.has_buckets()) return;
    std::int64_t lo = other.min_key_, hi = other.max_key_;
    if (has_buckets()) {
      lo = std::min<std::int64_t>(lo, min_key_);
      hi = std::max<std::int64_t>(hi, max_key_);
    }
    lo = lowest_kept(lo, hi);
    if (other.collapsed_ > 0)
      lo = std::max<std::int64_t>(lo, other.min_key_);  // its collapsed values stay lowest
    relayout(lo, hi);
    for (std::int64_t key = other.min_key_; key <= other.max_key_; ++key) {
      const std::uint64_t c = other.bins_[static_cast<std::size_t>(key - other.offset_)];
      if (c == 0) continue;
      if (key < lo) collapsed_ += c;
      bins_[static_cast<std::size_t>(std::max(key, lo) - offset_)] += c;
    }
    if (other.min_key_ == lo) collapsed_ += other.collapsed_;
    min_key_ = static_cast<std::int32_t>(lo);
    max_key_ = static_cast<std::int32_t>(hi);
    refresh_window();
  }

  // --- queries -----------------------------------------------------------------------

  /// @brief The lower-rank q-quantile (numpy method='lower'), within relative error α.
  /// @throws std::invalid_argument unless 0 <= q <= 1; std::domain_error when empty.
  double quantile(double q) const {
    if (!(q >= 0 && q <= 1))
      detail::throw_invalid_argument("latency_sketch::quantile: q must be in [0, 1], got {}", q);
    check_not_empty("quantile");
    if (q == 0) return min_;
    if (q == 1) return max_;
    const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(count_ - 1)));
    if (rank < zero_count_) return 0.0;
    const std::uint64_t r = rank - zero_count_;
    std::uint64_t seen = 0;
    for (std::int64_t key = min_key_; key <= max_key_; ++key) {
      seen += bins_[static_cast<std::size_t>(key - offset_)];
      if (seen > r) return std::clamp(value_of(key), min_, max_);
    }
    return max_;  // not reached: the buckets hold count − zero_count values
  }

  /// @brief quantile(q[i]) for i < n into out[i].
  void quantiles(const double* q, std::size_t n, double* out) const {
    for (std::size_t i = 0; i < n; ++i) out[i] = quantile(q[i]);
  }

  /// @brief Approximate number of values <= bound (see the file comment for the bound).
  /// 0 for an empty sketch.
  /// @throws std::invalid_argument for a NaN bound.
  std::uint64_t count_le(double bound) const {
    if (bound != bound)
      detail::throw_invalid_argument("latency_sketch::count_le: bound must not be NaN");
    if (count_ == 0 || bound < min_) return 0;
    if (bound >= max_) return count_;
    std::uint64_t n = zero_count_;
    if (bound <= 0 || !has_buckets()) return n;
    // the last bucket whose representative is <= bound, then the counts up to it
    const double guess = std::floor(std::log(bound / value_factor_) * multiplier_);
    std::int64_t last = guess < static_cast<double>(min_key_)   ? min_key_ - 1
                        : guess > static_cast<double>(max_key_) ? max_key_
                                                                : static_cast<std::int64_t>(guess);
    while (last < max_key_ && value_of(last + 1) <= bound) ++last;  // settle rounding at the edge
    while (last >= min_key_ && value_of(last) > bound) --last;
    for (std::int64_t key = min_key_; key <= last; ++key)
      n += bins_[static_cast<std::size_t>(key - offset_)];
    return n;
  }

  /// @brief count_le(bounds[i]) for i < n into out[i].
  void count_le(const double* bounds, std::size_t n, std::uint64_t* out) const {
    for (std::size_t i = 0; i < n; ++i) out[i] = count_le(bounds[i]);
  }

  /// Values seen, zeros included.
  std::uint64_t count() const noexcept { return count_; }
  /// Exact zeros seen.
  std::uint64_t zero_count() const noexcept { return zero_count_; }
  /// Values moved up into the lowest bucket by collapsing (0 unless the values spanned
  /// more than max_buckets buckets).
  std::uint64_t collapsed_count() const noexcept { return collapsed_; }
  bool is_empty() const noexcept { return count_ == 0; }
  /// Sum of the values (a double sum: ordinary rounding).
  double sum() const noexcept { return sum_; }
  /// @throws std::domain_error when empty.
  double min() const {
    check_not_empty("min");
    return min_;
  }
  /// @throws std::domain_error when empty.
  double max() const {
    check_not_empty("max");
    return max_;
  }
  /// @throws std::domain_error when empty.
  double mean() const {
    check_not_empty("mean");
    return sum_ / static_cast<double>(count_);
  }

  double relative_accuracy() const noexcept { return alpha_; }
  /// γ = (1 + α) / (1 − α): each bucket's upper / lower edge.
  double gamma() const noexcept { return gamma_; }
  std::uint32_t max_buckets() const noexcept { return max_buckets_; }
  /// Buckets between the lowest and highest non-empty one (<= max_buckets).
  std::size_t num_buckets() const noexcept {
    return has_buckets() ? static_cast<std::size_t>(max_key_ - min_key_ + 1) : 0;
  }
  /// The non-empty buckets of positive values, ascending (zeros: zero_count()).
  std::vector<bucket> buckets() const {
    std::vector<bucket> out;
    for (std::int64_t key = min_key_; has_buckets() && key <= max_key_; ++key)
      if (const std::uint64_t c = bins_[static_cast<std::size_t>(key - offset_)]; c != 0)
        out.push_back({std::exp(static_cast<double>(key - 1) / multiplier_),
                       std::exp(static_cast<double>(key) / multiplier_), c});
    return out;
  }
  std::size_t memory_bytes() const noexcept {
    return sizeof(*this) + bins_.capacity() * sizeof(std::uint64_t);
  }

  // --- bytes -------------------------------------------------------------------------

  std::size_t serialized_size_bytes() const noexcept {
    return serial_header_bytes + 8 * num_buckets();
  }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_size_bytes());
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSLS", serial_family, serial_version);
    w.put_zeros(2);
    w.put(alpha_);
    w.put(max_buckets_);
    w.put(static_cast<std::uint32_t>(num_buckets()));
    w.put(has_buckets() ? min_key_ : std::int32_t{0});
    w.put_zeros(4);
    w.put(count_);
    w.put(zero_count_);
    w.put(collapsed_);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    w.put(count_ == 0 ? 0.0 : sum_);
    w.put(count_ == 0 ? nan : min_);
    w.put(count_ == 0 ? nan : max_);
    if (has_buckets()) w.put_array(bins_.data() + (min_key_ - offset_), num_buckets());
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt; see the file comment).
  static latency_sketch deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "latency_sketch::deserialize";
    detail::byte_reader rd(data, size, fn);
    detail::read_preamble(rd, "DSLS", serial_family, serial_version, fn, "latency_sketch");
    auto reserved = [&](std::size_t n) {
      for (std::size_t i = 0; i < n; ++i)
        if (rd.get<std::uint8_t>("reserved") != 0)
          detail::throw_invalid_argument("{}: reserved bytes must be 0", fn);
    };
    reserved(2);
    const auto alpha = rd.get<double>("relative accuracy");
    const auto max_buckets = rd.get<std::uint32_t>("max_buckets");
    check_parameters(alpha, max_buckets, fn);
    latency_sketch s(alpha, max_buckets);
    const auto stored = rd.get<std::uint32_t>("buckets stored");
    const auto first = rd.get<std::int32_t>("first bucket");
    reserved(4);
    s.count_ = rd.get<std::uint64_t>("count");
    s.zero_count_ = rd.get<std::uint64_t>("zero count");
    s.collapsed_ = rd.get<std::uint64_t>("collapsed count");
    s.sum_ = rd.get<double>("sum");
    s.min_ = rd.get<double>("min");
    s.max_ = rd.get<double>("max");
    if (stored > max_buckets)
      detail::throw_invalid_argument("{}: {} buckets stored, more than max_buckets = {}", fn,
                                     stored, max_buckets);
    if (stored > 0 &&
        static_cast<std::int64_t>(first) + stored - 1 > std::numeric_limits<std::int32_t>::max())
      detail::throw_invalid_argument("{}: bucket indices overflow", fn);
    if (stored == 0 && first != 0)
      detail::throw_invalid_argument("{}: first bucket must be 0 without buckets", fn);
    rd.require_array(stored, 8, "bucket counts");  // before allocating for them
    s.bins_.resize(stored);
    rd.get_array(s.bins_.data(), stored, "bucket counts");
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the buckets", fn, rd.remaining());
    std::uint64_t total = s.zero_count_;
    for (std::uint64_t c : s.bins_)
      if (total > std::numeric_limits<std::uint64_t>::max() - c || (total += c) > s.count_)
        detail::throw_invalid_argument("{}: bucket counts exceed count {}", fn, s.count_);
    if (total != s.count_)
      detail::throw_invalid_argument("{}: zero and bucket counts sum to {}, not count {}", fn,
                                     total, s.count_);
    if (stored > 0) {
      if (s.bins_.front() == 0 || s.bins_.back() == 0)
        detail::throw_invalid_argument("{}: the first and last stored buckets must be non-empty",
                                       fn);
      s.offset_ = first;
      s.min_key_ = first;
      s.max_key_ = static_cast<std::int32_t>(first + static_cast<std::int64_t>(stored) - 1);
      s.refresh_window();
    }
    if (s.collapsed_ > (stored > 0 ? s.bins_.front() : 0))
      detail::throw_invalid_argument("{}: collapsed count {} above the lowest bucket's count", fn,
                                     s.collapsed_);
    if (s.count_ == 0) {
      if (s.sum_ != 0 || std::signbit(s.sum_) || !std::isnan(s.min_) || !std::isnan(s.max_))
        detail::throw_invalid_argument("{}: an empty sketch must have sum 0 and min / max NaN", fn);
    } else {
      if (!(s.min_ >= 0 && s.min_ <= s.max_ && s.max_ <= std::numeric_limits<double>::max()))
        detail::throw_invalid_argument("{}: min / max invalid ({} / {})", fn, s.min_, s.max_);
      if ((s.min_ == 0) != (s.zero_count_ > 0))
        detail::throw_invalid_argument("{}: min must be 0 exactly when there are zeros", fn);
      if ((s.max_ > 0) != (stored > 0))
        detail::throw_invalid_argument("{}: max must be positive exactly when there are buckets",
                                       fn);
      if (!(s.sum_ >= 0))
        detail::throw_invalid_argument("{}: sum must be >= 0, got {}", fn, s.sum_);
    }
    return s;
  }

 private:
  static void check_parameters(double alpha, std::uint32_t max_buckets, const char* fn) {
    if (!(alpha >= min_relative_accuracy && alpha < 1))
      detail::throw_invalid_argument("{}: relative_accuracy must be in [{}, 1), got {}", fn,
                                     min_relative_accuracy, alpha);
    if (max_buckets < min_max_buckets || max_buckets > max_max_buckets)
      detail::throw_invalid_argument("{}: max_buckets must be in [{}, {}], got {}", fn,
                                     min_max_buckets, max_max_buckets, max_buckets);
  }

  template <class U>
  static bool valid(U v) noexcept {
    if constexpr (std::is_floating_point<U>::value)
      return (v >= 0) & (v <= std::numeric_limits<U>::max());  // false for NaN and ±inf
    else if constexpr (std::is_signed<U>::value)
      return v >= 0;
    else
      return true;
  }

  void check_not_empty(const char* what) const {
    if (count_ == 0) detail::throw_domain_error("latency_sketch::{}: no values (count is 0)", what);
  }

  bool has_buckets() const noexcept { return min_key_ <= max_key_; }

  /// ⌈log_γ x⌉ for x > 0 (as ddsketch: ⌈log(x) · multiplier⌉). |log x| <= 745 and
  /// α >= 1e-6 keep it well inside int32. Truncation plus one when a fraction was cut off
  /// upward is ceil() without a libm call or SSE4.1.
  std::int32_t key_of(double x) const noexcept {
    const double y = std::log(x) * multiplier_;
    const auto t = static_cast<std::int32_t>(y);
    return t + (y > static_cast<double>(t) ? 1 : 0);
  }

  /// v_i = 2 γ^i / (γ + 1), computed as ddsketch does.
  double value_of(std::int64_t key) const noexcept {
    return std::exp(static_cast<double>(key) / multiplier_) * value_factor_;
  }

  void note_min_max(double lo, double hi) noexcept {
    if (count_ == 0) {
      min_ = lo;
      max_ = hi;
    } else {
      min_ = lo < min_ ? lo : min_;
      max_ = hi > max_ ? hi : max_;
    }
  }

  /// Adds a checked value (finite, >= 0).
  void add(double x) {
    note_min_max(x, x);
    ++count_;
    sum_ += x;
    if (x == 0) {
      ++zero_count_;
      return;
    }
    const std::int32_t key = key_of(x);
    if (key >= window_lo_ && key <= window_hi_) {  // the common case
      ++bins_[static_cast<std::size_t>(key - offset_)];
      min_key_ = key < min_key_ ? key : min_key_;
      max_key_ = key > max_key_ ? key : max_key_;
      return;
    }
    add_outside_window(key);
  }

  /// add() over checked values, with the hot state in locals (the input array could alias
  /// the members, so the compiler would otherwise reload and store them for every value).
  template <class U>
  void add_many(const U* latency, std::size_t n) {
    if (n == 0) return;
    std::uint64_t* bins = bins_.data();
    std::int64_t window_lo = window_lo_, window_hi = window_hi_, offset = offset_;
    std::int32_t min_key = min_key_, max_key = max_key_;
    double sum = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
    std::uint64_t zeros = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto x = static_cast<double>(latency[i]);
      sum += x;
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
      if (x == 0) {
        ++zeros;
        continue;
      }
      const std::int32_t key = key_of(x);
      if (key >= window_lo && key <= window_hi) {
        ++bins[key - offset];
        min_key = key < min_key ? key : min_key;
        max_key = key > max_key ? key : max_key;
        continue;
      }
      min_key_ = min_key;
      max_key_ = max_key;
      add_outside_window(key);
      bins = bins_.data();
      window_lo = window_lo_;
      window_hi = window_hi_;
      offset = offset_;
      min_key = min_key_;
      max_key = max_key_;
    }
    min_key_ = min_key;
    max_key_ = max_key;
    note_min_max(lo, hi);
    count_ += n;
    zero_count_ += zeros;
    sum_ += sum;
  }

  /// The lowest bucket index to keep for the non-empty range [lo, hi]: at most
  /// max_buckets wide, and never below buckets that already hold collapsed values (so
  /// they stay the lowest and collapsed_count() stays exact).
  std::int64_t lowest_kept(std::int64_t lo, std::int64_t hi) const noexcept {
    if (hi - lo + 1 > static_cast<std::int64_t>(max_buckets_)) lo = hi - max_buckets_ + 1;
    if (collapsed_ > 0) lo = std::max<std::int64_t>(lo, min_key_);
    return lo;
  }

  void add_outside_window(std::int32_t key) {
    std::int64_t lo = key, hi = key;
    if (has_buckets()) {
      lo = std::min<std::int64_t>(lo, min_key_);
      hi = std::max<std::int64_t>(hi, max_key_);
    }
    lo = lowest_kept(lo, hi);
    relayout(lo, hi);
    if (key < lo) ++collapsed_;
    ++bins_[static_cast<std::size_t>(std::max<std::int64_t>(key, lo) - offset_)];
    min_key_ = static_cast<std::int32_t>(lo);
    max_key_ = static_cast<std::int32_t>(hi);
    refresh_window();
  }

  /// The bucket indices add() may count into directly: the window, but not below the
  /// lowest bucket once it holds collapsed values (lower values must be collapsed too).
  void refresh_window() noexcept {
    window_lo_ = collapsed_ > 0 ? std::max<std::int64_t>(offset_, min_key_) : offset_;
    window_hi_ = offset_ + static_cast<std::int64_t>(bins_.size()) - 1;
  }

  /// Moves the window so it covers bucket indices [lo, hi] (hi − lo < max_buckets),
  /// growing it by doubling up to max_buckets, with the spare room split between both
  /// ends. Buckets below lo are collapsed into lo (collapsed_ becomes their total: any
  /// earlier collapsed values sit in those buckets, and lo may lie above all of them).
  /// max_key_ is left to the caller.
  void relayout(std::int64_t lo, std::int64_t hi) {
    // the occupied range [occupied_lo, occupied_hi] after collapsing (may be empty)
    std::int64_t occupied_lo = min_key_, occupied_hi = max_key_;
    std::uint64_t folded = 0;
    const bool collapse = has_buckets() && min_key_ < lo;
    if (collapse) {
      for (std::int64_t key = min_key_; key < lo && key <= max_key_; ++key) {
        std::uint64_t& c = bins_[static_cast<std::size_t>(key - offset_)];
        folded += c;
        c = 0;
      }
      occupied_lo = lo;
    }
    const std::int64_t old_end =
        offset_ + static_cast<std::int64_t>(bins_.size());  // one past the window
    if (!(lo >= offset_ && hi < old_end)) {
      const auto need = static_cast<std::size_t>(hi - lo + 1);
      std::size_t size = bins_.size();
      if (need > size)
        size = std::min<std::size_t>(max_buckets_, std::max<std::size_t>({need, 2 * size, 64}));
      const std::int64_t new_offset = lo - static_cast<std::int64_t>((size - need) / 2);
      if (size != bins_.size()) {
        std::vector<std::uint64_t> grown(size, 0);
        for (std::int64_t key = occupied_lo; key <= occupied_hi; ++key)
          grown[static_cast<std::size_t>(key - new_offset)] =
              bins_[static_cast<std::size_t>(key - offset_)];
        bins_.swap(grown);
      } else {  // same size: shift the occupied range in place, zero the rest
        std::uint64_t* b = bins_.data();
        const std::int64_t delta = offset_ - new_offset;  // new position = old position + delta
        std::int64_t from = 0, to = 0;  // new positions [from, to) of the occupied range
        if (occupied_lo <= occupied_hi) {
          const std::int64_t old_from = occupied_lo - offset_, old_to = occupied_hi - offset_ + 1;
          if (delta > 0)
            std::copy_backward(b + old_from, b + old_to, b + old_to + delta);
          else
            std::copy(b + old_from, b + old_to, b + old_from + delta);
          from = old_from + delta;
          to = old_to + delta;
        }
        std::fill(b, b + from, std::uint64_t{0});
        std::fill(b + to, b + size, std::uint64_t{0});
      }
      offset_ = new_offset;
    }
    if (collapse) {
      bins_[static_cast<std::size_t>(lo - offset_)] += folded;
      collapsed_ = folded;
      min_key_ = static_cast<std::int32_t>(lo);
    }
  }

  double alpha_ = default_relative_accuracy;
  double gamma_ = 0, multiplier_ = 0, value_factor_ = 0;
  std::uint32_t max_buckets_ = default_max_buckets;
  std::uint64_t count_ = 0, zero_count_ = 0, collapsed_ = 0;
  double sum_ = 0, min_ = 0, max_ = 0;
  std::vector<std::uint64_t> bins_;  // window: bins_[j] counts bucket offset_ + j
  std::int64_t offset_ = 0;
  std::int64_t window_lo_ = 1, window_hi_ = 0;  // see refresh_window(); empty at first
  std::int32_t min_key_ =
      std::numeric_limits<std::int32_t>::max();  // non-empty range; empty: min > max
  std::int32_t max_key_ = std::numeric_limits<std::int32_t>::min();
};

}  // namespace driftscope
