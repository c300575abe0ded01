#pragma once
/// @file
/// @brief RDDM, the reactive drift detection method on a binary error stream (1 = error),
/// as MOA's `moa.classifiers.core.driftdetection.RDDM` (Python:
/// `driftscope.drift.binary.RDDM`).
///
/// Barros, Cabral, Gonçalves & Santos (2017), "RDDM: Reactive drift detection method",
/// Expert Systems with Applications 90: 344–355. DDM's rule (Gama et al. 2004) on the
/// current concept, plus a bounded concept length. With n the values of the concept:
///   pₙ = pₙ₋₁ + (xₙ − pₙ₋₁)/n,   sₙ = sqrt(pₙ(1 − pₙ)/n),
/// once n > `min_instances`: (p_min, s_min) ← (pₙ, sₙ) when pₙ + sₙ < p_min + s_min;
///   drift   when pₙ + sₙ > p_min + `drift_threshold`·s_min,
///   warning when pₙ + sₙ > p_min + `warning_threshold`·s_min — and a warning level held
///           for `warn_limit` more values after the first warning becomes a drift;
///   "concept too long": when n > `max_size_concept` and no warning, the concept restarts.
/// The last `min_size_stable_concept` values are kept. At the update after a drift or a
/// restart, (p, s, n) are recomputed from the kept values — from the first warning of the
/// warning run that led to the drift when that value is still kept, only the last value
/// after a drift without warning (or a forced one), all kept values after a restart — and
/// after a drift (not a restart) p_min, s_min are re-learned during that replay.
/// This transcribes MOA's RDDM.java step by step (its counter m_n = n + 1 after an
/// update; its global counter instNum for the warning limit; its ring buffer positions).
///
/// frouros 0.9.0's `RDDM` differs from MOA after the first drift or restart: its replay
/// counts one value less, resets p_min / s_min also on a restart, keeps all stored values
/// after a drift with a warning (not from the warning's start), and checks
/// n ≥ min_num_instances during the replay. Up to and including the first drift (with
/// max_size_concept beyond the stream) both give the same warnings and drift.
///
/// Memory: O(min_size_stable_concept) bytes — one ring buffer allocated at construction
/// (7000 bytes by default). Cost: O(1) per value, plus the replay at the update after a
/// drift or restart: O(kept values) (≤ min_size_stable_concept). A drift replays at most
/// the values seen since the previous one, and a restart happens once every
/// max_size_concept − min_size_stable_concept values at most, so the cost is amortized
/// O(1) when max_size_concept ≥ 2·min_size_stable_concept (the defaults: 40000, 7000).

#include <driftscope/detect/detector.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <vector>

namespace driftscope {

class rddm : public detector_base<rddm> {
 public:
  static constexpr detector_kind kind = detector_kind::rddm;
  static constexpr const char* name = "RDDM";

  /// @param min_instances           values of a concept before it is monitored (MOA's minNumInstances)
  /// @param warning_threshold       warning level in standard deviations (MOA's warningLevel)
  /// @param drift_threshold         drift level in standard deviations (MOA's driftLevel)
  /// @param max_size_concept        a concept longer than this restarts (MOA's maxSizeConcept)
  /// @param min_size_stable_concept values kept for the recomputation (MOA's minSizeStableConcept)
  /// @param warn_limit              values at warning level before a drift is forced (MOA's warnLimit)
  /// @throws std::invalid_argument naming the argument: min_instances < 0, thresholds <= 0
  ///         or non-finite, sizes or warn_limit < 1.
  explicit rddm(std::int64_t min_instances = 129, double warning_threshold = 1.773, double drift_threshold = 2.258,
                std::int64_t max_size_concept = 40000, std::int64_t min_size_stable_concept = 7000,
                std::int64_t warn_limit = 1400, nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite), min_instances_(min_instances), warning_threshold_(warning_threshold),
        drift_threshold_(drift_threshold), max_size_concept_(max_size_concept),
        min_size_stable_concept_(min_size_stable_concept), warn_limit_(warn_limit) {
    validate(min_instances, warning_threshold, drift_threshold, max_size_concept, min_size_stable_concept, warn_limit);
    stored_.assign(static_cast<std::size_t>(min_size_stable_concept), 0);
  }

