// Placeholder: filled in by the detect_moa work.
#include "bindings.hpp"

namespace driftscope::python {

void register_detect_moa(py::module_& m) { (void)m; }

}  // namespace driftscope::python
