#pragma once
/// @file
/// @brief How well a change detector found known drifts: mean time to detection (MTD),
/// mean time between false alarms (MTFA), missed detection rate (MDR), their ratio MTR,
/// true / false positives, precision, recall, F1 and false alarms per 1,000 values.
///
/// The delay and false-alarm measures are those of CD-MOA (Bifet, Read, Pfahringer,
/// Holmes, Žliobaitė 2013, "CD-MOA: change detection framework for massive online
/// analysis", IDA) and of Gama, Žliobaitė, Bifet, Pechenizkiy, Bouchachia 2014, "A survey
/// on concept drift adaptation" (ACM Computing Surveys 46(4)), §6:
///   MTD  — mean time to detection: the mean delay between a change and its detection;
///   MTFA — mean time between false alarms; its inverse is the false alarm rate;
///   MDR  — missed detection rate: the share of changes not detected;
///   MTR  — mean time ratio, MTFA / MTD × (1 − MDR) (larger is better).
/// river 0.26.1 has no drift-evaluation module to match: `river.drift` holds the detectors
/// and `river.drift.datasets` (change-point series with annotations), and `river.evaluate`
/// scores predictive models (progressive validation). The precise rules below are ours;
/// each is stated so the numbers can be recomputed by hand.
///
/// Definitions. Positions are 0-based indices into a stream of `n` values.
/// - A true drift is a half-open interval [start, end): the values start .. end−1 are the
///   transition (a gradual drift); an abrupt drift at t is start = end = t (the value at
///   t is the first of the new concept). True drifts are sorted and do not overlap:
///   start_i > start_{i−1} and start_i ≥ end_{i−1}; 0 ≤ start < n and start ≤ end ≤ n.
/// - Detection window of drift i: [start_i, min(end_i + max_delay, start_{i+1}, n)).
///   An abrupt drift at t is thus detected by a detection at t .. t + max_delay − 1
///   (delay < max_delay); a window stops where the next drift starts, so a detection is
///   never credited to an earlier drift. max_delay ≥ 1; `unbounded_delay` (the default)
///   lets every window run to the next drift or the end of the stream.
/// - Detections are strictly increasing positions < n (e.g. `update_many(...).drifts`).
/// - Drift i is detected when its window holds a detection; the first one is its true
///   positive and its delay is detection − start_i (0 = flagged at the first changed
///   value; for a gradual drift the delay counts from the start of the transition).
///   Every other detection is a false alarm: those outside all windows and the 2nd, 3rd,
///   ... detections inside one window (each true drift justifies one detection).
/// - TP = detected drifts, FP = detections − TP, FN = missed drifts = drifts − TP.
/// - MTD = mean delay over the detected drifts. NaN when TP = 0.
/// - MTFA = n / FP: values observed per false alarm, i.e. the inverse of the false alarm
///   rate as CD-MOA defines it (on a stream without change this is the mean run length
///   between alarms). +inf when FP = 0. (The mean gap between consecutive false alarms
///   would be undefined with fewer than two and ignore the time before the first.)
/// - MDR = FN / drifts. NaN with no true drifts. Recall = TP / drifts = 1 − MDR (NaN
///   with no true drifts).
/// - MTR = MTFA / MTD × (1 − MDR). NaN when TP = 0 (nothing detected, or no true drifts);
///   +inf when FP = 0 or MTD = 0 (and TP > 0).
/// - Precision = TP / detections (NaN with no detections); F1 = 2·TP / (2·TP + FP + FN),
///   the harmonic mean of precision and recall where both are defined, 0 when TP = 0 and
///   anything was detected or missed, NaN with neither drifts nor detections.
/// - False alarms per 1,000 values = 1000 · FP / n.
///
/// Several streams (e.g. seeded repetitions of a scenario) pool with `merge`: counts,
/// delays and lengths add, so MTD is the mean over all detected drifts and MTFA the total
/// length over all false alarms — not the mean of per-stream values.
///
/// Invalid input throws std::invalid_argument naming the argument: n < 1, max_delay < 1,
/// a true drift out of range, unsorted or overlapping true drifts, a detection out of
/// range, detections not strictly increasing; `merge` of results with different max_delay.
///
/// Cost: O(drifts + detections) time, O(drifts) memory for the per-drift positions.
///
/// Example:
/// @code
///   driftscope::page_hinkley ph;
///   const auto found = ph.update_many(x);                     // x: 3000 values, change at 1000
///   const std::vector<std::uint64_t> truth = {1000};
///   const auto m = driftscope::evaluate_detections(truth, found.drifts, 3000, 500);
///   // m.detected_at[0], m.delays[0], m.mtd, m.mtfa, m.mdr, m.f1 ...
/// @endcode

#include <driftscope/core/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace driftscope {

