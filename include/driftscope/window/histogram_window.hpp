#pragma once
/// @file
/// @brief Bin counts of the current window of a stream against fixed reference bins, and
/// the binned drift statistics (PSI, Jensen–Shannon, Hellinger, total variation,
/// chi-square) of that window, updated in O(1) per value.
///
/// The window schedule is a window_spec (see window_spec.hpp for when a window is
/// evaluated). The bins are fixed at construction: the interior edges and counts of a
/// reference_profile, explicit edges with reference counts, or — for a pre-binned /
/// categorical stream — only reference counts (values then arrive as bin codes through
/// update_bin()). The bin of a value is numpy.searchsorted(edges, x, side='right'), the
/// binning of psi(), kernels::bin_count and reference_profile; ±inf land in the end bins.
///
/// At every evaluation point the statistics equal the batch functions on exactly the
/// window's values with these edges: `w.psi(eps)` == `psi(ref, window_values,
/// {binning::explicit_edges(w.edges()), eps})` (reference counts = the reference's bin
/// counts), and likewise js_distance (scipy jensenshannon of the binned proportions, base
/// 2), hellinger, total_variation. Up to rounding in the last bits: the window keeps its
/// counts as doubles, exact integers for count and time windows.
///
/// Missing values (NaN, or a negative bin code) occupy their slot in a count window
/// (a window of 1000 rows is 1000 rows), are counted in missing(), and are never binned.
///
/// ## Memory (memory_bytes() reports the heap bytes held)
/// - sliding(size, stride): a ring of bin codes, ONE byte per value when bins <= 255
///   (code 255 = missing), two bytes otherwise (65535 = missing): ≈ size (or 2·size)
///   bytes + 24·bins + 8·edges.
/// - tumbling(size): counts only, O(bins): 24·bins + 8·edges bytes.
/// - time(duration, stride): a growable ring of (code, int64 timestamp): ≈ 9 bytes per
///   value held (10 when bins > 255), the values of at most duration + stride ns,
///   capacity a power of two (at most twice the largest number held) + O(bins).
/// - decaying(half_life, stride): O(bins): 32·bins + 8·edges bytes.
/// No allocation per value, except the amortized growth of the time ring.
///
/// ## Cost
/// update(x): one bin lookup (a five-step branchless search of a NaN-padded copy for <= 16
/// edges, binary search beyond) and O(1) count updates. update_many: bin codes per block of 512 values by the SIMD
/// kernels::bin_index, then the O(1) count loop. Statistics: O(bins).
/// Decaying windows: each value's weight grows by 2^(1/half_life) (O(1) per value), with
/// a renormalization of the O(bins) raw weights at most every 1024 values (and every
/// 256·half_life values, so nothing overflows); the weights are materialized into
/// counts() at evaluation points.
///
/// ## Decaying windows
/// Counts are Σ 2^(-(t - t_i)/half_life) over the values i <= t in each bin (the newest
/// weighs 1). All queries (counts(), n(), the statistics) describe the window as of the
/// latest evaluation point (every `stride` values; with the default stride 1, the
/// current state); missing() is the number of NaN seen, rows() = seen(). The
/// chi-square test on weighted counts is not a calibrated test (the weights are not
/// counts); it is computed the same way.
///
/// ## Time windows
/// Values are added with int64 timestamps (ns), non-decreasing (a timestamp below the
/// previous throws std::invalid_argument naming `timestamp`). When a value with
/// timestamp >= the next boundary arrives, the window at the largest boundary b <= that
/// timestamp — the values with timestamp in [b - duration, b) — is evaluated before the
/// value is added (on_eval sees that state; window_end.index = values seen before this
/// one, window_end.timestamp = b). Between evaluations the window holds the values of
/// the last evaluated window plus those that arrived since. Count windows given
/// timestamps report the newest value's timestamp in window_end (not checked for order).
///
/// ## Serialized format (version 1), all little-endian
///
/// | offset   | size   | field                                                          |
/// |----------|--------|----------------------------------------------------------------|
/// | 0        | 4      | magic: ASCII "DSHW"                                            |
/// | 4        | 1      | family id: 1 (histogram_window)                                |
/// | 5        | 1      | format version: 1                                              |
/// | 6        | 1      | flags: bit 0 categorical (no edges), bit 1 tumbling window      |
/// |          |        | evaluated (cleared by the next value), bit 2 time origin set;  |
/// |          |        | other bits 0                                                   |
/// | 7        | 1      | window kind (window_kind: 1 sliding, 2 tumbling, 3 time,       |
/// |          |        | 4 decaying)                                                    |
/// | 8        | 8      | k: bins (u64, 1..65535)                                        |
/// | 16       | 8      | m: interior edges (u64): k - 1, or 0 when categorical          |
/// | 24       | 8      | spec size (u64)                                                |
/// | 32       | 8      | spec stride (u64)                                              |
/// | 40       | 8      | spec duration_ns (i64)                                         |
/// | 48       | 8      | spec stride_ns (i64)                                           |
/// | 56       | 8      | spec half_life (f64)                                           |
/// | 64       | 8      | seen (u64)                                                     |
/// | 72       | 8      | rows (u64)                                                     |
/// | 80       | 8      | missing (u64)                                                  |
/// | 88       | 8      | countdown: values to the next evaluation (u64; 0 for time)     |
/// | 96       | 8·m    | edges (f64), strictly ascending, no NaN                        |
/// | +8·m     | 8·k    | reference counts (u64), sum > 0                                |
/// | then, by kind:                                                                     |
/// | sliding  | 8      | head: next write position in the ring (u64)                    |
/// |          | c·rows | ring positions 0..rows-1: bin codes (c = 1 byte if k <= 255,   |
/// |          |        | else 2; the missing code is 255 / 65535)                       |
/// | tumbling | 8·k    | current counts (u64)                                           |
/// | time     | 24     | origin, next boundary, last timestamp (i64)                    |
/// |          | c·rows | bin codes, oldest first                                        |
/// |          | 8·rows | timestamps (i64), oldest first                                 |
/// | decaying | 8      | anchor (u64): the value index whose raw weight is 1            |
/// |          | 32     | raw weight of the newest value, raw n, evaluated n (f64), pad 0 |
/// |          | 8·k    | raw weights per bin (f64)                                      |
/// |          | 8·k    | evaluated counts per bin (f64)                                 |
///
/// deserialize(): a short buffer throws std::out_of_range; a wrong magic / family /
/// version / kind, bad flags, invalid spec, unsorted edges, codes out of range, counts
/// that do not add up, timestamps out of order, non-finite weights or trailing bytes
/// throw std::invalid_argument. A restored window produces the same future outputs.
///
/// Example:
/// @code
///   driftscope::reference_profile<double> prof(ref.data(), ref.size());
///   driftscope::histogram_window w(prof, driftscope::window_spec::sliding(1000, 100));
///   w.update_many(x.data(), x.size(), [](const driftscope::histogram_window& win,
///                                        const driftscope::window_end& end) {
///     if (win.psi() > 0.2) std::printf("drift at %llu\n", (unsigned long long)end.index);
///   });
/// @endcode

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/kernels/bin_index.hpp>
#include <driftscope/stats/binned_distances.hpp>
#include <driftscope/stats/chi2_contingency.hpp>
#include <driftscope/stats/detail/binned.hpp>
#include <driftscope/stats/jensenshannon.hpp>
#include <driftscope/stats/reference_profile.hpp>
#include <driftscope/window/window_spec.hpp>

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

