// A g++-compatible driver for libFuzzer harnesses (LLVMFuzzerTestOneInput), so the fuzz
// targets run in ctest without clang:
//   1. every file given on the command line, or found in a directory given, is run once
//      (the corpus: the golden files, crash reproducers);
//   2. a deterministic mutation loop: --iterations N inputs derived from the corpus and
//      from valid serializations of random profiles by bit flips, byte sets, overwrites
//      of length / count fields and values with interesting numbers, truncations,
//      extensions, inserted / deleted chunks, header swaps and splices.
// Iteration i depends only on --seed and i (not on the iterations before it), so
// `--start i --iterations 1` with the same seed and corpus replays one input.
//
// On a crash / sanitizer report / abort the input is printed in hex (and written to
// --dump DIR/crash-<iteration>.bin); an exception escaping the harness is reported with
// its type and message, and the exit status is non-zero.
//
// usage: fuzz_reference_profile_replay [--seed S] [--iterations N] [--start I]
//                                      [--dump DIR] [--verbose] [PATH...]

#include <driftscope/stats/reference_profile.hpp>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <typeinfo>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define DRIFTSCOPE_REPLAY_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/common_interface_defs.h>
#define DRIFTSCOPE_REPLAY_SANITIZER 1
#endif
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace ds = driftscope;
using bytes_t = std::vector<std::uint8_t>;

// --- crash reporting (async-signal-safe: write() only) --------------------------------

const std::uint8_t* g_input = nullptr;
std::size_t g_input_size = 0;
long long g_iteration = -1;  // -1: a corpus file
const char* g_dump_dir = nullptr;

void write_str(int fd, const char* s) {
  ssize_t r = ::write(fd, s, std::strlen(s));
  (void)r;
}

void write_num(int fd, unsigned long long v) {
  char buf[24];
  int i = 23;
  buf[i] = '\0';
  do {
    buf[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && i > 0);
  write_str(fd, buf + i);
}

void dump_input() {
  static bool dumped = false;
  if (dumped || g_input == nullptr) return;
  dumped = true;
  write_str(2, "\n==replay== failing input");
  if (g_iteration >= 0) {
    write_str(2, " at iteration ");
    write_num(2, static_cast<unsigned long long>(g_iteration));
  }
  write_str(2, ", ");
  write_num(2, g_input_size);
  write_str(2, " bytes (hex):\n");
  static const char hex[] = "0123456789abcdef";
  char line[2 * 32 + 2];
  for (std::size_t at = 0; at < g_input_size; at += 32) {
    std::size_t k = 0;
    for (std::size_t i = at; i < g_input_size && i < at + 32; ++i) {
      line[k++] = hex[g_input[i] >> 4];
      line[k++] = hex[g_input[i] & 15];
    }
    line[k++] = '\n';
    ssize_t r = ::write(2, line, k);
    (void)r;
  }
  if (g_dump_dir != nullptr) {
    char path[4096];
    const char* prefix = "/crash-";
    std::size_t n = std::strlen(g_dump_dir);
    if (n + 40 < sizeof(path)) {
      std::memcpy(path, g_dump_dir, n);
      std::memcpy(path + n, prefix, std::strlen(prefix));
      n += std::strlen(prefix);
      unsigned long long v = g_iteration >= 0 ? static_cast<unsigned long long>(g_iteration) : 0;
      char digits[24];
      int d = 0;
      do {
        digits[d++] = static_cast<char>('0' + v % 10);
        v /= 10;
      } while (v != 0);
      while (d > 0) path[n++] = digits[--d];
      std::memcpy(path + n, ".bin", 5);
      const int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        ssize_t r = ::write(fd, g_input, g_input_size);
        (void)r;
        ::close(fd);
        write_str(2, "==replay== written to ");
        write_str(2, path);
        write_str(2, "\n");
      }
    }
  }
}

void on_signal(int sig) {
  dump_input();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_handlers() {
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_signal);
#if defined(DRIFTSCOPE_REPLAY_SANITIZER)
  __sanitizer_set_death_callback(dump_input);
#endif
}