/// @brief A known drift: the transition occupies positions [start, end); start == end is
/// an abrupt drift at start.
struct true_drift {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
};

/// @brief max_delay meaning "no limit": a drift's window runs to the next drift or the end.
inline constexpr std::uint64_t unbounded_delay = std::numeric_limits<std::uint64_t>::max();

/// @brief Detection metrics of one stream (or several, pooled by `merge`); definitions in
/// the file comment.
struct detection_metrics {
  // --- what was evaluated -------------------------------------------------------------
  std::uint64_t n = 0;                        ///< values in the stream(s)
  std::uint64_t max_delay = unbounded_delay;  ///< detection window length after a drift's end
  std::uint64_t n_drifts = 0;                 ///< true drifts
  std::uint64_t n_detections = 0;             ///< detections
  // --- counts --------------------------------------------------------------------------
  std::uint64_t true_positives = 0;   ///< detected drifts (first detection in a window)
  std::uint64_t false_positives = 0;  ///< all other detections (false alarms)
  std::uint64_t false_negatives = 0;  ///< missed drifts
  std::uint64_t delay_sum = 0;        ///< sum of the delays of the detected drifts
  /// Per true drift, in order: the position of the detection that found it, or −1.
  std::vector<std::int64_t> detected_at;
  /// Per true drift: detected_at − start, or −1 when missed.
  std::vector<std::int64_t> delays;
  // --- metrics (NaN / inf as the file comment states) ---------------------------------
  double mtd = 0;                    ///< mean time to detection
  double mtfa = 0;                   ///< mean time between false alarms, n / FP
  double mdr = 0;                    ///< missed detection rate, FN / drifts
  double mtr = 0;                    ///< MTFA / MTD × (1 − MDR)
  double precision = 0;              ///< TP / detections
  double recall = 0;                 ///< TP / drifts
  double f1 = 0;                     ///< 2·TP / (2·TP + FP + FN)
  double false_alarms_per_1000 = 0;  ///< 1000 · FP / n
};

namespace detail {

/// Fills the ratio fields of m from its counts.
inline void finish_detection_metrics(detection_metrics& m) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double inf = std::numeric_limits<double>::infinity();
  const auto tp = static_cast<double>(m.true_positives);
  const auto fp = static_cast<double>(m.false_positives);
  const auto fn = static_cast<double>(m.false_negatives);
  const auto k = static_cast<double>(m.n_drifts);
  m.mtd = m.true_positives == 0 ? nan : static_cast<double>(m.delay_sum) / tp;
  m.mtfa = m.false_positives == 0 ? inf : static_cast<double>(m.n) / fp;
  m.mdr = m.n_drifts == 0 ? nan : fn / k;
  m.recall = m.n_drifts == 0 ? nan : tp / k;
  if (m.true_positives == 0)
    m.mtr = nan;
  else if (m.false_positives == 0 || m.delay_sum == 0)
    m.mtr = inf;
  else
    m.mtr = m.mtfa / m.mtd * (1.0 - m.mdr);
  m.precision = m.n_detections == 0 ? nan : tp / static_cast<double>(m.n_detections);
  const double f1_den = 2.0 * tp + fp + fn;
  m.f1 = f1_den == 0 ? nan : 2.0 * tp / f1_den;
  m.false_alarms_per_1000 = m.n == 0 ? nan : 1000.0 * fp / static_cast<double>(m.n);
}

