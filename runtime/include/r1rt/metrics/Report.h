//===- Report.h - Self-contained HTML run report ----------------*- C++ -*-===//
//
// `r1run --report FILE` renders one HTML page for a run: the stage table, an
// inline SVG chart per curve read from each stage's metrics.jsonl (reward,
// accuracy, response length, KL and the reward terms for GRPO; loss for the
// supervised stages) and one table of every eval stage's eval.json. The page
// uses no external JS or CSS, so it can be mailed or archived as it is.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_METRICS_REPORT_H
#define R1RT_METRICS_REPORT_H

#include <string>
#include <vector>

namespace r1rt {

/// One stage of the run as the report sees it.
struct ReportStage {
  std::string name, kind, key;
  std::string dir;    ///< the stage's artifact directory (may not exist)
  std::string status; ///< reused / ran / resumed / would-run / ... or ""
  double seconds = 0;
};

/// Renders a self-contained HTML page (no external JS/CSS, inline SVG charts)
/// for pipeline `pipeline`. A stage whose metrics.jsonl or eval.json cannot be
/// read shows the error in the page; rendering itself does not throw on them.
std::string renderReport(const std::string &pipeline,
                         const std::vector<ReportStage> &stages);

/// renderReport + atomic write (temporary file in the same directory, fsync,
/// rename). Throws r1rt::Error with a one-line message on I/O failure.
void writeReport(const std::string &path, const std::string &pipeline,
                 const std::vector<ReportStage> &stages);

} // namespace r1rt

#endif // R1RT_METRICS_REPORT_H
