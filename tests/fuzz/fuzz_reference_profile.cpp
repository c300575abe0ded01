// libFuzzer harness for reference_profile<double|float>::deserialize (and, through the
// replay driver replay_main.cpp, a plain ctest target under g++).
//
// Contract checked: any byte string either throws std::invalid_argument / std::out_of_range
// or decodes to a profile that (a) re-serializes to exactly the same bytes, (b) answers
// every query on small current samples without throwing (except the documented
// std::invalid_argument for NaN under nan_policy::raise), and (c) gives results within
// their ranges. Any other exception escapes (libFuzzer reports it as a crash); a broken
// contract aborts.
//
//   clang++ -g -O1 -fsanitize=fuzzer,address,undefined -I include ... (see CMakeLists.txt)
//   ./fuzz_reference_profile corpus_dir tests/cpp/data/golden

#include <driftscope/stats/reference_profile.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

namespace {

namespace ds = driftscope;

[[noreturn]] void fuzz_fail(const char* type, const char* what) {
  std::fprintf(stderr, "fuzz_reference_profile<%s>: %s\n", type, what);
  std::abort();
}

template <class T>
const char* type_name() {
  return std::is_same<T, double>::value ? "double" : "float";
}

template <class T>
void check(bool ok, const char* what) {
  if (!ok) fuzz_fail(type_name<T>(), what);
}

bool in_unit(double v) {
  return v >= 0.0 && v <= 1.0;
}

/// Every query on one current sample (no NaN, or with NaN when `has_nan`).
template <class T, class U>
void query(const ds::reference_profile<T>& p, const std::vector<U>& cur, bool has_nan) {
  const bool nan_raises = has_nan && p.nan() == ds::nan_policy::raise;
  const bool nan_out = p.nan() == ds::nan_policy::propagate && (p.missing() != 0 || has_nan);
  std::size_t current_nan = 0;
  for (U v : cur) current_nan += std::isnan(v) ? 1 : 0;
  try {
    const ds::drift_result psi = p.psi(cur.data(), cur.size());
    const ds::drift_result js = p.js_distance(cur.data(), cur.size());
    check<T>(!nan_raises, "psi / js_distance accepted NaN under nan_policy::raise");
    check<T>(psi.n_reference == p.n() && psi.missing_reference == p.missing(),
             "psi: reference sizes");
    check<T>(psi.n_current == cur.size() - current_nan && psi.missing_current == current_nan,
             "psi: current sizes");
    check<T>(psi.edges == p.edges() && psi.reference_counts == p.counts(),
             "psi: edges / reference counts");
    check<T>(psi.current_counts.size() == p.edges().size() + 1, "psi: current counts size");
    std::uint64_t total = 0;
    for (std::uint64_t c : psi.current_counts) total += c;
    check<T>(total == psi.n_current, "psi: current counts do not sum to n_current");
    if (nan_out) {
      check<T>(std::isnan(psi.statistic) && std::isnan(js.statistic),
               "psi / js: not NaN under propagate");
    } else {
      check<T>(psi.statistic >= 0.0, "psi: negative or NaN");
      check<T>(js.statistic >= 0.0 && js.statistic <= 1.0 + 1e-12,
               "js_distance: outside [0, 1] or NaN");
    }
    for (auto alt : {ds::alternative::two_sided, ds::alternative::less, ds::alternative::greater}) {
      for (auto method : {ds::ks_method::automatic, ds::ks_method::exact, ds::ks_method::asymp}) {
        const ds::ks_result ks = p.ks(cur.data(), cur.size(), alt, method);
        check<T>(ks.n1 == p.n() && ks.missing1 == p.missing(), "ks: reference sizes");
        check<T>(ks.missing2 == current_nan, "ks: current missing");
        if (nan_out) {
          check<T>(std::isnan(ks.statistic) && std::isnan(ks.pvalue),
                   "ks: not NaN under propagate");
        } else {
          check<T>(ks.n2 == cur.size() - current_nan, "ks: current size");
          check<T>(in_unit(ks.statistic), "ks: statistic outside [0, 1]");
          check<T>(in_unit(ks.pvalue), "ks: pvalue outside [0, 1]");
        }
      }
    }
    const double w = p.wasserstein(cur.data(), cur.size());
    if (nan_out)
      check<T>(std::isnan(w), "wasserstein: not NaN under propagate");
    else
      check<T>(!(w < 0.0), "wasserstein: negative");
  } catch (const std::invalid_argument&) {
    // the one documented failure of a query on a valid profile with a non-empty sample
    check<T>(nan_raises, "a query threw std::invalid_argument on a valid current sample");
  }
}

template <class T>
void one_type(const std::uint8_t* data, std::size_t size) {
  std::optional<ds::reference_profile<T>> p;
  try {
    p.emplace(ds::reference_profile<T>::deserialize(data, size));
  } catch (const std::invalid_argument&) {
    return;
  } catch (const std::out_of_range&) {
    return;
  }
  // anything else escapes to the fuzzer as a bug

  const std::vector<std::uint8_t> again = p->serialize();
  check<T>(again.size() == size && (size == 0 || std::memcmp(again.data(), data, size) == 0),
           "serialize() of the decoded profile differs from the input bytes");
  check<T>(p->serialized_size_bytes() == size,
           "serialized_size_bytes() differs from the input size");
  check<T>(p->counts().size() == p->edges().size() + 1, "counts().size() != edges().size() + 1");

  // current samples: fixed values, the same with NaN, float, and values taken from the
  // profile itself (ties with the reference and with the edges)
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> fixed = {0.0, -1.5, 2.25, 3.0, -0.0, 7.5, 1e-3, -1e6};
  std::vector<double> with_nan = fixed;
  with_nan.insert(with_nan.begin() + 3, nan);
  const std::vector<float> fixed_f(fixed.begin(), fixed.end());
  std::vector<double> own;
  for (std::size_t i = 0; i < p->sorted_values().size() && own.size() < 6;
       i += 1 + p->sorted_values().size() / 6)
    own.push_back(static_cast<double>(p->sorted_values()[i]));
  for (std::size_t i = 0; i < p->edges().size() && own.size() < 12; ++i)
    own.push_back(p->edges()[i]);
  if (own.empty()) own.push_back(1.0);

  query(*p, fixed, false);
  query(*p, with_nan, true);
  query(*p, fixed_f, false);
  query(*p, own, false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  one_type<double>(data, size);
  one_type<float>(data, size);
  return 0;
}
