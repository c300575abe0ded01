// Placeholder: filled in by the issue-5 work on threshold.
#include "bindings.hpp"

namespace driftscope::python {

void register_threshold(py::module_& m) { (void)m; }

}  // namespace driftscope::python