/// What deserialize made of the inputs: decoded as double, as float, rejected with
/// std::invalid_argument, std::out_of_range (both types counted).
struct outcome_counts {
  std::size_t as_double = 0, as_float = 0, invalid = 0, truncated = 0;
};
outcome_counts g_outcomes;

template <class T>
void classify(const bytes_t& b, std::size_t& decoded) {
  try {
    (void)driftscope::reference_profile<T>::deserialize(b.data(), b.size());
    ++decoded;
  } catch (const std::invalid_argument&) {
    ++g_outcomes.invalid;
  } catch (const std::out_of_range&) {
    ++g_outcomes.truncated;
  } catch (...) {
    // the harness reports it
  }
}

/// Runs the harness on one input; false (after reporting) when an exception escaped.
bool run_one(const bytes_t& input, long long iteration, const std::string& label) {
  // a copy of exactly `size` bytes, so reading past the end is an ASan error
  const std::unique_ptr<std::uint8_t[]> buf(new std::uint8_t[input.empty() ? 1 : input.size()]);
  if (!input.empty()) std::memcpy(buf.get(), input.data(), input.size());
  g_input = buf.get();
  g_input_size = input.size();
  g_iteration = iteration;
  try {
    classify<double>(input, g_outcomes.as_double);
    classify<float>(input, g_outcomes.as_float);
    LLVMFuzzerTestOneInput(buf.get(), input.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "\n==replay== %s: exception of type %s escaped the harness: %s\n",
                 label.c_str(), typeid(e).name(), e.what());
    dump_input();
    return false;
  } catch (...) {
    std::fprintf(stderr, "\n==replay== %s: a non-std exception escaped the harness\n",
                 label.c_str());
    dump_input();
    return false;
  }
  g_input = nullptr;
  return true;
}

// --- deterministic randomness (splitmix64; no std distributions, whose output is
// implementation-defined) -----------------------------------------------------------------

struct rng_t {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
};

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

double random_value(rng_t& r) {
  switch (r.below(20)) {
    case 0: return kInf;
    case 1: return -kInf;
    case 2: return -0.0;
    case 3: return std::numeric_limits<double>::denorm_min() * static_cast<double>(r.below(5));
    case 4:
      return (r.chance(50) ? 1 : -1) * std::numeric_limits<double>::max() /
             static_cast<double>(1 + r.below(3));
    case 5: return static_cast<double>(r.below(4));  // ties
    case 6: return 1e30 * (static_cast<double>(r.below(2001)) - 1000.0);
    default:
      return (static_cast<double>(r.below(20001)) - 10000.0) /
             static_cast<double>(1u << r.below(12));
  }
}

/// A valid serialization of a random profile (double or float), or empty when the
/// random parameters are rejected by the constructor.
template <class T>
bytes_t random_profile_bytes(rng_t& r) {
  const std::size_t sizes[] = {1, 2, 3, 5, 8, 13, 40, 100, 300};
  const std::size_t n = sizes[r.below(std::size(sizes))];
  const auto policy = static_cast<ds::nan_policy>(r.below(3));
  const unsigned nan_percent = policy == ds::nan_policy::raise ? 0u : (r.chance(40) ? 20u : 0u);
  std::vector<T> x(n);
  for (auto& v : x) v = static_cast<T>(r.chance(nan_percent) ? kNaN : random_value(r));
  ds::binning b;
  switch (r.below(3)) {
    case 0: b = ds::binning::quantile(r.chance(90) ? 2 + r.below(12) : 2 + r.below(5000)); break;
    case 1: b = ds::binning::uniform(r.chance(90) ? 2 + r.below(12) : 2 + r.below(5000)); break;
    default: {
      std::vector<double> e(1 + r.below(8));
      for (auto& v : e) v = random_value(r);
      std::sort(e.begin(), e.end());
      b = ds::binning::explicit_edges(e);
    }
  }
  try {
    return ds::reference_profile<T>(x.data(), x.size(), b, policy).serialize();
  } catch (const std::invalid_argument&) {
    return {};
  }
}

void put_u64(bytes_t& b, std::size_t at, std::uint64_t v) {
  for (std::size_t k = 0; k < 8 && at + k < b.size(); ++k)
    b[at + k] = static_cast<std::uint8_t>(v >> (8 * k));
}

