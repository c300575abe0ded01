#pragma once
/// @file
/// @brief ADWIN (ADaptive WINdowing) change detector for a real-valued stream, with river
/// 0.26's `drift.ADWIN` arguments, defaults and detections.
///
/// Bifet & Gavaldà (2007), "Learning from time-changing data with adaptive windowing",
/// SIAM SDM, in its ADWIN2 form (exponential histogram of buckets), with the streaming
/// variance merge of Babcock et al. (2003). The reference behaviour is river 0.26.1's
/// Rust `AdaptiveWindowing` (rust_src/adwin.rs); every floating-point expression below is
/// evaluated in the same order, so the detections agree value for value:
///
/// - Window: rows of buckets; a bucket of row i summarises 2^i values by their sum and
///   their sum of squared deviations. Row i holds at most `max_buckets` buckets between
///   updates (capacity `max_buckets + 1`); a new value enters row 0 as a bucket
///   (x, 0); when a row reaches `max_buckets + 1` buckets its two oldest merge into one
///   bucket appended to row i+1 (sum t₀+t₁, squared deviations
///   v₀ + v₁ + 2^i·½·(t₀/2^i − t₁/2^i)²), cascading upward.
/// - Window statistics on insertion of x (W = width after the insertion, T = total
///   before it): V += (W−1)·(x − T/(W−1))²/W when W > 1; then T += x.
/// - Cut test, run at the update whose 1-based count since the last reset is a multiple
///   of `clock`, and only when W > grace_period: the window is split at every bucket
///   boundary, oldest first, into W₀ (older, n₀ values, sum u₀) and W₁ (the rest); the
///   split that would leave W₁ empty is skipped. For splits with n₀ ≥ m and n₁ ≥ m
///   (m = min_window_length), with δ' = ln(2·ln W / δ) and
///   1/m' = 1/(n₀ − m + 1) + 1/(n₁ − m + 1), a cut is found when
///   |u₀/n₀ − u₁/n₁| > sqrt(2·(1/m')·(V/W)·δ') + ⅔·δ'·(1/m').
///   Each cut drops the single oldest bucket (W −= its size, T −= its sum,
///   V −= v + n·W·(μ − T/W)²/(n + W) with μ its mean) and the scan restarts from the
///   oldest bucket; the update signals drift when at least one cut was found.
/// - As river's Python wrapper, the whole state (the clock phase and n_detections
///   included) is reset at the update after a drift, before that value is used.
///
/// Where we differ from river: river 0.26.1 panics ("slice index starts at 1 but ends at
/// 0") when a cut drops a bucket and the row below the emptied top row is itself empty,
/// which happens with max_buckets = 1. We drop every empty top row after a deletion, which
/// changes nothing on streams where river runs and keeps going where river crashes. The
/// update counter is a wrapping 32-bit integer as river's (i32): the clock phase after
/// 2^31 updates without a drift follows river's release build.
///
/// Parameters: delta in (0, 1); 1 <= clock <= 2^31−1; 1 <= max_buckets <= 2^20
/// (river accepts >= 1); 1 <= min_window_length <= 2^31−1; 0 <= grace_period <= 2^31−1.
///
/// Memory: O(max_buckets · log₂(W / max_buckets)) — at most max_buckets + 1 buckets of two
/// doubles in each of ⌈log₂ W⌉ + 1 rows, in one contiguous buffer that grows by one row
/// at a time (so it reallocates O(log W) times over a detector's life and never per
/// value; a reset keeps the buffer). Cost: O(1) amortised per insertion, plus a scan of
/// all O(max_buckets · log W) buckets every `clock` values. The scan first screens each
/// split with a division- and sqrt-free bound that is conservative by a relative 1e−9
/// (see surely_below_bound), and runs river's exact rounded test only on splits the
/// screen cannot rule out, so results are unchanged.
///
/// @code
///   driftscope::adwin d;                     // delta=0.002, clock=32, ...
///   for (double x : errors)
///     if (d.update(x) == driftscope::signal::drift) alarm(d.width(), d.estimation());
/// @endcode
///
/// Serialized payload (after detector.hpp's 8-byte header), little-endian:
/// | field              | type      | notes                                          |
/// |--------------------|-----------|------------------------------------------------|
/// | delta              | f64       |                                                |
/// | clock              | i64       |                                                |
/// | max_buckets        | i64       |                                                |
/// | min_window_length  | i64       |                                                |
/// | grace_period       | i64       |                                                |
/// | drift pending      | u8        | 0 / 1: reset at the next update                |
/// | tick               | i32       | updates since the last reset (wrapping)        |
/// | n_detections       | i64       |                                                |
/// | width, total, variance | 3 × f64 |                                              |
/// | rows               | u8        | 1..64                                          |
/// | per row: count     | u32       | <= max_buckets; the top row's >= 1 (rows > 1)  |
/// | per row: totals    | count×f64 | oldest first                                   |
/// | per row: variances | count×f64 | oldest first                                   |
/// width must equal Σ count_i · 2^i.

