#pragma once
// Shared inputs of the benchmark binaries.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace driftscope::bench {

/// n draws of N(shift, 1) from a seeded generator, converted to T.
template <class T = double>
std::vector<T> normal_sample(std::size_t n, double shift, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> dist(shift, 1.0);
  std::vector<T> out(n);
  for (T& v : out) v = static_cast<T>(dist(gen));
  return out;
}

}  // namespace driftscope::bench
