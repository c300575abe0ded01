// Kernel dispatch control and error translation.
#include "bindings.hpp"

#include <driftscope/kernels/dispatch.hpp>

#include <stdexcept>

namespace driftscope::python {

void register_errors(py::module_&) {
  // invalid_argument, domain_error and out_of_range (truncated bytes) all become
  // ValueError (pybind11's default maps out_of_range to IndexError). Module-local so
  // other pybind11 modules keep their own mapping.
  py::register_local_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const std::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::domain_error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::out_of_range& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
}

void register_kernels(py::module_& m) {
  m.def("kernel_targets", &kernels::available_targets,
        "Names of the SIMD targets compiled in and supported by this CPU, best first.");
  m.def("kernel_target", &kernels::current_target, "Name of the SIMD target the kernels dispatch to now.");
  m.def("force_kernel_target", &kernels::force_target, py::arg("name"),
        "Restricts dispatch to the named target (one of kernel_targets()); '' restores the best. "
        "For tests and benchmarks; not thread-safe.");
}

}  // namespace driftscope::python
