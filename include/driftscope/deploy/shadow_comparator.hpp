#pragma once
/// @file
/// @brief shadow_comparator: a model in shadow mode beside the live decision-maker (a human
/// or the old model), compared request by request — classification part: the k × k table
/// of (live, shadow) decisions, agreement, Cohen's κ, McNemar, Bowker and Stuart–Maxwell,
/// and, once labels arrive, each side's accuracy and the paired test of their difference.
///
/// The seed notes' shadow mode: the new system runs on real traffic, its output is logged
/// and compared but not used. What to compare is whether the two decide alike (agreement,
/// κ) and, where they differ, whether one side is systematically different (McNemar for
/// two classes, Bowker's symmetry and Stuart–Maxwell's marginal homogeneity for k) and,
/// with ground truth, which one is right more often (McNemar on correctness).
///
/// ## Statistics (n records, table t[live][shadow], p = t / n, row / column marginals r, c)
/// | function               | definition                                                     | matches |
/// |------------------------|----------------------------------------------------------------|---------|
/// | agreement()            | Σ t_ii / n, Wilson interval                                     | statsmodels proportion_confint(method='wilson') |
/// | kappa()                | (p_o − p_e) / (1 − p_e), p_e = Σ r_i c_i; SE by Fleiss, Cohen & Everitt (1969), SE under κ = 0; z = κ / SE₀ | statsmodels cohens_kappa |
/// | mcnemar(exact)         | 2 × 2: b = t01, c = t10; exact: 2·P(Bin(b + c, ½) ≤ min(b, c)) capped at 1; else (\|b − c\| − 1)² / (b + c) ~ χ²₁ | statsmodels mcnemar |
/// | symmetry()             | Bowker: Σ_{i<j} (t_ij − t_ji)² / (t_ij + t_ji), df = k(k − 1)/2 | SquareTable(shift_zeros=False).symmetry() |
/// | homogeneity()          | Stuart–Maxwell: n d' V⁻¹ d over the first k − 1 categories, d = c − r, V_ii = r_i + c_i − 2p_ii, V_ij = −(p_ij + p_ji); df = k − 1 | SquareTable(shift_zeros=False).homogeneity() |
/// | accuracy_difference()  | shadow accuracy − live accuracy; McNemar (exact) on the 2 × 2 table of (live correct, shadow correct) | statsmodels mcnemar |
/// | output_psi(ε)          | PSI of the shadow's class distribution c (column marginals / n) against the live one's r (row marginals / n), each proportion clipped from below at ε: Σ (c_i − r_i) ln(c_i / r_i) | psi_counts(rows, columns, k, ε) (stats/psi.hpp's convention: empty classes are clipped, not dropped) |
/// | output_chi2(correction)| χ² test of homogeneity of the 2 × k' table (live marginal; shadow marginal), k' the classes either side used; Yates' correction when k' = 2 | scipy.stats.chi2_contingency on that table |
/// output_chi2 treats the two marginals as independent samples, as a monitor comparing two
/// separate streams would; here every request is in both, so it is conservative when the
/// sides agree often — homogeneity() (Stuart–Maxwell) is the paired test of the same
/// hypothesis. Both drift queries are O(k), allocating two k-vectors; fewer than 2 classes
/// used by either side (k' < 2) gives χ² = 0, p = 1, df = 0.
///
/// Latency and errors per arm (`add_latency(arm, seconds)`, `add_error(arm)`, `stats(arm)`,
/// `latency_difference(q)`): see deploy/shadow_arms.hpp — requests, errors, error rate,
/// latency mean / p50 / p90 / p99 (DDSketch, relative error `latency_accuracy`), and the
/// difference of the arms' latency quantiles.
///
/// Edge cases give defined values, never NaN crashes: no disagreement → McNemar / Bowker /
/// Stuart–Maxwell statistic 0 and p-value 1; p_e = 1 (both sides always say the same single
/// class) → κ = NaN is avoided: κ is defined as 1 when p_o = 1 and 0 otherwise, with SE 0;
/// categories without any disagreement (V_ii = 0) leave Stuart–Maxwell's sum and its df (the
/// test on the others is the same test). Queries on an empty comparator throw
/// std::domain_error.
///
/// Labels: `add(live, shadow, label)` when the label is known, or `record(id, live, shadow)`
/// now and `label(id, y)` later: pending records wait in a bounded table
/// (`pending_capacity`, oldest evicted first and counted in `evicted()`); a label for an id
/// that is not pending is refused (std::invalid_argument naming the id).
///
/// Memory: k² + 4 counters, plus the pending records (id + two classes each), plus the
/// per-arm state (two latency sketches: at most 2 × 16 KiB, typically ~2 KiB each). Cost:
/// O(1) per record and per latency; the tests O(k²) (Stuart–Maxwell O(k³)). Mergeable
/// (same k and latency_accuracy; pending records are not merged) and serializable (format
/// below; pending records are not kept).
///
/// ## Serialized format (version 2; version 1 is still read), little-endian
/// | size      | field                                                     |
/// |-----------|-----------------------------------------------------------|
/// | 8         | preamble "DSSC", family 49, version 2 (or 1), flags 0, reserved 0 |
/// | 4         | classes k (u32, 2..65535)                                  |
/// | 8 k²      | decision table, row-major (u64)                            |
/// | 8 × 4     | labelled records by (live correct, shadow correct): (0,0), (0,1), (1,0), (1,1) (u64) |
/// | variable  | version 2 only: the per-arm block of deploy/shadow_arms.hpp (errors, then each arm's latency_sketch bytes with a u32 size). A version 1 buffer decodes with empty arms at the default latency_accuracy 0.01 |

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/deploy/shadow_arms.hpp>
#include <driftscope/monitor/ratio_metric.hpp>
#include <driftscope/stats/chi2_contingency.hpp>
#include <driftscope/stats/psi.hpp>

