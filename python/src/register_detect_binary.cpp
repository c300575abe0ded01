// Placeholder: filled in by the detect_binary work.
#include "bindings.hpp"

namespace driftscope::python {

void register_detect_binary(py::module_& m) { (void)m; }

}  // namespace driftscope::python
