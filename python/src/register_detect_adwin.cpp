// Placeholder: filled in by the detect_adwin work.
#include "bindings.hpp"

namespace driftscope::python {

void register_detect_adwin(py::module_& m) { (void)m; }

}  // namespace driftscope::python