#include <driftscope/detect/detector.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace driftscope {

class adwin : public detector_base<adwin> {
 public:
  static constexpr detector_kind kind = detector_kind::adwin;
  static constexpr const char* name = "ADWIN";
  /// Upper bound of max_buckets (bounds one row's memory at 16 MiB).
  static constexpr std::int64_t max_max_buckets = std::int64_t{1} << 20;
  /// Upper bound of the integer parameters (river stores them as i32).
  static constexpr std::int64_t max_int_param = 2147483647;
  /// Rows of buckets the window can ever need (a width below 2^64).
  static constexpr std::size_t max_rows = 64;

  /// @throws std::invalid_argument naming the argument for delta outside (0, 1),
  ///         clock < 1, max_buckets < 1, min_window_length < 1, grace_period < 0, or a
  ///         value above the bounds in the file comment.
  explicit adwin(double delta = 0.002, std::int64_t clock = 32, std::int64_t max_buckets = 5,
                 std::int64_t min_window_length = 5, std::int64_t grace_period = 10,
                 nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite),
        delta_(delta),
        clock_(static_cast<std::int32_t>(clock)),
        max_buckets_(static_cast<std::uint32_t>(max_buckets)),
        min_window_length_(static_cast<double>(min_window_length)),
        grace_period_(static_cast<double>(grace_period)) {
    detail::require_open_unit(delta, name, "delta");
    check_range(clock, 1, max_int_param, "clock");
    check_range(max_buckets, 1, max_max_buckets, "max_buckets");
    check_range(min_window_length, 1, max_int_param, "min_window_length");
    check_range(grace_period, 0, max_int_param, "grace_period");
    cap_ = max_buckets_ + 1;
    data_.assign(2 * std::size_t{cap_}, 0.0);
  }

  signal step(double x) {
    if (drift_pending_) reset_state();
    insert(x);
    drift_pending_ = detect_change();
    if (drift_pending_) ++n_detections_;
    return drift_pending_ ? signal::drift : signal::none;
  }

  void reset_state() noexcept {
    n_rows_ = 1;
    counts_.fill(0);
    width_ = total_ = variance_ = 0.0;
    tick_ = 0;
    phase_ = 0;
    n_detections_ = 0;
    drift_pending_ = false;
  }

  // --- parameters ----------------------------------------------------------------------
  double delta() const noexcept { return delta_; }
  std::int64_t clock() const noexcept { return clock_; }
  std::int64_t max_buckets() const noexcept { return max_buckets_; }
  std::int64_t min_window_length() const noexcept {
    return static_cast<std::int64_t>(min_window_length_);
  }
  std::int64_t grace_period() const noexcept { return static_cast<std::int64_t>(grace_period_); }

  // --- read-only state (river's names and values) -------------------------------------
  /// Values in the window (a whole number, as a double like river's).
  double width() const noexcept { return width_; }
  /// Sum of the values in the window.
  double total() const noexcept { return total_; }
  /// river's `variance`: the sum of squared deviations from the mean over the window
  /// (river documents it as the variance, but returns this sum; divide by width for
  /// the population variance).
  double variance() const noexcept { return variance_; }
  /// Mean of the window (0 when empty), river's `estimation`.
  double estimation() const noexcept { return width_ == 0.0 ? 0.0 : total_ / width_; }
  /// river's `n_detections`: detections since the last reset. Since the detector resets
  /// at the update after a drift (as river), this is 1 right after a drift, else 0.
  std::int64_t n_detections() const noexcept { return n_detections_; }
  /// Buckets held (all rows) and rows in use.
  std::size_t n_buckets() const noexcept {
    std::size_t n = 0;
    for (std::size_t r = 0; r < n_rows_; ++r) n += counts_[r];
    return n;
  }
  std::size_t n_rows() const noexcept { return n_rows_; }

