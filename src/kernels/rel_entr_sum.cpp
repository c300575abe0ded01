#include "driftscope/kernels/rel_entr_sum.hpp"

#include <cmath>
#include <limits>

namespace driftscope::kernels {
double rel_entr_sum(const double* x, const double* y, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = x[i], b = y[i];
    if (std::isnan(a) || std::isnan(b)) {
      s += std::numeric_limits<double>::quiet_NaN();
    } else if (a > 0 && b > 0) {
      s += a * std::log(a / b);
    } else if (a == 0 && b >= 0) {
    } else {
      s += std::numeric_limits<double>::infinity();
    }
  }
  return s;
}
}  // namespace driftscope::kernels