  signal step(double x) {
    detail::require_binary(x, name);
    const std::int64_t size = min_size_stable_concept_;
    if (rddm_drift_) replay();
    last_pos_ = last_pos_ + 1 == size ? 0 : last_pos_ + 1;
    stored_[static_cast<std::size_t>(last_pos_)] = static_cast<std::uint8_t>(x);
    if (num_stored_ < size) {
      num_stored_ += 1;
    } else {
      first_pos_ = first_pos_ + 1 == size ? 0 : first_pos_ + 1;
      if (last_warn_pos_ == last_pos_) last_warn_pos_ = -1;
    }
    m_p_ = m_p_ + (x - m_p_) / static_cast<double>(m_n_);
    m_s_ = std::sqrt(m_p_ * (1 - m_p_) / static_cast<double>(m_n_));
    inst_num_ += 1;
    m_n_ += 1;
    if (m_n_ <= min_instances_) return signal::none;

    const double ps = m_p_ + m_s_;
    if (ps < m_psmin_) {
      m_pmin_ = m_p_;
      m_smin_ = m_s_;
      m_psmin_ = ps;
    }
    if (ps > m_pmin_ + drift_threshold_ * m_smin_) {  // DDM drift
      change_detected_ = true;
      rddm_drift_ = true;
      if (last_warn_inst_ == -1) {  // without a warning before: keep only this value
        first_pos_ = last_pos_;
        num_stored_ = 1;
      }
      return signal::drift;
    }
    bool warning = false;
    if (ps > m_pmin_ + warning_threshold_ * m_smin_) {
      if (last_warn_inst_ != -1 && last_warn_inst_ + warn_limit_ <= inst_num_) {  // warning for too long
        change_detected_ = true;
        rddm_drift_ = true;
        first_pos_ = last_pos_;
        num_stored_ = 1;
        last_warn_pos_ = -1;
        last_warn_inst_ = -1;
        return signal::drift;
      }
      warning = true;
      if (last_warn_inst_ == -1) {
        last_warn_inst_ = inst_num_;
        last_warn_pos_ = last_pos_;
      }
    } else {  // neither: forget a warning run
      last_warn_inst_ = -1;
      last_warn_pos_ = -1;
    }
    if (m_n_ > max_size_concept_ && !warning) rddm_drift_ = true;  // concept too long: restart
    return warning ? signal::warning : signal::none;
  }

  void reset_state() noexcept {
    num_stored_ = 0;
    first_pos_ = 0;
    last_pos_ = -1;
    last_warn_pos_ = -1;
    last_warn_inst_ = -1;
    inst_num_ = 0;
    rddm_drift_ = false;
    change_detected_ = false;
    m_n_ = 1;
    m_p_ = 1;
    m_s_ = 0;
    m_pmin_ = m_smin_ = m_psmin_ = DBL_MAX;
  }

  // --- parameters and read-only state ------------------------------------------------
  std::int64_t min_instances() const noexcept { return min_instances_; }
  double warning_threshold() const noexcept { return warning_threshold_; }
  double drift_threshold() const noexcept { return drift_threshold_; }
  std::int64_t max_size_concept() const noexcept { return max_size_concept_; }
  std::int64_t min_size_stable_concept() const noexcept { return min_size_stable_concept_; }
  std::int64_t warn_limit() const noexcept { return warn_limit_; }
  /// Values of the current concept (MOA's m_n − 1; before a pending recomputation).
  std::int64_t n() const noexcept { return m_n_ - 1; }
  /// Error rate p and its standard deviation s of the current concept.
  double error_rate() const noexcept { return m_p_; }
  double std_dev() const noexcept { return m_s_; }
  /// (p, s) at the minimum of p + s (DBL_MAX before the first one).
  double min_error_rate() const noexcept { return m_pmin_; }
  double min_std() const noexcept { return m_smin_; }
  /// Values kept for the recomputation (≤ min_size_stable_concept).
  std::int64_t stored() const noexcept { return num_stored_; }
  /// Values seen since construction or reset().
  std::int64_t total() const noexcept { return inst_num_; }

