#pragma once
// Shared by register_threshold.cpp (which registers ThresholdRule, AlarmEvent, EventLog,
// ThresholdTracker) and the stream monitor's bindings: converting events and rules between
// C++ and Python, and wrapping a Python callable as an alarm_callback.

#include "bindings.hpp"

#include <driftscope/monitor/threshold.hpp>

#include <memory>
#include <string>

namespace driftscope::python {

/// The Python AlarmEvent for `e` (a copy; the class is registered by register_threshold).
inline py::object to_python(const alarm_event& e) { return py::cast(e); }

/// A threshold_rule from a Python ThresholdRule. @throws ValueError (std::invalid_argument)
/// naming `function` and `name` when `obj` is not a ThresholdRule.
inline threshold_rule rule_arg(py::handle obj, const char* function, const char* name) {
  try {
    return obj.cast<threshold_rule>();
  } catch (const py::cast_error&) {
    value_error("{}: {} must be a ThresholdRule, got {}", function, name,
                std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
  }
}

/// An alarm_callback that calls the Python callable `fn` with the event's AlarmEvent.
/// The GIL is acquired for the call and for releasing the callable, so the callback may be
/// invoked (and copied / destroyed) from code running with the GIL released. An exception
/// raised by `fn` propagates out of the call as py::error_already_set (so to the caller
/// of update / update_many, as the Python exception). @throws ValueError when `fn` is not
/// callable.
inline alarm_callback python_callback(py::object fn, const char* function, const char* name = "on_event") {
  if (!PyCallable_Check(fn.ptr()))
    value_error("{}: {} must be callable, got {}", function, name,
                std::string(py::str(py::type::handle_of(fn).attr("__name__"))));
  std::shared_ptr<py::object> held(new py::object(std::move(fn)), [](py::object* p) {
    py::gil_scoped_acquire gil;
    delete p;
  });
  return [held](const alarm_event& e) {
    py::gil_scoped_acquire gil;
    (*held)(to_python(e));
  };
}

}  // namespace driftscope::python
