// Writes the golden shadow_comparator file of one serialization format version (the
// version of the headers it is compiled against: shadow_comparator::serial_version).
//
// Run ONCE per format version, when that version ships; never again for an existing
// version (see README.md here). Refuses to overwrite an existing file.
//
// Build by hand against the headers (header-only: Eigen, Boost.Math, fmt):
//   g++ -std=c++17 -O2 -DFMT_HEADER_ONLY -I include -isystem /usr/include/eigen3 \
//       tests/cpp/data/golden/make_golden_shadow_comparator.cpp -o /tmp/make_golden_shadow_comparator
//   /tmp/make_golden_shadow_comparator tests/cpp/data/golden
//
// The records (also in README.md and tests/cpp/test_deploy.cpp, which rebuilds them on its
// own), 3 classes, i = 0..299:
//   live_i   = (7 i) mod 3
//   shadow_i = live_i where i mod 5 != 0, else (live_i + 1 + i mod 2) mod 3
//   label_i  = (11 i) mod 3 where i mod 4 == 0 (a labelled record), else none
// From version 2 on, per-arm state too: live latencies 0.001 (1 + i mod 17) for i mod 10 != 9,
// an error otherwise; shadow latencies 0.0015 (1 + i mod 13) for i mod 25 != 3, an error otherwise.

#include <driftscope/deploy/shadow_comparator.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace ds = driftscope;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <golden directory>\n", argv[0]);
    return 2;
  }
  ds::shadow_comparator_options o;
  o.classes = 3;
  ds::shadow_comparator s(o);
  for (std::uint32_t i = 0; i < 300; ++i) {
    const std::uint32_t live = (7 * i) % 3;
    const std::uint32_t shadow = i % 5 != 0 ? live : (live + 1 + i % 2) % 3;
    if (i % 4 == 0) s.add(live, shadow, (11 * i) % 3);
    else s.add(live, shadow);
  }
#if 0  // enabled from format version 2 on (the per-arm state)
  for (std::uint32_t i = 0; i < 300; ++i) {
    if (i % 10 != 9) s.add_latency(ds::shadow_arm::live, 0.001 * (1 + i % 17));
    else s.add_error(ds::shadow_arm::live);
    if (i % 25 != 3) s.add_latency(ds::shadow_arm::shadow, 0.0015 * (1 + i % 13));
    else s.add_error(ds::shadow_arm::shadow);
  }
#endif
  const std::string path = std::string(argv[1]) + "/shadow_comparator_v" +
                           std::to_string(ds::shadow_comparator::serial_version) + ".bin";
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
    std::fprintf(stderr, "%s exists: golden files are never rewritten\n", path.c_str());
    return 1;
  }
  const std::vector<std::uint8_t> bytes = s.serialize();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    return 1;
  }
  std::fclose(f);
  std::printf("wrote %s (%zu bytes)\n", path.c_str(), bytes.size());
  return 0;
}