  // --- bytes -----------------------------------------------------------------------------
  void write_payload(detail::byte_writer& w) const {
    w.put(delta_);
    w.put(static_cast<std::int64_t>(clock_));
    w.put(static_cast<std::int64_t>(max_buckets_));
    w.put(min_window_length());
    w.put(grace_period());
    w.put(static_cast<std::uint8_t>(drift_pending_));
    w.put(tick_);
    w.put(n_detections_);
    w.put(width_);
    w.put(total_);
    w.put(variance_);
    w.put(static_cast<std::uint8_t>(n_rows_));
    for (std::size_t r = 0; r < n_rows_; ++r) {
      w.put(counts_[r]);
      w.put_array(totals(r), counts_[r]);
      w.put_array(variances(r), counts_[r]);
    }
  }

  static adwin read_payload(detail::byte_reader& rd) {
    const auto delta = rd.get<double>("delta");
    const auto clock = rd.get<std::int64_t>("clock");
    const auto max_buckets = rd.get<std::int64_t>("max_buckets");
    const auto min_window_length = rd.get<std::int64_t>("min_window_length");
    const auto grace_period = rd.get<std::int64_t>("grace_period");
    adwin d(delta, clock, max_buckets, min_window_length, grace_period);
    d.drift_pending_ = detail::read_flag(rd, name, "drift pending");
    d.tick_ = rd.get<std::int32_t>("tick");
    d.phase_ = residue(d.tick_, d.clock_);
    d.n_detections_ = rd.get<std::int64_t>("n_detections");
    if (d.n_detections_ < 0)
      detail::throw_invalid_argument("{}.deserialize: n_detections must be >= 0, got {}", name,
                                     d.n_detections_);
    d.width_ = rd.get<double>("width");
    d.total_ = rd.get<double>("total");
    d.variance_ = rd.get<double>("variance");
    const auto rows = rd.get<std::uint8_t>("rows");
    if (rows < 1 || rows > max_rows)
      detail::throw_invalid_argument("{}.deserialize: rows must be in [1, {}], got {}", name,
                                     max_rows, rows);
    std::uint64_t width = 0;
    bool overflow = false;
    for (std::size_t r = 0; r < rows; ++r) {
      const auto count = rd.get<std::uint32_t>("row count");
      if (count > d.max_buckets_)
        detail::throw_invalid_argument(
            "{}.deserialize: row {} holds {} buckets, more than max_buckets = {}", name, r, count,
            d.max_buckets_);
      if (r + 1 == rows && r > 0 && count == 0)
        detail::throw_invalid_argument("{}.deserialize: the top row ({}) is empty", name, r);
      if (r >= d.n_rows_) d.add_row();
      d.counts_[r] = count;
      rd.get_array(d.totals(r), count, "bucket totals");
      rd.get_array(d.variances(r), count, "bucket variances");
      const std::uint64_t add = std::uint64_t{count} << r;
      if ((add >> r) != count || width + add < width) overflow = true;
      width += add;
    }
    if (overflow || !(d.width_ >= 0.0) || d.width_ != std::floor(d.width_) ||
        d.width_ >= 18446744073709551616.0 || static_cast<std::uint64_t>(d.width_) != width)
      detail::throw_invalid_argument("{}.deserialize: width {} does not match the buckets", name,
                                     d.width_);
    return d;
  }

 private:
  /// 2^-k (k < 1023). t / 2^k and t · 2^-k are the same real number, so IEEE rounding
  /// makes them equal bit for bit: river's division by a bucket size becomes a product.
  static double inverse_power_of_two(std::size_t k) noexcept {
    const std::uint64_t bits = static_cast<std::uint64_t>(1023 - k) << 52;
    double r;
    std::memcpy(&r, &bits, sizeof r);
    return r;
  }

  /// t mod c in [0, c) (c >= 1).
  static std::int32_t residue(std::int32_t t, std::int32_t c) noexcept {
    const std::int32_t r = t % c;
    return r < 0 ? r + c : r;
  }

  static void check_range(std::int64_t v, std::int64_t lo, std::int64_t hi, const char* arg) {
    if (v < lo || v > hi)
      detail::throw_invalid_argument("{}: {} must be in [{}, {}], got {}", name, arg, lo, hi, v);
  }

  double* totals(std::size_t row) noexcept { return data_.data() + row * 2 * cap_; }
  double* variances(std::size_t row) noexcept { return data_.data() + row * 2 * cap_ + cap_; }
  const double* totals(std::size_t row) const noexcept { return data_.data() + row * 2 * cap_; }
  const double* variances(std::size_t row) const noexcept {
    return data_.data() + row * 2 * cap_ + cap_;
  }

