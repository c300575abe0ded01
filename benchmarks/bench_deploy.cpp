// The deployment pieces per request: router::route (two MurmurHash3 passes over the id:
// canary and shadow buckets) on 15-byte user ids, automation_policy::decide under `partial`,
// shadow_comparator::add (5 classes, with and without a label) and record + label by id;
// and the comparator's tests on a 5 x 5 table (kappa, Bowker, Stuart-Maxwell);
// shadow_regression::add with a label, and its Wilcoxon test on 100,000 kept differences;
// msprt_gate per value (batches of 64 per arm, the p-value updated after each batch);
// per-arm latency (add_latency per value, arm_stats), the output-drift queries (the
// comparator's PSI + chi-square on 5 classes, the regression's PSI and KS on a 10,000-record
// window) and the state bytes (serialize / deserialize of both comparators with latencies,
// the gate and the ramp).
#include "bench_util.hpp"

#include <driftscope/deploy/automation_policy.hpp>
#include <driftscope/deploy/msprt.hpp>
#include <driftscope/deploy/ramp_controller.hpp>
#include <driftscope/deploy/router.hpp>
#include <driftscope/deploy/shadow_comparator.hpp>
#include <driftscope/deploy/shadow_regression.hpp>

#include <cmath>
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

void BM_shadow_add(benchmark::State& state) {
  const bool labelled = state.range(0) != 0;
  ds::shadow_comparator_options o;
  o.classes = 5;
  ds::shadow_comparator s(o);
  std::vector<std::uint32_t> cls(4096);
  for (std::size_t i = 0; i < cls.size(); ++i) cls[i] = static_cast<std::uint32_t>((i * 2654435761u) >> 7) % 5;
  for (auto _ : state)
    for (std::size_t i = 0; i + 2 < cls.size(); ++i) {
      if (labelled) s.add(cls[i], cls[i + 1], cls[i + 2]);
      else s.add(cls[i], cls[i + 1]);
    }
  benchmark::DoNotOptimize(s.n());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(cls.size() - 2));
}
BENCHMARK(BM_shadow_add)->ArgName("labelled")->Arg(0)->Arg(1);

void BM_shadow_record_then_label(benchmark::State& state) {
  ds::shadow_comparator s;
  std::vector<std::string> ids;
  for (int i = 0; i < 4096; ++i) ids.push_back("req-" + std::to_string(1000000 + i));
  for (auto _ : state)
    for (const auto& id : ids) {
      s.record(id, 0, 1);
      s.label(id, 1);
    }
  benchmark::DoNotOptimize(s.labelled());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(ids.size()));
}
BENCHMARK(BM_shadow_record_then_label);

void BM_shadow_tests(benchmark::State& state) {
  ds::shadow_comparator_options o;
  o.classes = 5;
  ds::shadow_comparator s(o);
  for (std::uint32_t i = 0; i < 100000; ++i) s.add(i % 5, (i * 7 + i / 3) % 5);
  double sum = 0;
  for (auto _ : state) sum += s.kappa().kappa + s.symmetry().pvalue + s.homogeneity().pvalue;
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_shadow_tests)->Unit(benchmark::kMicrosecond);

void BM_shadow_regression_add(benchmark::State& state) {
  const auto a = ds::bench::normal_sample(4096, 0.0, 1), b = ds::bench::normal_sample(4096, 0.1, 2);
  ds::shadow_regression s;
  for (auto _ : state)
    for (std::size_t i = 0; i < a.size(); ++i) s.add(a[i], b[i], 0.0);
  benchmark::DoNotOptimize(s.n());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(a.size()));
}
BENCHMARK(BM_shadow_regression_add);

void BM_shadow_regression_wilcoxon(benchmark::State& state) {
  const auto a = ds::bench::normal_sample(100000, 0.0, 1), b = ds::bench::normal_sample(100000, 0.1, 2);
  ds::shadow_regression s;
  for (std::size_t i = 0; i < a.size(); ++i) s.add(a[i], b[i]);
  double p = 0;
  for (auto _ : state) p += s.wilcoxon().pvalue;
  benchmark::DoNotOptimize(p);
}
BENCHMARK(BM_shadow_regression_wilcoxon)->Unit(benchmark::kMillisecond);

void BM_msprt_update(benchmark::State& state) {
  const auto a = ds::bench::normal_sample(4096, 0.0, 1), b = ds::bench::normal_sample(4096, 0.0, 2);
  ds::msprt_gate g;
  for (auto _ : state)
    for (std::size_t i = 0; i < a.size(); i += 64) {
      g.add_a(a.data() + i, 64);
      g.add_b(b.data() + i, 64);
    }
  benchmark::DoNotOptimize(g.pvalue());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * a.size()));
}
BENCHMARK(BM_msprt_update);

