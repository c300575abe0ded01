#pragma once
/// @file
/// @brief The current window of a stream, kept value by value, for exact ECDF statistics
/// (two-sample KS, 1-Wasserstein) against a prepared reference.
///
/// At every evaluation point of the window schedule (window_spec.hpp), `ks()` equals
/// `reference_profile::ks(window values)` = scipy.stats.ks_2samp(reference, window)
/// (statistic bit for bit, same p-value path, same method) and `wasserstein()` equals
/// `reference_profile::wasserstein(window values)` = scipy.stats.wasserstein_distance
/// (bit for bit with the batch profile: same merge walk on the same sorted arrays).
/// NaN in the stream is *missing*: it occupies its slot in the window (rows()), is
/// counted (missing()), and is never a value; ±inf are values. The reference must use
/// nan_policy::omit.
///
/// Windows: sliding (a ring of the last `size` values), tumbling (the current window's
/// values; cleared by the first update after an evaluation) and time (values with their
/// timestamps inside `duration_ns`, a growable ring, amortized O(1)). Decaying windows
/// are rejected: an exact KS has no weighted form here. A time window evaluated at
/// boundary b holds exactly the values with timestamp in [b - duration_ns, b) (the new
/// value is added after on_eval returns); between evaluation points it holds the last
/// evaluated window plus the values that arrived since (as histogram_window).
///
/// ## Sorted view: two strategies (ecdf_sort_strategy), measured
/// - incremental: the window is kept sorted; each update finds the evicted and the new
///   value by binary search and moves the values between the two positions by one slot
///   (one memmove of ~size/3 values on average). Cost per value O(log size + size/3
///   moves); evaluation needs no sort.
/// - resort: each update only writes the ring (O(1)); at an evaluation point the window
///   is copied without NaN into a reused buffer and sorted (kernels::sort, VQSort):
///   O(size log size) per evaluation, i.e. O(size log size / stride) per value.
/// - automatic (default): resort for tumbling and time windows; for sliding windows the
///   cheaper one by the measured cost model `detail::ecdf_window::incremental_is_cheaper`
///   (incremental below a stride of ~33 at size 1000, ~136 at size 10000).
///   Measured with benchmarks/bench_ecdf_window.cpp (shared 2-core VM, g++ 12 -O3, double,
///   CPU time, 100,000-value reference; ns per value in steady state):
///   | size / stride | view only: incremental | view only: resort | with ks() at every point |
///   |---------------|------------------------|-------------------|--------------------------|
///   | 1000 / 100    | 126                    | 49 (sort ~4.5 us) | 1230 resort, 1270 incr.  |
///   | 10000 / 1000  | 404                    | 60 (sort ~53 us)  | 273 resort, 598 incr.    |
///   | 1000 / 30     | 117                    | 148               |                          |
///   | 10000 / 100   | 384                    | 563               |                          |
///   | 10000 / 300   | 391                    | 190               |                          |
///   Per evaluation (ks(), size 1000 vs 100,000): ~120 us = sort ~4.5 us + statistic by
///   search ~30 us (~160 us by the walk) + the asymptotic p-value, the largest part: its
///   Smirnov sum is O(n) in the band 2.2 <= n·D² < 370 (up to ~140 us at n_eff ~ 990).
///
/// ## KS evaluation: two paths giving identical results
/// The merge walk (kernels::ecdf_walk) costs O(n_ref + n_win). When the window is small
/// against the reference, each window group is instead located in the sorted reference
/// by galloping search from the previous one, O(n_win log(n_ref / n_win)): on each run
/// between consecutive window values the window ECDF is constant and the reference ECDF
/// nondecreasing, so F_ref - F_win is largest at the run's last pooled point and smallest at its
/// first; those candidates (evaluated with the same double expression i/n1 - j/n2 as scipy, ties
/// broken by position as numpy.argmax over scipy's pooled array) give the same extremes and
/// locations as the walk, and then the same p-value code (detail::ks::pvalue). The path
/// is chosen by size (`detail::ecdf_window::prefer_search`; measured against a
/// 100,000-value reference, CPU time per evaluation without the p-value: 1000 window
/// values: search ~34 us, walk ~160 us; 10000: search ~240 us, walk ~170 us).
/// wasserstein() always walks (the area needs every reference gap); evaluate() gives
/// KS and Wasserstein from one walk.
///
/// Thread safety: like std containers; const queries may run concurrently. When the
/// sorted view is not current (resort strategy, queried between evaluation points) a
/// query sorts into a per-thread scratch buffer; sorted_data() then points into that
/// buffer (valid until the next update, or the next such query on this thread).
///
/// Example:
/// @code
///   auto ref = std::make_shared<const driftscope::reference_profile<double>>(r.data(), r.size());
///   driftscope::ecdf_window<double> w(ref, driftscope::window_spec::sliding(1000, 100));
///   w.update_many(x.data(), x.size(), [](const auto& win, const driftscope::window_end& e) {
///     if (win.n() > 0 && win.ks().pvalue < 1e-3) { /* drift at e.index */ }
///   });
/// @endcode
///
/// ## Serialized format (version 1), all little-endian: the window state only
///
/// | offset | size  | field                                                          |
/// |--------|-------|----------------------------------------------------------------|
/// | 0      | 4     | magic: ASCII "DSEW"                                            |
/// | 4      | 1     | family id: 2 (ecdf_window)                                     |
/// | 5      | 1     | format version: 1                                              |
/// | 6      | 1     | flags: bit 0 set = values are double, clear = float;           |
/// |        |       | bit 1 = a time window has seen a timestamp; other bits 0       |
/// | 7      | 1     | value size in bytes: 8 or 4                                    |
/// | 8      | 1     | window kind: 1 sliding, 2 tumbling, 3 time                     |
/// | 9      | 1     | sort strategy: 0 automatic, 1 incremental, 2 resort            |
/// | 10     | 6     | reserved, 0                                                    |
/// | 16     | 8     | size (u64)                                                     |
/// | 24     | 8     | stride (u64)                                                   |
/// | 32     | 8     | duration_ns (i64)                                              |
/// | 40     | 8     | stride_ns (i64)                                                |
/// | 48     | 8     | seen: values ever seen (u64)                                   |
/// | 56     | 8     | rows: values in the window (u64)                               |
/// | 64     | 8     | reference n (u64)                                              |
/// | 72     | 8     | reference checksum: FNV-1a 64 of the sorted reference bytes    |
/// | 80     | 8     | time: origin (first timestamp) (i64; 0 otherwise)              |
/// | 88     | 8     | time: next evaluation boundary (i64; 0 otherwise)              |
/// | 96     | 8     | time: latest timestamp (i64; 0 otherwise)                      |
/// | 104    | s·rows| window values, oldest first, NaN = missing (s = value size)    |
/// | ...    | 8·rows| time only: their timestamps (i64), non-decreasing              |
///
/// deserialize() needs the reference the window was built on (same n and checksum, else
/// std::invalid_argument); truncated bytes throw std::out_of_range; corrupt bytes (magic,
/// family, version, value type, kind, strategy, reserved, parameters, rows inconsistent
/// with seen, timestamps out of order or outside the window, trailing bytes) throw
/// std::invalid_argument.