#include <Eigen/Dense>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace driftscope {

/// @brief A chi-square or exact test result.
struct shadow_test_result {
  double statistic = 0;
  double pvalue = 1;
  double df = 0;  ///< degrees of freedom (0 for an exact test)
};

/// @brief Cohen's κ with its asymptotic standard errors.
struct kappa_result {
  double kappa = 0;
  double std_err = 0;       ///< Fleiss, Cohen & Everitt (1969)
  double std_err_null = 0;  ///< under H0: κ = 0
  double z = 0;             ///< κ / std_err_null (0 when std_err_null is 0)
  double pvalue = 1;        ///< two-sided, H0: κ = 0
};

/// @brief The difference of the two sides' accuracies on the labelled records.
struct accuracy_difference_result {
  double live_accuracy = 0;
  double shadow_accuracy = 0;
  double difference = 0;  ///< shadow − live
  double statistic = 0;   ///< McNemar (exact): min(b, c)
  double pvalue = 1;
  std::uint64_t labelled = 0;
};

/// @brief Options of shadow_comparator.
struct shadow_comparator_options {
  std::uint32_t classes = 2;             ///< k, in [2, 65535]
  std::size_t pending_capacity = 100000; ///< records waiting for their label
  double latency_accuracy = 0.01;        ///< α of the per-arm latency sketches, in [1e-6, 1)

  void validate(const char* fn = "shadow_comparator_options") const {
    if (classes < 2 || classes > 65535)
      detail::throw_invalid_argument("{}: classes must be in [2, 65535], got {}", fn, classes);
    if (!(latency_accuracy >= latency_sketch::min_relative_accuracy && latency_accuracy < 1))
      detail::throw_invalid_argument("{}: latency_accuracy must be in [{}, 1), got {}", fn,
                                     latency_sketch::min_relative_accuracy, latency_accuracy);
  }
};

/// @brief Shadow-mode comparison of two classifiers' decisions (see the file comment).
class shadow_comparator {
 public:
  static constexpr std::uint8_t serial_family = 49;
  static constexpr std::uint8_t serial_version = 2;
  /// The oldest format version deserialize() reads.
  static constexpr std::uint8_t serial_version_min = 1;