inline detection_metrics evaluate_detections(const char* fn, const true_drift* drifts,
                                             std::size_t n_drifts, const std::uint64_t* detections,
                                             std::size_t n_detections, std::uint64_t n,
                                             std::uint64_t max_delay) {
  if (n < 1) throw_invalid_argument("{}: n must be >= 1, got {}", fn, n);
  if (max_delay < 1) throw_invalid_argument("{}: max_delay must be >= 1, got {}", fn, max_delay);
  for (std::size_t i = 0; i < n_drifts; ++i) {
    const true_drift& d = drifts[i];
    if (d.start >= n)
      throw_invalid_argument("{}: true_drifts[{}] starts at {}, must be < n = {}", fn, i, d.start,
                             n);
    if (d.end < d.start || d.end > n)
      throw_invalid_argument("{}: true_drifts[{}] = [{}, {}) must have start <= end <= n = {}", fn,
                             i, d.start, d.end, n);
    if (i > 0 && (d.start <= drifts[i - 1].start || d.start < drifts[i - 1].end))
      throw_invalid_argument(
          "{}: true_drifts must be sorted and not overlap: true_drifts[{}] = [{}, {}) must "
          "start after true_drifts[{}] = [{}, {}) starts and not before it ends",
          fn, i, d.start, d.end, i - 1, drifts[i - 1].start, drifts[i - 1].end);
  }
  for (std::size_t j = 0; j < n_detections; ++j) {
    if (detections[j] >= n)
      throw_invalid_argument("{}: detections[{}] = {} must be < n = {}", fn, j, detections[j], n);
    if (j > 0 && detections[j] <= detections[j - 1])
      throw_invalid_argument(
          "{}: detections must be strictly increasing, got {} after {} at index {}", fn,
          detections[j], detections[j - 1], j);
  }

  detection_metrics m;
  m.n = n;
  m.max_delay = max_delay;
  m.n_drifts = n_drifts;
  m.n_detections = n_detections;
  m.detected_at.assign(n_drifts, -1);
  m.delays.assign(n_drifts, -1);
  std::size_t j = 0;
  for (std::size_t i = 0; i < n_drifts; ++i) {
    const std::uint64_t start = drifts[i].start;
    // window end: end + max_delay (saturating), cut at the next drift's start and at n
    std::uint64_t stop = max_delay >= n - drifts[i].end ? n : drifts[i].end + max_delay;
    if (i + 1 < n_drifts) stop = std::min(stop, drifts[i + 1].start);
    while (j < n_detections && detections[j] < start) ++j;  // false alarms before the window
    if (j < n_detections && detections[j] < stop) {
      m.detected_at[i] = static_cast<std::int64_t>(detections[j]);
      m.delays[i] = static_cast<std::int64_t>(detections[j] - start);
      m.delay_sum += detections[j] - start;
      ++m.true_positives;
      ++j;
    }
  }
  m.false_negatives = n_drifts - m.true_positives;
  m.false_positives = n_detections - m.true_positives;
  finish_detection_metrics(m);
  return m;
}

}  // namespace detail

/// @brief Scores detections against known drifts (definitions in the file comment).
/// @param drifts true drifts, sorted, non-overlapping; `n_drifts` of them (may be 0)
/// @param detections detection positions, strictly increasing, each < n (may be empty)
/// @param n stream length (>= 1)
/// @param max_delay window after a drift's end in which a detection counts (>= 1)
/// @throws std::invalid_argument naming the argument for invalid input
inline detection_metrics evaluate_detections(const true_drift* drifts, std::size_t n_drifts,
                                             const std::uint64_t* detections,
                                             std::size_t n_detections, std::uint64_t n,
                                             std::uint64_t max_delay = unbounded_delay) {
  return detail::evaluate_detections("evaluate_detections", drifts, n_drifts, detections,
                                     n_detections, n, max_delay);
}

/// @brief The same with true drifts as intervals in a vector.
inline detection_metrics evaluate_detections(const std::vector<true_drift>& drifts,
                                             const std::vector<std::uint64_t>& detections,
                                             std::uint64_t n,
                                             std::uint64_t max_delay = unbounded_delay) {
  return evaluate_detections(drifts.data(), drifts.size(), detections.data(), detections.size(), n,
                             max_delay);
}

/// @brief The same with abrupt true drifts given as positions (each t means [t, t)).
inline detection_metrics evaluate_detections(const std::vector<std::uint64_t>& drift_positions,
                                             const std::vector<std::uint64_t>& detections,
                                             std::uint64_t n,
                                             std::uint64_t max_delay = unbounded_delay) {
  std::vector<true_drift> d(drift_positions.size());
  for (std::size_t i = 0; i < d.size(); ++i)
    d[i] = true_drift{drift_positions[i], drift_positions[i]};
  return evaluate_detections(d, detections, n, max_delay);
}

/// @brief Pools the evaluations of two streams (e.g. two seeded repetitions): counts,
/// delay sums and lengths add, per-drift positions are concatenated (each relative to
/// its own stream), and the metrics are recomputed from the totals.
/// @throws std::invalid_argument when a.max_delay != b.max_delay.
inline detection_metrics merge(const detection_metrics& a, const detection_metrics& b) {
  if (a.max_delay != b.max_delay)
    detail::throw_invalid_argument(
        "merge: detection metrics with different max_delay ({} and {}) do not pool", a.max_delay,
        b.max_delay);
  detection_metrics m;
  m.n = a.n + b.n;
  m.max_delay = a.max_delay;
  m.n_drifts = a.n_drifts + b.n_drifts;
  m.n_detections = a.n_detections + b.n_detections;
  m.true_positives = a.true_positives + b.true_positives;
  m.false_positives = a.false_positives + b.false_positives;
  m.false_negatives = a.false_negatives + b.false_negatives;
  m.delay_sum = a.delay_sum + b.delay_sum;
  m.detected_at = a.detected_at;
  m.detected_at.insert(m.detected_at.end(), b.detected_at.begin(), b.detected_at.end());
  m.delays = a.delays;
  m.delays.insert(m.delays.end(), b.delays.begin(), b.delays.end());
  detail::finish_detection_metrics(m);
  return m;
}

}  // namespace driftscope