#include <driftscope/core/alternative.hpp>
#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/kernels/ecdf_walk.hpp>
#include <driftscope/kernels/sort.hpp>
#include <driftscope/stats/detail/sample.hpp>
#include <driftscope/stats/ks.hpp>
#include <driftscope/stats/reference_profile.hpp>
#include <driftscope/window/window_spec.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace driftscope {

/// @brief How an ecdf_window keeps its sorted view (see the file comment).
enum class ecdf_sort_strategy : std::uint8_t {
  automatic = 0,    ///< chosen from the window kind and stride / size (measured)
  incremental = 1,  ///< kept sorted on every update (binary search + memmove)
  resort = 2,       ///< sorted at evaluation points into a reused buffer
};

inline const char* to_string(ecdf_sort_strategy s) noexcept {
  switch (s) {
    case ecdf_sort_strategy::automatic: return "automatic";
    case ecdf_sort_strategy::incremental: return "incremental";
    case ecdf_sort_strategy::resort: return "resort";
  }
  return "?";
}

/// @brief KS and Wasserstein of one evaluation, from one pass (ecdf_window::evaluate).
struct ecdf_evaluation {
  ks_result ks;
  double wasserstein = 0;
};

namespace detail::ecdf_window {

/// Cost model of the two sorted-view strategies, in ns per value (fitted to
/// bench_ecdf_window.cpp: BM_ecdf_window_view and BM_ecdf_resort, double, see the file
/// comment): incremental ~ 90 + 0.03·size (two binary searches + a memmove of ~size/3
/// values); resort ~ 0.4·size·log2(size) / stride (one VQSort per evaluation). Sliding
/// windows keep the view incrementally when that is cheaper: break-even stride ~33 at
/// size 1000, ~136 at size 10000.
inline bool incremental_is_cheaper(std::uint64_t size, std::uint64_t stride) noexcept {
  const double n = static_cast<double>(size);
  const double incremental = 90.0 + 0.03 * n;
  const double resort = 0.4 * n * std::log2(n + 1.0) / static_cast<double>(stride);
  return incremental < resort;
}
/// Relative cost of one galloping-search step against one merge-walk step. Measured
/// (BM_ecdf_ks_eval, 100,000-value reference, CPU time without the p-value): the walk
/// ~1.6 ns per pooled value (~160 us); the search ~34 ns per window value at 1000 values,
/// ~33 at 3000, ~24 at 10000 (walk wins from ~6000 window values).
constexpr double search_cost = 1.6;

inline std::int64_t sat_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return b > 0 ? std::numeric_limits<std::int64_t>::max()
                 : std::numeric_limits<std::int64_t>::min();
  return r;
}
inline std::int64_t sat_sub(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r;
  if (__builtin_sub_overflow(a, b, &r))
    return b > 0 ? std::numeric_limits<std::int64_t>::min()
                 : std::numeric_limits<std::int64_t>::max();
  return r;
}

/// FNV-1a 64 over the bytes of `n` values (identifies the reference in serialized bytes).
template <class T>
std::uint64_t checksum(const T* x, std::size_t n) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (std::size_t i = 0; i < n; ++i) {
    uint_of<T> bits;
    std::memcpy(&bits, &x[i], sizeof(T));
    for (std::size_t k = 0; k < sizeof(T); ++k) {
      h ^= static_cast<std::uint64_t>((bits >> (8 * k)) & 0xFFu);
      h *= 1099511628211ull;
    }
  }
  return h;
}

/// Number of values of sorted x[lo..hi) below v (lower bound), branch-light.
template <class T>
std::size_t count_below(const T* x, std::size_t lo, std::size_t hi, T v) noexcept {
  const T* base = x + lo;
  std::size_t len = hi - lo;
  while (len > 1) {
    const std::size_t half = len / 2;
    base = base[half - 1] < v ? base + half : base;
    len -= half;
  }
  return static_cast<std::size_t>(base - x) + ((len == 1 && *base < v) ? 1 : 0);
}

/// The same, galloping from lo (steps 1, 2, 4, ... then a binary search): O(log d) for
/// an answer d values past lo, with nearby loads. Successive window values land close
/// together in the reference, so this beats a search over the whole range.
template <class T>
std::size_t gallop_below(const T* x, std::size_t lo, std::size_t hi, T v) noexcept {
  std::size_t step = 1, prev = lo;
  while (lo + step <= hi && x[lo + step - 1] < v) {  // x[lo .. lo+step) all < v
    prev = lo + step;
    step *= 2;
  }
  return count_below(x, prev, std::min(lo + step, hi), v);
}

/// Number of values of sorted x[lo..hi) at or below v (upper bound).
template <class T>
std::size_t count_at_or_below(const T* x, std::size_t lo, std::size_t hi, T v) noexcept {
  return static_cast<std::size_t>(std::upper_bound(x + lo, x + hi, v) - x);
}

