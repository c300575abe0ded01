#pragma once
/// @file
/// @brief category_metrics: the input metrics of one categorical (string) feature over a
/// window — count, missing, distinct values (HyperLogLog), frequent items (SpaceSaving)
/// and the share of values unseen in the reference — mergeable and serializable.
///
/// - `count()`: every value seen, missing ones included;
/// - `missing()`: values in the configured missing set (default: the empty string; a
///   caller maps a null to one of them). They feed nothing else;
/// - `distinct()`: HyperLogLog estimate of the distinct non-missing values (relative
///   standard error 1.04 / √(2^p): 1.6 % at p = 12), `sketch/hyperloglog.hpp`;
/// - `top(n)`: the most frequent non-missing values with SpaceSaving's bounds (each count
///   within N / k of the truth), `sketch/frequent_items.hpp`;
/// - `unseen()` / `unseen_share()`: non-missing values whose category is not among the
///   reference categories given at construction (none given: every value is "seen", the
///   share is 0). Categories are compared by their 64-bit hash (core/hash.hpp): a value
///   is wrongly taken for a reference category with probability about r / 2^64 for r
///   reference categories — negligible — and no value is ever allocated to look it up.
///
/// Cost per value: one string hash, a binary search among the reference hashes, one HLL
/// register update and a SpaceSaving update (O(log k)); no allocation once an item is
/// stored in the summary. Memory: 2^p bytes of registers + the k-counter summary (about
/// 5 KiB for k = 64 with short strings) + 8 bytes per reference category + the missing
/// strings.
///
/// ## Serialized format (version 1), little-endian
/// | size  | field                                                                 |
/// |-------|-----------------------------------------------------------------------|
/// | 8     | preamble: "DSCM", family 46, version 1, flags 0 (2 bytes)             |
/// | 8     | count (u64)                                                           |
/// | 8     | missing (u64)                                                         |
/// | 8     | unseen (u64)                                                          |
/// | 4     | number of missing strings m (u32), then each: u32 length + bytes      |
/// | 8     | number of reference hashes r (u64), then r × u64, strictly ascending  |
/// | 4 + n | HyperLogLog bytes, length-prefixed (u32)                              |
/// | 4 + n | frequent-items bytes, length-prefixed (u32)                           |
/// Truncated bytes throw std::out_of_range; corrupt ones std::invalid_argument.

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/hash.hpp>
#include <driftscope/sketch/frequent_items.hpp>
#include <driftscope/sketch/hyperloglog.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace driftscope {

/// @brief Options of category_metrics.
struct category_metrics_options {
  int hll_p = hyperloglog::default_p;                          ///< HyperLogLog precision, [4, 18]
  std::uint32_t top_k = 64;                                    ///< SpaceSaving counters, [1, 2^24]
  std::vector<std::string> missing_values = {std::string()};   ///< values counted as missing
  std::vector<std::string> reference_categories;               ///< empty: no unseen-category check

  /// @throws std::invalid_argument naming `fn` and the field.
  void validate(const char* fn = "category_metrics_options") const {
    if (hll_p < hyperloglog::min_p || hll_p > hyperloglog::max_p)
      detail::throw_invalid_argument("{}: hll_p must be in [{}, {}], got {}", fn, hyperloglog::min_p,
                                     hyperloglog::max_p, hll_p);
    if (top_k < 1 || top_k > frequent_items<std::string>::max_k)
      detail::throw_invalid_argument("{}: top_k must be in [1, {}], got {}", fn,
                                     frequent_items<std::string>::max_k, top_k);
  }
};

/// @brief Input metrics of one categorical feature (see the file comment).
class category_metrics {
 public:
  static constexpr std::uint8_t serial_family = 46;
  static constexpr std::uint8_t serial_version = 1;
  using top_row = frequent_items<std::string>::row;

  /// @throws std::invalid_argument for invalid options.
  explicit category_metrics(const category_metrics_options& options = {})
      : missing_values_(options.missing_values),
        distinct_((options.validate("category_metrics"), options.hll_p)),
        top_(options.top_k) {
    reference_.reserve(options.reference_categories.size());
    for (const auto& c : options.reference_categories) reference_.push_back(detail::hash64(std::string_view(c)));
    std::sort(reference_.begin(), reference_.end());
    reference_.erase(std::unique(reference_.begin(), reference_.end()), reference_.end());
  }

  /// @brief Adds one value.
  void update(std::string_view value) {
    ++count_;
    for (const auto& m : missing_values_)
      if (value == m) {
        ++missing_;
        return;
      }
    const std::uint64_t h = detail::hash64(value);
    distinct_.update_hash(h);
    top_.update(value);
    if (!reference_.empty() && !std::binary_search(reference_.begin(), reference_.end(), h)) ++unseen_;
  }

