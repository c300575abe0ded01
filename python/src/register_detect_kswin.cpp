// KSWIN (river's drift.KSWIN: same arguments, defaults, p_value and detections for the same
// seed) and private test hooks for driftscope::python_random (CPython's random.Random).
//
// Declaration for bindings.hpp:  void register_detect_kswin(py::module_& m);
#include "detector_bindings.hpp"

#include <driftscope/core/python_random.hpp>
#include <driftscope/detect/kswin.hpp>

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

namespace driftscope::python {

namespace {

/// A Python int seed as CPython's random_seed sees it: |seed| as little-endian 32-bit words
/// (as many as the bit length needs, at least one). None -> nullopt.
std::optional<std::vector<std::uint32_t>> seed_words_arg(py::handle seed, const char* function) {
  if (seed.is_none()) return std::nullopt;
  if (!PyLong_Check(seed.ptr()))
    throw py::type_error(fmt::format("{}: seed must be None or an int, got {}", function,
                                     std::string(py::repr(seed))));
  const py::int_ a = py::reinterpret_steal<py::int_>(PyNumber_Absolute(seed.ptr()));
  if (!a) throw py::error_already_set();
  const auto bits = a.attr("bit_length")().cast<std::size_t>();
  const std::size_t nwords = bits == 0 ? 1 : (bits - 1) / 32 + 1;
  const std::string bytes = a.attr("to_bytes")(nwords * 4, "little").cast<py::bytes>();
  std::vector<std::uint32_t> words(nwords);
  for (std::size_t i = 0; i < nwords; ++i) {
    std::uint32_t w = 0;
    for (std::size_t b = 0; b < 4; ++b)
      w |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[4 * i + b])) << (8 * b);
    words[i] = w;
  }
  return words;
}

py::object seed_to_python(const kswin& d) {
  if (!d.has_seed()) return py::none();
  const auto words = d.seed_words();
  std::string bytes(words.size() * 4, '\0');
  for (std::size_t i = 0; i < words.size(); ++i)
    for (std::size_t b = 0; b < 4; ++b)
      bytes[4 * i + b] = static_cast<char>((words[i] >> (8 * b)) & 0xFFu);
  return py::module_::import("builtins").attr("int").attr("from_bytes")(py::bytes(bytes), "little");
}

python_random rng_arg(py::handle seed, const char* function) {
  const auto words = seed_words_arg(seed, function);
  if (!words) throw py::type_error(fmt::format("{}: seed must be an int", function));
  return python_random(words->data(), words->size());
}

std::uint64_t u64_arg(py::handle v, const char* function, const char* name) {
  if (!PyLong_Check(v.ptr())) value_error("{}: {} must be an int", function, name);
  const unsigned long long r = PyLong_AsUnsignedLongLong(v.ptr());
  if (r == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
    PyErr_Clear();
    value_error("{}: {} must be in [0, 2**64), got {}", function, name, std::string(py::repr(v)));
  }
  return r;
}

}  // namespace

