// A tiny "inference service" that links the installed driftscope package: it prepares a
// reference profile of one input feature from training data once, then checks each batch
// of live requests against it. Exits non-zero if the checks do not come out as expected,
// so `./dev test` proves the installed package works end to end.
#include <driftscope/driftscope.hpp>

#include <cstdio>
#include <random>
#include <vector>

namespace {

std::vector<double> normal_batch(std::mt19937_64& rng, double mean, double sd, std::size_t n) {
  std::normal_distribution<double> dist(mean, sd);
  std::vector<double> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

}  // namespace

int main() {
  std::mt19937_64 rng(42);
  // Training data: pitch of adult voices (Hz).
  const auto train = normal_batch(rng, 165.0, 35.0, 50000);
  const driftscope::reference_profile<double> profile(train.data(), train.size());

  struct batch {
    const char* name;
    std::vector<double> values;
    bool expect_drift;
  };
  std::vector<batch> batches;
  batches.push_back({"adults", normal_batch(rng, 165.0, 35.0, 5000), false});
  batches.push_back({"children", normal_batch(rng, 290.0, 30.0, 5000), true});

  int failures = 0;
  std::printf("%-10s %8s %8s %10s %12s  %s\n", "batch", "psi", "ks", "ks p", "wasserstein", "verdict");
  for (const auto& b : batches) {
    const auto psi = profile.psi(b.values.data(), b.values.size());
    const auto ks = profile.ks(b.values.data(), b.values.size());
    const double w = profile.wasserstein(b.values.data(), b.values.size());
    const bool drift = psi.statistic >= 0.2;
    std::printf("%-10s %8.4f %8.4f %10.3g %12.3f  %s\n", b.name, psi.statistic, ks.statistic, ks.pvalue, w,
                drift ? "DRIFT" : "ok");
    if (drift != b.expect_drift) ++failures;
  }
  std::printf("kernels run on %s\n", driftscope::kernels::current_target().c_str());
  return failures == 0 ? 0 : 1;
}