/// @brief Bin counts of the current window of a stream against fixed reference bins.
class histogram_window {
 public:
  static constexpr std::uint8_t serial_family = 1;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serial_preamble_bytes = 96;
  /// Most bins a window supports (two-byte codes, 65535 = missing).
  static constexpr std::size_t max_bins = 65535;

  /// @brief Numerical: the reference profile's edges and counts (profile may be float or double).
  /// @throws std::invalid_argument for an invalid window spec, a profile without
  ///         non-missing values, or more than max_bins bins.
  template <class T>
  histogram_window(const reference_profile<T>& reference, const window_spec& window)
      : histogram_window(reference.edges(), reference.counts(), window) {}

  /// @brief Numerical with explicit interior edges (strictly ascending, no NaN) and
  /// reference counts (edges.size() + 1 of them, sum > 0).
  /// @throws std::invalid_argument naming the argument (window, edges, reference_counts).
  histogram_window(std::vector<double> edges, std::vector<std::uint64_t> reference_counts,
                   const window_spec& window)
      : spec_(window), edges_(std::move(edges)), ref_counts_(std::move(reference_counts)) {
    static constexpr const char* fn = "histogram_window";
    spec_.validate(fn);
    for (std::size_t i = 0; i < edges_.size(); ++i)
      if (std::isnan(edges_[i]) || (i > 0 && !(edges_[i] > edges_[i - 1])))
        detail::throw_invalid_argument("{}: edges must be strictly ascending and not NaN, got {} at index {}", fn,
                                       edges_[i], i);
    if (ref_counts_.size() != edges_.size() + 1)
      detail::throw_invalid_argument("{}: reference_counts must have edges.size() + 1 = {} entries, got {}", fn,
                                     edges_.size() + 1, ref_counts_.size());
    init(fn);
  }

  /// @brief Pre-binned / categorical: k = reference_counts.size() bins (1..max_bins, sum
  /// > 0); values arrive as bin codes through update_bin() / update_bins(); update(x)
  /// and update_many(x) throw std::invalid_argument ("no edges: use update_bin").
  static histogram_window from_counts(std::vector<std::uint64_t> reference_counts, const window_spec& window) {
    histogram_window w;
    w.spec_ = window;
    w.spec_.validate("histogram_window::from_counts");
    w.ref_counts_ = std::move(reference_counts);
    w.categorical_ = true;
    w.init("histogram_window::from_counts");
    return w;
  }

  // --- updates ---------------------------------------------------------------------
  // `on_eval(const histogram_window&, const window_end&)` is called at every evaluation
  // point with the window in its evaluated state.

  /// @brief Adds one value (NaN = missing); returns true at an evaluation point (the
  /// state is then that window). Not for time windows (they need a timestamp).
  bool update(double x) {
    bool evaluated = false;
    update(x, [&evaluated](const histogram_window&, const window_end&) { evaluated = true; });
    return evaluated;
  }

  template <class F>
  void update(double x, F&& on_eval) {
    require_edges("histogram_window::update");
    require_untimed("histogram_window::update");
    if (wide_)
      push_one<std::uint16_t>(code_of<std::uint16_t>(x), false, 0, on_eval);
    else
      push_one<std::uint8_t>(code_of<std::uint8_t>(x), false, 0, on_eval);
  }

  /// @brief Adds one bin code in [0, k); a negative code is a missing value.
  /// @throws std::invalid_argument naming `bin` for a code >= k.
  bool update_bin(std::int64_t bin) {
    bool evaluated = false;
    update_bin(bin, [&evaluated](const histogram_window&, const window_end&) { evaluated = true; });
    return evaluated;
  }

  template <class F>
  void update_bin(std::int64_t bin, F&& on_eval) {
    require_untimed("histogram_window::update_bin");
    check_bin(bin, "histogram_window::update_bin");
    push_bin(bin, false, 0, on_eval);
  }

  /// @brief Adds x[0..n) (T float or double) in order; on_eval at every evaluation point.
  template <class T, class F>
  void update_many(const T* x, std::size_t n, F&& on_eval) {
    require_untimed("histogram_window::update_many");
    many_values(x, nullptr, n, on_eval);
  }

  /// @brief Time windows (and count windows that want timestamps in window_end).
  /// @throws std::invalid_argument naming `timestamp` when a time window's timestamp
  ///         goes backwards (the window is unchanged).
  template <class F>
  void update(double x, std::int64_t timestamp_ns, F&& on_eval) {
    require_edges("histogram_window::update");
    check_timestamps(&timestamp_ns, 1, "histogram_window::update");
    if (wide_)
      push_one<std::uint16_t>(code_of<std::uint16_t>(x), true, timestamp_ns, on_eval);
    else
      push_one<std::uint8_t>(code_of<std::uint8_t>(x), true, timestamp_ns, on_eval);
  }

  template <class F>
  void update_bin(std::int64_t bin, std::int64_t timestamp_ns, F&& on_eval) {
    check_bin(bin, "histogram_window::update_bin");
    check_timestamps(&timestamp_ns, 1, "histogram_window::update_bin");
    push_bin(bin, true, timestamp_ns, on_eval);
  }

  /// @brief Adds x[0..n) with timestamps_ns[0..n). All timestamps are checked first: on
  /// a timestamp error nothing is added.
  template <class T, class F>
  void update_many(const T* x, const std::int64_t* timestamps_ns, std::size_t n, F&& on_eval) {
    check_timestamps(timestamps_ns, n, "histogram_window::update_many");
    many_values(x, timestamps_ns, n, on_eval);
  }