  /// Opens row n_rows_ (empty); grows the buffer only the first time that row is used.
  void add_row() {
    const std::size_t need = (n_rows_ + 1) * 2 * std::size_t{cap_};
    if (data_.size() < need) data_.resize(need, 0.0);
    counts_[n_rows_] = 0;
    ++n_rows_;
  }

  /// Drops the `k` oldest buckets of a row (k <= its count).
  void drop_oldest(std::size_t row, std::uint32_t k) noexcept {
    double* t = totals(row);
    double* v = variances(row);
    const std::uint32_t keep = counts_[row] - k;
    for (std::uint32_t i = 0; i < keep; ++i) {
      t[i] = t[i + k];
      v[i] = v[i + k];
    }
    counts_[row] = keep;
  }

  void insert(double x) {
    // Window statistics first, in locals (the bucket stores below may alias members as
    // far as the compiler knows); same operations and order as river.
    const double w = width_ + 1.0;
    const double total = total_;
    double inc = 0.0;
    if (w > 1.0) {
      const double d = x - total / (w - 1.0);
      inc = (w - 1.0) * d * d / w;
    }
    const double variance = variance_ + inc;
    width_ = w;
    variance_ = variance;
    total_ = total + x;
    const std::uint32_t c = counts_[0];
    double* row = data_.data();
    row[c] = x;
    row[cap_ + c] = 0.0;
    counts_[0] = c + 1;
    if (c + 1 == cap_) compress();
  }

  /// Merges the two oldest buckets of every full row into the next row, bottom up.
  void compress() {
    for (std::size_t row = 0; counts_[row] == cap_; ++row) {
      const double n = static_cast<double>(std::uint64_t{1} << row);
      const double inv_n = inverse_power_of_two(row);
      const double t0 = totals(row)[0], t1 = totals(row)[1];
      const double v0 = variances(row)[0], v1 = variances(row)[1];
      const double mu0 = t0 * inv_n, mu1 = t1 * inv_n;
      const double t01 = t0 + t1;
      const double extra = n * 0.5 * (mu0 - mu1) * (mu0 - mu1);
      const double v01 = v0 + v1 + extra;
      if (row + 1 == n_rows_) add_row();
      const std::uint32_t c = counts_[row + 1];
      totals(row + 1)[c] = t01;
      variances(row + 1)[c] = v01;
      counts_[row + 1] = c + 1;
      drop_oldest(row, 2);
      if (c + 1 <= max_buckets_) break;
    }
  }

  /// Drops the oldest bucket (river's delete_element) and every empty top row.
  void delete_oldest() {
    const std::size_t top = n_rows_ - 1;
    const double n = static_cast<double>(std::uint64_t{1} << top);
    const double u = totals(top)[0], v = variances(top)[0];
    const double mu = u / n;
    width_ -= n;
    total_ -= u;
    const double mu_window = total_ / width_;
    const double dec = v + n * width_ * (mu - mu_window) * (mu - mu_window) / (n + width_);
    variance_ -= dec;
    drop_oldest(top, 1);
    // river pops only the emptied row (and panics on the next deletion if the row below
    // is empty too); dropping all empty top rows is the same on every stream river runs.
    while (n_rows_ > 1 && counts_[n_rows_ - 1] == 0) --n_rows_;
  }

  bool detect_change() {
    // river's i32 tick, wrapping as its release build does.
    tick_ = static_cast<std::int32_t>(static_cast<std::uint32_t>(tick_) + 1u);
    // phase_ tracks tick_ mod clock without a division per value; tick_ % clock == 0
    // (river's test, C's truncating %) holds exactly when phase_ == 0.
    if (++phase_ == clock_) phase_ = 0;
    if (tick_ == std::numeric_limits<std::int32_t>::min()) phase_ = residue(tick_, clock_);
    if (phase_ != 0 || !(width_ > grace_period_)) return false;
    bool change = false;
    while (cut_once()) change = true;
    return change;
  }

