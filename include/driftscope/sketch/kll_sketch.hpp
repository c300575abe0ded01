#pragma once
/// @file
/// @brief kll_sketch: a mergeable streaming quantile sketch (KLL).
///
/// Algorithm: Karnin, Lang & Liberty (2016), "Optimal quantile approximation in streams"
/// (FOCS 2016), in the practical variant of Apache DataSketches (kll_sketch): a stack of
/// levels, level h holding sorted items of weight 2^h (level 0: unsorted arrivals of
/// weight 1). With L levels, level h has capacity max(m, round(k·(2/3)^(L-1-h))) (the top
/// level holds k, lower levels shrink geometrically, minimum width m = 8). Compaction is
/// lazy: only when the retained items reach the sum of the capacities, the lowest level
/// at or over its capacity is compacted — sorted, and every other item (offset 0 or 1
/// drawn from a seeded generator) moves up one level with doubled weight, the rest is
/// dropped; an odd item stays behind. The total weight always equals n() exactly.
/// The generator is splitmix64 (core/random.hpp) on a 64-bit state that is part of the
/// serialized state, so the same seed and inputs give the same sketch on every machine
/// and a restored sketch continues exactly like the original.
///
/// Accuracy (DataSketches' empirical bound for KLL, stated in its
/// kll_sketch::get_normalized_rank_error): with 99% confidence the normalized rank error
/// of all single-sided queries (rank, quantile, cdf) of one sketch is at most
///   ε(k) ≈ 2.296 / k^0.9723  (k = 200: ε ≈ 0.0133),
/// and for the double-sided pmf queries 2.446 / k^0.9433. The bound is a fit to the 99th
/// percentile of the measured maximum error over all ranks; it holds after merges too.
/// While the sketch is exact (n() == num_retained(), no compaction yet) every answer is
/// exact.
///
/// Size: about 3k + m·log2(n/k) retained items (k = 200, n = 4M: 631 items; serialized
/// 5.2 KB). Each level keeps its own buffer at its high-water size, so memory_bytes() is
/// O(k log n) bytes (k = 200, n = 4M: about 30 KB); a single shared buffer as in
/// DataSketches would bring it down to the retained items.
///
/// Definitions (inclusive, DataSketches' INCLUSIVE search criterion):
///  - rank(x) = (total weight of retained items <= x) / n — estimates the ECDF
///    F(x) = #{values <= x} / n (as scipy.stats.ks_2samp / numpy.searchsorted side='right').
///  - quantile(r) = the smallest retained item y with weight(<= y) >= ceil(r·n), i.e.
///    numpy.quantile(..., method='inverted_cdf') on the weighted items; quantile(0) is the
///    exact min(), quantile(1) the exact max().
///
/// NaN is ignored and counted in missing(); ±inf are values.
/// Example:
/// @code
///   driftscope::kll_sketch<> s(200);          // k = 200, default seed
///   s.update_many(x.data(), x.size());
///   double med = s.quantile(0.5);
///   double f = s.rank(3.0);
///   auto bytes = s.serialize();
///   auto t = driftscope::kll_sketch<>::deserialize(bytes.data(), bytes.size());
/// @endcode
///
/// ## Serialized format (version 1), all little-endian
///
/// | offset      | size    | field                                                      |
/// |-------------|---------|------------------------------------------------------------|
/// | 0           | 4       | magic: ASCII "DSKL"                                        |
/// | 4           | 1       | family id: 22 (kll_sketch)                                 |
/// | 5           | 1       | format version: 1                                          |
/// | 6           | 1       | flags: bit 0 set = items are double, clear = float         |
/// | 7           | 1       | item size in bytes: 8 or 4                                 |
/// | 8           | 2       | k (u16, 8..65535)                                          |
/// | 10          | 1       | m, minimum level width: 8                                  |
/// | 11          | 1       | L: number of levels (1..60)                                |
/// | 12          | 4       | reserved, 0                                                |
/// | 16          | 8       | n: values seen, NaN excluded (u64)                         |
/// | 24          | 8       | missing: NaN values seen (u64)                             |
/// | 32          | 8       | generator state (u64)                                      |
/// | 40          | 8       | min value (f64; NaN when n = 0)                            |
/// | 48          | 8       | max value (f64; NaN when n = 0)                            |
/// | 56          | 4·L     | size of each level, level 0 first (u32)                    |
/// | 56 + 4·L    | s·R     | the R retained items (f64 or f32), level 0 first, in       |
/// |             |         | stored order (level 0: arrival order; levels >= 1 sorted)  |
///
/// deserialize() throws std::out_of_range for a buffer shorter than the layout requires
/// and std::invalid_argument for corrupt bytes: wrong magic / family / version / item
/// type, k or m or L out of range, non-zero reserved bytes, NaN items, unsorted levels,
/// items outside [min, max], sum of size·2^level != n, more items than the capacity,
/// trailing bytes.

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/random.hpp>

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