/// @brief The ECDF extremes of ks_2samp (sorted a = data1, sorted b = data2, no NaN,
/// both non-empty) by galloping search of b's groups in a: O(nb log(na / nb)). Equals
/// kernels::ecdf_walk's max/min and locations bit for bit (l1 is not computed: NaN).
template <class T>
kernels::ecdf_walk_result extremes_by_search(const T* a, std::size_t na, const T* b,
                                             std::size_t nb) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double fna = static_cast<double>(na), fnb = static_cast<double>(nb);
  double max_a = -inf, max_b = -inf, min_a = inf, min_b = inf;
  double max_la = 0, max_lb = 0, min_la = 0, min_lb = 0;
  // Candidates arrive in pooled order, so strict comparisons keep the first position.
  auto cand_a = [&](std::size_t i, std::size_t j, bool for_max, bool for_min) {
    const double d = static_cast<double>(i) / fna - static_cast<double>(j) / fnb;
    const double loc = static_cast<double>(a[i - 1]);
    if (for_max && d > max_a) {
      max_a = d;
      max_la = loc;
    }
    if (for_min && d < min_a) {
      min_a = d;
      min_la = loc;
    }
  };
  // a-only groups of a[lo..hi) (none of b among them), j values of b below: the first
  // group is the smallest difference, the last the largest.
  auto a_run = [&](std::size_t lo, std::size_t hi, std::size_t j) {
    if (hi <= lo) return;
    std::size_t first_end = lo + 1;
    if (first_end < hi && a[first_end] == a[lo])
      first_end = count_at_or_below(a, first_end, hi, a[lo]);
    cand_a(first_end, j, false, true);
    cand_a(hi, j, true, false);
  };
  std::size_t lo = count_below(a, 0, na, b[0]);  // #a < b[0]
  a_run(0, lo, 0);
  std::size_t k = 0;
  while (k < nb) {
    const T w = b[k];
    std::size_t kend = k + 1;
    if (kend < nb && b[kend] == w) kend = count_at_or_below(b, kend, nb, w);
    std::size_t hi = lo;  // #a <= w
    if (hi < na && a[hi] == w) hi = count_at_or_below(a, hi, na, w);
    const double d = static_cast<double>(hi) / fna - static_cast<double>(kend) / fnb;
    const double loc_b = static_cast<double>(b[kend - 1]);
    if (d > max_b) {
      max_b = d;
      max_lb = loc_b;
    }
    if (d < min_b) {
      min_b = d;
      min_lb = loc_b;
    }
    if (hi > lo) cand_a(hi, kend, true, true);
    const std::size_t next_lo = kend < nb ? gallop_below(a, hi, na, b[kend]) : na;
    a_run(hi, next_lo, kend);
    lo = next_lo;
    k = kend;
  }
  kernels::ecdf_walk_result r;
  if (max_a >= max_b) {
    r.max_diff = max_a;
    r.max_location = max_la;
  } else {
    r.max_diff = max_b;
    r.max_location = max_lb;
  }
  if (min_a <= min_b) {
    r.min_diff = min_a;
    r.min_location = min_la;
  } else {
    r.min_diff = min_b;
    r.min_location = min_lb;
  }
  r.l1 = std::numeric_limits<double>::quiet_NaN();
  return r;
}

/// True when the search beats the merge walk for these sizes: a gallop over a gap of
/// g = n_ref / n_win reference values costs ~2·log2(g + 1) + 2 steps per window value.
inline bool prefer_search(std::size_t n_ref, std::size_t n_win) noexcept {
  const double gap = static_cast<double>(n_ref) / static_cast<double>(n_win);
  const double steps = static_cast<double>(n_win) * (2.0 * std::log2(gap + 1.0) + 2.0);
  return steps * search_cost < static_cast<double>(n_ref + n_win);
}

struct scratch_tag {};

}  // namespace detail::ecdf_window