  /// Layout: parameters; flags; counters; the kept values oldest first, zero-padded to
  /// min_size_stable_concept bytes (ring positions are normalized: the oldest at 0).
  void write_payload(detail::byte_writer& w) const {
    w.put(min_instances_);
    w.put(warning_threshold_);
    w.put(drift_threshold_);
    w.put(max_size_concept_);
    w.put(min_size_stable_concept_);
    w.put(warn_limit_);
    w.put(static_cast<std::uint8_t>(rddm_drift_));
    w.put(static_cast<std::uint8_t>(change_detected_));
    w.put(m_n_);
    for (double v : {m_p_, m_s_, m_pmin_, m_smin_, m_psmin_}) w.put(v);
    w.put(inst_num_);
    w.put(last_warn_inst_);
    w.put(num_stored_);
    std::int64_t warn_offset = -1;
    if (last_warn_pos_ != -1) {
      warn_offset = last_warn_pos_ - first_pos_;
      if (warn_offset < 0) warn_offset += min_size_stable_concept_;
    }
    w.put(warn_offset);
    std::int64_t pos = first_pos_;
    for (std::int64_t i = 0; i < min_size_stable_concept_; ++i) {
      w.put(i < num_stored_ ? stored_[static_cast<std::size_t>(pos)] : std::uint8_t{0});
      if (++pos == min_size_stable_concept_) pos = 0;
    }
  }

  static rddm read_payload(detail::byte_reader& rd) {
    const auto min_instances = rd.get<std::int64_t>("min_instances");
    const auto warning_threshold = rd.get<double>("warning_threshold");
    const auto drift_threshold = rd.get<double>("drift_threshold");
    const auto max_size_concept = rd.get<std::int64_t>("max_size_concept");
    const auto size = rd.get<std::int64_t>("min_size_stable_concept");
    const auto warn_limit = rd.get<std::int64_t>("warn_limit");
    validate(min_instances, warning_threshold, drift_threshold, max_size_concept, size, warn_limit);
    const auto rddm_drift = rd.get<std::uint8_t>("restart pending");
    const auto change = rd.get<std::uint8_t>("drift flag");
    if (rddm_drift > 1 || change > 1 || (change && !rddm_drift))
      detail::throw_invalid_argument("{}.deserialize: inconsistent flags {} and {}", name, rddm_drift, change);
    const auto m_n = rd.get<std::int64_t>("n");
    double v[5];
    for (double& e : v) e = rd.get<double>("statistics");
    const auto inst_num = rd.get<std::int64_t>("total");
    const auto last_warn_inst = rd.get<std::int64_t>("warning start");
    const auto num_stored = rd.get<std::int64_t>("stored");
    const auto warn_offset = rd.get<std::int64_t>("warning position");
    if (m_n < 1 || inst_num < 0 || !(v[0] >= 0 && v[0] <= 1) || !(v[1] >= 0 && v[1] <= 1) || std::isnan(v[2]) ||
        std::isnan(v[3]) || std::isnan(v[4]))
      detail::throw_invalid_argument("{}.deserialize: invalid statistics (n {}, p {}, s {})", name, m_n - 1, v[0], v[1]);
    if (num_stored < 0 || num_stored > size || num_stored > inst_num || (inst_num > 0 && num_stored == 0))
      detail::throw_invalid_argument("{}.deserialize: {} kept values inconsistent with {} seen and room for {}", name,
                                     num_stored, inst_num, size);
    if (last_warn_inst < -1 || last_warn_inst > inst_num || warn_offset < -1 || warn_offset >= num_stored ||
        (last_warn_inst == -1 && warn_offset != -1))
      detail::throw_invalid_argument("{}.deserialize: invalid warning start {} at kept position {}", name, last_warn_inst,
                                     warn_offset);
    rd.require_array(static_cast<std::uint64_t>(size), 1, "kept values");  // before allocating
    rddm d(min_instances, warning_threshold, drift_threshold, max_size_concept, size, warn_limit);
    d.rddm_drift_ = rddm_drift != 0;
    d.change_detected_ = change != 0;
    d.m_n_ = m_n;
    d.m_p_ = v[0];
    d.m_s_ = v[1];
    d.m_pmin_ = v[2];
    d.m_smin_ = v[3];
    d.m_psmin_ = v[4];
    d.inst_num_ = inst_num;
    d.last_warn_inst_ = last_warn_inst;
    d.num_stored_ = num_stored;
    d.first_pos_ = 0;
    d.last_pos_ = num_stored - 1;
    d.last_warn_pos_ = warn_offset;
    rd.get_array(d.stored_.data(), d.stored_.size(), "kept values");
    for (std::int64_t i = 0; i < size; ++i) {
      const std::uint8_t b = d.stored_[static_cast<std::size_t>(i)];
      if (b > 1 || (i >= num_stored && b != 0))
        detail::throw_invalid_argument("{}.deserialize: kept value {} must be {}, got {}", name, i,
                                       i < num_stored ? "0 or 1" : "0 (padding)", b);
    }
    return d;
  }