  /// @brief Adds bin codes bins[0..n) (negative = missing), optionally with timestamps
  /// (nullptr for none; required by time windows). All codes and timestamps are checked
  /// first: on an error nothing is added.
  /// @throws std::invalid_argument naming `bin` for a code >= k, `timestamp` as update().
  template <class F>
  void update_bins(const std::int64_t* bins, const std::int64_t* timestamps_ns, std::size_t n, F&& on_eval) {
    static constexpr const char* fn = "histogram_window::update_bins";
    if (timestamps_ns == nullptr) require_untimed(fn);
    for (std::size_t i = 0; i < n; ++i) check_bin(bins[i], fn);
    if (timestamps_ns != nullptr) check_timestamps(timestamps_ns, n, fn);
    for (std::size_t i = 0; i < n; ++i)
      push_bin(bins[i], timestamps_ns != nullptr, timestamps_ns != nullptr ? timestamps_ns[i] : 0, on_eval);
  }

  // --- the current window (O(bins)) -----------------------------------------------
  // All throw std::domain_error when the window holds no non-missing value.

  /// PSI = Σ (c_i − r_i)·ln(c_i / r_i), proportions clipped below at epsilon (as psi()).
  /// @throws std::invalid_argument for epsilon outside (0, 1).
  double psi(double epsilon = 1e-4) const {
    detail::check_epsilon(epsilon, "histogram_window::psi");
    const double nc = nonempty_n("histogram_window::psi");
    return detail::psi_from_counts(ref_d_.data(), ref_total_, counts_.data(), nc, counts_.size(), epsilon);
  }

  /// Jensen–Shannon distance of the binned proportions (scipy.spatial.distance.jensenshannon).
  /// @throws std::invalid_argument for a base that is not finite, > 0 and != 1.
  double js_distance(double base = 2.0) const {
    detail::check_base(base, "histogram_window::js_distance");
    const double nc = nonempty_n("histogram_window::js_distance");
    return detail::jensenshannon_unchecked(ref_d_.data(), ref_total_, counts_.data(), nc, counts_.size(),
                                           std::log(base));
  }

  /// Hellinger distance sqrt(½ Σ (√r_i − √c_i)²) (as driftscope::hellinger).
  double hellinger() const {
    const double nc = nonempty_n("histogram_window::hellinger");
    return detail::hellinger_from_counts(ref_d_.data(), ref_total_, counts_.data(), nc, counts_.size());
  }

  /// Total variation distance ½ Σ |r_i − c_i| (as driftscope::total_variation).
  double total_variation() const {
    const double nc = nonempty_n("histogram_window::total_variation");
    return detail::tvd_from_counts(ref_d_.data(), ref_total_, counts_.data(), nc, counts_.size());
  }

