// Golden files of the reference_profile byte format (tests/cpp/data/golden, see the
// README.md there): every format version that ever shipped must still decode, decode to
// the numpy-computed state, answer queries exactly as a freshly built profile, and
// re-serialize to the same bytes.
//
// Expected edges / counts / statistics come from gen_golden_expected.py (numpy / scipy)
// via golden_expected.inc; the samples are recomputed here from their formula.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/driftscope.hpp"

namespace ds = driftscope;

namespace golden_test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct golden_case {
  const char* name;
  bool float32;
  int kind;  // 0 quantile, 1 uniform, 2 explicit
  std::size_t bins;
  std::vector<double> explicit_edges;
  bool with_nan;
  int policy;  // 0 propagate, 1 raise, 2 omit
  std::size_t n, missing;
  std::vector<double> edges;
  std::vector<std::uint64_t> counts, current_counts;
  double psi, ks_statistic, ks_pvalue, wasserstein;
};

#include "data/golden/golden_expected.inc"

const std::string golden_dir = std::string(DRIFTSCOPE_TEST_DATA_DIR) + "/golden";

// reference, i = 0..199: k = (73 i) mod 151, x_i = k^3 / 170000 - 3; NaN where i mod 23 == 7
template <class T>
std::vector<T> reference_sample(bool with_nan) {
  std::vector<T> x(200);
  for (std::uint64_t i = 0; i < x.size(); ++i) {
    const std::uint64_t k = (73 * i) % 151;
    const double v = static_cast<double>(k * k * k) / 170000.0 - 3.0;
    x[i] = static_cast<T>(with_nan && i % 23 == 7 ? kNaN : v);
  }
  return x;
}

// current, j = 0..59: c_j = ((j*j) mod 97) / 4 - 4
template <class T>
std::vector<T> current_sample() {
  std::vector<T> c(60);
  for (std::uint64_t j = 0; j < c.size(); ++j)
    c[j] = static_cast<T>(static_cast<double>((j * j) % 97) / 4.0 - 4.0);
  return c;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f),
                                   std::istreambuf_iterator<char>());
}

