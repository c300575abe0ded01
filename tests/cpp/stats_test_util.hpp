#pragma once
// Shared helpers of test_stats.cpp and test_reference_profile.cpp: fixture structs (the
// values come from tests/cpp/data/gen_stats_fixtures.py, i.e. numpy / scipy), closeness
// checks, exception-message checks.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace stats_test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct wasserstein_case {
  const char* name;
  std::vector<double> u, v, u_weights, v_weights;
  bool float32;
  double expected;
};

struct js_case {
  const char* name;
  std::vector<double> p, q;
  double base;  // 0 = none
  double expected;
};

struct edges_case {
  const char* name;
  std::vector<double> sample;
  std::size_t bins;
  std::vector<double> quantile_edges, uniform_edges;
};

struct binned_case {
  const char* name;
  std::vector<double> reference, current;
  int kind;  // 0 quantile, 1 uniform, 2 explicit
  std::size_t bins;
  std::vector<double> explicit_edges;
  double epsilon;
  std::vector<double> edges;
  std::vector<std::uint64_t> reference_counts, current_counts;
  double psi, js;
};

struct counts_case {
  const char* name;
  std::vector<double> reference, current;
  double epsilon, psi, js;
};

#include "data/stats_fixtures.inc"

/// |a - b| <= abs_tol + rel_tol * |b|; NaN equals NaN; equal infinities are close.
inline bool close(double a, double b, double rel_tol = 1e-12, double abs_tol = 1e-15) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= abs_tol + rel_tol * std::fabs(b);
}

/// Same value or both NaN.
inline bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

template <class T>
std::vector<T> as(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

/// Calls f, expects exception type E whose message contains `needle`; returns whether so.
template <class E, class F>
bool throws_with(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const E& e) {
    return std::string(e.what()).find(needle) != std::string::npos;
  } catch (...) {
    return false;
  }
  return false;
}

}  // namespace stats_test