  /// One scan over the bucket boundaries, oldest first; at the first cut, drops the
  /// oldest bucket and returns true (river then rescans the shrunken window).
  bool cut_once() {
    // Constant over one scan (the window changes only when a cut ends the scan).
    const double delta_prime = std::log(2.0 * std::log(width_) / delta_);
    const double var_per_value = variance_ / width_;
    const double bound_factor = 2.0 / 3.0 * delta_prime;
    const double m = min_window_length_;
    // The screen below is valid when the bound's terms are finite and >= 0; otherwise
    // (tiny windows with a large delta, a negative rounded variance) every split takes
    // the exact test.
    const bool screen = delta_prime > 0.0 && var_per_value >= 0.0 && std::isfinite(delta_prime) &&
                        std::isfinite(var_per_value);
    const double two_var_dp = 2.0 * var_per_value * delta_prime;
    const double bound_factor_sq = bound_factor * bound_factor;
    double n0 = 0.0, n1 = width_, u0 = 0.0, u1 = total_;
    for (std::size_t row = n_rows_; row-- > 0;) {
      const double size = static_cast<double>(std::uint64_t{1} << row);
      const double* t = totals(row);
      const std::uint32_t count = counts_[row];
      for (std::uint32_t k = 0; k < count; ++k) {
        n0 += size;
        n1 -= size;
        u0 += t[k];
        u1 -= t[k];
        if (row == 0 && k + 1 == count) return false;  // W1 would be empty
        if (!(n1 >= m && n0 >= m)) continue;
        if (screen && surely_below_bound(n0, n1, u0, u1, m, two_var_dp, bound_factor_sq)) continue;
        // river's test, in river's operation order.
        const double delta_mean = (u0 / n0) - (u1 / n1);
        const double m_recip = 1.0 / (n0 - m + 1.0) + 1.0 / (n1 - m + 1.0);
        const double epsilon =
            std::sqrt(2.0 * m_recip * var_per_value * delta_prime) + bound_factor * m_recip;
        // river also tests width > 0 before deleting; n1 >= m >= 1 guarantees it.
        if (std::fabs(delta_mean) > epsilon) {
          delete_oldest();
          return true;
        }
      }
    }
    return false;
  }

  /// A division- and sqrt-free screen that is true only when river's rounded test
  /// |fl(u0/n0) − fl(u1/n1)| > fl(ε) is certainly false, so skipping the exact test never
  /// changes a result. With a = n0−m+1, b = n1−m+1, R = a+b, Q = ab, P = n0·n1,
  /// X = |u0·n1 − u1·n0| (so |Δμ| = X/P) and ε = sqrt(2·V/W·δ'·R/Q) + ⅔δ'·R/Q, the cut needs
  /// X/P > ε, and ε² ≥ 2·V/W·δ'·R/Q + (⅔δ')²·R²/Q². The screen tests
  ///   ((X + s)·Q)² < (1 − 1e−9) · P²·(2·V/W·δ'·R·Q + (⅔δ')²·R²),
  /// where s = 1e−14·(|u0·n1| + |u1·n0|) bounds the difference between river's rounded
  /// |Δμ|·P and X, and the factor 1e−9 covers the rounding of both sides (a few ulps),
  /// so the screen passing implies river's comparison fails. Non-finite or tiny right
  /// sides (overflow, underflow) fall through to the exact test.
  static bool surely_below_bound(double n0, double n1, double u0, double u1, double m,
                                 double two_var_dp, double bound_factor_sq) noexcept {
    const double a = n0 - m + 1.0, b = n1 - m + 1.0;
    const double r = a + b, q = a * b, p = n0 * n1;
    const double un0 = u0 * n1, un1 = u1 * n0;
    const double x = std::fabs(un0 - un1);
    const double slack = 1e-14 * (std::fabs(un0) + std::fabs(un1));
    const double lhs = (x + slack) * q;
    const double rhs = p * p * (two_var_dp * r * q + bound_factor_sq * r * r);
    return rhs > 1e-250 && rhs <= std::numeric_limits<double>::max() &&
           lhs * lhs < (1.0 - 1e-9) * rhs;
  }

  double delta_;
  std::int32_t clock_;
  std::uint32_t max_buckets_;
  double min_window_length_, grace_period_;
  std::uint32_t cap_ = 0;  // max_buckets + 1

  bool drift_pending_ = false;
  std::int32_t tick_ = 0;
  std::int32_t phase_ = 0;  // tick_ mod clock_, in [0, clock_)
  std::int64_t n_detections_ = 0;
  double width_ = 0, total_ = 0, variance_ = 0;
  std::size_t n_rows_ = 1;
  std::array<std::uint32_t, max_rows> counts_{};
  std::vector<double> data_;  // row r: totals at [2r·cap, 2r·cap + cap), variances after
};

}  // namespace driftscope