std::uint64_t get_u64(const bytes_t& b, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t k = 0; k < 8 && at + k < b.size(); ++k)
    v |= static_cast<std::uint64_t>(b[at + k]) << (8 * k);
  return v;
}

std::uint64_t interesting_u64(rng_t& r, std::uint64_t old, std::size_t size) {
  const std::uint64_t picks[] = {0,
                                 1,
                                 2,
                                 3,
                                 old + 1,
                                 old - 1,
                                 2 * old,
                                 old / 2,
                                 std::uint64_t{1} << 24,
                                 (std::uint64_t{1} << 24) - 1,
                                 (std::uint64_t{1} << 24) + 1,
                                 std::uint64_t{1} << 32,
                                 std::uint64_t{1} << 61,
                                 std::uint64_t{1} << 63,
                                 ~std::uint64_t{0},
                                 ~std::uint64_t{0} / 8 + 1,
                                 ~std::uint64_t{0} / 4 + 1,
                                 static_cast<std::uint64_t>(size),
                                 static_cast<std::uint64_t>(size / 8),
                                 static_cast<std::uint64_t>(size / 4),
                                 static_cast<std::uint64_t>(size / 16)};
  return picks[r.below(std::size(picks))];
}

double interesting_double(rng_t& r, double old) {
  switch (r.below(10)) {
    case 0: return kNaN;
    case 1: return kInf;
    case 2: return -kInf;
    case 3: return -0.0;
    case 4: return 0.0;
    case 5: return std::nextafter(old, kInf);
    case 6: return std::nextafter(old, -kInf);
    case 7: return std::numeric_limits<double>::max();
    case 8: return std::numeric_limits<double>::denorm_min();
    default: return random_value(r);
  }
}

/// Applies one random mutation to `b`; `other` is a second pool entry for splices.
void mutate(bytes_t& b, const bytes_t& other, rng_t& r) {
  switch (r.below(12)) {
    case 0:  // bit flip
      if (!b.empty()) b[r.below(b.size())] ^= static_cast<std::uint8_t>(1u << r.below(8));
      break;
    case 1: {  // byte set
      const std::uint8_t vals[] = {0, 1,    2,    3,    4,
                                   8, 0x7F, 0x80, 0xFF, static_cast<std::uint8_t>(r.next())};
      if (!b.empty()) b[r.below(b.size())] = vals[r.below(std::size(vals))];
      break;
    }
    case 2: {  // a header byte (magic..reserved) set
      if (b.size() >= 16)
        b[r.below(16)] = static_cast<std::uint8_t>(r.below(4) == 0 ? r.next() : r.below(4));
      break;
    }
    case 3:
    case 4: {  // a u64 field: bins, n, missing, m (or any aligned word)
      const std::size_t at = r.chance(70) ? 16 + 8 * r.below(4) : 8 * r.below(b.size() / 8 + 1);
      put_u64(b, at, interesting_u64(r, get_u64(b, at), b.size()));
      break;
    }
    case 5: {  // an 8-byte aligned word as an interesting double (edges, values)
      if (b.size() < 56) break;
      const std::size_t at = 48 + 8 * r.below((b.size() - 48) / 8);
      double old;
      const std::uint64_t bits = get_u64(b, at);
      std::memcpy(&old, &bits, 8);
      const double v = interesting_double(r, old);
      std::uint64_t nb;
      std::memcpy(&nb, &v, 8);
      put_u64(b, at, nb);
      break;
    }
    case 6:  // truncation
      b.resize(r.below(b.size() + 1));
      break;
    case 7: {  // extension
      const std::size_t k = 1 + r.below(r.chance(50) ? 8 : 64);
      for (std::size_t i = 0; i < k; ++i)
        b.push_back(r.chance(50) ? 0 : static_cast<std::uint8_t>(r.next()));
      break;
    }
    case 8: {  // splice: a prefix of b and a suffix of other
      const std::size_t cut = r.below(b.size() + 1), from = r.below(other.size() + 1);
      b.resize(cut);
      b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
      break;
    }
    case 9: {  // the 48-byte preamble of other on the body of b
      for (std::size_t i = 0; i < 48 && i < b.size() && i < other.size(); ++i) b[i] = other[i];
      break;
    }
    case 10: {  // insert or delete a chunk
      const std::size_t at = r.below(b.size() + 1);
      const std::size_t k = 1 + r.below(16);
      if (r.chance(50)) {
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), k,
                 static_cast<std::uint8_t>(r.next()));
      } else {
        const std::size_t end = std::min(b.size(), at + k);
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(at),
                b.begin() + static_cast<std::ptrdiff_t>(end));
      }
      break;
    }
    default: {  // make n agree with the buffer length, to get past the length checks
      if (b.size() < 48) break;
      const std::uint64_t m = get_u64(b, 40);
      const std::size_t s = b[7] == 4 ? 4 : 8;
      if (m < b.size() / 16) {
        const std::uint64_t body = 48 + 8 * m + 8 * (m + 1);
        if (body <= b.size()) put_u64(b, 24, (b.size() - body) / s);
      }
    }
  }
}

