// The deployment router and automation policy per request: router::route (two MurmurHash3
// passes over the id: canary and shadow buckets) on 16-byte user ids, and
// automation_policy::decide under `partial`. ns per request.
#include "bench_util.hpp"

#include <driftscope/deploy/automation_policy.hpp>
#include <driftscope/deploy/router.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace {

namespace ds = driftscope;

void BM_router_route(benchmark::State& state) {
  ds::router_options o;
  o.salt = "exp-42";
  o.canary_weight = 25;
  o.shadow_weight = 10;
  const ds::router r(o);
  std::vector<std::string> ids;
  for (int i = 0; i < 4096; ++i) ids.push_back("user-" + std::to_string(1000000000 + i));  // 15 bytes
  std::uint64_t canary = 0;
  for (auto _ : state)
    for (const auto& id : ids) canary += r.route(id).arm == ds::deploy_arm::canary;
  benchmark::DoNotOptimize(canary);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(ids.size()));
}
BENCHMARK(BM_router_route);

void BM_automation_decide(benchmark::State& state) {
  ds::automation_policy p(ds::automation_level::partial, 0.8);
  const auto conf = ds::bench::normal_sample(4096, 0.0, 3);
  std::uint64_t model = 0;
  for (auto _ : state)
    for (double c : conf) model += p.decide(0.8 + 0.1 * c).use_model;
  benchmark::DoNotOptimize(model);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(conf.size()));
}
BENCHMARK(BM_automation_decide);

}  // namespace

BENCHMARK_MAIN();
