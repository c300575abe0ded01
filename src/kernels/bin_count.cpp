#include "driftscope/kernels/bin_count.hpp"

#include <algorithm>
#include <cmath>

namespace driftscope::kernels {
namespace {
template <class T>
std::size_t bin_count_portable(const T* x, std::size_t n, const double* edges, std::size_t n_edges,
                               std::uint64_t* counts) {
  std::size_t nan = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    if (std::isnan(v)) {
      ++nan;
      continue;
    }
    counts[std::upper_bound(edges, edges + n_edges, v) - edges] += 1;
  }
  return nan;
}
}  // namespace

std::size_t bin_count(const double* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint64_t* counts) {
  return bin_count_portable(x, n, edges, n_edges, counts);
}
std::size_t bin_count(const float* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint64_t* counts) {
  return bin_count_portable(x, n, edges, n_edges, counts);
}
}  // namespace driftscope::kernels