  /// @brief Adds `values[0..n)` (std::string, std::string_view or const char*).
  template <class S>
  void update_many(const S* values, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) update(std::string_view(values[i]));
  }

  /// @brief Combines `other` (same p, k, missing set and reference) into this.
  /// @throws std::invalid_argument when the configurations differ.
  void merge(const category_metrics& other) {
    if (other.missing_values_ != missing_values_ || other.reference_ != reference_)
      detail::throw_invalid_argument(
          "category_metrics::merge: the missing values and reference categories must match");
    distinct_.merge(other.distinct_);  // checks p
    top_.merge(other.top_);            // checks k
    count_ += other.count_;
    missing_ += other.missing_;
    unseen_ += other.unseen_;
  }

  /// @brief Forgets every value (a new window); keeps the configuration.
  void reset() {
    count_ = missing_ = unseen_ = 0;
    distinct_ = hyperloglog(distinct_.p());
    top_ = frequent_items<std::string>(top_.k());
  }

  /// Values seen, missing included.
  std::uint64_t count() const noexcept { return count_; }
  /// Values in the missing set.
  std::uint64_t missing() const noexcept { return missing_; }
  /// Non-missing values whose category is not a reference category.
  std::uint64_t unseen() const noexcept { return unseen_; }
  /// @throws std::domain_error when count() == 0.
  double missing_share() const {
    if (count_ == 0) detail::throw_domain_error("category_metrics::missing_share: no values (count is 0)");
    return static_cast<double>(missing_) / static_cast<double>(count_);
  }
  /// @brief unseen() / non-missing values.
  /// @throws std::domain_error when there are no non-missing values.
  double unseen_share() const {
    if (count_ == missing_)
      detail::throw_domain_error("category_metrics::unseen_share: no non-missing values");
    return static_cast<double>(unseen_) / static_cast<double>(count_ - missing_);
  }
  /// Estimated number of distinct non-missing values.
  double distinct() const noexcept { return distinct_.estimate(); }
  /// The n most frequent non-missing values, most frequent first, with bounds.
  std::vector<top_row> top(std::size_t n) const { return top_.top(n); }
  bool has_reference() const noexcept { return !reference_.empty(); }
  const hyperloglog& distinct_sketch() const noexcept { return distinct_; }
  const frequent_items<std::string>& top_sketch() const noexcept { return top_; }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSCM", serial_family, serial_version);
    w.put_zeros(2);
    w.put(count_);
    w.put(missing_);
    w.put(unseen_);
    w.put(static_cast<std::uint32_t>(missing_values_.size()));
    for (const auto& m : missing_values_) {
      w.put(static_cast<std::uint32_t>(m.size()));
      w.put_array(reinterpret_cast<const std::uint8_t*>(m.data()), m.size());
    }
    w.put(static_cast<std::uint64_t>(reference_.size()));
    w.put_array(reference_.data(), reference_.size());
    for (const auto& blob : {distinct_.serialize(), top_.serialize()}) {
      w.put(static_cast<std::uint32_t>(blob.size()));
      w.put_array(blob.data(), blob.size());
    }
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt).
  static category_metrics deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "category_metrics::deserialize";
    detail::byte_reader rd(data, size, fn);
    detail::read_preamble(rd, "DSCM", serial_family, serial_version, fn, "category_metrics");
    for (int i = 0; i < 2; ++i)
      if (rd.get<std::uint8_t>("flags") != 0) detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    category_metrics c;
    c.count_ = rd.get<std::uint64_t>("count");
    c.missing_ = rd.get<std::uint64_t>("missing");
    c.unseen_ = rd.get<std::uint64_t>("unseen");
    if (c.missing_ > c.count_ || c.unseen_ > c.count_ - c.missing_)
      detail::throw_invalid_argument("{}: missing {} + unseen {} exceed the count {}", fn, c.missing_, c.unseen_,
                                     c.count_);
    const auto m = rd.get<std::uint32_t>("missing values");
    rd.require_array(m, 4, "missing values");
    c.missing_values_.assign(m, std::string());
    for (auto& s : c.missing_values_) {
      const auto len = rd.get<std::uint32_t>("missing value length");
      rd.require(len, "missing value");
      s.resize(len);
      rd.get_array(reinterpret_cast<std::uint8_t*>(&s[0]), len, "missing value");
    }
    const auto r = rd.get<std::uint64_t>("reference hashes");
    rd.require_array(r, 8, "reference hashes");
    c.reference_.resize(static_cast<std::size_t>(r));
    rd.get_array(c.reference_.data(), c.reference_.size(), "reference hashes");
    if (std::adjacent_find(c.reference_.begin(), c.reference_.end(),
                           [](std::uint64_t a, std::uint64_t b) { return a >= b; }) != c.reference_.end())
      detail::throw_invalid_argument("{}: reference hashes must be strictly ascending", fn);
    if (c.reference_.empty() && c.unseen_ != 0)
      detail::throw_invalid_argument("{}: unseen values counted without reference categories", fn);
    const auto* base = static_cast<const std::uint8_t*>(data);
    const auto blob = [&](const char* field) {
      const auto n = rd.get<std::uint32_t>(field);
      rd.require(n, field);
      const std::uint8_t* p = base + rd.position();
      rd.skip(n, field);
      return std::make_pair(p, std::size_t{n});
    };
    const auto h = blob("hyperloglog");
    c.distinct_ = hyperloglog::deserialize(h.first, h.second);
    const auto t = blob("frequent items");
    c.top_ = frequent_items<std::string>::deserialize(t.first, t.second);
    if (c.top_.total_weight() != c.count_ - c.missing_)
      detail::throw_invalid_argument("{}: the frequent items' weight {} differs from the {} non-missing values", fn,
                                     c.top_.total_weight(), c.count_ - c.missing_);
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the state", fn, rd.remaining());
    return c;
  }

 private:
  std::uint64_t count_ = 0;
  std::uint64_t missing_ = 0;
  std::uint64_t unseen_ = 0;
  std::vector<std::string> missing_values_;
  std::vector<std::uint64_t> reference_;  // sorted hashes of the reference categories
  hyperloglog distinct_;
  frequent_items<std::string> top_;
};

}  // namespace driftscope