/// @brief KLL quantile sketch over values of type T (float or double).
template <class T = double>
class kll_sketch {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "kll_sketch: T must be float or double");

 public:
  using value_type = T;

  static constexpr std::uint16_t default_k = 200;
  static constexpr std::uint16_t min_k = 8;
  static constexpr std::uint8_t min_width = 8;                        ///< m
  static constexpr std::uint64_t default_seed = 0x4b4c4c32303136ULL;  ///< "KLL2016"
  static constexpr std::size_t max_levels = 60;

  static constexpr std::uint8_t serial_family = 22;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serial_preamble_bytes = 56;

  /// @brief An empty sketch.
  /// @param k accuracy parameter in [8, 65535] (ε ≈ 2.296 / k^0.9723).
  /// @param seed seed of the compaction coin flips.
  /// @throws std::invalid_argument for k outside [8, 65535].
  explicit kll_sketch(std::uint32_t k = default_k, std::uint64_t seed = default_seed) : rng_(seed) {
    if (k < min_k || k > 65535u)
      detail::throw_invalid_argument("kll_sketch: k must be in [8, 65535], got {}", k);
    k_ = static_cast<std::uint16_t>(k);
    levels_.resize(1);
    recompute_capacity();
    levels_[0].reserve(capacity_);
  }

  // --- updates ---------------------------------------------------------------------

  /// @brief Adds one value (NaN: counted in missing(), otherwise ignored). Amortized
  /// O(1); no allocation once level 0 has reached its working size.
  void update(T x) {
    if (std::isnan(x)) {
      ++missing_;
      return;
    }
    if (retained_ >= capacity_) compress_one();
    levels_[0].push_back(x);
    ++retained_;
    note_min_max(x);
    ++n_;
  }

  /// @brief Adds `x[0..n)` (U = float or double, converted to T) as update() would one by one.
  template <class U>
  void update_many(const U* x, std::size_t n) {
    static_assert(std::is_floating_point<U>::value,
                  "kll_sketch::update_many: float or double input");
    std::size_t i = 0;
    while (i < n) {
      if (retained_ >= capacity_) compress_one();
      std::vector<T>& l0 = levels_[0];
      const std::size_t room = capacity_ - retained_;
      const std::size_t end = std::min(n, i + room);
      if (l0.capacity() < l0.size() + (end - i)) l0.reserve(l0.size() + (end - i));
      std::size_t added = 0;
      T lo = min_, hi = max_;
      if (n_ == 0) {
        lo = std::numeric_limits<T>::infinity();
        hi = -std::numeric_limits<T>::infinity();
      }
      for (; i < end; ++i) {
        const U v = x[i];
        if (std::isnan(v)) {
          ++missing_;
          continue;
        }
        const T t = static_cast<T>(v);
        l0.push_back(t);
        lo = t < lo ? t : lo;
        hi = t > hi ? t : hi;
        ++added;
      }
      if (added != 0) {
        min_ = lo;
        max_ = hi;
        retained_ += added;
        n_ += added;
      }
    }
  }

  template <class U>
  void update_many(const std::vector<U>& x) {
    update_many(x.data(), x.size());
  }

  /// @brief Merges `other` into this sketch; afterwards the sketch summarizes both
  /// streams with the same error bound. The generator state of `this` is used.
  /// @throws std::invalid_argument when the k differ (the argument is named `k`).
  void merge(const kll_sketch& other) {
    if (&other == this) {
      const kll_sketch copy = other;
      merge(copy);
      return;
    }
    if (other.k_ != k_)
      detail::throw_invalid_argument("kll_sketch::merge: k must match, got {} and other.k {}", k_,
                                     other.k_);
    missing_ += other.missing_;
    if (other.n_ == 0) return;
    if (n_ == 0) {
      min_ = other.min_;
      max_ = other.max_;
    } else {
      min_ = std::min(min_, other.min_);
      max_ = std::max(max_, other.max_);
    }
    n_ += other.n_;
    if (other.levels_.size() > levels_.size()) {
      levels_.resize(other.levels_.size());
      recompute_capacity();
    }
    levels_[0].insert(levels_[0].end(), other.levels_[0].begin(), other.levels_[0].end());
    for (std::size_t h = 1; h < other.levels_.size(); ++h)
      merge_sorted_into(levels_[h], other.levels_[h]);
    retained_ += other.retained_;
    while (retained_ >= capacity_) compress_one();
  }

  // --- queries ---------------------------------------------------------------------

  /// Accuracy parameter k.
  std::uint16_t k() const noexcept { return k_; }
  /// Non-NaN values seen.
  std::uint64_t n() const noexcept { return n_; }
  /// NaN values seen.
  std::uint64_t missing() const noexcept { return missing_; }
  bool is_empty() const noexcept { return n_ == 0; }
  /// True once a compaction happened (answers are approximate).
  bool is_estimation_mode() const noexcept { return levels_.size() > 1; }
  std::size_t num_retained() const noexcept { return retained_; }
  std::size_t num_levels() const noexcept { return levels_.size(); }

  /// @throws std::domain_error on an empty sketch.
  T min() const {
    check_not_empty("min");
    return min_;
  }
  /// @throws std::domain_error on an empty sketch.
  T max() const {
    check_not_empty("max");
    return max_;
  }

  /// @brief DataSketches' empirical normalized rank error of KLL for this k (99%
  /// confidence): 2.296 / k^0.9723 single-sided, 2.446 / k^0.9433 when pmf.
  double normalized_rank_error(bool pmf = false) const noexcept {
    return normalized_rank_error(k_, pmf);
  }
  static double normalized_rank_error(std::uint32_t k, bool pmf) noexcept {
    const double kd = static_cast<double>(k);
    return pmf ? 2.446 / std::pow(kd, 0.9433) : 2.296 / std::pow(kd, 0.9723);
  }

  /// @brief Estimated normalized rank of x: weight of retained items <= x, over n.
  /// No allocation. @throws std::domain_error on an empty sketch; std::invalid_argument for NaN x.
  double rank(T x) const {
    check_not_empty("rank");
    if (std::isnan(x)) detail::throw_invalid_argument("kll_sketch::rank: x must not be NaN");
    return static_cast<double>(weight_le(x)) / static_cast<double>(n_);
  }

  /// @brief rank(points[i]) for each i, written to out[i].
  template <class U>
  void cdf(const U* points, std::size_t m, double* out) const {
    check_not_empty("cdf");
    for (std::size_t i = 0; i < m; ++i) {
      if (std::isnan(points[i]))
        detail::throw_invalid_argument("kll_sketch::cdf: points[{}] is NaN", i);
      out[i] = static_cast<double>(weight_le(static_cast<T>(points[i]))) / static_cast<double>(n_);
    }
  }
  std::vector<double> cdf(const std::vector<T>& points) const {
    std::vector<double> out(points.size());
    cdf(points.data(), points.size(), out.data());
    return out;
  }

  /// @brief The inclusive quantile of normalized rank r in [0, 1] (file comment).
  /// @throws std::domain_error on an empty sketch, std::invalid_argument for r outside [0, 1].
  T quantile(double r) const {
    check_not_empty("quantile");
    check_rank(r, "rank");
    if (r == 0) return min_;
    if (r == 1) return max_;
    const sorted_view v = sorted();
    return v.quantile(r, n_);
  }

  /// @brief quantile(ranks[i]) for each i, with one sorted view.
  void quantiles(const double* ranks, std::size_t m, T* out) const {
    check_not_empty("quantiles");
    for (std::size_t i = 0; i < m; ++i) check_rank(ranks[i], "ranks");
    const sorted_view v = sorted();
    for (std::size_t i = 0; i < m; ++i)
      out[i] = ranks[i] == 0 ? min_ : ranks[i] == 1 ? max_ : v.quantile(ranks[i], n_);
  }

  /// @brief The retained items ascending with their cumulative weights (inclusive):
  /// the sketch's weighted CDF is cum_weights[i] / n() at items[i].
  struct sorted_view {
    std::vector<T> items;
    std::vector<std::uint64_t> cum_weights;

    T quantile(double r, std::uint64_t n) const {
      const double target = std::ceil(r * static_cast<double>(n));
      const auto it =
          std::lower_bound(cum_weights.begin(), cum_weights.end(), target,
                           [](std::uint64_t w, double t) { return static_cast<double>(w) < t; });
      if (it == cum_weights.end()) return items.back();
      return items[static_cast<std::size_t>(it - cum_weights.begin())];
    }
  };

  /// @brief Builds the sorted view (O(R log R), allocates).
  sorted_view sorted() const {
    std::vector<std::pair<T, std::uint64_t>> all;
    all.reserve(retained_);
    for (std::size_t h = 0; h < levels_.size(); ++h)
      for (T v : levels_[h]) all.emplace_back(v, std::uint64_t{1} << h);
    std::sort(all.begin(), all.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    sorted_view v;
    v.items.reserve(all.size());
    v.cum_weights.reserve(all.size());
    std::uint64_t cum = 0;
    for (const auto& p : all) {
      cum += p.second;
      v.items.push_back(p.first);
      v.cum_weights.push_back(cum);
    }
    return v;
  }

  /// Items of level h (level 0 in arrival order, others sorted); weight 2^h each.
  const std::vector<T>& level(std::size_t h) const { return levels_.at(h); }

  /// Bytes of state held: the object plus the item buffers (capacity) and scratch.
  std::size_t memory_bytes() const noexcept {
    std::size_t b = sizeof(*this) + levels_.capacity() * sizeof(std::vector<T>);
    for (const auto& l : levels_) b += l.capacity() * sizeof(T);
    return b + merged_.capacity() * sizeof(T) + caps_.capacity() * sizeof(std::size_t);
  }

  // --- serialization ---------------------------------------------------------------

  std::size_t serialized_size_bytes() const noexcept {
    return serial_preamble_bytes + 4 * levels_.size() + sizeof(T) * retained_;
  }

  /// @brief The sketch as versioned little-endian bytes (layout in the file comment).
  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_size_bytes());
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSKL", serial_family, serial_version);
    w.put(static_cast<std::uint8_t>(std::is_same<T, double>::value ? 1 : 0));
    w.put(static_cast<std::uint8_t>(sizeof(T)));
    w.put(k_);
    w.put(min_width);
    w.put(static_cast<std::uint8_t>(levels_.size()));
    w.put_zeros(4);
    w.put(n_);
    w.put(missing_);
    w.put(rng_state_());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    w.put(n_ == 0 ? nan : static_cast<double>(min_));
    w.put(n_ == 0 ? nan : static_cast<double>(max_));
    for (const auto& l : levels_) w.put(static_cast<std::uint32_t>(l.size()));
    for (const auto& l : levels_) w.put_array(l.data(), l.size());
    return out;
  }

  /// @brief Restores a sketch from serialize()'s bytes: same queries, same future
  /// updates and merges as the original.
  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt; file comment).
  static kll_sketch deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "kll_sketch::deserialize";
    detail::byte_reader rd(data, size, fn);
    rd.require(serial_preamble_bytes, "preamble");
    detail::read_preamble(rd, "DSKL", serial_family, serial_version, fn, "kll_sketch");
    const auto flags = rd.get<std::uint8_t>("flags");
    const auto item_size = rd.get<std::uint8_t>("item size");
    const std::uint8_t want_flags = std::is_same<T, double>::value ? 1 : 0;
    if (flags != want_flags || item_size != sizeof(T))
      detail::throw_invalid_argument(
          "{}: bytes hold flags {} / item size {}, expected {} / {} for this type", fn, flags,
          item_size, want_flags, sizeof(T));
    const auto k = rd.get<std::uint16_t>("k");
    if (k < min_k) detail::throw_invalid_argument("{}: k must be in [8, 65535], got {}", fn, k);
    const auto m = rd.get<std::uint8_t>("m");
    if (m != min_width)
      detail::throw_invalid_argument("{}: m must be {}, got {}", fn, min_width, m);
    const auto num_levels = rd.get<std::uint8_t>("number of levels");
    if (num_levels < 1 || num_levels > max_levels)
      detail::throw_invalid_argument("{}: number of levels must be in [1, {}], got {}", fn,
                                     max_levels, num_levels);
    for (int i = 0; i < 4; ++i)
      if (rd.get<std::uint8_t>("reserved") != 0)
        detail::throw_invalid_argument("{}: reserved bytes must be 0", fn);
    kll_sketch s(k, 0);
    s.n_ = rd.get<std::uint64_t>("n");
    s.missing_ = rd.get<std::uint64_t>("missing");
    s.rng_.state = rd.get<std::uint64_t>("generator state");
    const double mn = rd.get<double>("min");
    const double mx = rd.get<double>("max");
    std::vector<std::uint32_t> sizes(num_levels);
    for (auto& z : sizes) z = rd.get<std::uint32_t>("level sizes");
    s.levels_.assign(num_levels, {});
    s.recompute_capacity();
    std::uint64_t retained = 0;
    for (auto z : sizes) retained += z;
    if (retained > s.capacity_)
      detail::throw_invalid_argument("{}: {} retained items exceed the capacity {} of {} levels",
                                     fn, retained, s.capacity_, num_levels);
    rd.require_array(retained, sizeof(T), "items");
    // weight sum == n, checked without overflow (levels <= 60, sizes < 2^32)
    long double weight = 0;
    std::uint64_t weight_exact = 0;
    bool overflow = false;
    for (std::size_t h = 0; h < num_levels; ++h) {
      s.levels_[h].resize(sizes[h]);
      rd.get_array(s.levels_[h].data(), sizes[h], "items");
      weight += std::ldexp(static_cast<long double>(sizes[h]), static_cast<int>(h));
      const std::uint64_t add = static_cast<std::uint64_t>(sizes[h]) << h;
      if (h >= 32 && sizes[h] != 0 && (add >> h) != sizes[h]) overflow = true;
      if (weight_exact + add < weight_exact) overflow = true;
      weight_exact += add;
    }
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the sketch", fn, rd.remaining());
    if (overflow || weight > 18446744073709551615.0L || weight_exact != s.n_)
      detail::throw_invalid_argument("{}: the items' total weight does not equal n = {}", fn, s.n_);
    if (s.n_ == 0) {
      if (!std::isnan(mn) || !std::isnan(mx))
        detail::throw_invalid_argument("{}: min / max must be NaN when n = 0", fn);
      if (num_levels != 1)
        detail::throw_invalid_argument("{}: an empty sketch has 1 level, got {}", fn, num_levels);
    } else {
      if (std::isnan(mn) || std::isnan(mx) || !(mn <= mx) ||
          static_cast<double>(static_cast<T>(mn)) != mn ||
          static_cast<double>(static_cast<T>(mx)) != mx)
        detail::throw_invalid_argument("{}: invalid min / max", fn);
      s.min_ = static_cast<T>(mn);
      s.max_ = static_cast<T>(mx);
    }
    for (std::size_t h = 0; h < num_levels; ++h) {
      const auto& l = s.levels_[h];
      for (std::size_t i = 0; i < l.size(); ++i) {
        if (std::isnan(l[i]) || l[i] < s.min_ || l[i] > s.max_)
          detail::throw_invalid_argument("{}: item {} of level {} is NaN or outside [min, max]", fn,
                                         i, h);
        if (h > 0 && i > 0 && l[i] < l[i - 1])
          detail::throw_invalid_argument("{}: level {} is not sorted (item {})", fn, h, i);
      }
    }
    s.retained_ = static_cast<std::size_t>(retained);
    s.levels_[0].reserve(s.capacity_);
    return s;
  }

 private:
  /// splitmix64 on one 64-bit state: one call per compaction, its low bit is the offset.
  struct coin {
    explicit coin(std::uint64_t seed) noexcept : state(seed) {}
    std::uint64_t state;
    unsigned flip() noexcept { return static_cast<unsigned>(detail::splitmix64(state) & 1u); }
  };

  std::uint64_t rng_state_() const noexcept { return rng_.state; }

  void check_not_empty(const char* what) const {
    if (n_ == 0) detail::throw_domain_error("kll_sketch::{}: the sketch is empty", what);
  }
  static void check_rank(double r, const char* name) {
    if (!(r >= 0 && r <= 1))
      detail::throw_invalid_argument("kll_sketch::quantile: {} must be in [0, 1], got {}", name, r);
  }

  void note_min_max(T x) noexcept {
    if (n_ == 0) {
      min_ = max_ = x;
    } else {
      min_ = x < min_ ? x : min_;
      max_ = x > max_ ? x : max_;
    }
  }

  std::uint64_t weight_le(T x) const noexcept {
    std::uint64_t w = 0;
    for (T v : levels_[0]) w += v <= x ? 1u : 0u;
    for (std::size_t h = 1; h < levels_.size(); ++h) {
      const auto& l = levels_[h];
      w += static_cast<std::uint64_t>(std::upper_bound(l.begin(), l.end(), x) - l.begin()) << h;
    }
    return w;
  }

  /// round(k·(2/3)^depth) in integer arithmetic (DataSketches' approach, exact for
  /// depth <= 30; deeper levels are below m for every k <= 65535), at least m.
  static std::size_t level_capacity(std::uint32_t k, std::size_t depth) noexcept {
    if (depth > 30) return min_width;
    std::uint64_t pow3 = 1;
    for (std::size_t i = 0; i < depth; ++i) pow3 *= 3;
    const std::uint64_t twice = ((std::uint64_t{2} * k) << depth) / pow3;  // 2k·2^d / 3^d, floor
    const std::uint64_t cap = (twice + 1) >> 1;                            // round half up
    return std::max<std::size_t>(min_width, static_cast<std::size_t>(cap));
  }

  std::size_t capacity_of(std::size_t h) const noexcept { return caps_[h]; }

  /// Refreshes the per-level capacities (they depend on the number of levels) and their sum.
  void recompute_capacity() {
    caps_.resize(levels_.size());
    std::size_t c = 0;
    for (std::size_t h = 0; h < levels_.size(); ++h)
      c += caps_[h] = level_capacity(k_, levels_.size() - 1 - h);
    capacity_ = c;
  }

  /// Merges sorted `src` into sorted `dst` (through the merged_ scratch; no allocation
  /// once the buffers have grown).
  void merge_sorted_into(std::vector<T>& dst, const std::vector<T>& src) {
    if (src.empty()) return;
    merged_.resize(dst.size() + src.size());
    std::merge(dst.begin(), dst.end(), src.begin(), src.end(), merged_.begin());
    dst.assign(merged_.begin(), merged_.end());
  }

  /// Compacts the lowest level at or over its capacity (one exists when full).
  void compress_one() {
    std::size_t h = 0;
    while (h < levels_.size() && levels_[h].size() < capacity_of(h)) ++h;
    if (h == levels_.size()) h = 0;  // unreachable when retained >= capacity; be safe
    if (h + 1 == levels_.size()) {
      levels_.emplace_back();
      recompute_capacity();
      // capacities of the lower levels just shrank: release buffers far above them (this
      // happens log(n / k) times in all, so the memory stays ~ the retained items)
      for (std::size_t g = 1; g + 1 < levels_.size(); ++g)
        if (levels_[g].capacity() > 4 * caps_[g] && levels_[g].size() <= caps_[g])
          levels_[g].shrink_to_fit();
    }
    std::vector<T>& lv = levels_[h];
    std::vector<T>& up = levels_[h + 1];
    if (h == 0) std::sort(lv.begin(), lv.end());
    const std::size_t odd = lv.size() & 1u;
    const std::size_t half = (lv.size() - odd) / 2;
    const std::size_t offset = rng_.flip();
    // merge every other item of lv (from odd + offset) with the sorted level above
    merged_.resize(up.size() + half);
    const T* a = lv.data() + odd + offset;  // a[2i], i < half
    const T* b = up.data();
    const std::size_t nb = up.size();
    T* out = merged_.data();
    std::size_t i = 0, j = 0;
    while (i < half && j < nb) {
      if (b[j] < a[2 * i]) {
        *out++ = b[j++];
      } else {
        *out++ = a[2 * i++];
      }
    }
    for (; i < half; ++i) *out++ = a[2 * i];
    for (; j < nb; ++j) *out++ = b[j];
    // copy back rather than swap, so each level keeps a buffer sized to itself and only
    // the one scratch buffer has the largest size (state stays ~ retained items)
    up.assign(merged_.begin(), merged_.end());
    lv.resize(odd);  // an odd level keeps its smallest item
    retained_ -= half;
  }

  std::uint16_t k_ = default_k;
  coin rng_;
  std::vector<std::vector<T>> levels_;
  std::size_t capacity_ = 0;
  std::size_t retained_ = 0;
  std::uint64_t n_ = 0;
  std::uint64_t missing_ = 0;
  T min_ = 0, max_ = 0;
  std::vector<std::size_t> caps_;
  std::vector<T> merged_;
};

}  // namespace driftscope