void register_detect_kswin(py::module_& m) {
  bind_detector<kswin>(
      m, "KSWIN",
      "Kolmogorov-Smirnov windowing detector (Raab et al., 2020): river's drift.KSWIN with the\n"
      "same arguments, defaults, p_value and detections for the same seed (CPython's\n"
      "random.Random(seed).sample reproduced bit for bit). No warning zone.")
      .def(py::init([](double alpha, py::handle window_size, py::handle stat_size, py::handle seed,
                       py::handle window, const std::string& nonfinite) {
             const auto words = seed_words_arg(seed, kswin::name);
             const auto ws = int_arg(window_size, kswin::name, "window_size");
             const auto ss = int_arg(stat_size, kswin::name, "stat_size");
             const auto policy = nonfinite_arg(nonfinite, kswin::name);
             if (window.is_none())
               return kswin::with_seed_words(alpha, ws, ss, words, nullptr, 0, policy);
             const array_1d w = as_float64(as_array_1d(window, kswin::name, "window"));
             return kswin::with_seed_words(alpha, ws, ss, words, w.data<double>(), w.size, policy);
           }),
           py::arg("alpha") = 0.005, py::arg("window_size") = 100, py::arg("stat_size") = 30,
           py::arg("seed") = py::none(), py::arg("window") = py::none(),
           py::arg("nonfinite") = "raise")
      .def_property_readonly("alpha", &kswin::alpha)
      .def_property_readonly("window_size", &kswin::window_size)
      .def_property_readonly("stat_size", &kswin::stat_size)
      .def_property_readonly("seed", &seed_to_python,
                             "The seed's absolute value (as CPython uses it), or None.")
      .def_property_readonly("n", &kswin::n, "Updates since the last reset (river's n).")
      .def_property_readonly(
          "p_value", &kswin::p_value,
          "p-value of the last KS test (0.0 before the first test after a reset, as river).")
      .def_property_readonly(
          "statistic", &kswin::statistic,
          "KS statistic of the last test (0.0 before the first test after a reset).")
      .def_property_readonly(
          "window",
          [](const kswin& d) {
            py::array_t<double> out(static_cast<py::ssize_t>(d.window_count()));
            double* p = out.mutable_data();
            for (std::size_t i = 0; i < d.window_count(); ++i) p[i] = d.window_at(i);
            return out;
          },
          "The sliding window, oldest first (a float64 copy).")
      .def("__repr__", [](const kswin& d) {
        return fmt::format("KSWIN(alpha={}, window_size={}, stat_size={}, seed={})",
                           float_repr(d.alpha()), d.window_size(), d.stat_size(),
                           std::string(py::repr(seed_to_python(d))));
      });

  // --- private test hooks: CPython's random.Random reproduced (tests/python/test_python_random.py)
  m.def(
      "_python_random_sample",
      [](py::handle seed, py::handle n, py::handle k) {
        auto rng = rng_arg(seed, "_python_random_sample");
        const std::uint64_t nn = u64_arg(n, "_python_random_sample", "n"),
                            kk = u64_arg(k, "_python_random_sample", "k");
        if (kk > nn)
          value_error("_python_random_sample: sample larger than population or is negative");
        if (kk > (std::uint64_t{1} << 24))
          value_error("_python_random_sample: k too large for a test hook");
        return rng.sample(nn, kk);
      },
      py::arg("seed"), py::arg("n"), py::arg("k"),
      "random.Random(seed).sample(range(n), k) (test hook).");
  m.def(
      "_python_random_samples",
      [](py::handle seed, py::handle n, py::handle k, std::size_t repeat) {
        auto rng = rng_arg(seed, "_python_random_samples");
        const std::uint64_t nn = u64_arg(n, "_python_random_samples", "n"),
                            kk = u64_arg(k, "_python_random_samples", "k");
        if (kk > nn)
          value_error("_python_random_samples: sample larger than population or is negative");
        if (kk > (std::uint64_t{1} << 20))
          value_error("_python_random_samples: k too large for a test hook");
        std::vector<std::uint64_t> scratch;  // reused across the calls, as KSWIN does
        std::vector<std::vector<std::uint64_t>> out(
            repeat, std::vector<std::uint64_t>(static_cast<std::size_t>(kk)));
        for (auto& s : out) rng.sample(nn, kk, s.data(), scratch);
        return out;
      },
      py::arg("seed"), py::arg("n"), py::arg("k"), py::arg("repeat"),
      "[r.sample(range(n), k) for _ in range(repeat)] from one random.Random(seed) (test hook).");
  m.def(
      "_python_random_random",
      [](py::handle seed, std::size_t count) {
        auto rng = rng_arg(seed, "_python_random_random");
        std::vector<double> out(count);
        for (double& v : out) v = rng.random();
        return out;
      },
      py::arg("seed"), py::arg("count"),
      "[random.Random(seed).random() for _ in range(count)] (test hook).");
  m.def(
      "_python_random_getrandbits",
      [](py::handle seed, unsigned k, std::size_t count) {
        auto rng = rng_arg(seed, "_python_random_getrandbits");
        std::vector<std::uint64_t> out(count);
        for (auto& v : out) v = rng.getrandbits(k);
        return out;
      },
      py::arg("seed"), py::arg("k"), py::arg("count"),
      "getrandbits(k) repeated, k <= 64 (test hook).");
  m.def(
      "_python_random_randbelow",
      [](py::handle seed, py::handle n, std::size_t count) {
        auto rng = rng_arg(seed, "_python_random_randbelow");
        const std::uint64_t nn = u64_arg(n, "_python_random_randbelow", "n");
        std::vector<std::uint64_t> out(count);
        for (auto& v : out) v = rng.randbelow(nn);
        return out;
      },
      py::arg("seed"), py::arg("n"), py::arg("count"),
      "_randbelow(n) repeated, 0 < n < 2**64 (test hook).");
  m.def(
      "_python_random_state",
      [](py::handle seed, std::size_t draws) {
        auto rng = rng_arg(seed, "_python_random_state");
        for (std::size_t i = 0; i < draws; ++i) (void)rng.next_u32();
        py::tuple t(python_random::state_size + 1);
        for (std::size_t i = 0; i < python_random::state_size; ++i) t[i] = py::int_(rng.state()[i]);
        t[python_random::state_size] = py::int_(rng.index());
        return t;
      },
      py::arg("seed"), py::arg("draws") = 0,
      "random.Random(seed).getstate()[1] after `draws` 32-bit outputs (test hook).");
}

}  // namespace driftscope::python
