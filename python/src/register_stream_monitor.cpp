// Placeholder: filled in by the issue-5 work on stream_monitor.
#include "bindings.hpp"

namespace driftscope::python {

void register_stream_monitor(py::module_& m) { (void)m; }

}  // namespace driftscope::python