/// The current window's values kept for exact ECDF statistics against a prepared reference.
template <class T = double>  // value type of the reference profile and the stored window
class ecdf_window {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "ecdf_window: T must be float or double");

 public:
  using value_type = T;
  using profile_type = reference_profile<T>;

  static constexpr std::uint8_t serial_family = 2;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serial_preamble_bytes = 104;

  /// sliding, tumbling or time windows (decaying: invalid_argument — no exact KS on weights).
  /// The profile is shared (the window keeps it alive); it must use nan_policy omit.
  ecdf_window(std::shared_ptr<const reference_profile<T>> reference, const window_spec& window)
      : ecdf_window(std::move(reference), window, ecdf_sort_strategy::automatic) {}

  /// @brief The same with an explicit sorted-view strategy (benchmarks, tests).
  /// @throws std::invalid_argument for a null or non-omit reference, an invalid or
  ///         decaying window, an invalid strategy, incremental on a tumbling window.
  ecdf_window(std::shared_ptr<const reference_profile<T>> reference, const window_spec& window,
              ecdf_sort_strategy strategy)
      : ref_(std::move(reference)), spec_(window), requested_(strategy) {
    static constexpr const char* fn = "ecdf_window";
    if (!ref_) detail::throw_invalid_argument("{}: reference must not be null", fn);
    if (ref_->nan() != nan_policy::omit)
      detail::throw_invalid_argument(
          "{}: the reference profile must use nan_policy 'omit', got '{}'", fn,
          to_string(ref_->nan()));
    spec_.validate(fn);
    if (spec_.kind == window_kind::decaying)
      detail::throw_invalid_argument(
          "{}: window kind 'decaying' is not supported (no exact KS on weighted "
          "samples); use sliding, tumbling or time",
          fn);
    if (static_cast<std::uint8_t>(strategy) > 2)
      detail::throw_invalid_argument("{}: strategy has invalid value {}", fn,
                                     static_cast<int>(strategy));
    if (spec_.is_count() && spec_.size > (std::uint64_t{1} << 40))
      detail::throw_invalid_argument("{}: window size must be <= 2^40, got {}", fn, spec_.size);
    incremental_ = choose_incremental(spec_, strategy);
    sorted_valid_ = incremental_;
  }

  // --- updates ---------------------------------------------------------------------

  /// @brief Adds one value (count windows). @return true at an evaluation point (the
  /// state is then that window). @throws std::invalid_argument on a time window.
  bool update(double x) {
    bool eval = false;
    update(x, [&](const ecdf_window&, const window_end&) { eval = true; });
    return eval;
  }

  /// @brief Adds one value (count windows); calls on_eval(*this, window_end) at an
  /// evaluation point, after the value is in.
  template <class F>
  void update(double x, F&& on_eval) {
    if (spec_.is_time())
      detail::throw_invalid_argument(
          "ecdf_window::update: a time window needs a timestamp for every value");
    if (push_count(static_cast<T>(x)))
      on_eval(static_cast<const ecdf_window&>(*this), window_end{seen_, 0, false});
  }

  /// @brief Adds `n` values (count windows), as update(x[i], on_eval) in turn. U = float or double.
  template <class U, class F>
  void update_many(const U* x, std::size_t n, F&& on_eval) {
    static_assert(std::is_same<U, float>::value || std::is_same<U, double>::value,
                  "ecdf_window::update_many: U must be float or double");
    if (spec_.is_time())
      detail::throw_invalid_argument("ecdf_window::update_many: a time window needs timestamps");
    if (n != 0 && x == nullptr)
      detail::throw_invalid_argument("ecdf_window::update_many: x is null with n = {}", n);
    for (std::size_t i = 0; i < n; ++i)
      if (push_count(static_cast<T>(x[i])))
        on_eval(static_cast<const ecdf_window&>(*this), window_end{seen_, 0, false});
  }

  /// @brief Adds one value with its timestamp (ns). Time windows: evaluates the window at
  /// the latest boundary <= timestamp first (when one is due), then adds the value;
  /// count windows: as update(x, on_eval), reporting the timestamp in window_end.
  /// @throws std::invalid_argument naming `timestamp` when a time window's timestamps go
  ///         backwards (the window is unchanged).
  template <class F>
  void update(double x, std::int64_t timestamp_ns, F&& on_eval) {
    if (!spec_.is_time()) {
      if (push_count(static_cast<T>(x)))
        on_eval(static_cast<const ecdf_window&>(*this), window_end{seen_, timestamp_ns, true});
      return;
    }
    push_time(static_cast<T>(x), timestamp_ns, on_eval);
  }

  /// @brief Adds `n` values with their timestamps, as update(x[i], timestamps_ns[i], on_eval).
  /// @throws std::invalid_argument naming `timestamp` when a time window's timestamps go
  ///         backwards anywhere in the batch (checked first: the window is unchanged).
  template <class U, class F>
  void update_many(const U* x, const std::int64_t* timestamps_ns, std::size_t n, F&& on_eval) {
    static_assert(std::is_same<U, float>::value || std::is_same<U, double>::value,
                  "ecdf_window::update_many: U must be float or double");
    if (n != 0 && (x == nullptr || timestamps_ns == nullptr))
      detail::throw_invalid_argument(
          "ecdf_window::update_many: x or timestamps is null with n = {}", n);
    if (spec_.is_time()) {
      std::int64_t prev = has_time_ ? last_ts_ : std::numeric_limits<std::int64_t>::min();
      for (std::size_t i = 0; i < n; ++i) {
        if (timestamps_ns[i] < prev)
          detail::throw_invalid_argument(
              "ecdf_window::update_many: timestamp must be non-decreasing, got {} after {} "
              "(index {})",
              timestamps_ns[i], prev, i);
        prev = timestamps_ns[i];
      }
    }
    for (std::size_t i = 0; i < n; ++i)
      update(static_cast<double>(x[i]), timestamps_ns[i], on_eval);
  }

  // --- queries on the current window -------------------------------------------------

  /// @brief KS of the reference (data1) against the window's values (data2); equals
  /// reference_profile::ks(window values) = ks_2samp(reference, window) exactly.
  /// @throws std::domain_error when the window holds no non-missing value,
  ///         std::invalid_argument for invalid alt / method.
  ks_result ks(alternative alt = alternative::two_sided,
               ks_method method = ks_method::automatic) const {
    ks_options{alt, method, nan_policy::omit}.validate();
    const std::size_t nw = n();
    if (nw == 0) empty_error("ks");
    const T* w = sorted_view();
    const std::vector<T>& r = ref_->sorted_values();
    ks_result res;
    if (detail::ecdf_window::prefer_search(r.size(), nw)) {
      res = detail::ks::from_extremes(
          detail::ecdf_window::extremes_by_search(r.data(), r.size(), w, nw), r.size(), nw, alt,
          method);
    } else {
      res = ks_2samp_sorted(r.data(), r.size(), w, nw, alt, method);
    }
    res.missing1 = ref_->missing();
    res.missing2 = static_cast<std::size_t>(missing_);
    return res;
  }

  /// @brief 1-Wasserstein distance between the reference and the window's values; equals
  /// reference_profile::wasserstein(window values). O(n_ref + n_win) merge walk.
  /// @throws std::domain_error when the window holds no non-missing value.
  double wasserstein() const {
    const std::size_t nw = n();
    if (nw == 0) empty_error("wasserstein");
    const std::vector<T>& r = ref_->sorted_values();
    return kernels::ecdf_walk(r.data(), r.size(), sorted_view(), nw).l1;
  }

  /// @brief ks(alt, method) and wasserstein() from one merge walk (cheaper than both calls
  /// when both are wanted). @throws as ks().
  ecdf_evaluation evaluate(alternative alt = alternative::two_sided,
                           ks_method method = ks_method::automatic) const {
    ks_options{alt, method, nan_policy::omit}.validate();
    const std::size_t nw = n();
    if (nw == 0) empty_error("evaluate");
    const std::vector<T>& r = ref_->sorted_values();
    const kernels::ecdf_walk_result wk = kernels::ecdf_walk(r.data(), r.size(), sorted_view(), nw);
    ecdf_evaluation e;
    e.ks = detail::ks::from_extremes(wk, r.size(), nw, alt, method);
    e.ks.missing1 = ref_->missing();
    e.ks.missing2 = static_cast<std::size_t>(missing_);
    e.wasserstein = wk.l1;
    return e;
  }

  /// The window's non-missing values, sorted ascending (valid until the next update; see
  /// the file comment on thread safety). Null-safe: an empty window gives a pointer to 0 values.
  const T* sorted_data() const { return sorted_view(); }
  /// Non-missing values in the window.
  std::size_t n() const noexcept { return static_cast<std::size_t>(rows_ - missing_); }
  /// Missing (NaN) values in the window.
  std::uint64_t missing() const noexcept { return missing_; }
  /// All values in the window.
  std::uint64_t rows() const noexcept { return rows_; }
  /// Values ever seen (missing included).
  std::uint64_t seen() const noexcept { return seen_; }

  /// Sum of the window's non-missing values (compensated, oldest first); 0 when empty.
  double sum() const noexcept {
    double s = 0, c = 0;
    for_each_value([&](T v) {
      if (std::isnan(v)) return;
      const double x = static_cast<double>(v);
      const double t = s + x;
      c += std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;  // Neumaier
      s = t;
    });
    return std::isfinite(s) ? s + c : s;
  }
  /// Σ (x - mean)² over the non-missing values, two-pass (mean = sum()/n()).
  /// @throws std::domain_error when n() == 0.
  double sum_squares_centered() const {
    if (n() == 0) empty_error("sum_squares_centered");
    const double mean = sum() / static_cast<double>(n());
    double s = 0, c = 0;
    for_each_value([&](T v) {
      if (std::isnan(v)) return;
      const double d = static_cast<double>(v) - mean;
      const double x = d * d;
      const double t = s + x;
      c += s >= x ? (s - t) + x : (x - t) + s;
      s = t;
    });
    return std::isfinite(s) ? s + c : s;
  }
  /// Smallest non-missing value. @throws std::domain_error when n() == 0.
  double min() const {
    if (n() == 0) empty_error("min");
    return static_cast<double>(sorted_view()[0]);
  }
  /// Largest non-missing value. @throws std::domain_error when n() == 0.
  double max() const {
    if (n() == 0) empty_error("max");
    return static_cast<double>(sorted_view()[n() - 1]);
  }

  const window_spec& window() const noexcept { return spec_; }
  const std::shared_ptr<const reference_profile<T>>& reference() const noexcept { return ref_; }
  /// The strategy in use (incremental or resort; never automatic).
  ecdf_sort_strategy strategy() const noexcept {
    return incremental_ ? ecdf_sort_strategy::incremental : ecdf_sort_strategy::resort;
  }

  /// @brief Empties the window and forgets the stream (seen() = 0, time origin unset).
  void reset() {
    head_ = 0;
    rows_ = 0;
    missing_ = 0;
    seen_ = 0;
    n_sorted_ = 0;
    sorted_valid_ = incremental_;
    has_time_ = false;
    origin_ = next_boundary_ = last_ts_ = 0;
  }

  /// @brief Tumbling only: appends other's current partial window (same reference
  /// contents + spec). seen() becomes the sum. The result must fit: rows() +
  /// other.rows() <= size (a full window is not evaluated by merge; query it directly).
  /// @throws std::invalid_argument for a non-tumbling window, different spec or
  ///         reference, or too many rows.
  void merge(const ecdf_window& other) {
    static constexpr const char* fn = "ecdf_window::merge";
    if (spec_.kind != window_kind::tumbling)
      detail::throw_invalid_argument("{}: only tumbling windows merge, this is '{}'", fn,
                                     to_string(spec_.kind));
    if (other.spec_.kind != spec_.kind || other.spec_.size != spec_.size)
      detail::throw_invalid_argument("{}: window specs differ (size {} vs {})", fn, spec_.size,
                                     other.spec_.size);
    if (other.ref_ != ref_ &&
        !(other.ref_->n() == ref_->n() && other.ref_->missing() == ref_->missing() &&
          std::equal(ref_->sorted_values().begin(), ref_->sorted_values().end(),
                     other.ref_->sorted_values().begin())))
      detail::throw_invalid_argument("{}: the two windows have different references", fn);
    if (&other == this) detail::throw_invalid_argument("{}: cannot merge a window into itself", fn);
    const std::uint64_t here = current_rows_for_merge();
    if (here + other.rows_ > spec_.size)
      detail::throw_invalid_argument("{}: {} + {} rows exceed the window size {}", fn, here,
                                     other.rows_, spec_.size);
    if (here != rows_) {  // a just-evaluated full window: the next window starts now
      rows_ = missing_ = 0;
      n_sorted_ = 0;
    }
    while (ring_.size() < rows_ + other.rows_) grow();
    other.for_each_value([&](T v) {
      ring_[static_cast<std::size_t>(rows_)] = v;
      ++rows_;
      if (std::isnan(v)) ++missing_;
    });
    seen_ += other.seen_;
    // the combined window ends exactly on a boundary iff rows == size
    sorted_valid_ = false;
    if (rows_ == spec_.size) refresh_sorted();
  }

  /// Bytes held (object, ring, timestamps, sorted buffer; the shared reference excluded).
  std::size_t memory_bytes() const noexcept {
    return sizeof(*this) + ring_.capacity() * sizeof(T) + ts_.capacity() * sizeof(std::int64_t) +
           sorted_.capacity() * sizeof(T);
  }

  std::size_t serialized_size_bytes() const noexcept {
    return serial_preamble_bytes +
           static_cast<std::size_t>(rows_) * (sizeof(T) + (spec_.is_time() ? 8 : 0));
  }

  /// @brief The window state (not the reference) as little-endian bytes (file comment).
  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_size_bytes());
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSEW", serial_family, serial_version);
    w.put(
        static_cast<std::uint8_t>((std::is_same<T, double>::value ? 1 : 0) | (has_time_ ? 2 : 0)));
    w.put(static_cast<std::uint8_t>(sizeof(T)));
    w.put(static_cast<std::uint8_t>(spec_.kind));
    w.put(static_cast<std::uint8_t>(requested_));
    w.put_zeros(6);
    w.put(static_cast<std::uint64_t>(spec_.size));
    w.put(static_cast<std::uint64_t>(spec_.stride));
    w.put(static_cast<std::int64_t>(spec_.duration_ns));
    w.put(static_cast<std::int64_t>(spec_.stride_ns));
    w.put(seen_);
    w.put(rows_);
    w.put(static_cast<std::uint64_t>(ref_->n()));
    w.put(detail::ecdf_window::checksum(ref_->sorted_values().data(), ref_->n()));
    w.put(origin_);
    w.put(next_boundary_);
    w.put(last_ts_);
    for_each_value([&](T v) { w.put(v); });
    if (spec_.is_time())
      for (std::size_t k = 0; k < rows_; ++k) w.put(ts_[slot(k)]);
    return out;
  }

  /// @brief Restores a window from serialize()'s bytes on the same reference; it then
  /// produces exactly the outputs the original would.
  /// @throws std::out_of_range for truncated bytes, std::invalid_argument for corrupt
  ///         bytes or a different reference.
  static ecdf_window deserialize(const void* data, std::size_t size,
                                 std::shared_ptr<const reference_profile<T>> reference) {
    static constexpr const char* fn = "ecdf_window::deserialize";
    if (!reference) detail::throw_invalid_argument("{}: reference must not be null", fn);
    detail::byte_reader rd(data, size, fn);
    rd.require(serial_preamble_bytes, "preamble");
    detail::read_preamble(rd, "DSEW", serial_family, serial_version, fn, "ecdf_window");
    const auto flags = rd.get<std::uint8_t>("flags");
    const auto value_size = rd.get<std::uint8_t>("value size");
    const std::uint8_t want = std::is_same<T, double>::value ? 1 : 0;
    if ((flags & ~std::uint8_t{3}) != 0 || (flags & 1) != want || value_size != sizeof(T))
      detail::throw_invalid_argument("{}: flags {} / value size {} do not match a {} window", fn,
                                     flags, value_size,
                                     std::is_same<T, double>::value ? "double" : "float");
    const bool has_time = (flags & 2) != 0;
    const auto kind = rd.get<std::uint8_t>("window kind");
    if (kind < 1 || kind > 3)
      detail::throw_invalid_argument("{}: window kind must be 1, 2 or 3, got {}", fn, kind);
    const auto strat = rd.get<std::uint8_t>("strategy");
    if (strat > 2)
      detail::throw_invalid_argument("{}: strategy must be 0, 1 or 2, got {}", fn, strat);
    for (int k = 0; k < 6; ++k)
      if (rd.get<std::uint8_t>("reserved") != 0)
        detail::throw_invalid_argument("{}: reserved bytes must be 0", fn);
    window_spec spec;
    spec.kind = static_cast<window_kind>(kind);
    spec.size = rd.get<std::uint64_t>("size");
    spec.stride = rd.get<std::uint64_t>("stride");
    spec.duration_ns = rd.get<std::int64_t>("duration_ns");
    spec.stride_ns = rd.get<std::int64_t>("stride_ns");
    if (spec.kind == window_kind::time && (spec.size != 0 || spec.stride != 0))
      detail::throw_invalid_argument("{}: a time window must have size and stride 0", fn);
    if (spec.kind != window_kind::time && (spec.duration_ns != 0 || spec.stride_ns != 0))
      detail::throw_invalid_argument("{}: a count window must have duration and stride_ns 0", fn);
    const auto seen = rd.get<std::uint64_t>("seen");
    const auto rows = rd.get<std::uint64_t>("rows");
    const auto ref_n = rd.get<std::uint64_t>("reference n");
    const auto ref_sum = rd.get<std::uint64_t>("reference checksum");
    const auto origin = rd.get<std::int64_t>("origin");
    const auto next_b = rd.get<std::int64_t>("next boundary");
    const auto last_ts = rd.get<std::int64_t>("latest timestamp");
    // validates spec (invalid_argument), reference policy, strategy
    ecdf_window w(std::move(reference), spec, static_cast<ecdf_sort_strategy>(strat));
    if (ref_n != w.ref_->n() ||
        ref_sum != detail::ecdf_window::checksum(w.ref_->sorted_values().data(), w.ref_->n()))
      detail::throw_invalid_argument("{}: the bytes were written for a different reference (n {})",
                                     fn, ref_n);
    if (rows > seen) detail::throw_invalid_argument("{}: rows {} exceed seen {}", fn, rows, seen);
    if (spec.kind == window_kind::sliding && rows != std::min<std::uint64_t>(seen, spec.size))
      detail::throw_invalid_argument("{}: a sliding window with seen {} must hold {} rows, got {}",
                                     fn, seen, std::min<std::uint64_t>(seen, spec.size), rows);
    if (spec.kind == window_kind::tumbling && rows != (seen == 0 ? 0 : (seen - 1) % spec.size + 1))
      detail::throw_invalid_argument("{}: a tumbling window with seen {} cannot hold {} rows", fn,
                                     seen, rows);
    if (spec.kind != window_kind::time && (has_time || origin != 0 || next_b != 0 || last_ts != 0))
      detail::throw_invalid_argument("{}: time fields must be 0 for a count window", fn);
    if (spec.kind == window_kind::time) {
      if (!has_time && (seen != 0 || origin != 0 || next_b != 0 || last_ts != 0))
        detail::throw_invalid_argument("{}: time fields set without a timestamp seen", fn);
      if (has_time && (seen == 0 || last_ts < origin || next_b <= origin || next_b <= last_ts ||
                       ((static_cast<std::uint64_t>(next_b) - static_cast<std::uint64_t>(origin)) %
                                static_cast<std::uint64_t>(spec.stride_ns) !=
                            0 &&
                        next_b != std::numeric_limits<std::int64_t>::max())))
        detail::throw_invalid_argument(
            "{}: inconsistent time state (origin {}, next boundary {}, latest {})", fn, origin,
            next_b, last_ts);
    }
    rd.require_array(rows, sizeof(T), "window values");
    if (spec.kind == window_kind::time)
      rd.require_array(rows, sizeof(T) + 8, "window values and timestamps");
    const std::size_t nrows = static_cast<std::size_t>(rows);
    w.ring_.resize(nrows);  // rows were checked against the bytes left: no huge allocation
    w.sorted_.resize(nrows);
    if (spec.kind == window_kind::time) w.ts_.resize(nrows);
    rd.get_array(w.ring_.data(), nrows, "window values");
    if (spec.kind == window_kind::time) {
      rd.get_array(w.ts_.data(), nrows, "timestamps");
      // held: the last evaluated window [b - duration, b), b = next - stride (or, before
      // the first evaluation, b = origin), plus what arrived since
      const std::int64_t low = detail::ecdf_window::sat_sub(
          detail::ecdf_window::sat_sub(next_b, spec.stride_ns), spec.duration_ns);
      for (std::size_t k = 0; k < nrows; ++k)
        if (w.ts_[k] < low || w.ts_[k] > last_ts || (k > 0 && w.ts_[k] < w.ts_[k - 1]))
          detail::throw_invalid_argument(
              "{}: timestamp {} (row {}) out of order or outside the window", fn, w.ts_[k], k);
    }
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the window", fn, rd.remaining());
    w.rows_ = rows;
    w.seen_ = seen;
    w.head_ = 0;
    for (std::size_t k = 0; k < nrows; ++k)
      if (std::isnan(w.ring_[k])) ++w.missing_;
    w.has_time_ = has_time;
    w.origin_ = origin;
    w.next_boundary_ = next_b;
    w.last_ts_ = last_ts;
    w.sorted_valid_ = false;
    w.refresh_sorted();
    return w;
  }

 private:
  static bool choose_incremental(const window_spec& s, ecdf_sort_strategy st) {
    if (st == ecdf_sort_strategy::incremental) {
      if (s.kind == window_kind::tumbling)
        detail::throw_invalid_argument(
            "ecdf_window: strategy 'incremental' needs a sliding or time window");
      return true;
    }
    if (st == ecdf_sort_strategy::resort) return false;
    return s.kind == window_kind::sliding &&
           detail::ecdf_window::incremental_is_cheaper(s.size, s.stride);
  }

  [[noreturn]] static void empty_error(const char* what) {
    detail::throw_domain_error("ecdf_window::{}: the window holds no non-missing value", what);
  }

  std::size_t slot(std::size_t k) const noexcept {  // ring index of the k-th oldest row
    const std::size_t i = head_ + k;
    return i >= ring_.size() ? i - ring_.size() : i;
  }

  template <class G>
  void for_each_value(G&& g) const {
    for (std::size_t k = 0; k < rows_; ++k) g(ring_[slot(k)]);
  }

  /// Rows of this window as merge sees them (a just-evaluated full tumbling window is
  /// replaced by the next, empty one).
  std::uint64_t current_rows_for_merge() const noexcept { return rows_ == spec_.size ? 0 : rows_; }

  /// The sorted non-missing values: the kept view, or a per-thread sorted copy.
  const T* sorted_view() const {
    if (sorted_valid_) return sorted_.data();
    std::vector<T>& buf = detail::thread_scratch<T, detail::ecdf_window::scratch_tag>();
    if (buf.size() < rows_ || buf.empty())
      buf.resize(std::max<std::size_t>(static_cast<std::size_t>(rows_), 1));
    const std::size_t k = gather(buf.data());
    kernels::sort(buf.data(), k);
    return buf.data();
  }

  /// Copies the non-missing values (ring order) to out; returns how many.
  std::size_t gather(T* out) const {
    const std::size_t cap = ring_.size();
    const std::size_t first = std::min<std::size_t>(static_cast<std::size_t>(rows_), cap - head_);
    std::size_t k = kernels::copy_without_nan(ring_.data() + head_, first, out);
    if (first < rows_)
      k +=
          kernels::copy_without_nan(ring_.data(), static_cast<std::size_t>(rows_) - first, out + k);
    return k;
  }

  /// Makes the kept sorted view current (resort strategy, at evaluation points).
  void refresh_sorted() {
    if (sorted_.size() < ring_.size()) sorted_.resize(ring_.size());
    n_sorted_ = gather(sorted_.data());
    kernels::sort(sorted_.data(), n_sorted_);
    sorted_valid_ = true;
  }

  // incremental view: insert / erase one value
  void sorted_insert(T v) {
    T* s = sorted_.data();
    const std::size_t p = detail::ecdf_window::count_below(s, 0, n_sorted_, v);
    std::memmove(s + p + 1, s + p, (n_sorted_ - p) * sizeof(T));
    s[p] = v;
    ++n_sorted_;
  }
  void sorted_erase(T v) {
    T* s = sorted_.data();
    const std::size_t p = detail::ecdf_window::count_below(s, 0, n_sorted_, v);
    std::memmove(s + p, s + p + 1, (n_sorted_ - p - 1) * sizeof(T));
    --n_sorted_;
  }
  /// Replaces `old` (present) by `v`, moving only the values between the two positions.
  void sorted_replace(T old, T v) {
    T* s = sorted_.data();
    const std::size_t p = detail::ecdf_window::count_below(s, 0, n_sorted_, old);
    if (!(v < old)) {
      const std::size_t q =
          detail::ecdf_window::count_below(s, p + 1, n_sorted_, v);  // in [p+1, n]
      std::memmove(s + p, s + p + 1, (q - p - 1) * sizeof(T));
      s[q - 1] = v;
    } else {
      const std::size_t q = detail::ecdf_window::count_below(s, 0, p, v);  // in [0, p]
      std::memmove(s + q + 1, s + q, (p - q) * sizeof(T));
      s[q] = v;
    }
  }

  /// Count windows: adds v; true when the new state is an evaluation point.
  bool push_count(T v) {
    const bool nan = std::isnan(v);
    const std::size_t cap = ring_.size();
    if (spec_.kind == window_kind::tumbling) {
      if (rows_ == spec_.size) {  // the evaluated window is over: start the next
        rows_ = missing_ = 0;
        n_sorted_ = 0;
      }
      if (rows_ == ring_.size()) grow();
      ring_[static_cast<std::size_t>(rows_)] = v;
      ++rows_;
      missing_ += nan ? 1 : 0;
      ++seen_;
      sorted_valid_ = false;
      if (rows_ == spec_.size) {
        refresh_sorted();
        return true;
      }
      return false;
    }
    // sliding (the ring grows to `size` while filling: head_ stays 0 until it is full)
    if (rows_ < spec_.size) {
      if (rows_ == cap) grow();
      ring_[static_cast<std::size_t>(rows_)] = v;
      ++rows_;
      missing_ += nan ? 1 : 0;
      if (incremental_ && !nan) sorted_insert(v);
    } else {
      const T old = ring_[head_];
      ring_[head_] = v;
      head_ = head_ + 1 == cap ? 0 : head_ + 1;
      const bool old_nan = std::isnan(old);
      missing_ = missing_ + (nan ? 1 : 0) - (old_nan ? 1 : 0);
      if (incremental_) {
        if (!old_nan && !nan) {
          sorted_replace(old, v);
        } else if (!old_nan) {
          sorted_erase(old);
        } else if (!nan) {
          sorted_insert(v);
        }
      }
    }
    ++seen_;
    if (!incremental_) sorted_valid_ = false;
    const bool eval = seen_ >= spec_.size && (seen_ - spec_.size) % spec_.stride == 0;
    if (eval && !incremental_) refresh_sorted();
    return eval;
  }

  /// Time windows: evaluation (if due) then the value.
  template <class F>
  void push_time(T v, std::int64_t ts, F& on_eval) {
    using detail::ecdf_window::sat_add;
    using detail::ecdf_window::sat_sub;
    if (!has_time_) {
      has_time_ = true;
      origin_ = ts;
      last_ts_ = ts;
      next_boundary_ = sat_add(ts, spec_.stride_ns);
    } else if (ts < last_ts_) {
      detail::throw_invalid_argument(
          "ecdf_window::update: timestamp {} is before the previous timestamp {}", ts, last_ts_);
    }
    if (ts >= next_boundary_ && next_boundary_ != std::numeric_limits<std::int64_t>::max()) {
      // the largest boundary b <= ts
      const std::uint64_t steps =
          (static_cast<std::uint64_t>(ts) - static_cast<std::uint64_t>(next_boundary_)) /
          static_cast<std::uint64_t>(spec_.stride_ns);
      const std::int64_t b =
          static_cast<std::int64_t>(static_cast<std::uint64_t>(next_boundary_) +
                                    steps * static_cast<std::uint64_t>(spec_.stride_ns));
      evict_before(sat_sub(b, spec_.duration_ns));
      if (!incremental_) refresh_sorted();
      on_eval(static_cast<const ecdf_window&>(*this), window_end{seen_, b, true});
      next_boundary_ = sat_add(b, spec_.stride_ns);
    }
    // add the value
    if (rows_ == ring_.size()) grow();
    const std::size_t at = slot(static_cast<std::size_t>(rows_));
    ring_[at] = v;
    ts_[at] = ts;
    ++rows_;
    const bool nan = std::isnan(v);
    missing_ += nan ? 1 : 0;
    if (incremental_ && !nan) sorted_insert(v);
    if (!incremental_) sorted_valid_ = false;
    ++seen_;
    last_ts_ = ts;
  }

  /// Time windows: drops the oldest rows with timestamp < low.
  void evict_before(std::int64_t low) {
    while (rows_ > 0 && ts_[head_] < low) {
      const T old = ring_[head_];
      if (std::isnan(old)) {
        --missing_;
      } else if (incremental_) {
        sorted_erase(old);
      }
      head_ = head_ + 1 == ring_.size() ? 0 : head_ + 1;
      --rows_;
      if (!incremental_) sorted_valid_ = false;
    }
  }

  /// Doubles the ring (amortized O(1) per value; count windows stop at `size`, so a
  /// filled window allocates nothing more).
  void grow() {
    const std::size_t cap = ring_.size();
    std::size_t ncap = std::max<std::size_t>(16, cap * 2);
    if (spec_.is_count())
      ncap = static_cast<std::size_t>(std::min<std::uint64_t>(ncap, spec_.size));
    std::vector<T> r(ncap);
    for (std::size_t k = 0; k < rows_; ++k) r[k] = ring_[slot(k)];
    if (spec_.is_time()) {
      std::vector<std::int64_t> t(ncap);
      for (std::size_t k = 0; k < rows_; ++k) t[k] = ts_[slot(k)];
      ts_.swap(t);
    }
    ring_.swap(r);
    head_ = 0;
    sorted_.resize(ncap);  // keeps the incremental view's prefix
  }

  std::shared_ptr<const reference_profile<T>> ref_;
  window_spec spec_;
  ecdf_sort_strategy requested_ = ecdf_sort_strategy::automatic;
  bool incremental_ = false;
  std::vector<T> ring_;           ///< window values (count: capacity size; time: growable)
  std::vector<std::int64_t> ts_;  ///< time windows: timestamps, same slots as ring_
  std::vector<T> sorted_;         ///< the sorted view (first n_sorted_ values)
  std::size_t n_sorted_ = 0;
  bool sorted_valid_ = false;  ///< sorted_ holds the current window's values
  std::size_t head_ = 0;       ///< ring index of the oldest row
  std::uint64_t rows_ = 0, missing_ = 0, seen_ = 0;
  bool has_time_ = false;
  std::int64_t origin_ = 0, next_boundary_ = 0, last_ts_ = 0;
};

}  // namespace driftscope
