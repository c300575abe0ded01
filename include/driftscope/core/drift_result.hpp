#pragma once
/// @file
/// @brief The result of a binned drift statistic (psi, js_distance, reference_profile).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace driftscope {

/// @brief What a binned drift statistic reports: the statistic and everything needed to
/// audit it (sample sizes, missing counts, the bins used and the counts in them).
struct drift_result {
  double statistic = 0;               ///< PSI or Jensen–Shannon distance (NaN under nan_policy::propagate with NaN input)
  std::size_t n_reference = 0;        ///< reference values used (NaN excluded)
  std::size_t n_current = 0;          ///< current values used (NaN excluded)
  std::size_t missing_reference = 0;  ///< NaN values in the reference
  std::size_t missing_current = 0;    ///< NaN values in the current sample
  std::vector<double> edges;          ///< sorted interior edges; bin i holds edges[i-1] <= x < edges[i]
  std::vector<std::uint64_t> reference_counts;  ///< edges.size() + 1 counts
  std::vector<std::uint64_t> current_counts;    ///< edges.size() + 1 counts
};

}  // namespace driftscope
