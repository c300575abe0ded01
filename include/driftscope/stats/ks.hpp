#pragma once
/// @file
/// @brief Two-sample Kolmogorov–Smirnov test, matching scipy.stats.ks_2samp.
///
/// (Declarations fixed first so the bindings can be written against them; the
/// implementation follows in this header.)

#include <driftscope/core/alternative.hpp>
#include <driftscope/core/nan_policy.hpp>

#include <cstddef>
#include <string_view>

namespace driftscope {

/// How the p-value is computed; `automatic` is scipy's 'auto'.
enum class ks_method { automatic, exact, asymp };

/// @throws std::invalid_argument for anything but "auto", "exact", "asymp".
ks_method parse_ks_method(std::string_view s);
const char* to_string(ks_method m) noexcept;

struct ks_options {
  alternative alt = alternative::two_sided;
  ks_method method = ks_method::automatic;
  driftscope::nan_policy nan = driftscope::nan_policy::propagate;
  void validate() const;
};

struct ks_result {
  double statistic = 0;
  double pvalue = 1;
  double statistic_location = 0;
  int statistic_sign = 1;
  ks_method method = ks_method::exact;  ///< the method actually used: exact or asymp
  std::size_t n1 = 0, n2 = 0;           ///< sizes after omitting NaN
  std::size_t missing1 = 0, missing2 = 0;
};

/// @brief scipy.stats.ks_2samp on two 1-D samples (T = float or double).
template <class T>
ks_result ks_2samp(const T* data1, std::size_t n1, const T* data2, std::size_t n2,
                   const ks_options& options = {});

/// @brief The same on samples already sorted ascending and free of NaN (missing = 0).
template <class T>
ks_result ks_2samp_sorted(const T* sorted1, std::size_t n1, const T* sorted2, std::size_t n2,
                          alternative alt = alternative::two_sided,
                          ks_method method = ks_method::automatic);

/// @brief The p-value of statistic `d` for sizes n1, n2; `*used` receives the method used.
double ks_2samp_pvalue(double d, std::size_t n1, std::size_t n2, alternative alt,
                       ks_method requested, ks_method* used);

}  // namespace driftscope
