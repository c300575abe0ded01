// Placeholder: filled in by the issue-5 work on sketch.
#include "bindings.hpp"

namespace driftscope::python {

void register_sketch(py::module_& m) { (void)m; }

}  // namespace driftscope::python