 private:
  static void validate(std::int64_t min_instances, double warning_threshold, double drift_threshold,
                       std::int64_t max_size_concept, std::int64_t min_size_stable_concept, std::int64_t warn_limit) {
    detail::require_at_least(min_instances, 0, name, "min_instances");
    detail::require_positive(warning_threshold, name, "warning_threshold");
    detail::require_positive(drift_threshold, name, "drift_threshold");
    detail::require_at_least(max_size_concept, 1, name, "max_size_concept");
    detail::require_at_least(min_size_stable_concept, 1, name, "min_size_stable_concept");
    detail::require_at_least(warn_limit, 1, name, "warn_limit");
  }

  /// MOA's recomputation at the update after a drift or a restart.
  void replay() {
    const std::int64_t size = min_size_stable_concept_;
    m_n_ = 1;
    m_p_ = 1;
    m_s_ = 0;
    if (change_detected_) m_pmin_ = m_smin_ = m_psmin_ = DBL_MAX;
    if (last_warn_pos_ != -1) {  // keep from the start of the warning run
      first_pos_ = last_warn_pos_;
      num_stored_ = last_pos_ - first_pos_ + 1;
      if (num_stored_ <= 0) num_stored_ += size;
    }
    std::int64_t pos = first_pos_;
    for (std::int64_t i = 0; i < num_stored_; ++i) {
      m_p_ = m_p_ + (static_cast<double>(stored_[static_cast<std::size_t>(pos)]) - m_p_) / static_cast<double>(m_n_);
      m_s_ = std::sqrt(m_p_ * (1 - m_p_) / static_cast<double>(m_n_));
      if (change_detected_ && m_n_ > min_instances_ && m_p_ + m_s_ < m_psmin_) {
        m_pmin_ = m_p_;
        m_smin_ = m_s_;
        m_psmin_ = m_p_ + m_s_;
      }
      m_n_ += 1;
      if (++pos == size) pos = 0;
    }
    last_warn_pos_ = -1;
    last_warn_inst_ = -1;
    rddm_drift_ = false;
    change_detected_ = false;
  }

  std::int64_t min_instances_;
  double warning_threshold_, drift_threshold_;
  std::int64_t max_size_concept_, min_size_stable_concept_, warn_limit_;

  std::vector<std::uint8_t> stored_;  // ring buffer of the kept values
  std::int64_t num_stored_ = 0, first_pos_ = 0, last_pos_ = -1;
  std::int64_t last_warn_pos_ = -1, last_warn_inst_ = -1, inst_num_ = 0;
  bool rddm_drift_ = false;       // recompute at the next update (after a drift or a restart)
  bool change_detected_ = false;  // the last pending recomputation follows a drift
  std::int64_t m_n_ = 1;          // MOA's m_n: values of the concept + 1
  double m_p_ = 1, m_s_ = 0, m_pmin_ = DBL_MAX, m_smin_ = DBL_MAX, m_psmin_ = DBL_MAX;
};

}  // namespace driftscope
