#pragma once
/// @file
/// @brief KSWIN, the Kolmogorov–Smirnov windowing detector, with river 0.26's
/// `drift.KSWIN` arguments, defaults and detections (for the same seed).
///
/// C. Raab, M. Heusinger & F.-M. Schleif (2020), "Reactive Soft Prototype Computing for
/// Concept Drift Streams", Neurocomputing 416. As river implements it:
/// - a sliding window Ψ of the last `window_size` values (oldest first);
/// - once Ψ is full, at every update: R = the last `stat_size` values of Ψ, and W =
///   `stat_size` values of Ψ at the positions `random.Random(seed).sample(range(window_size
///   - stat_size), stat_size)` (CPython's generator and sample, see core/python_random.hpp,
///   one generator per detector, re-seeded at every reset);
/// - scipy.stats.ks_2samp(W, R, method="auto") (two-sided; exact p-value since
///   stat_size <= 10000, Hodges' closed form for equal sizes, stats/ks.hpp): with h the
///   largest gap |#W <= v − #R <= v| over the pooled values, statistic D = h / stat_size
///   and p = P(D_{r,r} >= D);
/// - drift when p <= alpha and D > 0.1. Then Ψ keeps only R (river), and, as every
///   detector here, the state resets at the next update: Ψ empty, p_value 0, the generator
///   re-seeded with the same seed (or fresh entropy when there is no seed). No warning zone.
/// The p-value depends on h only, so it is computed once per distinct h and cached: the
/// detections and p_value equal river's bit for bit. (For stat_size > 10000 scipy switches
/// to the asymptotic p-value of its floating-point statistic; we do the same, uncached, and
/// that p-value agrees with scipy's kstwo.sf to ~1e-15 relative, not bit for bit.)
///
/// Parameters: 0 < alpha < 1 (river accepts [0, 1]); window_size >= 2; 1 <= stat_size and
/// 2·stat_size <= window_size (river accepts stat_size <= window_size but then fails at the
/// first full window, since it samples stat_size of the first window_size − stat_size
/// positions); window_size <= 2^26. `window`: initial values, as river's argument: its last
/// window_size values are kept; non-finite ones follow the non-finite policy. reset()
/// forgets them too (river's _reset).
///
/// Memory: O(window_size): the window (window_size doubles), R sorted (stat_size doubles),
/// the sample indices and scratch and the rank counts (O(stat_size) words), the p-value
/// cache (stat_size + 1 doubles), the generator (2.5 KB) and the seed's words.
/// Cost per value once the window is full: the sample (O(stat_size) draws), an O(stat_size)
/// update of the sorted recent values R, a branch-free binary search of each sampled value
/// in R and two prefix sums over the ranks (the KS gap without sorting the sample), i.e.
/// O(stat_size · log stat_size); no allocation (std::random_device is read at a reset
/// without a seed).
///
/// Serialized payload (after detector_base's header; little-endian):
/// | field         | type            | notes                                         |
/// |---------------|-----------------|-----------------------------------------------|
/// | alpha         | f64             |                                               |
/// | window_size   | i64             |                                               |
/// | stat_size     | i64             |                                               |
/// | has_seed      | u8              | 0 or 1                                        |
/// | seed words    | u32 count + u32s| |seed| little-endian words; count 0 iff no seed|
/// | drift pending | u8              | 0 or 1                                        |
/// | n             | u64             | updates since the last reset (river's n)      |
/// | p_value       | f64             | in [0, 1]                                     |
/// | statistic     | f64             | in [0, 1]                                     |
/// | window        | u64 count + f64s| oldest first, count <= window_size, finite    |
/// | generator     | 624 u32 + u32   | MT19937 words and index (<= 624)              |
///
/// Example:
/// @code
///   driftscope::kswin d(0.0001, 100, 30, 42);   // river: KSWIN(alpha=0.0001, seed=42)
///   for (double x : stream) if (d.update(x) == driftscope::signal::drift) { ... }
/// @endcode

#include <driftscope/core/python_random.hpp>
#include <driftscope/detect/detector.hpp>
#include <driftscope/stats/ks.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <utility>
#include <vector>

namespace driftscope {

class kswin : public detector_base<kswin> {
 public:
  static constexpr detector_kind kind = detector_kind::kswin;
  static constexpr const char* name = "KSWIN";
  /// Largest accepted window_size (bounds the memory a parameter or corrupt bytes can ask for).
  static constexpr std::int64_t max_window_size = std::int64_t{1} << 26;

