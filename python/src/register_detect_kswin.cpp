// Placeholder: filled in by the detect_kswin work.
#include "bindings.hpp"

namespace driftscope::python {

void register_detect_kswin(py::module_& m) { (void)m; }

}  // namespace driftscope::python