bool same(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

bool close(double a, double b, double rel_tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= 1e-15 + rel_tol * std::fabs(b);
}

bool same_drift(const ds::drift_result& a, const ds::drift_result& b) {
  return same(a.statistic, b.statistic) && a.n_reference == b.n_reference &&
         a.n_current == b.n_current && a.missing_reference == b.missing_reference &&
         a.missing_current == b.missing_current && a.edges == b.edges &&
         a.reference_counts == b.reference_counts && a.current_counts == b.current_counts;
}

bool same_ks(const ds::ks_result& a, const ds::ks_result& b) {
  return same(a.statistic, b.statistic) && same(a.pvalue, b.pvalue) &&
         same(a.statistic_location, b.statistic_location) && a.statistic_sign == b.statistic_sign &&
         a.method == b.method && a.n1 == b.n1 && a.n2 == b.n2 && a.missing1 == b.missing1 &&
         a.missing2 == b.missing2;
}

ds::binning binning_of(const golden_case& c) {
  switch (c.kind) {
    case 0: return ds::binning::quantile(c.bins);
    case 1: return ds::binning::uniform(c.bins);
    default: return ds::binning::explicit_edges(c.explicit_edges);
  }
}

template <class T>
void check_case(const golden_case& c) {
  const std::string path =
      golden_dir + "/reference_profile_v1_" + (c.float32 ? "float_" : "double_") + c.name + ".bin";
  INFO(path);
  const std::vector<std::uint8_t> bytes = read_file(path);
  REQUIRE(bytes.size() >= ds::reference_profile<T>::serial_preamble_bytes);
  const auto p = ds::reference_profile<T>::deserialize(bytes.data(), bytes.size());

  // decoded state against the formula and numpy
  CHECK(p.n() == c.n);
  CHECK(p.missing() == c.missing);
  CHECK(static_cast<int>(p.nan()) == c.policy);
  CHECK(static_cast<int>(p.binning().kind) == c.kind);
  if (c.kind != 2) CHECK(p.binning().bins == c.bins);
  CHECK(p.edges() == c.edges);
  CHECK(p.counts() == c.counts);
  std::vector<T> x = reference_sample<T>(c.with_nan);
  x.erase(std::remove_if(x.begin(), x.end(), [](T v) { return std::isnan(v); }), x.end());
  std::sort(x.begin(), x.end());
  CHECK(p.sorted_values() == x);

  // queries: identical to a profile built now from the same sample, and close to numpy / scipy
  const std::vector<T> ref = reference_sample<T>(c.with_nan);
  const ds::reference_profile<T> fresh(ref.data(), ref.size(), binning_of(c),
                                       static_cast<ds::nan_policy>(c.policy));
  const std::vector<T> cur = current_sample<T>();
  const auto psi = p.psi(cur.data(), cur.size());
  CHECK(same_drift(psi, fresh.psi(cur.data(), cur.size())));
  CHECK(
      same_drift(p.js_distance(cur.data(), cur.size()), fresh.js_distance(cur.data(), cur.size())));
  for (auto alt : {ds::alternative::two_sided, ds::alternative::less, ds::alternative::greater})
    CHECK(same_ks(p.ks(cur.data(), cur.size(), alt), fresh.ks(cur.data(), cur.size(), alt)));
  const auto ks = p.ks(cur.data(), cur.size());
  const double wd = p.wasserstein(cur.data(), cur.size());
  CHECK(same(wd, fresh.wasserstein(cur.data(), cur.size())));
  CHECK(psi.current_counts == c.current_counts);
  CHECK(close(psi.statistic, c.psi, 1e-12));
  CHECK(close(ks.statistic, c.ks_statistic, 1e-14));
  CHECK(close(ks.pvalue, c.ks_pvalue, 1e-10));
  CHECK(close(wd, c.wasserstein, 1e-12));

  // the bytes: decoded and fresh profiles both serialize to exactly the golden file
  // (if `fresh` differs, serialize() changed: bump serial_version and add new golden
  // files, never edit these)
  CHECK(p.serialized_size_bytes() == bytes.size());
  CHECK(p.serialize() == bytes);
  CHECK(fresh.serialize() == bytes);
}

}  // namespace golden_test

TEST_CASE("reference_profile v1 golden files decode to the numpy-computed state", "[golden]") {
  using namespace golden_test;
  for (const auto& c : golden_cases) {
    INFO(c.name << (c.float32 ? " float" : " double"));
    if (c.float32)
      check_case<float>(c);
    else
      check_case<double>(c);
  }
}

TEST_CASE("every golden reference_profile file still decodes", "[golden]") {
  using namespace golden_test;
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("reference_profile_v", 0) != 0 || entry.path().extension() != ".bin") continue;
    INFO(name);
    ++seen;
    const std::vector<std::uint8_t> bytes = read_file(entry.path().string());
    REQUIRE(bytes.size() > 5);
    const bool is_float = name.find("_float_") != std::string::npos;
    std::vector<std::uint8_t> again;
    if (is_float) {
      again = ds::reference_profile<float>::deserialize(bytes.data(), bytes.size()).serialize();
      CHECK_THROWS_AS(ds::reference_profile<double>::deserialize(bytes.data(), bytes.size()),
                      std::invalid_argument);
    } else {
      again = ds::reference_profile<double>::deserialize(bytes.data(), bytes.size()).serialize();
      CHECK_THROWS_AS(ds::reference_profile<float>::deserialize(bytes.data(), bytes.size()),
                      std::invalid_argument);
    }
    // files of older versions must decode; only the current version must re-serialize identically
    if (bytes[5] == ds::reference_profile<double>::serial_version) CHECK(again == bytes);
  }
  CHECK(seen == std::size(golden_cases));
}
