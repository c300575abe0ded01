#include "driftscope/kernels/sort.hpp"

#include <algorithm>
#include <cmath>

namespace driftscope::kernels {
void sort(double* x, std::size_t n) { std::sort(x, x + n); }
void sort(float* x, std::size_t n) { std::sort(x, x + n); }
std::size_t count_nan(const double* x, std::size_t n) {
  return static_cast<std::size_t>(std::count_if(x, x + n, [](double v) { return std::isnan(v); }));
}
std::size_t count_nan(const float* x, std::size_t n) {
  return static_cast<std::size_t>(std::count_if(x, x + n, [](float v) { return std::isnan(v); }));
}
std::size_t copy_without_nan(const double* in, std::size_t n, double* out) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(in[i])) out[k++] = in[i];
  return k;
}
std::size_t copy_without_nan(const float* in, std::size_t n, float* out) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(in[i])) out[k++] = in[i];
  return k;
}
}  // namespace driftscope::kernels
