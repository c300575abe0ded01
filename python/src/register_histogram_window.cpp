// Placeholder: filled in by the issue-5 work on histogram_window.
#include "bindings.hpp"

namespace driftscope::python {

void register_histogram_window(py::module_& m) { (void)m; }

}  // namespace driftscope::python
