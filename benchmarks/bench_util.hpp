#pragma once
// Shared inputs of the benchmark binaries.
#include <benchmark/benchmark.h>
#include <driftscope/detect/detector.hpp>

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

/// n draws of Bernoulli(p) as 0.0 / 1.0 (an error stream) from a seeded generator.
inline std::vector<double> bernoulli_sample(std::size_t n, double p, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::bernoulli_distribution dist(p);
  std::vector<double> out(n);
  for (double& v : out) v = dist(gen) ? 1.0 : 0.0;
  return out;
}

/// Runs a detector over a stream, per value, as a benchmark body: update_many over the
/// whole stream each iteration (a fresh copy of `proto`, so every pass sees the same
/// detections), items = values.
template <class Detector>
void run_detector(::benchmark::State& state, const Detector& proto, const std::vector<double>& x) {
  for (auto _ : state) {
    Detector d = proto;
    const auto r = d.update_many(x.data(), x.size());
    ::benchmark::DoNotOptimize(r.drifts.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(x.size()));
}

/// The same through update(x) one value at a time (what a service's request path does).
template <class Detector>
void run_detector_update(::benchmark::State& state, const Detector& proto, const std::vector<double>& x) {
  for (auto _ : state) {
    Detector d = proto;
    std::size_t drifts = 0;
    for (double v : x) drifts += d.update(v) == driftscope::signal::drift;
    ::benchmark::DoNotOptimize(drifts);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(x.size()));
}

}  // namespace driftscope::bench