  /// @throws std::invalid_argument for classes outside [2, 65535] or a latency_accuracy
  /// outside [1e-6, 1).
  explicit shadow_comparator(shadow_comparator_options options = {})
      : options_((options.validate("shadow_comparator"), options)),
        table_(static_cast<std::size_t>(options_.classes) * options_.classes, 0),
        arms_(options_.latency_accuracy, "shadow_comparator") {}

  std::uint32_t classes() const noexcept { return options_.classes; }

  /// @brief One request: the live decision and the shadow's (class indices in [0, k)).
  /// @throws std::invalid_argument for a class outside [0, k) (naming the side).
  void add(std::uint32_t live, std::uint32_t shadow) {
    check(live, "live");
    check(shadow, "shadow");
    ++table_[index(live, shadow)];
  }
  /// @brief One request with its label (the true class).
  void add(std::uint32_t live, std::uint32_t shadow, std::uint32_t label) {
    check(label, "label");
    add(live, shadow);
    ++correct_[2 * (live == label) + (shadow == label)];
  }

  /// @brief A request whose label comes later (label(id, y)): counted in the table now.
  /// @throws std::invalid_argument for bad classes or an id already pending.
  void record(std::string_view id, std::uint32_t live, std::uint32_t shadow) {
    check(live, "live");
    check(shadow, "shadow");
    const std::string key(id);
    if (pending_.count(key) != 0)
      detail::throw_invalid_argument("shadow_comparator::record: request '{}' is already waiting for its label", id);
    if (options_.pending_capacity == 0) {
      ++evicted_;
    } else {
      while (pending_.size() >= options_.pending_capacity) evict_oldest();
      pending_.emplace(key, pending_record{live, shadow, ++sequence_});
      order_.emplace_back(sequence_, key);
      // labelled ids stay in order_ until passed: compact so it stays O(pending)
      if (order_.size() > 2 * pending_.size() + 64) {
        std::deque<std::pair<std::uint64_t, std::string>> kept;
        for (auto& e : order_) {
          const auto it = pending_.find(e.second);
          if (it != pending_.end() && it->second.seq == e.first) kept.push_back(std::move(e));
        }
        order_.swap(kept);
      }
    }
    ++table_[index(live, shadow)];
  }
  /// @brief The label of a pending request.
  /// @throws std::invalid_argument when `id` is not pending (unknown, labelled already, or
  /// evicted) or the label is not a class.
  void label(std::string_view id, std::uint32_t y) {
    check(y, "label");
    const auto it = pending_.find(std::string(id));
    if (it == pending_.end())
      detail::throw_invalid_argument(
          "shadow_comparator::label: request '{}' is not waiting for a label (unknown, already labelled, or "
          "evicted: {} evicted so far)",
          id, evicted_);
    const std::uint32_t live = it->second.live, shadow = it->second.shadow;
    pending_.erase(it);
    ++correct_[2 * (live == y) + (shadow == y)];
  }
  std::size_t pending() const noexcept { return pending_.size(); }
  std::uint64_t evicted() const noexcept { return evicted_; }

  /// Records compared.
  std::uint64_t n() const noexcept {
    std::uint64_t s = 0;
    for (auto v : table_) s += v;
    return s;
  }
  /// t[live][shadow].
  std::uint64_t count(std::uint32_t live, std::uint32_t shadow) const {
    check(live, "live");
    check(shadow, "shadow");
    return table_[index(live, shadow)];
  }
  /// The k × k table, row-major (row = live).
  const std::vector<std::uint64_t>& table() const noexcept { return table_; }
  std::uint64_t labelled() const noexcept { return correct_[0] + correct_[1] + correct_[2] + correct_[3]; }