  /// @brief river's `KSWIN(alpha, window_size, stat_size, seed, window)`.
  /// @param seed  `random.Random(seed)` for an int seed >= 0 (a negative Python seed acts as
  ///              its absolute value); nullopt draws a fresh seed from std::random_device at
  ///              construction and at every reset (river: seed=None).
  /// @param window initial values (river's `window`); the last window_size are kept.
  /// @throws std::invalid_argument for a parameter outside its range (see the file comment)
  ///         or a non-finite initial value under nonfinite_policy::raise.
  explicit kswin(double alpha = 0.005, std::int64_t window_size = 100, std::int64_t stat_size = 30,
                 std::optional<std::uint64_t> seed = std::nullopt,
                 const std::vector<double>& window = {},
                 nonfinite_policy nonfinite = nonfinite_policy::raise)
      : kswin(alpha, window_size, stat_size, seed_key(seed), window.data(), window.size(),
              nonfinite) {}

  /// @brief The same with any Python int seed: |seed| as little-endian 32-bit words
  /// (nullopt: no seed), and the initial window as a pointer and a count.
  static kswin with_seed_words(double alpha, std::int64_t window_size, std::int64_t stat_size,
                               std::optional<std::vector<std::uint32_t>> seed_words,
                               const double* window = nullptr, std::size_t window_count = 0,
                               nonfinite_policy nonfinite = nonfinite_policy::raise) {
    if (seed_words) normalize_key(*seed_words);
    return kswin(alpha, window_size, stat_size, std::move(seed_words), window, window_count,
                 nonfinite);
  }

  signal step(double x) {
    if (drift_pending_) reset_state();
    ++n_;
    push(x);
    if (count_ < window_size_) return signal::none;
    const std::size_t ss = static_cast<std::size_t>(stat_size_);
    const std::size_t old = static_cast<std::size_t>(window_size_) - ss;  // sampled positions
    rng_.sample(old, ss, sample_idx_.data(), sample_scratch_);
    if (recent_ready_) {
      // the window was full before x: the value at old - 1 just left R, x entered it
      replace_sorted(recent_.data(), ss, at(old - 1), x);
    } else {
      for (std::size_t i = 0; i < ss; ++i) recent_[i] = at(old + i);
      std::sort(recent_.begin(), recent_.end());
      recent_ready_ = true;
    }
    if (ss <= ks_max_exact) {
      const std::size_t h = max_gap_by_rank();
      statistic_ = static_cast<double>(h) * 1.0 / static_cast<double>(ss);
      double& p = p_cache_[h];
      if (std::isnan(p))
        p = ks_2samp_pvalue(statistic_, ss, ss, alternative::two_sided, ks_method::automatic,
                            nullptr);
      p_value_ = p;
    } else {
      for (std::size_t i = 0; i < ss; ++i)
        sampled_[i] = at(static_cast<std::size_t>(sample_idx_[i]));
      std::sort(sampled_.begin(), sampled_.end());
      statistic_ = float_statistic(sampled_.data(), recent_.data(), ss);
      p_value_ = ks_2samp_pvalue(statistic_, ss, ss, alternative::two_sided, ks_method::automatic,
                                 nullptr);
    }
    if (p_value_ <= alpha_ && statistic_ > 0.1) {
      drift_pending_ = true;
      // river keeps the most recent stat_size values (until the reset at the next update)
      head_ = wrap(head_ + old);
      count_ = stat_size_;
      recent_ready_ = false;
      return signal::drift;
    }
    return signal::none;
  }

  /// river's _reset: empty window, n = 0, p_value = 0, generator re-seeded.
  void reset_state() {
    n_ = 0;
    p_value_ = 0;
    statistic_ = 0;
    head_ = 0;
    count_ = 0;
    drift_pending_ = false;
    recent_ready_ = false;
    if (seed_words_) {
      rng_.seed_words(seed_words_->data(), seed_words_->size());
    } else {
      std::random_device rd;
      const std::uint32_t key[4] = {rd(), rd(), rd(), rd()};
      rng_.seed_words(key, 4);
    }
  }

