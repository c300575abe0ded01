#pragma once
/// @file
/// @brief JSON of a drift_report (through fmt), the schema of Python's DriftReport.to_dict():
///
/// @code{.json}
/// {"driftscope_version": "0.1.0", "n_reference": 1000, "n_current": 900,
///  "dataset": {"drift": false, "n_columns": 3, "n_drifted": 1, "n_errors": 0,
///              "share_drifted": 0.333, "drift_share": 0.5, "correction": null, "alpha": 0.05},
///  "columns": [{"name": "age", "type": "numerical", "test": "ks", "threshold": 0.05,
///               "threshold_kind": "pvalue", "statistic": 0.1, "pvalue": 0.01,
///               "pvalue_adjusted": null, "drift": true, "score": 1.53,
///               "n_reference": 1000, "n_current": 900, "missing_reference": 0,
///               "missing_current": 0, "error": null,
///               "plot": {"kind": "numerical", "edges": [...], "reference": [...],
///                        "current": [...], "ecdf": {"x": [...], "reference": [...],
///                        "current": [...]}}},
///              {"name": "city", "type": "categorical", ...,
///               "plot": {"kind": "categorical", "categories": ["a", "b"],
///                        "reference": [...], "current": [...]}}]}
/// @endcode
///
/// NaN and ±inf become null (a p-value of a distance test, a score of +inf for p = 0, the
/// fields of an error row); "drift" is null on an error row; "test" and "threshold_kind" are
/// null when no test was chosen (a column the front end reported as failed). Floats are
/// written in the shortest form that reads back to the same double (fmt's default, like
/// Python's repr), always with a '.' or an exponent so they read back as floats. Strings are
/// escaped per RFC 8259 (quote, backslash, control characters as \uXXXX or the short forms);
/// UTF-8 passes through, invalid UTF-8 bytes become U+FFFD.

#include <driftscope/core/json_writer.hpp>
#include <driftscope/core/version.hpp>
#include <driftscope/report/drift_report.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace driftscope {

namespace detail::json {

inline void plot(buffer& b, const column_result& r) {
  if (r.plot == plot_kind::numerical) {
    const numerical_plot& p = r.numerical;
    raw(b, "{");
    key(b, "kind", true), string(b, "numerical");
    key(b, "edges"), numbers(b, p.edges);
    key(b, "reference"), integers(b, p.reference);
    key(b, "current"), integers(b, p.current);
    key(b, "ecdf"), raw(b, "{");
    key(b, "x", true), numbers(b, p.ecdf_x);
    key(b, "reference"), numbers(b, p.ecdf_reference);
    key(b, "current"), numbers(b, p.ecdf_current);
    raw(b, "}}");
  } else if (r.plot == plot_kind::categorical) {
    const categorical_plot& p = r.categorical;
    raw(b, "{");
    key(b, "kind", true), string(b, "categorical");
    key(b, "categories"), array(b, p.categories, [](buffer& o, const std::string& s) { string(o, s); });
    key(b, "reference"), integers(b, p.reference);
    key(b, "current"), integers(b, p.current);
    raw(b, "}");
  } else {
    raw(b, "null");
  }
}

inline void column(buffer& b, const column_result& r) {
  const bool has_test = !r.test.empty();
  raw(b, "{");
  key(b, "name", true), string(b, r.name);
  key(b, "type"), string(b, to_string(r.kind));
  key(b, "test"), has_test ? string(b, r.test) : raw(b, "null");
  key(b, "threshold"), number(b, r.threshold);
  key(b, "threshold_kind"), has_test ? string(b, to_string(r.threshold_type)) : raw(b, "null");
  key(b, "statistic"), number(b, r.statistic);
  key(b, "pvalue"), number(b, r.pvalue);
  key(b, "pvalue_adjusted"), number(b, r.pvalue_adjusted);
  key(b, "drift"), r.ok() ? boolean(b, r.drift) : raw(b, "null");
  key(b, "score"), number(b, r.score);
  key(b, "n_reference"), integer(b, r.n_reference);
  key(b, "n_current"), integer(b, r.n_current);
  key(b, "missing_reference"), integer(b, r.missing_reference);
  key(b, "missing_current"), integer(b, r.missing_current);
  key(b, "error"), r.ok() ? raw(b, "null") : string(b, r.error);
  key(b, "plot"), plot(b, r);
  raw(b, "}");
}

}  // namespace detail::json

/// @brief The report as one line of JSON (see the file comment for the schema).
inline std::string to_json(const drift_report& rep) {
  namespace js = detail::json;
  js::buffer b;
  js::raw(b, "{");
  js::key(b, "driftscope_version", true), js::string(b, DRIFTSCOPE_VERSION_STRING);
  js::key(b, "n_reference"), js::integer(b, rep.n_reference);
  js::key(b, "n_current"), js::integer(b, rep.n_current);
  js::key(b, "dataset"), js::raw(b, "{");
  js::key(b, "drift", true), js::boolean(b, rep.drift);
  js::key(b, "n_columns"), js::integer(b, rep.n_columns);
  js::key(b, "n_drifted"), js::integer(b, rep.n_drifted);
  js::key(b, "n_errors"), js::integer(b, rep.n_errors);
  js::key(b, "share_drifted"), js::number(b, rep.share_drifted);
  js::key(b, "drift_share"), js::number(b, rep.drift_share);
  js::key(b, "correction"), rep.correction ? js::string(b, to_string(*rep.correction)) : js::raw(b, "null");
  js::key(b, "alpha"), js::number(b, rep.alpha);
  js::raw(b, "}");
  js::key(b, "columns"), js::array(b, rep.columns, js::column);
  js::raw(b, "}");
  return fmt::to_string(b);
}

}  // namespace driftscope