bytes_t read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return bytes_t(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  long long iterations = 0, start = 0;
  bool verbose = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "replay: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--seed")
      seed = std::strtoull(value(), nullptr, 10);
    else if (a == "--iterations")
      iterations = std::strtoll(value(), nullptr, 10);
    else if (a == "--start")
      start = std::strtoll(value(), nullptr, 10);
    else if (a == "--dump")
      g_dump_dir = value();
    else if (a == "--verbose")
      verbose = true;
    else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: %s [--seed S] [--iterations N] [--start I] [--dump DIR] [--verbose] [PATH...]\n",
          argv[0]);
      return 0;
    } else
      paths.push_back(a);
  }
  install_handlers();

  // 1. the corpus, in a fixed order
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (std::filesystem::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", p.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<bytes_t> pool;
  for (const auto& f : files) {
    bytes_t b = read_file(f);
    if (verbose) std::printf("corpus %s (%zu bytes)\n", f.c_str(), b.size());
    if (!run_one(b, -1, f.string())) return 1;
    pool.push_back(std::move(b));
  }

  // 2. valid serializations of random profiles join the pool; each must decode
  rng_t pool_rng{seed ^ 0xD51F7E5C0FFEEull};
  std::size_t generated = 0;
  while (generated < 96) {
    bytes_t b = pool_rng.chance(50) ? random_profile_bytes<double>(pool_rng)
                                    : random_profile_bytes<float>(pool_rng);
    if (b.empty()) continue;
    try {
      if (b[6] == 1)
        (void)ds::reference_profile<double>::deserialize(b.data(), b.size());
      else
        (void)ds::reference_profile<float>::deserialize(b.data(), b.size());
    } catch (const std::exception& e) {
      g_input = b.data();
      g_input_size = b.size();
      std::fprintf(stderr, "\n==replay== a valid serialization was rejected: %s\n", e.what());
      dump_input();
      return 1;
    }
    if (!run_one(b, -1, "generated profile")) return 1;
    pool.push_back(std::move(b));
    ++generated;
  }

  // 3. the mutation loop
  for (long long it = start; it < start + iterations; ++it) {
    rng_t r{seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(it)};
    r.next();
    bytes_t b = pool[r.below(pool.size())];
    const bytes_t& other = pool[r.below(pool.size())];
    const std::size_t k = 1 + r.below(r.chance(70) ? 2 : 6);
    for (std::size_t i = 0; i < k; ++i) mutate(b, other, r);
    if (!run_one(b, it, "iteration " + std::to_string(it))) return 1;
  }
  std::printf(
      "replay: %zu corpus files, %zu generated profiles, %lld mutated inputs (seed %llu, from "
      "%lld): ok\n"
      "replay: deserialize outcomes (double and float attempts): %zu decoded as double, %zu as "
      "float, "
      "%zu std::invalid_argument, %zu std::out_of_range\n",
      files.size(), generated, iterations, static_cast<unsigned long long>(seed), start,
      g_outcomes.as_double, g_outcomes.as_float, g_outcomes.invalid, g_outcomes.truncated);
  return 0;
}