  // --- parameters and read-only state ------------------------------------------------
  double alpha() const noexcept { return alpha_; }
  std::int64_t window_size() const noexcept { return window_size_; }
  std::int64_t stat_size() const noexcept { return stat_size_; }
  /// Whether a seed was given (else fresh entropy at every reset).
  bool has_seed() const noexcept { return seed_words_.has_value(); }
  /// |seed| as little-endian 32-bit words (no high zero words); empty without a seed.
  std::vector<std::uint32_t> seed_words() const {
    return seed_words_ ? *seed_words_ : std::vector<std::uint32_t>{};
  }
  /// Updates since the last reset (river's `n`).
  std::uint64_t n() const noexcept { return n_; }
  /// p-value of the last test (0 before the first test after a reset, as river).
  double p_value() const noexcept { return p_value_; }
  /// KS statistic of the last test (scipy's, h / stat_size; 0 before the first test).
  double statistic() const noexcept { return statistic_; }
  /// Values in the window (<= window_size; stat_size right after a drift).
  std::size_t window_count() const noexcept { return static_cast<std::size_t>(count_); }
  /// The i-th window value, oldest first (i < window_count()).
  double window_at(std::size_t i) const noexcept { return at(i); }
  /// The window, oldest first (a copy).
  std::vector<double> window() const {
    std::vector<double> out(window_count());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = at(i);
    return out;
  }
  /// The sampling generator (CPython's random.Random state).
  const python_random& generator() const noexcept { return rng_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(alpha_);
    w.put(window_size_);
    w.put(stat_size_);
    w.put(static_cast<std::uint8_t>(seed_words_.has_value()));
    const std::uint32_t nwords = seed_words_ ? static_cast<std::uint32_t>(seed_words_->size()) : 0;
    w.put(nwords);
    if (seed_words_) w.put_array(seed_words_->data(), seed_words_->size());
    w.put(static_cast<std::uint8_t>(drift_pending_));
    w.put(n_);
    w.put(p_value_);
    w.put(statistic_);
    w.put(static_cast<std::uint64_t>(count_));
    for (std::size_t i = 0; i < window_count(); ++i) w.put(at(i));
    w.put_array(rng_.state().data(), python_random::state_size);
    w.put(static_cast<std::uint32_t>(rng_.index()));
  }

  static kswin read_payload(detail::byte_reader& rd) {
    const auto alpha = rd.get<double>("alpha");
    const auto window_size = rd.get<std::int64_t>("window_size");
    const auto stat_size = rd.get<std::int64_t>("stat_size");
    const bool has_seed = detail::read_flag(rd, name, "has_seed");
    const auto nwords = rd.get<std::uint32_t>("seed word count");
    std::optional<std::vector<std::uint32_t>> words;
    if (has_seed) {
      if (nwords == 0)
        detail::throw_invalid_argument("{}.deserialize: a seed needs at least one word", name);
      rd.require_array(nwords, 4, "seed words");
      words.emplace(nwords);
      rd.get_array(words->data(), nwords, "seed words");
      if (nwords > 1 && words->back() == 0)
        detail::throw_invalid_argument("{}.deserialize: seed words have a high zero word", name);
    } else if (nwords != 0) {
      detail::throw_invalid_argument(
          "{}.deserialize: seed word count must be 0 without a seed, got {}", name, nwords);
    }
    // validates the parameters (without a seed this also draws entropy, overwritten below)
    kswin d(alpha, window_size, stat_size, std::move(words), nullptr, 0, nonfinite_policy::raise);
    d.drift_pending_ = detail::read_flag(rd, name, "drift pending");
    d.n_ = rd.get<std::uint64_t>("n");
    d.p_value_ = rd.get<double>("p_value");
    d.statistic_ = rd.get<double>("statistic");
    if (!(d.p_value_ >= 0 && d.p_value_ <= 1))
      detail::throw_invalid_argument("{}.deserialize: p_value must be in [0, 1], got {}", name,
                                     d.p_value_);
    if (!(d.statistic_ >= 0 && d.statistic_ <= 1))
      detail::throw_invalid_argument("{}.deserialize: statistic must be in [0, 1], got {}", name,
                                     d.statistic_);
    const auto count = rd.get<std::uint64_t>("window count");
    if (count > static_cast<std::uint64_t>(window_size))
      detail::throw_invalid_argument(
          "{}.deserialize: window holds {} values, more than window_size {}", name, count,
          window_size);
    if (d.drift_pending_ && count != static_cast<std::uint64_t>(stat_size))
      detail::throw_invalid_argument(
          "{}.deserialize: after a drift the window must hold stat_size values, got {}", name,
          count);
    rd.require_array(count, 8, "window");
    for (std::uint64_t i = 0; i < count; ++i) {
      const double v = rd.get<double>("window");
      if (!std::isfinite(v))
        detail::throw_invalid_argument("{}.deserialize: window value {} is not finite", name, v);
      d.buf_[static_cast<std::size_t>(i)] = v;
    }
    d.head_ = 0;
    d.count_ = static_cast<std::int64_t>(count);
    std::uint32_t mt[python_random::state_size];
    rd.get_array(mt, python_random::state_size, "generator state");
    const auto index = rd.get<std::uint32_t>("generator index");
    if (index > python_random::state_size)
      detail::throw_invalid_argument("{}.deserialize: generator index must be <= 624, got {}", name,
                                     index);
    d.rng_.set_state(mt, index);
    return d;
  }

