#pragma once
/// @file
/// @brief frequent_items: heavy hitters of a stream with k counters (SpaceSaving);
/// mergeable, with guaranteed per-item bounds.
///
/// Algorithm: Metwally, Agrawal & El Abbadi (2005), "Efficient computation of frequent
/// and top-k elements in data streams" (SpaceSaving). The summary monitors at most k
/// items, each with a counter c and an overestimation e. An update of a monitored item
/// adds its weight w to c; a new item takes a free counter (c = w, e = 0) or, when all k
/// are in use, the counter with the smallest value c_min: c = c_min + w, e = c_min.
///
/// Guarantees, with N the total weight (total_weight()) and f the true count of an item:
///  - lower_bound(x) ≤ f(x) ≤ upper_bound(x) for every item x, and
///    upper_bound(x) − f(x) ≤ maximum_error() ≤ N / k;
///  - an item that is not monitored has f(x) ≤ maximum_error() ≤ N / k, so every item with
///    f(x) > N / k is monitored (no false negatives);
///  - estimate(x) = upper_bound(x) (SpaceSaving's estimate, never below the truth): the
///    counter for a monitored item, maximum_error() (the smallest counter once all k are
///    in use, 0 before) for any other.
/// While fewer than k distinct items have been seen, every count is exact.
///
/// Merge: Agarwal, Cormode, Huang, Phillips, Wei & Yi (2012), "Mergeable summaries"
/// (PODS 2012; ACM TODS 2013), which shows SpaceSaving and Misra–Gries are the same
/// summary and merges them by adding counters and keeping the largest. Here: with m1, m2
/// the two summaries' maximum_error(), every item of either gets c = c1' + c2' and
/// e = e1' + e2', where an item missing from summary i contributes ci' = ei' = mi (the
/// most it can have had there); the k largest c are kept. Then f ≤ c, c − f ≤ m1 + m2 ≤
/// N1/k + N2/k = N/k, lower bounds add, and the k kept counters sum to at most N, so the
/// smallest is ≤ N/k and the guarantees above hold with N = N1 + N2 — and keep holding
/// under further updates and merges.
///
/// Cost: update is O(log k) (a hash lookup plus a sift in a 4-ary min-heap of the counters),
/// no allocation once an item is stored (a std::string item is copied into the counter
/// it takes over, reusing that string's buffer when it fits). Memory: k counters of
/// sizeof(Item) + 32 bytes plus a hash index of 8 bytes × (2k .. 4k), plus the bytes of
/// the stored strings (k = 64, short strings: about 6 KiB).
///
/// Items: Item = std::string (updated through std::string_view; any bytes), std::int64_t
/// or double (-0.0 is 0.0, every NaN one item).
///
/// Example:
/// @code
///   driftscope::frequent_items<std::string> endpoints(64);
///   endpoints.update("/api/v1/predict");
///   for (const auto& r : endpoints.items_above(endpoints.total_weight() / 64.0))
///     std::cout << r.item << ' ' << r.lower_bound << ".." << r.upper_bound << '\n';
/// @endcode
///
/// ## Serialized format (version 1), all little-endian
///
/// | offset | size | field                                                        |
/// |--------|------|--------------------------------------------------------------|
/// | 0      | 4    | magic: ASCII "DSFI"                                          |
/// | 4      | 1    | family id: 24 (frequent_items)                               |
/// | 5      | 1    | format version: 1                                            |
/// | 6      | 1    | item type: 0 string, 1 int64, 2 float64                      |
/// | 7      | 1    | reserved: 0                                                  |
/// | 8      | 4    | k (u32, 1 .. 2^24)                                           |
/// | 12     | 4    | s: counters in use (u32, <= k)                               |
/// | 16     | 8    | N: total weight (u64)                                        |
/// | 24     | ...  | s counters in 4-ary min-heap order (the parent of counter i   |
/// |        |      | is counter (i − 1) / 4), each: count (u64), error            |
/// |        |      | (u64), item (int64 / f64: 8 bytes; string: u32 length L, then |
/// |        |      | L bytes)                                                     |
///
/// deserialize() throws std::out_of_range when truncated and std::invalid_argument when
/// corrupt: magic, family, version, item type, reserved byte, k or s out of range,
/// count 0 or error >= count, counters out of heap order, duplicate items, a non-canonical
/// double (-0.0 or a NaN other than the canonical one), counters summing above N, errors
/// above the smallest count, errors or a count sum != N before all k counters are in use,
/// trailing bytes.

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/hash.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace driftscope {

/// Which side frequent_items::items_above() errs on.
enum class frequent_items_error_type {
  no_false_positives,  ///< items whose lower bound exceeds the threshold (all truly above)
  no_false_negatives,  ///< items whose upper bound exceeds it (every truly-above item is listed)
};

namespace detail {

/// How frequent_items hashes, compares, stores and serializes one kind of item.
template <class Item>
struct frequent_item_traits;

template <>
struct frequent_item_traits<std::string> {
  using view = std::string_view;
  static constexpr std::uint8_t code = 0;
  static std::uint64_t hash(view v) noexcept { return hash64(v); }
  static bool equal(const std::string& a, view b) noexcept { return std::string_view(a) == b; }
  static void assign(std::string& dst, view v) { dst.assign(v.data(), v.size()); }
  static bool less(const std::string& a, const std::string& b) noexcept { return a < b; }
  static void write(byte_writer& w, const std::string& s) {
    w.put(static_cast<std::uint32_t>(s.size()));
    w.put_array(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  }
  static std::size_t written_size(const std::string& s) noexcept { return 4 + s.size(); }
  static std::string read(byte_reader& rd, const char*) {
    const auto len = rd.get<std::uint32_t>("item length");
    rd.require(len, "item bytes");  // before allocating for it
    std::string s(len, '\0');
    rd.get_array(reinterpret_cast<std::uint8_t*>(s.data()), len, "item bytes");
    return s;
  }
};

template <>
struct frequent_item_traits<std::int64_t> {
  using view = std::int64_t;
  static constexpr std::uint8_t code = 1;
  static std::uint64_t hash(view v) noexcept { return hash64(v); }
  static bool equal(std::int64_t a, view b) noexcept { return a == b; }
  static void assign(std::int64_t& dst, view v) noexcept { dst = v; }
  static bool less(std::int64_t a, std::int64_t b) noexcept { return a < b; }
  static void write(byte_writer& w, std::int64_t v) { w.put(v); }
  static std::size_t written_size(std::int64_t) noexcept { return 8; }
  static std::int64_t read(byte_reader& rd, const char*) { return rd.get<std::int64_t>("item"); }
};

template <>
struct frequent_item_traits<double> {
  using view = double;
  static constexpr std::uint8_t code = 2;
  static double canonical(double v) noexcept {
    if (v == 0.0) return 0.0;
    if (v != v) return std::numeric_limits<double>::quiet_NaN();
    return v;
  }
  static std::uint64_t hash(view v) noexcept { return hash64(v); }
  static bool equal(double a, view b) noexcept { return canonical_bits(a) == canonical_bits(b); }
  static void assign(double& dst, view v) noexcept { dst = canonical(v); }
  static bool less(double a, double b) noexcept { return a < b || (a == a && b != b); }  // NaN last
  static void write(byte_writer& w, double v) { w.put(v); }
  static std::size_t written_size(double) noexcept { return 8; }
  static double read(byte_reader& rd, const char* fn) {
    const auto v = rd.get<double>("item");
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    if (bits != canonical_bits(v))
      throw_invalid_argument(
          "{}: a double item must be canonical (0.0 for -0.0, one NaN), got bits {:#x}", fn, bits);
    return v;
  }
};

}  // namespace detail

/// @brief SpaceSaving heavy-hitter summary with k counters (Metwally et al. 2005), mergeable
/// (Agarwal et al. 2012). Item = std::string, std::int64_t or double.
template <class Item = std::string>
class frequent_items {
  using traits = detail::frequent_item_traits<Item>;

 public:
  using item_type = Item;
  /// What update() and the per-item queries take: std::string_view for strings.
  using view_type = typename traits::view;

  /// One monitored item with its bounds: lower_bound ≤ true count ≤ upper_bound = estimate.
  struct row {
    Item item;
    std::uint64_t estimate;
    std::uint64_t lower_bound;
    std::uint64_t upper_bound;
  };

  static constexpr std::uint32_t default_k = 64;
  static constexpr std::uint32_t max_k = std::uint32_t{1} << 24;

  static constexpr std::uint8_t serial_family = 24;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serial_header_bytes = 24;

  /// @brief An empty summary.
  /// @param k number of counters, in [1, 2^24]: estimates are within N / k of the truth.
  /// @throws std::invalid_argument for k outside [1, 2^24].
  explicit frequent_items(std::uint32_t k = default_k) {
    if (k < 1 || k > max_k)
      detail::throw_invalid_argument("frequent_items: k must be in [1, {}], got {}", max_k, k);
    k_ = k;
    // the counters are allocated as items arrive (a large k costs nothing until used)
    table_.assign(table_size_for(std::min<std::uint32_t>(k, 16)), 0);
    mask_ = table_.size() - 1;
  }

  // --- updates -----------------------------------------------------------------------

  /// @brief Adds `weight` occurrences of `item` (weight 0: nothing). O(log k).
  /// @throws std::invalid_argument when the total weight would exceed 2^64 − 1.
  void update(view_type item, std::uint64_t weight = 1) {
    if (weight == 0) return;
    add_total(weight, "frequent_items::update");
    const std::uint64_t h = traits::hash(item);
    std::uint32_t s = find(item, h);
    if (s != npos) {
      counts_[s] += weight;
      sift_down(heap_pos_[s]);
      return;
    }
    if (size_ < k_) {
      s = append_counter();
      store(s, item, h, weight, 0);
      sift_up(s);
      return;
    }
    s = heap_[0];  // the smallest counter is taken over
    erase_from_table(s);
    const std::uint64_t floor = counts_[s];
    store(s, item, h, floor + weight, floor);
    sift_down(0);
  }

  /// @brief Adds `items[0..n)` one occurrence each (U convertible to view_type).
  template <class U>
  void update_many(const U* items, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) update(view_type(items[i]));
  }
  /// @brief Adds `items[i]` with weight `weights[i]`, i < n.
  template <class U>
  void update_many(const U* items, const std::uint64_t* weights, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) update(view_type(items[i]), weights[i]);
  }

  /// @brief Merges `other` into this summary (Agarwal et al. 2012; see the file comment):
  /// afterwards the guarantees hold for the combined stream with N = N1 + N2.
  /// @throws std::invalid_argument when k differs or the total weight would overflow.
  void merge(const frequent_items& other) {
    if (&other == this) {
      const frequent_items copy = other;
      merge(copy);
      return;
    }
    if (other.k_ != k_)
      detail::throw_invalid_argument("frequent_items::merge: k must match, got {} and other.k {}",
                                     k_, other.k_);
    if (other.total_ == 0) return;
    add_total(other.total_, "frequent_items::merge");
    const std::uint64_t m1 = maximum_error(), m2 = other.maximum_error();
    std::vector<candidate> cand;
    cand.reserve(std::size_t{size_} + other.size_);
    for (std::uint32_t s = 0; s < size_; ++s) {
      const std::uint32_t o = other.find(items_[s], hashes_[s]);
      const bool both = o != npos;
      cand.push_back({counts_[s] + (both ? other.counts_[o] : m2),
                      errors_[s] + (both ? other.errors_[o] : m2), hashes_[s], &items_[s]});
    }
    for (std::uint32_t o = 0; o < other.size_; ++o)
      if (find(other.items_[o], other.hashes_[o]) == npos)
        cand.push_back(
            {m1 + other.counts_[o], m1 + other.errors_[o], other.hashes_[o], &other.items_[o]});
    // a total order (items are distinct), so the result is the same on every platform
    std::sort(cand.begin(), cand.end(), [](const candidate& a, const candidate& b) {
      if (a.count != b.count) return a.count > b.count;
      if (a.error != b.error) return a.error < b.error;  // larger lower bound first
      return traits::less(*a.item, *b.item);
    });
    if (cand.size() > k_) cand.resize(k_);
    frequent_items merged(k_);
    merged.total_ = total_;
    // ascending counts: the array is already a min-heap
    for (auto it = cand.rbegin(); it != cand.rend(); ++it)
      merged.store(merged.append_counter(), *it->item, it->hash, it->count, it->error);
    *this = std::move(merged);
  }

  // --- queries -----------------------------------------------------------------------

  std::uint32_t k() const noexcept { return k_; }
  /// Counters in use (distinct items monitored), <= k.
  std::uint32_t size() const noexcept { return size_; }
  bool is_empty() const noexcept { return total_ == 0; }
  /// N: the sum of all weights added (merged summaries: the sum of both).
  std::uint64_t total_weight() const noexcept { return total_; }

  /// @brief The bound on every estimate's error and on any unmonitored item's count: the
  /// smallest counter once all k are in use, 0 before (then every count is exact).
  /// Always <= total_weight() / k.
  std::uint64_t maximum_error() const noexcept { return size_ == k_ ? counts_[heap_[0]] : 0; }

  /// True when `item` has a counter.
  bool contains(view_type item) const noexcept { return find(item, traits::hash(item)) != npos; }
  /// Upper bound of the item's count: its counter, or maximum_error() when unmonitored.
  std::uint64_t upper_bound(view_type item) const noexcept {
    const std::uint32_t s = find(item, traits::hash(item));
    return s != npos ? counts_[s] : maximum_error();
  }
  /// Lower bound of the item's count: counter − overestimation, or 0 when unmonitored.
  std::uint64_t lower_bound(view_type item) const noexcept {
    const std::uint32_t s = find(item, traits::hash(item));
    return s != npos ? counts_[s] - errors_[s] : 0;
  }
  /// SpaceSaving's estimate: upper_bound(item); within maximum_error() <= N / k above the truth.
  std::uint64_t estimate(view_type item) const noexcept { return upper_bound(item); }

  /// @brief The n monitored items with the largest estimates (ties: larger lower bound,
  /// then smaller item first). n larger than size() returns all.
  std::vector<row> top(std::size_t n) const {
    std::vector<row> out = rows_where([](std::uint32_t) { return true; });
    if (out.size() > n) out.resize(n);
    return out;
  }

  /// @brief The monitored items above `threshold`, largest estimate first.
  /// no_false_negatives: upper_bound > max(threshold, maximum_error()) — every item whose
  /// true count exceeds that is listed (a smaller threshold cannot be answered without
  /// false negatives, so it is raised, as in Apache DataSketches). no_false_positives:
  /// lower_bound > threshold — every listed item's true count exceeds it.
  /// @throws std::invalid_argument for a NaN threshold.
  std::vector<row> items_above(
      double threshold,
      frequent_items_error_type type = frequent_items_error_type::no_false_negatives) const {
    if (threshold != threshold)
      detail::throw_invalid_argument("frequent_items::items_above: threshold must not be NaN");
    if (type == frequent_items_error_type::no_false_negatives) {
      const double t = std::max(threshold, static_cast<double>(maximum_error()));
      return rows_where([&](std::uint32_t s) { return static_cast<double>(counts_[s]) > t; });
    }
    return rows_where(
        [&](std::uint32_t s) { return static_cast<double>(counts_[s] - errors_[s]) > threshold; });
  }

  std::size_t memory_bytes() const noexcept {
    std::size_t b = sizeof(*this) + items_.capacity() * sizeof(Item) +
                    (counts_.capacity() + errors_.capacity() + hashes_.capacity()) * 8 +
                    (heap_.capacity() + heap_pos_.capacity()) * 4 + table_.capacity() * 8;
    if constexpr (std::is_same<Item, std::string>::value)
      for (const std::string& s : items_)
        if (s.capacity() > 15)
          b += s.capacity() + 1;  // heap buffer beyond the small-string storage
    return b;
  }

  // --- bytes -------------------------------------------------------------------------

  std::size_t serialized_size_bytes() const noexcept {
    std::size_t b = serial_header_bytes;
    for (std::uint32_t i = 0; i < size_; ++i) b += 16 + traits::written_size(items_[heap_[i]]);
    return b;
  }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_size_bytes());
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSFI", serial_family, serial_version);
    w.put(traits::code);
    w.put(std::uint8_t{0});
    w.put(k_);
    w.put(size_);
    w.put(total_);
    for (std::uint32_t i = 0; i < size_;
         ++i) {  // heap order: a restored summary evicts the same items
      const std::uint32_t s = heap_[i];
      w.put(counts_[s]);
      w.put(errors_[s]);
      traits::write(w, items_[s]);
    }
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt; see the file comment).
  static frequent_items deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "frequent_items::deserialize";
    detail::byte_reader rd(data, size, fn);
    detail::read_preamble(rd, "DSFI", serial_family, serial_version, fn, "frequent_items");
    const auto code = rd.get<std::uint8_t>("item type");
    if (code != traits::code)
      detail::throw_invalid_argument("{}: item type must be {} ({}), got {}", fn, traits::code,
                                     type_name(traits::code), code);
    if (rd.get<std::uint8_t>("reserved") != 0)
      detail::throw_invalid_argument("{}: reserved byte must be 0", fn);
    const auto k = rd.get<std::uint32_t>("k");
    if (k < 1 || k > max_k)
      detail::throw_invalid_argument("{}: k must be in [1, {}], got {}", fn, max_k, k);
    const auto used = rd.get<std::uint32_t>("counters in use");
    if (used > k)
      detail::throw_invalid_argument("{}: {} counters in use, more than k = {}", fn, used, k);
    rd.require_array(used, 16 + (traits::code == 0 ? 4 : 8), "counters");  // before allocating
    frequent_items f(k);
    f.total_ = rd.get<std::uint64_t>("total weight");
    std::uint64_t sum = 0;
    for (std::uint32_t s = 0; s < used; ++s) {
      const auto count = rd.get<std::uint64_t>("count");
      const auto error = rd.get<std::uint64_t>("error");
      Item item = traits::read(rd, fn);
      if (count == 0 || error >= count)
        detail::throw_invalid_argument(
            "{}: counter {} has count {} and error {} (need count > error)", fn, s, count, error);
      if (s > 0 && count < f.counts_[(s - 1) / heap_arity])
        detail::throw_invalid_argument("{}: counter {} breaks the min-heap order", fn, s);
      if (sum > std::numeric_limits<std::uint64_t>::max() - count || (sum += count) > f.total_)
        detail::throw_invalid_argument("{}: counts sum above the total weight {}", fn, f.total_);
      const std::uint64_t h = traits::hash(item);
      if (f.find(item, h) != npos)
        detail::throw_invalid_argument("{}: counter {} repeats an item", fn, s);
      f.store(f.append_counter(), item, h, count, error);
    }
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the counters", fn,
                                     rd.remaining());
    if (used < k) {
      if (sum != f.total_)
        detail::throw_invalid_argument(
            "{}: with free counters the counts must sum to the total weight", fn);
      for (std::uint32_t s = 0; s < used; ++s)
        if (f.errors_[s] != 0)
          detail::throw_invalid_argument("{}: with free counters every error must be 0", fn);
    } else {
      for (std::uint32_t s = 0; s < used; ++s)
        if (f.errors_[s] > f.counts_[0])
          detail::throw_invalid_argument("{}: an error exceeds the smallest count", fn);
    }
    return f;
  }

 private:
  static constexpr std::uint32_t npos = std::numeric_limits<std::uint32_t>::max();

  struct candidate {
    std::uint64_t count, error, hash;
    const Item* item;
  };

  static const char* type_name(std::uint8_t code) noexcept {
    return code == 0 ? "string" : code == 1 ? "int64" : "float64";
  }

  void add_total(std::uint64_t weight, const char* fn) {
    if (total_ > std::numeric_limits<std::uint64_t>::max() - weight)
      detail::throw_invalid_argument("{}: the total weight would exceed 2^64 - 1", fn);
    total_ += weight;
  }

  static std::size_t table_size_for(std::uint32_t counters) noexcept {
    std::size_t n = 4;
    while (n < 2 * std::size_t{counters}) n *= 2;  // load factor <= 1/2
    return n;
  }

  /// A new counter at the end of the heap (the caller stores into it and sifts). Grows
  /// the per-counter arrays and, by doubling, the hash index: allocation happens only
  /// while the summary fills up.
  std::uint32_t append_counter() {
    const std::uint32_t s = size_++;
    items_.emplace_back();
    counts_.push_back(0);
    errors_.push_back(0);
    hashes_.push_back(0);
    heap_.push_back(s);
    heap_pos_.push_back(s);
    if (table_.size() < table_size_for(size_)) {
      table_.assign(std::max(table_size_for(size_), 2 * table_.size()), 0);
      mask_ = table_.size() - 1;
      for (std::uint32_t t = 0; t < s; ++t) insert_into_table(t);
    }
    return s;
  }

  /// A hash index entry: the low 32 hash bits (to skip most non-matching entries without
  /// touching the counters, and to find an entry's home slot) and the counter + 1.
  static std::uint64_t table_entry(std::uint64_t h, std::uint32_t s) noexcept {
    return (h << 32) | (std::uint64_t{s} + 1);
  }
  static std::uint32_t entry_counter(std::uint64_t e) noexcept {
    return static_cast<std::uint32_t>(e) - 1;
  }
  std::size_t entry_home(std::uint64_t e) const noexcept {
    return static_cast<std::size_t>(e >> 32) & mask_;
  }

  void insert_into_table(std::uint32_t s) noexcept {
    std::size_t i = hashes_[s] & mask_;
    while (table_[i] != 0) i = (i + 1) & mask_;
    table_[i] = table_entry(hashes_[s], s);
  }

  template <class V>
  void store(std::uint32_t s, const V& item, std::uint64_t h, std::uint64_t count,
             std::uint64_t error) {
    traits::assign(items_[s], item);
    hashes_[s] = h;
    counts_[s] = count;
    errors_[s] = error;
    insert_into_table(s);
  }

  /// The counter of `item` (hash h), or npos. Linear probing over table_ (load <= 1/2).
  template <class V>
  std::uint32_t find(const V& item, std::uint64_t h) const noexcept {
    const std::uint64_t tag = h << 32;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint64_t e = table_[i];
      if (e == 0) return npos;
      if ((e & ~std::uint64_t{0xffffffff}) == tag && traits::equal(items_[entry_counter(e)], item))
        return entry_counter(e);
    }
  }

  /// Removes counter s from the index; later entries of its probe run shift back
  /// (deletion without tombstones, so lookups stay short).
  void erase_from_table(std::uint32_t s) noexcept {
    std::size_t i = hashes_[s] & mask_;
    while (table_[i] != table_entry(hashes_[s], s)) i = (i + 1) & mask_;
    for (std::size_t j = (i + 1) & mask_; table_[j] != 0; j = (j + 1) & mask_) {
      const std::size_t home = entry_home(table_[j]);
      // the entry at j may move to i unless its home lies cyclically in (i, j]
      const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!stays) {
        table_[i] = table_[j];
        i = j;
      }
    }
    table_[i] = 0;
  }

  // A 4-ary heap: half the depth of a binary one, and the four children of a node share
  // a cache line. Moves use a hole (the moving counter is written once, at its final
  // position), and the smallest child is picked with conditional moves: on the many ties
  // of a long-tailed stream the comparisons are unpredictable.
  static constexpr std::uint32_t heap_arity = 4;

  void sift_up(std::uint32_t pos) noexcept {
    const std::uint32_t s = heap_[pos];
    const std::uint64_t c = counts_[s];
    while (pos > 0) {
      const std::uint32_t parent = (pos - 1) / heap_arity;
      const std::uint32_t ps = heap_[parent];
      if (counts_[ps] <= c) break;
      heap_[pos] = ps;
      heap_pos_[ps] = pos;
      pos = parent;
    }
    heap_[pos] = s;
    heap_pos_[s] = pos;
  }
  void sift_down(std::uint32_t pos) noexcept {
    const std::uint32_t s = heap_[pos];
    const std::uint64_t c = counts_[s];
    const std::size_t n = size_;
    for (;;) {
      const std::size_t first = heap_arity * std::size_t{pos} + 1;
      if (first >= n) break;
      std::size_t best = first;
      std::uint64_t best_count = counts_[heap_[first]];
      const std::size_t last = std::min(first + heap_arity, n);
      for (std::size_t child = first + 1; child < last; ++child) {
        const std::uint64_t cc = counts_[heap_[child]];
        const bool smaller = cc < best_count;
        best = smaller ? child : best;
        best_count = smaller ? cc : best_count;
      }
      if (c <= best_count) break;
      const std::uint32_t child_slot = heap_[best];
      heap_[pos] = child_slot;
      heap_pos_[child_slot] = pos;
      pos = static_cast<std::uint32_t>(best);
    }
    heap_[pos] = s;
    heap_pos_[s] = pos;
  }

  template <class Pred>
  std::vector<row> rows_where(Pred&& keep) const {
    std::vector<row> out;
    for (std::uint32_t s = 0; s < size_; ++s)
      if (keep(s)) out.push_back({items_[s], counts_[s], counts_[s] - errors_[s], counts_[s]});
    std::sort(out.begin(), out.end(), [](const row& a, const row& b) {
      if (a.estimate != b.estimate) return a.estimate > b.estimate;
      if (a.lower_bound != b.lower_bound) return a.lower_bound > b.lower_bound;
      return traits::less(a.item, b.item);
    });
    return out;
  }

  std::uint32_t k_ = default_k;
  std::uint32_t size_ = 0;
  std::uint64_t total_ = 0;
  std::size_t mask_ = 0;
  std::vector<Item> items_;                              // per counter ("slot")
  std::vector<std::uint64_t> counts_, errors_, hashes_;  // per slot
  std::vector<std::uint32_t> heap_;                      // slots, min-heap by count
  std::vector<std::uint32_t> heap_pos_;                  // slot -> position in heap_
  std::vector<std::uint64_t> table_;                     // hash index: table_entry(), 0 = empty
};

}  // namespace driftscope
