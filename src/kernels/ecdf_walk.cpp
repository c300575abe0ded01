#include "driftscope/kernels/ecdf_walk.hpp"

#include <cmath>
#include <limits>

namespace driftscope::kernels {
namespace {
template <class T>
ecdf_walk_result walk(const T* a, std::size_t na, const T* b, std::size_t nb) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double fna = static_cast<double>(na), fnb = static_cast<double>(nb);
  double max_a = -inf, max_b = -inf, min_a = inf, min_b = inf;
  double max_loc_a = 0, max_loc_b = 0, min_loc_a = 0, min_loc_b = 0;
  double l1 = 0, prev_v = 0, prev_absd = 0;
  bool has_prev = false;
  std::size_t i = 0, j = 0;
  while (i < na || j < nb) {
    T v;
    if (i < na && (j >= nb || a[i] <= b[j])) v = a[i]; else v = b[j];
    const std::size_t i0 = i, j0 = j;
    while (i < na && a[i] == v) ++i;
    while (j < nb && b[j] == v) ++j;
    const double dv = static_cast<double>(v);
    const double d = static_cast<double>(i) / fna - static_cast<double>(j) / fnb;
    if (i > i0) {
      if (d > max_a) { max_a = d; max_loc_a = dv; }
      if (d < min_a) { min_a = d; min_loc_a = dv; }
    }
    if (j > j0) {
      if (d > max_b) { max_b = d; max_loc_b = dv; }
      if (d < min_b) { min_b = d; min_loc_b = dv; }
    }
    if (has_prev) l1 += prev_absd * (dv - prev_v);
    if ((i - i0) + (j - j0) > 1 && std::isinf(dv)) l1 += std::numeric_limits<double>::quiet_NaN();
    prev_v = dv;
    prev_absd = std::fabs(d);
    has_prev = true;
  }
  ecdf_walk_result r;
  if (max_a >= max_b) { r.max_diff = max_a; r.max_location = max_loc_a; }
  else { r.max_diff = max_b; r.max_location = max_loc_b; }
  if (min_a <= min_b) { r.min_diff = min_a; r.min_location = min_loc_a; }
  else { r.min_diff = min_b; r.min_location = min_loc_b; }
  r.l1 = l1;
  return r;
}
}  // namespace

ecdf_walk_result ecdf_walk(const double* a, std::size_t na, const double* b, std::size_t nb) {
  return walk(a, na, b, nb);
}
ecdf_walk_result ecdf_walk(const float* a, std::size_t na, const float* b, std::size_t nb) {
  return walk(a, na, b, nb);
}
}  // namespace driftscope::kernels
