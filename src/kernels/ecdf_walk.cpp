/// @file
/// @brief ecdf_walk: one merge walk over two sorted samples yielding the KS extremes,
/// their locations and the L1 (1-Wasserstein) area between the two ECDFs.
///
/// Reference behaviour (scipy 1.17, scipy/stats/_stats_py.py):
/// - ks_2samp: cdf1 = searchsorted(a, pooled, 'right') / n1, same for b, over
///   pooled = concatenate([sorted a, sorted b]); cddiffs = cdf1 - cdf2; the extremes and
///   their locations come from argmax / argmin (first index) of cddiffs.
/// - wasserstein_distance → _cdf_distance(p=1): Σ |cdf1 - cdf2|(v_k) · (v_{k+1} - v_k)
///   over the sorted pooled values v (ties included, with a zero gap).
///
/// The walk is scalar: it is bound by the data-dependent choice of the next element,
/// which is made without a branch; everything else branches predictably.

#include "driftscope/kernels/ecdf_walk.hpp"

#include <cmath>
#include <cstddef>
#include <limits>

namespace driftscope::kernels {
namespace {

/// Running state of the walk; a "group" is a run of equal pooled values, at whose end
/// the ECDF difference is evaluated (right-continuity: after every tie is counted).
class walker {
 public:
  walker(std::size_t na, std::size_t nb)
      : fna_(static_cast<double>(na)), fnb_(static_cast<double>(nb)) {}

  /// Closes the group of value v, with i (j) points of a (b) counted so far.
  void close_group(double v, std::size_t i, std::size_t j, bool in_a, bool in_b,
                   std::size_t multiplicity) {
    // Same expression as numpy's cdf1 - cdf2, so equal fractions compare equal.
    const double d = static_cast<double>(i) / fna_ - static_cast<double>(j) / fnb_;
    // argmax over concatenate([a, b]) finds the first point of a reaching the extreme if
    // any, else the first point of b: track a's and b's points apart, strict updates.
    // Bitwise & keeps "which sample" (random on interleaved data) out of the branches;
    // the combined conditions are rarely true and so well predicted.
    if (in_a & (d > max_a_)) { max_a_ = d; max_loc_a_ = v; }
    if (in_a & (d < min_a_)) { min_a_ = d; min_loc_a_ = v; }
    if (in_b & (d > max_b_)) { max_b_ = d; max_loc_b_ = v; }
    if (in_b & (d < min_b_)) { min_b_ = d; min_loc_b_ = v; }
    // scipy's gap v_{k+1} - v_k: zero between tied finite values, but inf - inf = NaN
    // between tied infinite ones, and |diff| * (±inf gap) is inf, or NaN when diff == 0.
    if (has_prev_) l1_ += prev_abs_d_ * (v - prev_v_);
    if (multiplicity > 1 && std::isinf(v)) l1_ += std::numeric_limits<double>::quiet_NaN();
    prev_v_ = v;
    prev_abs_d_ = std::fabs(d);
    has_prev_ = true;
  }

  ecdf_walk_result result() const {
    ecdf_walk_result r;
    if (max_a_ >= max_b_) {
      r.max_diff = max_a_;
      r.max_location = max_loc_a_;
    } else {
      r.max_diff = max_b_;
      r.max_location = max_loc_b_;
    }
    if (min_a_ <= min_b_) {
      r.min_diff = min_a_;
      r.min_location = min_loc_a_;
    } else {
      r.min_diff = min_b_;
      r.min_location = min_loc_b_;
    }
    r.l1 = l1_;
    return r;
  }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  double fna_, fnb_;
  double max_a_ = -kInf, max_b_ = -kInf, min_a_ = kInf, min_b_ = kInf;
  double max_loc_a_ = 0, max_loc_b_ = 0, min_loc_a_ = 0, min_loc_b_ = 0;
  double l1_ = 0, prev_v_ = 0, prev_abs_d_ = 0;
  bool has_prev_ = false;
};

template <class T>
ecdf_walk_result walk(const T* a, std::size_t na, const T* b, std::size_t nb) {
  walker w(na, nb);
  std::size_t i = 0, j = 0, mult = 0;
  bool in_a = false, in_b = false;
  // Both samples left: take the smaller head (a first on ties; the order inside a group
  // does not matter). The choice is arithmetic, not a branch: on interleaved samples a
  // branch would be mispredicted about half the time.
  while (i < na && j < nb) {
    const T va = a[i];
    const T vb = b[j];
    const bool take_a = va <= vb;
    const T v = take_a ? va : vb;
    i += static_cast<std::size_t>(take_a);
    j += static_cast<std::size_t>(!take_a);
    in_a |= take_a;
    in_b |= !take_a;
    ++mult;
    if ((i < na && a[i] == v) || (j < nb && b[j] == v)) continue;  // the group goes on
    w.close_group(static_cast<double>(v), i, j, in_a, in_b, mult);
    in_a = in_b = false;
    mult = 0;
  }
  // One sample left (it may continue a group opened above).
  while (i < na) {
    const T v = a[i++];
    in_a = true;
    ++mult;
    if (i < na && a[i] == v) continue;
    w.close_group(static_cast<double>(v), i, j, in_a, in_b, mult);
    in_a = in_b = false;
    mult = 0;
  }
  while (j < nb) {
    const T v = b[j++];
    in_b = true;
    ++mult;
    if (j < nb && b[j] == v) continue;
    w.close_group(static_cast<double>(v), i, j, in_a, in_b, mult);
    in_a = in_b = false;
    mult = 0;
  }
  return w.result();
}

}  // namespace

ecdf_walk_result ecdf_walk(const double* a, std::size_t na, const double* b, std::size_t nb) {
  return walk(a, na, b, nb);
}
ecdf_walk_result ecdf_walk(const float* a, std::size_t na, const float* b, std::size_t nb) {
  return walk(a, na, b, nb);
}
}  // namespace driftscope::kernels
