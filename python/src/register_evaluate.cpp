// Placeholder: filled in by the evaluate work.
#include "bindings.hpp"

namespace driftscope::python {

void register_evaluate(py::module_& m) { (void)m; }

}  // namespace driftscope::python
