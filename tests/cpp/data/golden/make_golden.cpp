// Writes the golden reference_profile files of one serialization format version.
//
// Run ONCE per format version, when that version ships; never again for an existing
// version (see README.md here). Refuses to overwrite an existing file.
//
// Build by hand against the headers and the kernels library of a Release build:
//   g++ -std=c++17 -O2 -DFMT_HEADER_ONLY -I include tests/cpp/data/golden/make_golden.cpp
//       build/p2/libdriftscope_kernels.a -lhwy -lhwy_contrib -o /tmp/make_golden
//   /tmp/make_golden tests/cpp/data/golden
//
// The samples (also written out in README.md, in gen_golden_expected.py and in
// tests/cpp/test_golden.cpp, each computing them on its own) use only exactly rounded
// IEEE operations, so every platform and numpy produce the same bits:
//   reference, i = 0..199:  k = (73 i) mod 151,  x_i = double(k^3) / 170000.0 - 3.0
//                           "nan" cases: x_i = NaN where i mod 23 == 7 (9 values)
//   float files:            the same x_i rounded to float (static_cast<float>)

#include <driftscope/stats/reference_profile.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace ds = driftscope;

namespace {

std::vector<double> reference_sample(bool with_nan) {
  std::vector<double> x(200);
  for (std::uint64_t i = 0; i < x.size(); ++i) {
    const std::uint64_t k = (73 * i) % 151;
    x[i] = static_cast<double>(k * k * k) / 170000.0 - 3.0;
    if (with_nan && i % 23 == 7) x[i] = std::numeric_limits<double>::quiet_NaN();
  }
  return x;
}

struct golden_case {
  const char* name;  // file: reference_profile_v1_<type>_<name>.bin
  ds::binning bins;
  bool with_nan;
  ds::nan_policy policy;
};

bool file_exists(const std::string& path) {
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
    return true;
  }
  return false;
}

template <class T>
bool write_case(const std::string& dir, const char* type, const golden_case& c) {
  const std::vector<double> xd = reference_sample(c.with_nan);
  std::vector<T> x(xd.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(xd[i]);
  const ds::reference_profile<T> p(x.data(), x.size(), c.bins, c.policy);
  const std::vector<std::uint8_t> bytes = p.serialize();
  const std::string path = dir + "/reference_profile_v" +
                           std::to_string(ds::reference_profile<T>::serial_version) + "_" + type +
                           "_" + c.name + ".bin";
  if (file_exists(path)) {
    std::fprintf(stderr, "make_golden: %s exists; golden files are never regenerated\n",
                 path.c_str());
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    std::fprintf(stderr, "make_golden: cannot write %s\n", path.c_str());
    if (f != nullptr) std::fclose(f);
    return false;
  }
  std::fclose(f);
  std::printf("%s  %zu bytes  n=%zu missing=%zu edges=%zu\n", path.c_str(), bytes.size(), p.n(),
              p.missing(), p.edges().size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_golden OUTPUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  const ds::binning quantile = ds::binning::quantile(10);
  const ds::binning uniform = ds::binning::uniform(8);
  const ds::binning explicit_edges = ds::binning::explicit_edges({-2.5, 0.0, 0.0, 1.75, 5.0, 12.5});
  using ds::nan_policy;
  const golden_case cases[] = {
      {"quantile_clean_omit", quantile, false, nan_policy::omit},
      {"quantile_clean_raise", quantile, false, nan_policy::raise},
      {"quantile_nan_omit", quantile, true, nan_policy::omit},
      {"quantile_nan_propagate", quantile, true, nan_policy::propagate},
      {"uniform_clean_omit", uniform, false, nan_policy::omit},
      {"uniform_clean_propagate", uniform, false, nan_policy::propagate},
      {"uniform_nan_omit", uniform, true, nan_policy::omit},
      {"uniform_nan_propagate", uniform, true, nan_policy::propagate},
      {"explicit_clean_omit", explicit_edges, false, nan_policy::omit},
      {"explicit_nan_omit", explicit_edges, true, nan_policy::omit},
      {"explicit_nan_propagate", explicit_edges, true, nan_policy::propagate},
  };
  bool ok = true;
  for (const auto& c : cases) {
    ok = write_case<double>(dir, "double", c) && ok;
    ok = write_case<float>(dir, "float", c) && ok;
  }
  return ok ? 0 : 1;
}