void BM_shadow_add_latency(benchmark::State& state) {
  ds::shadow_comparator s;
  std::vector<double> lat(4096);
  for (std::size_t i = 0; i < lat.size(); ++i) lat[i] = 0.002 + 0.0001 * static_cast<double>((i * 2654435761u) % 997);
  for (auto _ : state)
    for (std::size_t i = 0; i < lat.size(); ++i) s.add_latency(i & 1 ? ds::shadow_arm::shadow : ds::shadow_arm::live, lat[i]);
  benchmark::DoNotOptimize(s.arms().requests(ds::shadow_arm::live));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(lat.size()));
}
BENCHMARK(BM_shadow_add_latency);

/// A comparator of 5 classes with 100,000 records and 100,000 latencies per arm.
ds::shadow_comparator filled_comparator() {
  ds::shadow_comparator_options o;
  o.classes = 5;
  ds::shadow_comparator s(o);
  const auto lat = ds::bench::normal_sample(100000, 0.0, 4);
  for (std::uint32_t i = 0; i < 100000; ++i) {
    s.add(i % 5, (i * 7 + i / 3) % 5);
    s.add_latency(ds::shadow_arm::live, 0.01 * std::exp(0.5 * lat[i]));
    s.add_latency(ds::shadow_arm::shadow, 0.012 * std::exp(0.5 * lat[i]));
  }
  s.add_error(ds::shadow_arm::shadow, 30);
  return s;
}

void BM_shadow_arm_stats(benchmark::State& state) {
  const auto s = filled_comparator();
  double sum = 0;
  for (auto _ : state)
    sum += s.stats(ds::shadow_arm::live).p99 + s.stats(ds::shadow_arm::shadow).p99 + s.latency_difference(0.5);
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_shadow_arm_stats);

void BM_shadow_output_drift(benchmark::State& state) {
  const auto s = filled_comparator();
  double sum = 0;
  for (auto _ : state) sum += s.output_psi() + s.output_chi2().pvalue;
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_shadow_output_drift);

ds::shadow_regression filled_regression(std::size_t window) {
  const auto a = ds::bench::normal_sample(2 * window, 0.0, 1), b = ds::bench::normal_sample(2 * window, 0.1, 2);
  ds::shadow_regression s(window);
  for (std::size_t i = 0; i < a.size(); ++i) {
    s.add(a[i], b[i], 0.0);
    s.add_latency(i & 1 ? ds::shadow_arm::shadow : ds::shadow_arm::live, 0.01 + 0.001 * std::fabs(a[i]));
  }
  return s;
}

void BM_shadow_regression_output_ks(benchmark::State& state) {
  const auto s = filled_regression(10000);
  double p = 0;
  for (auto _ : state) p += s.output_ks().pvalue;
  benchmark::DoNotOptimize(p);
}
BENCHMARK(BM_shadow_regression_output_ks)->Unit(benchmark::kMicrosecond);

void BM_shadow_regression_output_psi(benchmark::State& state) {
  const auto s = filled_regression(10000);
  double p = 0;
  for (auto _ : state) p += s.output_psi();
  benchmark::DoNotOptimize(p);
}
BENCHMARK(BM_shadow_regression_output_psi)->Unit(benchmark::kMicrosecond);

template <class T>
void bytes_round(benchmark::State& state, const T& obj) {
  const bool restore = state.range(0) != 0;
  const auto bytes = obj.serialize();
  std::size_t n = 0;
  for (auto _ : state) {
    if (restore) {
      const T t = T::deserialize(bytes.data(), bytes.size());
      benchmark::DoNotOptimize(&t);
      ++n;
    } else {
      n += obj.serialize().size();
    }
  }
  benchmark::DoNotOptimize(n);
  state.counters["bytes"] = static_cast<double>(bytes.size());
}

void BM_shadow_comparator_bytes(benchmark::State& state) { bytes_round(state, filled_comparator()); }
BENCHMARK(BM_shadow_comparator_bytes)->ArgName("restore")->Arg(0)->Arg(1);

void BM_shadow_regression_bytes(benchmark::State& state) { bytes_round(state, filled_regression(10000)); }
BENCHMARK(BM_shadow_regression_bytes)->ArgName("restore")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_msprt_bytes(benchmark::State& state) {
  ds::msprt_gate g;
  const auto a = ds::bench::normal_sample(1000, 0.0, 1);
  g.add_a(a.data(), 500);
  g.add_b(a.data() + 500, 500);
  bytes_round(state, g);
}
BENCHMARK(BM_msprt_bytes)->ArgName("restore")->Arg(0)->Arg(1);

void BM_ramp_bytes(benchmark::State& state) {
  ds::ramp_options o;
  o.steps = {1, 2, 5, 10, 25, 50, 80};
  o.mirror_first = true;
  ds::ramp_controller c(o);
  c.next({99, false});
  bytes_round(state, c);
}
BENCHMARK(BM_ramp_bytes)->ArgName("restore")->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
