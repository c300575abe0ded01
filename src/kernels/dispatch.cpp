/// @file
/// @brief Run-time target selection for the kernels (Highway dynamic dispatch).

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/dispatch.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cstdint>

HWY_BEFORE_NAMESPACE();
namespace driftscope::kernels::HWY_NAMESPACE {
/// The target this copy was compiled for: dispatching to it tells which copy runs.
std::int64_t CompiledTarget() { return HWY_TARGET; }
}  // namespace driftscope::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <hwy/targets.h>

#include "driftscope/core/error.hpp"
#include "driftscope/kernels/dispatch.hpp"

namespace driftscope::kernels {
HWY_EXPORT(CompiledTarget);

namespace {
/// Targets both compiled in and supported by this CPU, best first, as Highway bits.
/// Read once, before any force_target() mock can narrow hwy::SupportedTargets().
const std::vector<std::int64_t>& real_targets() {
  static const std::vector<std::int64_t> targets = [] {
    hwy::SetSupportedTargetsForTest(0);
    std::vector<std::int64_t> out;
    // Highway numbers better targets with lower bits.
    for (std::int64_t bits = hwy::SupportedTargets() & HWY_TARGETS; bits != 0; bits &= bits - 1) {
      out.push_back(bits & -bits);
    }
    return out;
  }();
  return targets;
}
}  // namespace

std::vector<std::string> available_targets() {
  std::vector<std::string> out;
  for (std::int64_t t : real_targets()) out.emplace_back(hwy::TargetName(t));
  return out;
}

std::string current_target() {
  return hwy::TargetName(HWY_DYNAMIC_DISPATCH(CompiledTarget)());
}

void force_target(const std::string& name) {
  std::int64_t mask = 0;  // 0 lifts the mock: every supported target again
  if (!name.empty()) {
    for (std::int64_t t : real_targets()) {
      if (name == hwy::TargetName(t)) mask = t;
    }
    if (mask == 0) {
      std::string known;
      for (const auto& t : available_targets()) known += (known.empty() ? "" : ", ") + t;
      detail::throw_invalid_argument("force_target: name must be one of [{}], got '{}'", known,
                                     name);
    }
  } else {
    (void)real_targets();
  }
  hwy::SetSupportedTargetsForTest(mask);
  // Re-choose now: every HWY_DYNAMIC_DISPATCH table (ours and libhwy_contrib's VQSort)
  // reads this one chosen-target mask.
  hwy::GetChosenTarget().Update(hwy::SupportedTargets());
}
}  // namespace driftscope::kernels
#endif  // HWY_ONCE