 private:
  static constexpr std::size_t ks_max_exact = 10000;  // scipy's MAX_AUTO_N for method='auto'

  kswin(double alpha, std::int64_t window_size, std::int64_t stat_size,
        std::optional<std::vector<std::uint32_t>> seed_words, const double* window,
        std::size_t window_count, nonfinite_policy nonfinite)
      : detector_base(nonfinite),
        alpha_(alpha),
        window_size_(window_size),
        stat_size_(stat_size),
        seed_words_(std::move(seed_words)) {
    detail::require_open_unit(alpha, name, "alpha");
    detail::require_at_least(window_size, 2, name, "window_size");
    if (window_size > max_window_size)
      detail::throw_invalid_argument("{}: window_size must be <= {}, got {}", name, max_window_size,
                                     window_size);
    detail::require_at_least(stat_size, 1, name, "stat_size");
    if (stat_size >= window_size)
      detail::throw_invalid_argument(
          "{}: stat_size must be smaller than window_size, got stat_size={}, window_size={}", name,
          stat_size, window_size);
    if (2 * stat_size > window_size)
      detail::throw_invalid_argument(
          "{}: stat_size must be <= window_size - stat_size (the sample is drawn from the older "
          "window_size - stat_size values), got stat_size={}, window_size={}",
          name, stat_size, window_size);
    if (seed_words_) normalize_key(*seed_words_);
    const std::size_t ws = static_cast<std::size_t>(window_size),
                      ss = static_cast<std::size_t>(stat_size);
    buf_.assign(ws, 0.0);
    sampled_.assign(ss <= ks_max_exact ? 0 : ss, 0.0);
    rank_counts_.assign(2 * (ss + 1), 0U);
    recent_.assign(ss, 0.0);
    sample_idx_.assign(ss, 0);
    p_cache_.assign(ss <= ks_max_exact ? ss + 1 : 0, std::numeric_limits<double>::quiet_NaN());
    reset_state();
    // warm the sample scratch so the first full window does not allocate
    python_random warm(0);
    warm.sample(ws - ss, ss, sample_idx_.data(), sample_scratch_);
    for (std::size_t i = 0; i < window_count; ++i) {
      if (!std::isfinite(window[i])) {
        if (nonfinite == nonfinite_policy::raise)
          detail::throw_invalid_argument("{}: window[{}] must be finite, got {}", name, i,
                                         window[i]);
        continue;
      }
      push(window[i]);
    }
  }

  static std::optional<std::vector<std::uint32_t>> seed_key(std::optional<std::uint64_t> seed) {
    if (!seed) return std::nullopt;
    std::vector<std::uint32_t> key{static_cast<std::uint32_t>(*seed),
                                   static_cast<std::uint32_t>(*seed >> 32)};
    normalize_key(key);
    return key;
  }

  /// CPython's key: as many words as the bit length needs, at least one.
  static void normalize_key(std::vector<std::uint32_t>& key) {
    while (key.size() > 1 && key.back() == 0) key.pop_back();
    if (key.empty()) key.push_back(0);
  }

  std::size_t wrap(std::size_t i) const noexcept {
    const std::size_t ws = static_cast<std::size_t>(window_size_);
    return i >= ws ? i - ws : i;
  }
  double at(std::size_t i) const noexcept { return buf_[wrap(head_ + i)]; }

  /// deque(maxlen=window_size).append(x)
  void push(double x) noexcept {
    if (count_ < window_size_) {
      buf_[wrap(head_ + static_cast<std::size_t>(count_))] = x;
      ++count_;
    } else {
      buf_[head_] = x;
      head_ = wrap(head_ + 1);
    }
  }