  /// Pearson chi-square goodness of fit of the window counts against the reference
  /// proportions: scipy.stats.chisquare(cur, ref_prop · n_cur) on the bins where the
  /// reference or the window has a value (bins empty on both sides are dropped, as
  /// categorical_drift's chisquare drops absent categories); dof = those bins − 1. A bin
  /// the reference never saw but the window has gives statistic +inf, p-value 0; a single
  /// present bin gives p-value 1.
  double chi_square_pvalue() const {
    const double nc = nonempty_n("histogram_window::chi_square_pvalue");
    double stat = 0;
    std::size_t present = 0;
    bool unseen = false;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      const double r = static_cast<double>(ref_counts_[i]), c = counts_[i];
      if (r == 0 && c == 0) continue;
      ++present;
      if (r == 0) {
        unseen = true;
        continue;
      }
      const double e = r / ref_total_ * nc;
      const double d = c - e;
      stat += d * d / e;
    }
    if (present <= 1) return 1.0;
    if (unseen) return 0.0;
    return detail::categorical::chi2_sf(stat, static_cast<double>(present - 1));
  }

  /// Current window counts per bin (weights for decaying windows).
  const std::vector<double>& counts() const noexcept { return counts_; }
  const std::vector<std::uint64_t>& reference_counts() const noexcept { return ref_counts_; }
  /// Interior edges; empty for from_counts (and for a one-bin numerical window).
  const std::vector<double>& edges() const noexcept { return edges_; }
  std::size_t bins() const noexcept { return ref_counts_.size(); }
  /// True for from_counts windows (no edges; values arrive as bin codes).
  bool categorical() const noexcept { return categorical_; }
  /// Non-missing values in the window (weighted for decaying).
  double n() const noexcept {
    return spec_.kind == window_kind::decaying ? n_decayed_ : static_cast<double>(rows_ - missing_);
  }
  /// Missing values in the window (decaying: every missing value seen).
  std::uint64_t missing() const noexcept { return missing_; }
  /// Values (incl. missing) in the window (decaying: seen()).
  std::uint64_t rows() const noexcept { return rows_; }
  /// Values seen since construction / reset().
  std::uint64_t seen() const noexcept { return seen_; }
  const window_spec& window() const noexcept { return spec_; }

  /// @brief Empties the window (same reference, edges and spec); keeps allocated memory.
  void reset() {
    std::fill(counts_.begin(), counts_.end(), 0.0);
    std::fill(raw_.begin(), raw_.end(), 0.0);
    seen_ = rows_ = missing_ = 0;
    head_ = 0;
    pending_clear_ = false;
    has_origin_ = false;
    origin_ = next_boundary_ = last_ts_ = 0;
    anchor_ = 0;
    cur_w_ = 1;
    raw_n_ = 0;
    n_decayed_ = 0;
    countdown_ = initial_countdown();
  }

  /// @brief Tumbling windows only: adds `other`'s current window (its counts(), missing(),
  /// rows(); seen() adds too) to this one — the monitor of a split stream. The merged
  /// window closes when its rows reach the window size; if they already do, it is in the
  /// evaluated state (the next value starts a new window).
  /// @throws std::invalid_argument naming `other` unless both are tumbling windows with
  ///         the same size, edges and reference counts.
  void merge(const histogram_window& other) {
    static constexpr const char* fn = "histogram_window::merge";
    if (spec_.kind != window_kind::tumbling)
      detail::throw_invalid_argument("{}: only tumbling windows merge, this window is {}", fn, to_string(spec_.kind));
    if (other.spec_.kind != window_kind::tumbling || other.spec_.size != spec_.size)
      detail::throw_invalid_argument("{}: other must be a tumbling window of size {}, got {} (size {})", fn,
                                     spec_.size, to_string(other.spec_.kind), other.spec_.size);
    if (other.categorical_ != categorical_ || other.edges_ != edges_ || other.ref_counts_ != ref_counts_)
      detail::throw_invalid_argument("{}: other must have the same edges and reference counts", fn);
    if (&other == this) {
      histogram_window copy(other);
      merge(copy);
      return;
    }
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    rows_ += other.rows_;
    missing_ += other.missing_;
    seen_ += other.seen_;
    if (rows_ >= spec_.size) {
      pending_clear_ = true;
      countdown_ = spec_.size;
    } else {
      pending_clear_ = false;
      countdown_ = spec_.size - rows_;
    }
  }

  /// Heap bytes held (see the file comment for the bound per window kind).
  std::size_t memory_bytes() const noexcept {
    return edges_.capacity() * sizeof(double) + ref_counts_.capacity() * sizeof(std::uint64_t) +
           ref_d_.capacity() * sizeof(double) +
           counts_.capacity() * sizeof(double) + raw_.capacity() * sizeof(double) + ring8_.capacity() +
           ring16_.capacity() * sizeof(std::uint16_t) + ring_ts_.capacity() * sizeof(std::int64_t);
  }

  // --- serialization ---------------------------------------------------------------

  std::size_t serialized_size_bytes() const noexcept {
    const std::size_t k = bins(), c = wide_ ? 2 : 1;
    std::size_t s = serial_preamble_bytes + 8 * edges_.size() + 8 * k;
    switch (spec_.kind) {
      case window_kind::sliding: s += 8 + c * rows_; break;
      case window_kind::tumbling: s += 8 * k; break;
      case window_kind::time: s += 24 + (c + 8) * rows_; break;
      case window_kind::decaying: s += 40 + 16 * k; break;
    }
    return s;
  }

  /// @brief The window as versioned little-endian bytes (layout in the file comment).
  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_size_bytes());
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSHW", serial_family, serial_version);
    w.put(static_cast<std::uint8_t>((categorical_ ? 1u : 0u) | (pending_clear_ ? 2u : 0u) | (has_origin_ ? 4u : 0u)));
    w.put(static_cast<std::uint8_t>(spec_.kind));
    w.put(static_cast<std::uint64_t>(bins()));
    w.put(static_cast<std::uint64_t>(edges_.size()));
    w.put(spec_.size);
    w.put(spec_.stride);
    w.put(spec_.duration_ns);
    w.put(spec_.stride_ns);
    w.put(spec_.half_life);
    w.put(seen_);
    w.put(rows_);
    w.put(missing_);
    w.put(countdown_);
    w.put_array(edges_.data(), edges_.size());
    w.put_array(ref_counts_.data(), ref_counts_.size());
    switch (spec_.kind) {
      case window_kind::sliding:
        w.put(head_);
        if (wide_)
          w.put_array(ring16_.data(), static_cast<std::size_t>(rows_));
        else
          w.put_array(ring8_.data(), static_cast<std::size_t>(rows_));
        break;
      case window_kind::tumbling:
        for (double c : counts_) w.put(static_cast<std::uint64_t>(c));
        break;
      case window_kind::time: {
        w.put(origin_);
        w.put(next_boundary_);
        w.put(last_ts_);
        const std::size_t mask = ring_ts_.size() - 1;
        for (std::uint64_t i = 0; i < rows_; ++i) {
          const std::size_t p = static_cast<std::size_t>(head_ + i) & mask;
          if (wide_)
            w.put(ring16_[p]);
          else
            w.put(ring8_[p]);
        }
        for (std::uint64_t i = 0; i < rows_; ++i) w.put(ring_ts_[static_cast<std::size_t>(head_ + i) & mask]);
        break;
      }
      case window_kind::decaying:
        w.put(anchor_);
        w.put(cur_w_);
        w.put(raw_n_);
        w.put(n_decayed_);
        w.put(0.0);
        w.put_array(raw_.data(), raw_.size());
        w.put_array(counts_.data(), counts_.size());
        break;
    }
    return out;
  }

  /// @brief Restores a window from serialize()'s bytes; it produces the same future
  /// outputs as the original.
  /// @throws std::out_of_range for a truncated buffer, std::invalid_argument for corrupt
  ///         bytes (see the file comment).
  static histogram_window deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "histogram_window::deserialize";
    detail::byte_reader rd(data, size, fn);
    rd.require(serial_preamble_bytes, "preamble");
    detail::read_preamble(rd, "DSHW", serial_family, serial_version, fn, "histogram_window");
    const auto flags = rd.get<std::uint8_t>("flags");
    if ((flags & ~7u) != 0) detail::throw_invalid_argument("{}: unknown flags {}", fn, flags);
    const auto kind = rd.get<std::uint8_t>("window kind");
    if (kind < 1 || kind > 4) detail::throw_invalid_argument("{}: window kind must be 1..4, got {}", fn, kind);
    const auto k = rd.get<std::uint64_t>("bins");
    const auto m = rd.get<std::uint64_t>("number of edges");
    histogram_window wnd;
    wnd.spec_.kind = static_cast<window_kind>(kind);
    wnd.spec_.size = rd.get<std::uint64_t>("size");
    wnd.spec_.stride = rd.get<std::uint64_t>("stride");
    wnd.spec_.duration_ns = rd.get<std::int64_t>("duration");
    wnd.spec_.stride_ns = rd.get<std::int64_t>("time stride");
    wnd.spec_.half_life = rd.get<double>("half_life");
    wnd.spec_.validate(fn);
    const auto seen = rd.get<std::uint64_t>("seen");
    const auto rows = rd.get<std::uint64_t>("rows");
    const auto missing = rd.get<std::uint64_t>("missing");
    const auto countdown = rd.get<std::uint64_t>("countdown");
    wnd.categorical_ = (flags & 1u) != 0;
    if (k < 1 || k > max_bins) detail::throw_invalid_argument("{}: bins must be in [1, {}], got {}", fn, max_bins, k);
    if (m != (wnd.categorical_ ? 0 : k - 1))
      detail::throw_invalid_argument("{}: {} edges for {} bins{}", fn, m, k, wnd.categorical_ ? " (categorical)" : "");
    rd.require_array(m, 8, "edges");
    wnd.edges_.resize(static_cast<std::size_t>(m));
    rd.get_array(wnd.edges_.data(), wnd.edges_.size(), "edges");
    for (std::size_t i = 0; i < wnd.edges_.size(); ++i)
      if (std::isnan(wnd.edges_[i]) || (i > 0 && !(wnd.edges_[i] > wnd.edges_[i - 1])))
        detail::throw_invalid_argument("{}: edges must be strictly ascending and not NaN (index {})", fn, i);
    rd.require_array(k, 8, "reference counts");
    wnd.ref_counts_.resize(static_cast<std::size_t>(k));
    rd.get_array(wnd.ref_counts_.data(), wnd.ref_counts_.size(), "reference counts");
    wnd.init(fn);  // checks the reference counts, sizes the state
    const bool pending = (flags & 2u) != 0, origin = (flags & 4u) != 0;
    if (pending && wnd.spec_.kind != window_kind::tumbling)
      detail::throw_invalid_argument("{}: the evaluated flag is for tumbling windows only", fn);
    if (origin != (wnd.spec_.kind == window_kind::time && seen != 0))
      detail::throw_invalid_argument("{}: the time origin flag must be set exactly for a time window that has seen "
                                     "values",
                                     fn);
    if (rows > seen || missing > rows)
      detail::throw_invalid_argument("{}: inconsistent sizes (seen {}, rows {}, missing {})", fn, seen, rows, missing);
    wnd.seen_ = seen;
    wnd.rows_ = rows;
    wnd.missing_ = missing;
    wnd.pending_clear_ = pending;
    const std::size_t width = wnd.wide_ ? 2 : 1;
    switch (wnd.spec_.kind) {
      case window_kind::sliding: {
        const std::uint64_t sz = wnd.spec_.size, st = wnd.spec_.stride;
        if (rows != std::min(seen, sz)) detail::throw_invalid_argument("{}: rows {} != min(seen, size)", fn, rows);
        const std::uint64_t want = seen < sz ? sz - seen : st - (seen - sz) % st;
        if (countdown != want) detail::throw_invalid_argument("{}: countdown {} does not match seen", fn, countdown);
        const auto head = rd.get<std::uint64_t>("head");
        if (rows < sz ? head != rows : head >= sz)
          detail::throw_invalid_argument("{}: ring head {} out of range", fn, head);
        rd.require_array(rows, width, "ring");
        wnd.head_ = head;
        std::uint64_t miss = 0;
        if (wnd.wide_) {
          rd.get_array(wnd.ring16_.data(), static_cast<std::size_t>(rows), "ring");
          miss = wnd.recount(wnd.ring16_.data(), static_cast<std::size_t>(rows), fn);
        } else {
          rd.get_array(wnd.ring8_.data(), static_cast<std::size_t>(rows), "ring");
          miss = wnd.recount(wnd.ring8_.data(), static_cast<std::size_t>(rows), fn);
        }
        if (miss != missing) detail::throw_invalid_argument("{}: missing {} does not match the ring", fn, missing);
        break;
      }
      case window_kind::tumbling: {
        if (countdown < 1 || countdown > wnd.spec_.size || (pending && countdown != wnd.spec_.size) ||
            (!pending && rows + countdown != wnd.spec_.size))
          detail::throw_invalid_argument("{}: countdown {} out of range", fn, countdown);
        rd.require_array(k, 8, "counts");
        std::uint64_t total = missing;
        for (double& c : wnd.counts_) {
          const auto v = rd.get<std::uint64_t>("counts");
          if (v > rows) detail::throw_invalid_argument("{}: counts do not add up to rows", fn);
          total += v;
          c = static_cast<double>(v);
        }
        if (total != rows) detail::throw_invalid_argument("{}: counts + missing {} != rows {}", fn, total, rows);
        break;
      }
      case window_kind::time: {
        if (countdown != 0) detail::throw_invalid_argument("{}: countdown must be 0 for time windows", fn);
        wnd.origin_ = rd.get<std::int64_t>("origin");
        wnd.next_boundary_ = rd.get<std::int64_t>("next boundary");
        wnd.last_ts_ = rd.get<std::int64_t>("last timestamp");
        wnd.has_origin_ = origin;
        if (origin) {
          const std::uint64_t span = static_cast<std::uint64_t>(wnd.next_boundary_) - static_cast<std::uint64_t>(wnd.origin_);
          const bool saturated = wnd.next_boundary_ == std::numeric_limits<std::int64_t>::max();
          if (wnd.last_ts_ < wnd.origin_ || wnd.next_boundary_ <= wnd.origin_ ||
              (!saturated && (wnd.next_boundary_ <= wnd.last_ts_ ||
                              span % static_cast<std::uint64_t>(wnd.spec_.stride_ns) != 0)))
            detail::throw_invalid_argument("{}: inconsistent time boundaries", fn);
        } else if (wnd.origin_ != 0 || wnd.next_boundary_ != 0 || wnd.last_ts_ != 0) {
          detail::throw_invalid_argument("{}: time fields must be 0 before the first value", fn);
        }
        rd.require_array(rows, width + 8, "time ring");
        std::size_t cap = 16;
        while (cap < rows) cap *= 2;
        wnd.ring_ts_.assign(cap, 0);
        std::uint64_t miss = 0;
        if (wnd.wide_) {
          wnd.ring16_.assign(cap, 0);
          rd.get_array(wnd.ring16_.data(), static_cast<std::size_t>(rows), "time ring codes");
          miss = wnd.recount(wnd.ring16_.data(), static_cast<std::size_t>(rows), fn);
        } else {
          wnd.ring8_.assign(cap, 0);
          rd.get_array(wnd.ring8_.data(), static_cast<std::size_t>(rows), "time ring codes");
          miss = wnd.recount(wnd.ring8_.data(), static_cast<std::size_t>(rows), fn);
        }
        if (miss != missing) detail::throw_invalid_argument("{}: missing {} does not match the ring", fn, missing);
        rd.get_array(wnd.ring_ts_.data(), static_cast<std::size_t>(rows), "time ring timestamps");
        for (std::size_t i = 0; i < rows; ++i)
          if (wnd.ring_ts_[i] < wnd.origin_ || wnd.ring_ts_[i] > wnd.last_ts_ ||
              (i > 0 && wnd.ring_ts_[i] < wnd.ring_ts_[i - 1]))
            detail::throw_invalid_argument("{}: ring timestamps out of order (index {})", fn, i);
        wnd.head_ = 0;
        break;
      }
      case window_kind::decaying: {
        if (rows != seen) detail::throw_invalid_argument("{}: rows must equal seen for decaying windows", fn);
        if (countdown != wnd.spec_.stride - seen % wnd.spec_.stride)
          detail::throw_invalid_argument("{}: countdown {} does not match seen", fn, countdown);
        wnd.anchor_ = rd.get<std::uint64_t>("anchor");
        wnd.cur_w_ = rd.get<double>("current weight");
        wnd.raw_n_ = rd.get<double>("raw n");
        wnd.n_decayed_ = rd.get<double>("evaluated n");
        const double pad = rd.get<double>("padding");
        if (wnd.anchor_ > seen || seen - wnd.anchor_ >= wnd.renorm_every_ + (seen == 0 ? 1 : 0) || pad != 0 ||
            !(wnd.cur_w_ >= 1) || !std::isfinite(wnd.cur_w_) || !(wnd.raw_n_ >= 0) || !std::isfinite(wnd.raw_n_) ||
            !(wnd.n_decayed_ >= 0) || !std::isfinite(wnd.n_decayed_))
          detail::throw_invalid_argument("{}: inconsistent decaying state", fn);
        rd.require_array(2 * k, 8, "weights");
        rd.get_array(wnd.raw_.data(), wnd.raw_.size(), "raw weights");
        rd.get_array(wnd.counts_.data(), wnd.counts_.size(), "evaluated counts");
        for (std::size_t i = 0; i < wnd.raw_.size(); ++i)
          if (!(wnd.raw_[i] >= 0) || !std::isfinite(wnd.raw_[i]) || !(wnd.counts_[i] >= 0) ||
              !std::isfinite(wnd.counts_[i]))
            detail::throw_invalid_argument("{}: weights must be finite and >= 0 (bin {})", fn, i);
        break;
      }
    }
    wnd.countdown_ = countdown;
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the window", fn, rd.remaining());
    return wnd;
  }

 private:
  histogram_window() = default;

  template <class Code>
  static constexpr Code missing_code = std::numeric_limits<Code>::max();

  /// Checks the reference counts and sizes the state for spec_ (after edges_ / categorical_).
  void init(const char* fn) {
    const std::size_t k = ref_counts_.size();
    if (k < 1 || k > max_bins)
      detail::throw_invalid_argument("{}: reference_counts must have 1..{} bins, got {}", fn, max_bins, k);
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < k; ++i) {
      if (ref_counts_[i] > std::numeric_limits<std::uint64_t>::max() - sum)
        detail::throw_invalid_argument("{}: reference_counts overflow uint64 at index {}", fn, i);
      sum += ref_counts_[i];
    }
    if (sum == 0) detail::throw_invalid_argument("{}: reference_counts must sum to > 0, got 0 ({} bins)", fn, k);
    ref_total_ = static_cast<double>(sum);
    ref_d_.assign(ref_counts_.begin(), ref_counts_.end());
    for (std::size_t j = 0; j < small_edges; ++j)
      small_[j] = j < edges_.size() ? edges_[j] : std::numeric_limits<double>::quiet_NaN();
    wide_ = k > 255;
    counts_.assign(k, 0.0);
    switch (spec_.kind) {
      case window_kind::sliding:
        if (wide_)
          ring16_.assign(static_cast<std::size_t>(spec_.size), 0);
        else
          ring8_.assign(static_cast<std::size_t>(spec_.size), 0);
        break;
      case window_kind::time:
        ring_ts_.assign(16, 0);
        if (wide_)
          ring16_.assign(16, 0);
        else
          ring8_.assign(16, 0);
        break;
      case window_kind::decaying: {
        raw_.assign(k, 0.0);
        g_ = std::exp2(1.0 / spec_.half_life);
        const double every = std::floor(256.0 * spec_.half_life);
        renorm_every_ = every < 1 ? 1 : every > 1024 ? 1024 : static_cast<std::uint64_t>(every);
        break;
      }
      case window_kind::tumbling: break;
    }
    countdown_ = initial_countdown();
  }

  std::uint64_t initial_countdown() const noexcept {
    switch (spec_.kind) {
      case window_kind::sliding:
      case window_kind::tumbling: return spec_.size;
      case window_kind::decaying: return spec_.stride;
      case window_kind::time: return 0;
    }
    return 0;
  }

  /// Recounts counts_ from ring codes (deserialize); returns the missing count.
  template <class Code>
  std::uint64_t recount(const Code* codes, std::size_t n, const char* fn) {
    std::uint64_t miss = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (codes[i] == missing_code<Code>) {
        ++miss;
      } else if (codes[i] >= counts_.size()) {
        detail::throw_invalid_argument("{}: bin code {} out of range (bins {}) at ring index {}", fn, codes[i],
                                       counts_.size(), i);
      } else {
        counts_[codes[i]] += 1.0;
      }
    }
    return miss;
  }

  void require_edges(const char* fn) const {
    if (categorical_) detail::throw_invalid_argument("{}: no edges: use update_bin (window built from counts)", fn);
  }
  void require_untimed(const char* fn) const {
    if (spec_.kind == window_kind::time)
      detail::throw_invalid_argument("{}: a time window needs timestamps (one per value)", fn);
  }
  void check_bin(std::int64_t bin, const char* fn) const {
    if (bin >= static_cast<std::int64_t>(counts_.size()))
      detail::throw_invalid_argument("{}: bin must be < bins = {} (negative = missing), got {}", fn, counts_.size(),
                                     bin);
  }
  /// Time windows: timestamps non-decreasing from the last one seen.
  void check_timestamps(const std::int64_t* ts, std::size_t n, const char* fn) const {
    if (spec_.kind != window_kind::time || n == 0) return;
    if (ts == nullptr) detail::throw_invalid_argument("{}: a time window needs timestamps, got none", fn);
    std::int64_t prev = has_origin_ ? last_ts_ : std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = 0; i < n; ++i) {
      if (ts[i] < prev)
        detail::throw_invalid_argument("{}: timestamp must be non-decreasing, got {} after {} (index {})", fn, ts[i],
                                       prev, i);
      prev = ts[i];
    }
  }

  double nonempty_n(const char* fn) const {
    const double nc = n();
    if (!(nc > 0))
      detail::throw_domain_error("{}: the window holds no non-missing value (rows {}, missing {})", fn, rows_,
                                 missing_);
    return nc;
  }

  /// Bin code of x: the number of edges <= x; NaN → the missing code.
  template <class Code>
  Code code_of(double x) const noexcept {
    if (std::isnan(x)) return missing_code<Code>;
    const std::size_t m = edges_.size();
    if (m <= small_edges) {
      // branchless search of the NaN-padded copy (NaN <= x is false, so `small_[j] <= x`
      // holds exactly on a prefix): 4 halving steps give the count among the first 15,
      // the last step the 16th
      const double* e = small_;
      std::size_t c = 0;
      c += static_cast<std::size_t>(e[c + 7] <= x) * 8;
      c += static_cast<std::size_t>(e[c + 3] <= x) * 4;
      c += static_cast<std::size_t>(e[c + 1] <= x) * 2;
      c += static_cast<std::size_t>(e[c] <= x);
      c += static_cast<std::size_t>(e[c] <= x);
      return static_cast<Code>(c);
    }
    const double* e = edges_.data();
    return static_cast<Code>(std::upper_bound(e, e + m, x) - e);
  }

  template <class F>
  void push_bin(std::int64_t bin, bool has_ts, std::int64_t ts, F& on_eval) {
    if (wide_)
      push_one<std::uint16_t>(bin < 0 ? missing_code<std::uint16_t> : static_cast<std::uint16_t>(bin), has_ts, ts,
                              on_eval);
    else
      push_one<std::uint8_t>(bin < 0 ? missing_code<std::uint8_t> : static_cast<std::uint8_t>(bin), has_ts, ts,
                             on_eval);
  }

  template <class Code>
  Code* ring() noexcept {
    if constexpr (std::is_same<Code, std::uint8_t>::value)
      return ring8_.data();
    else
      return ring16_.data();
  }

  template <class Code>
  void add_code(Code c) noexcept {
    if (c == missing_code<Code>)
      ++missing_;
    else
      counts_[c] += 1.0;
  }
  template <class Code>
  void remove_code(Code c) noexcept {
    if (c == missing_code<Code>)
      --missing_;
    else
      counts_[c] -= 1.0;
  }

  void clear_current() noexcept {
    std::fill(counts_.begin(), counts_.end(), 0.0);
    rows_ = missing_ = 0;
    pending_clear_ = false;
  }

  /// Decaying: advances the weight to value seen_ + 1 and adds code c with weight 1 (raw cur_w_).
  template <class Code>
  void add_decaying(Code c) {
    const std::uint64_t t = seen_ + 1;
    if (t - anchor_ >= renorm_every_) {
      // Rescale so that value t has raw weight 1: old raw weights are g^(i - anchor),
      // the new ones g^(i - t) (exact factor, so the cur_w_ products do not drift).
      const double f = std::exp2(-static_cast<double>(t - anchor_) / spec_.half_life);
      for (double& r : raw_) r *= f;
      raw_n_ *= f;
      anchor_ = t;
      cur_w_ = 1;
    } else {
      cur_w_ *= g_;
    }
    if (c == missing_code<Code>) {
      ++missing_;
    } else {
      raw_[c] += cur_w_;
      raw_n_ += cur_w_;
    }
    rows_ = t;
  }

  void materialize_decaying() noexcept {
    const double inv = 1.0 / cur_w_;
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] = raw_[i] * inv;
    n_decayed_ = raw_n_ * inv;
  }

  /// Adds one coded value; calls on_eval at an evaluation point.
  template <class Code, class F>
  void push_one(Code c, bool has_ts, std::int64_t ts, F& on_eval) {
    switch (spec_.kind) {
      case window_kind::sliding: {
        Code* r = ring<Code>();
        if (rows_ == spec_.size)
          remove_code(r[head_]);
        else
          ++rows_;
        r[head_] = c;
        add_code(c);
        if (++head_ == spec_.size) head_ = 0;
        break;
      }
      case window_kind::tumbling:
        if (pending_clear_) clear_current();
        add_code(c);
        ++rows_;
        break;
      case window_kind::decaying: add_decaying(c); break;
      case window_kind::time: push_time(c, ts, on_eval); return;
    }
    ++seen_;
    if (--countdown_ == 0) {
      if (spec_.kind == window_kind::tumbling) {
        countdown_ = spec_.size;
        pending_clear_ = true;
      } else {
        countdown_ = spec_.stride;
        if (spec_.kind == window_kind::decaying) materialize_decaying();
      }
      window_end end;
      end.index = seen_;
      end.timestamp = has_ts ? ts : 0;
      end.has_timestamp = has_ts;
      on_eval(static_cast<const histogram_window&>(*this), static_cast<const window_end&>(end));
    }
  }

  /// Time window: evaluates the window at the latest boundary <= ts if one was crossed,
  /// then adds (c, ts). ts was checked to be >= last_ts_.
  template <class Code, class F>
  void push_time(Code c, std::int64_t ts, F& on_eval) {
    const std::int64_t stride = spec_.stride_ns;
    if (!has_origin_) {
      has_origin_ = true;
      origin_ = ts;
      next_boundary_ = ts > std::numeric_limits<std::int64_t>::max() - stride
                           ? std::numeric_limits<std::int64_t>::max()
                           : ts + stride;
    } else if (ts >= next_boundary_ && next_boundary_ != std::numeric_limits<std::int64_t>::max()) {
      const std::uint64_t since = static_cast<std::uint64_t>(ts) - static_cast<std::uint64_t>(origin_);
      const std::uint64_t steps = since / static_cast<std::uint64_t>(stride);
      const std::int64_t b =
          static_cast<std::int64_t>(static_cast<std::uint64_t>(origin_) + steps * static_cast<std::uint64_t>(stride));
      // evict the values older than b - duration (b > every held timestamp)
      const Code* r = ring<Code>();
      const std::size_t mask = ring_ts_.size() - 1;
      const auto dur = static_cast<std::uint64_t>(spec_.duration_ns);
      while (rows_ != 0) {
        const std::size_t p = static_cast<std::size_t>(head_) & mask;
        if (static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(ring_ts_[p]) <= dur) break;
        remove_code(r[p]);
        head_ = (head_ + 1) & mask;
        --rows_;
      }
      next_boundary_ = b > std::numeric_limits<std::int64_t>::max() - stride ? std::numeric_limits<std::int64_t>::max()
                                                                              : b + stride;
      window_end end;
      end.index = seen_;
      end.timestamp = b;
      end.has_timestamp = true;
      on_eval(static_cast<const histogram_window&>(*this), static_cast<const window_end&>(end));
    }
    last_ts_ = ts;
    if (rows_ == ring_ts_.size()) grow_time_ring<Code>();
    const std::size_t p = static_cast<std::size_t>(head_ + rows_) & (ring_ts_.size() - 1);
    ring<Code>()[p] = c;
    ring_ts_[p] = ts;
    add_code(c);
    ++rows_;
    ++seen_;
  }

  template <class Code>
  void grow_time_ring() {
    const std::size_t cap = ring_ts_.size(), mask = cap - 1;
    std::vector<std::int64_t> ts(2 * cap);
    std::vector<Code> codes(2 * cap);
    const Code* r = ring<Code>();
    for (std::size_t i = 0; i < rows_; ++i) {
      const std::size_t p = static_cast<std::size_t>(head_ + i) & mask;
      ts[i] = ring_ts_[p];
      codes[i] = r[p];
    }
    ring_ts_.swap(ts);
    if constexpr (std::is_same<Code, std::uint8_t>::value)
      ring8_.swap(codes);
    else
      ring16_.swap(codes);
    head_ = 0;
  }

  template <class T, class F>
  void many_values(const T* x, const std::int64_t* ts, std::size_t n, F& on_eval) {
    static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                  "histogram_window::update_many: T must be float or double");
    require_edges("histogram_window::update_many");
    if (wide_)
      many_coded<std::uint16_t>(x, ts, n, on_eval);
    else
      many_coded<std::uint8_t>(x, ts, n, on_eval);
  }

  template <class Code, class T, class F>
  void many_coded(const T* x, const std::int64_t* ts, std::size_t n, F& on_eval) {
    constexpr std::size_t block = 512;
    Code codes[block];
    for (std::size_t i = 0; i < n; i += block) {
      const std::size_t len = std::min(block, n - i);
      kernels::bin_index(x + i, len, edges_.data(), edges_.size(), codes, missing_code<Code>);
      if (ts != nullptr) {
        for (std::size_t j = 0; j < len; ++j) push_one<Code>(codes[j], true, ts[i + j], on_eval);
      } else {
        push_codes<Code>(codes, len, on_eval);
      }
    }
  }

  /// The count loop of update_many without timestamps (not time windows): runs up to the
  /// next evaluation point without checking the schedule per value.
  template <class Code, class F>
  void push_codes(const Code* codes, std::size_t len, F& on_eval) {
    std::size_t j = 0;
    while (j < len) {
      const std::size_t run = static_cast<std::size_t>(std::min<std::uint64_t>(len - j, countdown_ - 1));
      if (run != 0) {
        push_run<Code>(codes + j, run);
        j += run;
        countdown_ -= run;
        seen_ += run;
      }
      if (j < len) push_one<Code>(codes[j++], false, 0, on_eval);
    }
  }

  /// Adds codes[0..run) with no evaluation point among them (seen_ / countdown_ by the caller).
  template <class Code>
  void push_run(const Code* codes, std::size_t run) {
    double* cnt = counts_.data();
    double miss = static_cast<double>(missing_);
    switch (spec_.kind) {
      case window_kind::sliding: {
        Code* r = ring<Code>();
        const std::uint64_t size = spec_.size;
        std::size_t j = 0;
        while (j < run && rows_ < size) {  // filling
          const Code c = codes[j++];
          r[head_] = c;
          *(c == missing_code<Code> ? &miss : cnt + c) += 1.0;
          ++rows_;
          if (++head_ == size) head_ = 0;
        }
        while (j < run) {  // steady state: one value leaves, one enters
          const std::size_t seg = static_cast<std::size_t>(std::min<std::uint64_t>(run - j, size - head_));
          Code* slot = r + head_;
          for (std::size_t q = 0; q < seg; ++q) {
            const Code old = slot[q], c = codes[j + q];
            slot[q] = c;
            *(old == missing_code<Code> ? &miss : cnt + old) -= 1.0;
            *(c == missing_code<Code> ? &miss : cnt + c) += 1.0;
          }
          j += seg;
          head_ += seg;
          if (head_ == size) head_ = 0;
        }
        break;
      }
      case window_kind::tumbling:
        if (pending_clear_) {
          clear_current();
          miss = 0;
        }
        for (std::size_t j = 0; j < run; ++j) {
          const Code c = codes[j];
          *(c == missing_code<Code> ? &miss : cnt + c) += 1.0;
        }
        rows_ += run;
        break;
      case window_kind::decaying:
        missing_ = static_cast<std::uint64_t>(miss);
        for (std::size_t j = 0; j < run; ++j) {
          add_decaying(codes[j]);
          ++seen_;
        }
        seen_ -= run;  // the caller adds run
        return;
      case window_kind::time: return;  // not reached: time windows take push_one
    }
    missing_ = static_cast<std::uint64_t>(miss);
  }

  window_spec spec_{};
  std::vector<double> edges_;
  std::vector<std::uint64_t> ref_counts_;
  static constexpr std::size_t small_edges = 16;
  double small_[small_edges] = {};  ///< up to 16 edges padded with NaN (the single-value lookup)
  std::vector<double> ref_d_;  ///< reference counts as doubles (the statistics' input)
  double ref_total_ = 0;
  bool categorical_ = false;
  bool wide_ = false;            ///< more than 255 bins: two-byte codes
  std::vector<double> counts_;   ///< current window counts (decaying: as of the last evaluation)
  std::uint64_t seen_ = 0;
  std::uint64_t rows_ = 0;
  std::uint64_t missing_ = 0;
  std::uint64_t countdown_ = 0;  ///< values to the next evaluation point (count / decaying)
  bool pending_clear_ = false;   ///< tumbling: evaluated; the next value starts a new window
  // sliding ring (size slots; head_ = next write position) or time ring (power-of-two
  // capacity; head_ = oldest position)
  std::vector<std::uint8_t> ring8_;
  std::vector<std::uint16_t> ring16_;
  std::vector<std::int64_t> ring_ts_;
  std::uint64_t head_ = 0;
  // time windows
  bool has_origin_ = false;
  std::int64_t origin_ = 0;
  std::int64_t next_boundary_ = 0;
  std::int64_t last_ts_ = 0;
  // decaying windows: raw weight of value i is g^(i - anchor_)
  std::vector<double> raw_;
  double raw_n_ = 0;
  double cur_w_ = 1;  ///< raw weight of the newest value
  double g_ = 1;      ///< 2^(1 / half_life)
  double n_decayed_ = 0;
  std::uint64_t anchor_ = 0;
  std::uint64_t renorm_every_ = 1;
};

}  // namespace driftscope
