#include "driftscope/kernels/dispatch.hpp"

#include <hwy/targets.h>

#include "driftscope/core/error.hpp"

namespace driftscope::kernels {
std::vector<std::string> available_targets() {
  std::vector<std::string> out;
  for (std::int64_t t : hwy::SupportedAndGeneratedTargets()) out.emplace_back(hwy::TargetName(t));
  return out;
}
std::string current_target() { return "SCALAR"; }
void force_target(const std::string& name) {
  if (name.empty()) return;
  for (const auto& t : available_targets())
    if (t == name) return;
  detail::throw_invalid_argument("force_target: name must be one of available_targets(), got '{}'", name);
}
}  // namespace driftscope::kernels