  /// In sorted r[0..n): replaces one element equal to `out` by `in`, keeping r sorted (O(n)).
  static void replace_sorted(double* r, std::size_t n, double out, double in) noexcept {
    std::size_t q = static_cast<std::size_t>(std::lower_bound(r, r + n, out) - r);
    assert(q < n && r[q] == out);
    if (in >= out) {
      for (; q + 1 < n && r[q + 1] < in; ++q) r[q] = r[q + 1];
    } else {
      for (; q > 0 && r[q - 1] > in; --q) r[q] = r[q - 1];
    }
    r[q] = in;
  }

  /// #{r[i] < a} in sorted r[0..n), n >= 1, without data-dependent branches (the loop
  /// count depends on n only; the step is a conditional move).
  static std::size_t count_less(const double* r, std::size_t n, double a) noexcept {
    const double* base = r;
    while (n > 1) {
      const std::size_t half = n / 2;
      base = base[half] < a ? base + half : base;
      n -= half;
    }
    return static_cast<std::size_t>(base - r) + (*base < a ? 1 : 0);
  }

  /// The KS gap h = max over pooled values v of |A(v) - B(v)| (A, B: counts <= v of the
  /// sample W and of R), from the ranks of the sampled values in sorted R, without sorting
  /// the sample. With u(a) = #{b < a} and w(a) = #{b <= a}:
  /// - A - B is largest at the largest sample value of each group with w(a) = t, where it
  ///   is #{a : w(a) <= t} - t;
  /// - B - A is largest at the last element of each run of equal R values, index j, where
  ///   it is (j + 1) - #{a : u(a) <= j} (earlier elements of a run give smaller values).
  std::size_t max_gap_by_rank() noexcept {
    const std::size_t n = static_cast<std::size_t>(stat_size_);
    const double* r = recent_.data();
    std::uint32_t* by_w = rank_counts_.data();          // [0, n]
    std::uint32_t* by_u = rank_counts_.data() + n + 1;  // [0, n]
    std::fill(rank_counts_.begin(), rank_counts_.end(), 0U);
    for (std::size_t i = 0; i < n; ++i) {
      const double a = at(static_cast<std::size_t>(sample_idx_[i]));
      const std::size_t u = count_less(r, n, a);
      std::size_t w = u;
      while (w < n && r[w] == a) ++w;  // ties with R (rare for continuous data)
      ++by_u[u];
      ++by_w[w];
    }
    std::int64_t h = 0, c_w = 0, c_u = 0;
    for (std::size_t t = 0; t < n; ++t) {
      c_w += by_w[t];
      c_u += by_u[t];
      h = std::max(h, c_w - static_cast<std::int64_t>(t));
      h = std::max(h, static_cast<std::int64_t>(t + 1) - c_u);
    }
    return static_cast<std::size_t>(h);  // t = n adds c_w - n = 0
  }

  /// scipy's floating-point two-sided statistic (used on its asymptotic path).
  static double float_statistic(const double* a, const double* b, std::size_t n) noexcept {
    const double dn = static_cast<double>(n);
    double max_s = -std::numeric_limits<double>::infinity(),
           min_s = std::numeric_limits<double>::infinity();
    std::size_t i = 0, j = 0;
    while (i < n || j < n) {
      const double v = (j >= n || (i < n && a[i] < b[j])) ? a[i] : b[j];
      while (i < n && a[i] == v) ++i;
      while (j < n && b[j] == v) ++j;
      const double diff = static_cast<double>(i) / dn - static_cast<double>(j) / dn;
      max_s = std::max(max_s, diff);
      min_s = std::min(min_s, diff);
    }
    double neg = -min_s;
    if (neg < 0) neg = 0;
    if (neg > 1) neg = 1;
    return neg > max_s ? neg : max_s;
  }

  double alpha_;
  std::int64_t window_size_, stat_size_;
  std::optional<std::vector<std::uint32_t>> seed_words_;
  python_random rng_;
  std::vector<double> buf_;  // ring buffer, oldest at head_
  std::size_t head_ = 0;
  std::int64_t count_ = 0;
  std::uint64_t n_ = 0;
  double p_value_ = 0, statistic_ = 0;
  bool drift_pending_ = false;
  // scratch (contents not part of the state): recent_ is R sorted while recent_ready_
  bool recent_ready_ = false;
  std::vector<double> sampled_, recent_, p_cache_;
  std::vector<std::uint32_t> rank_counts_;
  std::vector<std::uint64_t> sample_idx_, sample_scratch_;
};

}  // namespace driftscope