  /// @brief Share of records where both decided alike. @throws std::domain_error when empty.
  double agreement() const { return static_cast<double>(agreed()) / static_cast<double>(nonempty("agreement")); }
  /// @brief Wilson interval of agreement() (statsmodels proportion_confint 'wilson').
  ratio_interval agreement_interval(double confidence = 0.95) const {
    ratio_options o;
    o.min_volume = 0;
    ratio_metric m(o);
    m.add(static_cast<std::int64_t>(agreed()), static_cast<std::int64_t>(nonempty("agreement_interval")));
    return m.wilson_interval(confidence);
  }

  /// @brief Cohen's κ and its standard errors (statsmodels cohens_kappa).
  kappa_result kappa() const {
    const double nn = static_cast<double>(nonempty("kappa"));
    const std::size_t k = options_.classes;
    std::vector<double> r(k, 0.0), c(k, 0.0);
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        const double p = p_at(i, j, nn);
        r[i] += p;
        c[j] += p;
      }
    double po = 0, pe = 0;
    for (std::size_t i = 0; i < k; ++i) {
      po += p_at(i, i, nn);
      pe += r[i] * c[i];
    }
    kappa_result out;
    if (!(pe < 1)) {  // one class only on both sides: perfect agreement, no variance
      out.kappa = po >= 1 ? 1.0 : 0.0;
      return out;
    }
    const double kap = (po - pe) / (1 - pe);
    double a = 0, b = 0, c0 = 0;
    for (std::size_t i = 0; i < k; ++i) {
      const double t = 1 - (r[i] + c[i]) * (1 - kap);
      a += p_at(i, i, nn) * t * t;
      for (std::size_t j = 0; j < k; ++j)
        if (i != j) b += p_at(i, j, nn) * (c[i] + r[j]) * (c[i] + r[j]);
      c0 += c[i] * r[i] * (c[i] + r[i]);
    }
    b *= (1 - kap) * (1 - kap);
    const double cc = kap - pe * (1 - kap);
    const double var = (a + b - cc * cc) / ((1 - pe) * (1 - pe) * nn);
    const double var0 = (pe + pe * pe - c0) / ((1 - pe) * (1 - pe) * nn);
    out.kappa = kap;
    out.std_err = std::sqrt(std::max(0.0, var));
    out.std_err_null = std::sqrt(std::max(0.0, var0));
    if (out.std_err_null > 0) {
      out.z = kap / out.std_err_null;
      out.pvalue = 2 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(out.z)));
    }
    return out;
  }

  /// @brief McNemar's test of a 2 × 2 table (statsmodels mcnemar; exact binomial or χ² with
  /// continuity correction). @throws std::invalid_argument for k > 2 (use symmetry() /
  /// homogeneity()); std::domain_error when empty.
  shadow_test_result mcnemar(bool exact = true) const {
    if (options_.classes != 2)
      detail::throw_invalid_argument(
          "shadow_comparator::mcnemar: a {0} x {0} table; McNemar is for 2 classes (use symmetry() or homogeneity())",
          options_.classes);
    nonempty("mcnemar");
    return mcnemar_of(table_[1], table_[2], exact);
  }

  /// @brief Bowker's test of symmetry (SquareTable(shift_zeros=False).symmetry()).
  shadow_test_result symmetry() const {
    nonempty("symmetry");
    const std::size_t k = options_.classes;
    shadow_test_result out;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = i + 1; j < k; ++j) {
        const double a = static_cast<double>(table_[i * k + j]), b = static_cast<double>(table_[j * k + i]);
        if (a + b > 0) out.statistic += (a - b) * (a - b) / (a + b);
      }
    out.df = static_cast<double>(k * (k - 1) / 2);
    out.pvalue = detail::categorical::chi2_sf(out.statistic, out.df);
    return out;
  }

  /// @brief Stuart–Maxwell's test of marginal homogeneity (SquareTable(shift_zeros=False).homogeneity()).
  shadow_test_result homogeneity() const {
    const double nn = static_cast<double>(nonempty("homogeneity"));
    const std::size_t k = options_.classes;
    // the first k - 1 categories, without those that never disagree (V_ii = 0, d_i = 0)
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i + 1 < k; ++i) {
      double v = 0;
      for (std::size_t j = 0; j < k; ++j)
        if (j != i) v += p_at(i, j, nn) + p_at(j, i, nn);
      if (v > 0) keep.push_back(i);
    }
    shadow_test_result out;
    const auto m = static_cast<Eigen::Index>(keep.size());
    if (m == 0) return out;
    Eigen::MatrixXd V(m, m);
    Eigen::VectorXd d(m);
    for (Eigen::Index a = 0; a < m; ++a) {
      const std::size_t i = keep[static_cast<std::size_t>(a)];
      double ri = 0, ci = 0;
      for (std::size_t j = 0; j < k; ++j) {
        ri += p_at(i, j, nn);
        ci += p_at(j, i, nn);
      }
      d(a) = ci - ri;
      for (Eigen::Index b = 0; b < m; ++b) {
        const std::size_t j = keep[static_cast<std::size_t>(b)];
        V(a, b) = a == b ? ri + ci - 2 * p_at(i, i, nn) : -(p_at(i, j, nn) + p_at(j, i, nn));
      }
    }
    const Eigen::VectorXd x = V.colPivHouseholderQr().solve(d);
    out.statistic = std::max(0.0, nn * d.dot(x));
    out.df = static_cast<double>(m);
    out.pvalue = detail::categorical::chi2_sf(out.statistic, out.df);
    return out;
  }

  /// @brief Accuracies on the labelled records and McNemar's exact test of their
  /// difference. @throws std::domain_error without labelled records.
  accuracy_difference_result accuracy_difference() const {
    const std::uint64_t n = labelled();
    if (n == 0) detail::throw_domain_error("shadow_comparator::accuracy_difference: no labelled records");
    accuracy_difference_result out;
    out.labelled = n;
    const double dn = static_cast<double>(n);
    out.live_accuracy = static_cast<double>(correct_[2] + correct_[3]) / dn;
    out.shadow_accuracy = static_cast<double>(correct_[1] + correct_[3]) / dn;
    out.difference = out.shadow_accuracy - out.live_accuracy;
    const shadow_test_result t = mcnemar_of(correct_[2], correct_[1], true);  // live-only correct vs shadow-only
    out.statistic = t.statistic;
    out.pvalue = t.pvalue;
    return out;
  }

  // --- output drift between the arms ------------------------------------------------

  /// @brief PSI of the shadow's class distribution against the live one's (see the table in
  /// the file comment; = psi_counts(row marginals, column marginals, k, epsilon)).
  /// @throws std::invalid_argument unless 0 < epsilon < 1; std::domain_error when empty.
  double output_psi(double epsilon = 1e-4) const {
    detail::check_epsilon(epsilon, "shadow_comparator::output_psi");
    const double nn = static_cast<double>(nonempty("output_psi"));
    std::vector<std::uint64_t> r, c;
    marginals(r, c);
    return detail::psi_from_counts(r.data(), nn, c.data(), nn, r.size(), epsilon);
  }

  /// @brief χ² test of homogeneity of the live and shadow class distributions, treating them
  /// as independent samples (scipy.stats.chi2_contingency on the 2 × k' table of the
  /// marginals, classes neither side used dropped; Yates' correction when k' = 2 and
  /// `correction`). The paired test is homogeneity(). @throws std::domain_error when empty.
  shadow_test_result output_chi2(bool correction = true) const {
    nonempty("output_chi2");
    std::vector<std::uint64_t> r, c;
    marginals(r, c);
    std::vector<double> t;  // 2 x k', row-major: row 0 live, row 1 shadow
    for (std::size_t i = 0; i < r.size(); ++i)
      if (r[i] + c[i] > 0) t.push_back(static_cast<double>(r[i]));
    const std::size_t used = t.size();
    shadow_test_result out;
    if (used < 2) return out;  // one class only, on both sides: no difference
    for (std::size_t i = 0; i < r.size(); ++i)
      if (r[i] + c[i] > 0) t.push_back(static_cast<double>(c[i]));
    chi2_contingency_options o;
    o.correction = correction;
    const chi2_contingency_result x = chi2_contingency(t.data(), 2, used, o);
    out.statistic = x.statistic;
    out.pvalue = x.pvalue;
    out.df = static_cast<double>(x.dof);
    return out;
  }

  // --- latency and errors per arm (deploy/shadow_arms.hpp) -------------------------

  /// @brief One request answered by `arm` in `seconds`. O(1), no allocation once the
  /// arm's sketch covers the values.
  /// @throws std::invalid_argument for an unknown arm or a NaN, negative or infinite latency.
  void add_latency(shadow_arm arm, double seconds) { arms_.add_latency(arm, seconds, "shadow_comparator::add_latency"); }
  /// @brief `n` latencies of `arm`, all or nothing. @throws std::invalid_argument naming the first bad index.
  void add_latencies(shadow_arm arm, const double* seconds, std::size_t n) {
    arms_.add_latencies(arm, seconds, n, "shadow_comparator::add_latencies");
  }
  /// @brief `count` requests `arm` failed (recorded without a latency). O(1).
  /// @throws std::invalid_argument for an unknown arm.
  void add_error(shadow_arm arm, std::uint64_t count = 1) { arms_.add_error(arm, count, "shadow_comparator::add_error"); }
  /// @brief Requests, errors, error rate, latency mean / p50 / p90 / p99 of `arm`.
  /// @throws std::domain_error when the arm has no request.
  arm_stats stats(shadow_arm arm) const { return arms_.stats(arm, "shadow_comparator::stats"); }
  /// @brief Shadow's latency q-quantile − live's (within α (x_live + x_shadow)).
  /// @throws std::invalid_argument for q outside [0, 1]; std::domain_error when an arm has no latency.
  double latency_difference(double q) const { return arms_.latency_difference(q, "shadow_comparator::latency_difference"); }
  /// The per-arm state (latency sketches, requests, errors).
  const shadow_arms& arms() const noexcept { return arms_; }

  /// @brief Adds `other`'s counts and per-arm state (same k and latency_accuracy); pending
  /// records are not merged.
  /// @throws std::invalid_argument when k or the latency accuracy differs (nothing changed).
  void merge(const shadow_comparator& other) {
    if (other.options_.classes != options_.classes)
      detail::throw_invalid_argument("shadow_comparator::merge: other has {} classes, this has {}",
                                     other.options_.classes, options_.classes);
    arms_.merge(other.arms_, "shadow_comparator::merge");
    for (std::size_t i = 0; i < table_.size(); ++i) table_[i] += other.table_[i];
    for (std::size_t i = 0; i < 4; ++i) correct_[i] += other.correct_[i];
  }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSSC", serial_family, serial_version);
    w.put_zeros(2);
    w.put(options_.classes);
    w.put_array(table_.data(), table_.size());
    w.put_array(correct_.data(), correct_.size());
    arms_.write(w);
    return out;
  }

  /// @brief Reads format version 2, or version 1 (then the arms are empty, with the
  /// default latency_accuracy).
  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt).
  static shadow_comparator deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "shadow_comparator::deserialize";
    detail::byte_reader rd(data, size, fn);
    char magic[4];
    for (char& ch : magic) ch = static_cast<char>(rd.get<std::uint8_t>("magic"));
    if (std::memcmp(magic, "DSSC", 4) != 0)
      detail::throw_invalid_argument("{}: bad magic, not a serialized shadow_comparator", fn);
    const auto family = rd.get<std::uint8_t>("family id");
    if (family != serial_family) detail::throw_invalid_argument("{}: family id must be {}, got {}", fn, serial_family, family);
    const auto version = rd.get<std::uint8_t>("version");
    if (version < serial_version_min || version > serial_version)
      detail::throw_invalid_argument("{}: unsupported format version {} (this build reads versions {} to {})", fn,
                                     version, serial_version_min, serial_version);
    if (rd.get<std::uint8_t>("flags") != 0 || rd.get<std::uint8_t>("reserved") != 0)
      detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    shadow_comparator_options o;
    o.classes = rd.get<std::uint32_t>("classes");
    if (o.classes < 2 || o.classes > 65535)
      detail::throw_invalid_argument("{}: classes must be in [2, 65535], got {}", fn, o.classes);
    rd.require_array(static_cast<std::uint64_t>(o.classes) * o.classes, 8, "table");
    shadow_comparator s(o);
    rd.get_array(s.table_.data(), s.table_.size(), "table");
    rd.get_array(s.correct_.data(), s.correct_.size(), "labelled counts");
    if (version >= 2) {
      s.arms_ = shadow_arms::read(rd, data, fn);
      s.options_.latency_accuracy = s.arms_.latency_accuracy();
    }
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes", fn, rd.remaining());
    long double total = 0, labelled = 0;
    for (auto v : s.table_) total += v;
    for (auto v : s.correct_) labelled += v;
    if (labelled > total || total > static_cast<long double>(std::numeric_limits<std::uint64_t>::max()))
      detail::throw_invalid_argument("{}: the counts are inconsistent ({} labelled of {} records)", fn,
                                     static_cast<double>(labelled), static_cast<double>(total));
    return s;
  }

 private:
  std::size_t index(std::size_t live, std::size_t shadow) const noexcept { return live * options_.classes + shadow; }
  double p_at(std::size_t i, std::size_t j, double nn) const noexcept {
    return static_cast<double>(table_[i * options_.classes + j]) / nn;
  }
  void check(std::uint32_t c, const char* side) const {
    if (c >= options_.classes)
      detail::throw_invalid_argument("shadow_comparator: {} class {} is outside [0, {})", side, c, options_.classes);
  }
  void marginals(std::vector<std::uint64_t>& rows, std::vector<std::uint64_t>& cols) const {
    const std::size_t k = options_.classes;
    rows.assign(k, 0);
    cols.assign(k, 0);
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        rows[i] += table_[i * k + j];
        cols[j] += table_[i * k + j];
      }
  }
  std::uint64_t agreed() const noexcept {
    std::uint64_t s = 0;
    for (std::size_t i = 0; i < options_.classes; ++i) s += table_[i * options_.classes + i];
    return s;
  }
  std::uint64_t nonempty(const char* what) const {
    const std::uint64_t total = n();
    if (total == 0) detail::throw_domain_error("shadow_comparator::{}: no records", what);
    return total;
  }
  static shadow_test_result mcnemar_of(std::uint64_t b, std::uint64_t c, bool exact) {
    shadow_test_result out;
    if (b + c == 0) return out;  // no disagreement: statistic 0, p-value 1
    const double db = static_cast<double>(b), dc = static_cast<double>(c);
    if (exact) {
      out.statistic = std::min(db, dc);
      const boost::math::binomial_distribution<double, detail::categorical::scipy_stats_policy> bin(db + dc, 0.5);
      out.pvalue = std::min(1.0, 2 * boost::math::cdf(bin, out.statistic));
    } else {
      const double diff = std::fabs(db - dc) - 1;
      out.statistic = diff * diff / (db + dc);
      out.df = 1;
      out.pvalue = detail::categorical::chi2_sf(out.statistic, 1);
    }
    return out;
  }
  void evict_oldest() {
    while (!order_.empty()) {
      const auto e = std::move(order_.front());
      order_.pop_front();
      const auto it = pending_.find(e.second);
      if (it != pending_.end() && it->second.seq == e.first) {
        pending_.erase(it);
        ++evicted_;
        return;
      }
    }
  }
  struct pending_record {
    std::uint32_t live, shadow;
    std::uint64_t seq;
  };

  shadow_comparator_options options_;
  std::vector<std::uint64_t> table_;
  shadow_arms arms_;
  std::array<std::uint64_t, 4> correct_{};  // index 2 * live correct + shadow correct
  std::unordered_map<std::string, pending_record> pending_;
  std::deque<std::pair<std::uint64_t, std::string>> order_;  // (sequence, id) in arrival order; stale ones skipped
  std::uint64_t sequence_ = 0;
  std::uint64_t evicted_ = 0;
};

}  // namespace driftscope
