//===- Report.cpp - Self-contained HTML run report ------------------------===//

#include "r1rt/metrics/Report.h"
#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/metrics/MetricsLog.h"
#include "r1rt/metrics/Progress.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <set>
#include <string_view>
#include <utility>

using nlohmann::json;
namespace fs = std::filesystem;

namespace r1rt {

namespace {

/// The most points a chart draws per series; the first and last are kept.
constexpr size_t kMaxPoints = 400;
/// Chart size and the margins that hold the axis labels, in SVG pixels.
constexpr double kWidth = 360, kHeight = 180;
constexpr double kLeft = 58, kRight = 12, kTop = 10, kBottom = 34;
constexpr const char *kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                   "#9467bd", "#8c564b", "#e377c2", "#17becf"};
constexpr const char *kDash = "&ndash;";

constexpr const char *kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0}figcaption{font-size:13px;text-align:center}
svg text{font:11px sans-serif;fill:#555}
.error{color:#b00;font-family:monospace;white-space:pre-wrap}
)";

using Point = std::pair<int64_t, double>;

/// One curve: the finite values of a metric, in step order.
struct Series {
  std::string key;
  std::vector<Point> points;
};

/// Escapes text for HTML element content and attribute values.
std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// Axis label for a value: 3 significant digits fit the left margin.
std::string label(double v) { return fmt::format("{:.3g}", v); }

/// The finite numeric values of `key` in the records with an integer "step";
/// missing, non-numeric, NaN and infinite values are skipped.
Series extract(const std::vector<json> &records, const std::string &key) {
  Series s{key, {}};
  for (const json &rec : records) {
    auto step = rec.find("step"), value = rec.find(key);
    if (step == rec.end() || value == rec.end() || !step->is_number_integer() ||
        !value->is_number())
      continue;
    double v = value->get<double>();
    if (std::isfinite(v))
      s.points.emplace_back(step->get<int64_t>(), v);
  }
  std::stable_sort(
      s.points.begin(), s.points.end(),
      [](const Point &a, const Point &b) { return a.first < b.first; });
  return s;
}

/// At most kMaxPoints evenly spaced points, always the first and the last.
std::vector<Point> downsample(const std::vector<Point> &points) {
  if (points.size() <= kMaxPoints)
    return points;
  std::vector<Point> out;
  out.reserve(kMaxPoints);
  for (size_t i = 0; i < kMaxPoints; ++i)
    out.push_back(points[i * (points.size() - 1) / (kMaxPoints - 1)]);
  return out;
}

/// An inline SVG line chart of non-empty `series`, with min/max labels on
/// both axes. A single step or a constant series is drawn mid-axis.
std::string chart(const std::string &title, const std::vector<Series> &series) {
  int64_t xlo = INT64_MAX, xhi = INT64_MIN;
  double ylo = INFINITY, yhi = -INFINITY;
  for (const Series &s : series)
    for (const auto &[step, v] : s.points) {
      xlo = std::min(xlo, step), xhi = std::max(xhi, step);
      ylo = std::min(ylo, v), yhi = std::max(yhi, v);
    }
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  // Halved so that the span of two huge finite values cannot overflow.
  const double xspan = static_cast<double>(xhi) - static_cast<double>(xlo);
  const double yhalf = yhi * 0.5 - ylo * 0.5;
  auto px = [&](int64_t step) {
    double f = xspan > 0 ? (static_cast<double>(step) - xlo) / xspan : 0.5;
    return kLeft + f * pw;
  };
  auto py = [&](double v) {
    return kTop + (yhalf > 0 ? (yhi * 0.5 - v * 0.5) / yhalf : 0.5) * ph;
  };
  const double bottom = kTop + ph, right = kLeft + pw;
  std::string svg = fmt::format(
      "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-label=\"{2}\">\n",
      kWidth, kHeight, escape(title));
  svg += fmt::format("<path d=\"M{0} {1}V{2}H{3}\" fill=\"none\" "
                     "stroke=\"#888\"/>\n",
                     kLeft, kTop, bottom, right);
  svg += fmt::format("<text class=\"ymax\" x=\"{}\" y=\"{}\" "
                     "text-anchor=\"end\">{}</text>\n",
                     kLeft - 4, kTop + 8, label(yhi));
  svg += fmt::format("<text class=\"ymin\" x=\"{}\" y=\"{}\" "
                     "text-anchor=\"end\">{}</text>\n",
                     kLeft - 4, bottom, label(ylo));
  svg += fmt::format("<text class=\"xmin\" x=\"{}\" y=\"{}\">{}</text>\n",
                     kLeft, bottom + 14, xlo);
  svg += fmt::format("<text class=\"xmax\" x=\"{}\" y=\"{}\" "
                     "text-anchor=\"end\">{}</text>\n",
                     right, bottom + 14, xhi);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">step"
                     "</text>\n",
                     kLeft + pw / 2, bottom + 28);
  std::string legend;
  for (size_t i = 0; i < series.size(); ++i) {
    const char *color = kColors[i % std::size(kColors)];
    std::vector<Point> points = downsample(series[i].points);
    std::string coords;
    for (const auto &[step, v] : points)
      coords += fmt::format("{}{:.1f},{:.1f}", coords.empty() ? "" : " ",
                            px(step), py(v));
    svg += fmt::format("<polyline data-key=\"{}\" fill=\"none\" "
                       "stroke=\"{}\" stroke-width=\"1.5\" points=\"{}\"/>\n",
                       escape(series[i].key), color, coords);
    if (points.size() == 1)
      svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" "
                         "fill=\"{}\"/>\n",
                         px(points[0].first), py(points[0].second), color);
    if (series.size() > 1)
      legend += fmt::format(" <span style=\"color:{}\">&#9632; {}</span>",
                            color, escape(series[i].key));
  }
  return svg + fmt::format("</svg><figcaption>{}{}</figcaption></figure>\n",
                           escape(title), legend);
}

/// The charts of one stage's metrics: the GRPO curves when the stage is GRPO
/// (or logs a reward), otherwise the supervised loss.
std::string stageCharts(const ReportStage &stage,
                        const std::vector<json> &records) {
  bool grpo = stage.kind == "grpo" ||
              std::any_of(records.begin(), records.end(),
                          [](const json &r) { return r.contains("reward"); });
  std::vector<std::pair<std::string, std::vector<std::string>>> plan;
  if (grpo) {
    std::set<std::string> terms;
    for (const json &rec : records)
      for (const auto &item : rec.items())
        if (item.key().rfind("reward/", 0) == 0)
          terms.insert(item.key());
    plan = {{"reward", {"reward"}},
            {"accuracy", {"accuracy"}},
            {"response length", {"response_len"}},
            {"KL", {"kl"}},
            {"reward terms", {terms.begin(), terms.end()}}};
  } else {
    plan = {{"loss", {"loss"}}};
  }
  std::string out;
  for (const auto &[title, keys] : plan) {
    std::vector<Series> series;
    for (const std::string &key : keys)
      if (Series s = extract(records, key); !s.points.empty())
        series.push_back(std::move(s));
    if (!series.empty())
      out += chart(title, series);
  }
  return out;
}

/// One row of the eval table, with the stage it came from.
struct EvalRow {
  std::string stage;
  json row;
};

/// A cell of the eval table: numbers with 3 decimals, "n" as an integer.
std::string evalCell(const json &row, const std::string &key) {
  auto it = row.find(key);
  if (it == row.end())
    return kDash;
  if (it->is_number_integer() && key == "n")
    return fmt::format("{}", it->get<int64_t>());
  if (it->is_number())
    return fmt::format("{:.3f}", it->get<double>());
  if (it->is_string())
    return escape(it->get<std::string>());
  return kDash;
}

/// Reads a stage's eval.json `file` into `rows`, adding its metric names to
/// `metrics` in first-seen order. Throws r1rt::Error when the file is
/// malformed.
void readEval(const ReportStage &stage, const fs::path &file,
              std::vector<std::string> &metrics, std::vector<EvalRow> &rows) {
  json doc = json::parse(readFile(file.string()), nullptr,
                         /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("metrics") ||
      !doc["metrics"].is_array() || !doc.contains("rows") ||
      !doc["rows"].is_array())
    fail("{}: expected an object with \"metrics\" and \"rows\" arrays",
         file.string());
  for (const json &m : doc["metrics"])
    if (m.is_string() && std::find(metrics.begin(), metrics.end(),
                                   m.get<std::string>()) == metrics.end())
      metrics.push_back(m.get<std::string>());
  for (const json &row : doc["rows"])
    if (row.is_object())
      rows.push_back({stage.name, row});
}

/// The table of every eval stage, and the errors of unreadable eval files.
std::string evalSection(const std::vector<ReportStage> &stages) {
  std::vector<std::string> metrics, errors;
  std::vector<EvalRow> rows;
  for (const ReportStage &stage : stages) {
    std::error_code ec;
    fs::path file = fs::path(stage.dir) / "eval.json";
    if (stage.dir.empty() || !fs::is_regular_file(file, ec))
      continue;
    try {
      readEval(stage, file, metrics, rows);
    } catch (const Error &e) {
      errors.push_back(e.what());
    }
  }
  if (rows.empty() && errors.empty())
    return "";
  std::string out = "<h2>Evaluation</h2>\n";
  for (const std::string &e : errors)
    out += fmt::format("<p class=\"error\">{}</p>\n", escape(e));
  if (rows.empty())
    return out;
  out += "<table class=\"eval\"><tr><th>stage</th><th>model</th>";
  for (const std::string &m : metrics)
    out += fmt::format("<th>{}</th>", escape(m));
  out += "<th>n</th></tr>\n";
  for (const EvalRow &r : rows) {
    out += fmt::format("<tr><td>{}</td><td>{}</td>", escape(r.stage),
                       evalCell(r.row, "model"));
    for (const std::string &m : metrics)
      out += fmt::format("<td class=\"num\">{}</td>", evalCell(r.row, m));
    out +=
        fmt::format("<td class=\"num\">{}</td></tr>\n", evalCell(r.row, "n"));
  }
  return out + "</table>\n";
}

/// The stage table: name, kind, status, wall time and key prefix.
std::string stageTable(const std::vector<ReportStage> &stages) {
  std::string out = "<table class=\"stages\"><tr><th>stage</th><th>kind</th>"
                    "<th>status</th><th>time</th><th>key</th></tr>\n";
  for (const ReportStage &s : stages)
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td><code>{}</code></td></tr>\n",
        escape(s.name), escape(s.kind),
        s.status.empty() ? kDash : escape(s.status),
        s.seconds > 0 ? Progress::formatDuration(s.seconds) : kDash,
        escape(s.key.substr(0, 8)));
  return out + "</table>\n";
}

} // namespace

std::string renderReport(const std::string &pipeline,
                         const std::vector<ReportStage> &stages) {
  std::string title = escape("r1run report: " + pipeline);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>{0}</title>\n<style>{1}</style></head>\n<body>\n<h1>{0}</h1>\n",
      title, kStyle);
  out += "<h2>Stages</h2>\n" + stageTable(stages);
  for (const ReportStage &stage : stages) {
    std::error_code ec;
    fs::path file = fs::path(stage.dir) / "metrics.jsonl";
    if (stage.dir.empty() || !fs::is_regular_file(file, ec))
      continue;
    std::string body;
    try {
      body = stageCharts(stage, MetricsLog::read(file.string()));
      if (body.empty())
        body = "<p>no numeric metrics to plot</p>\n";
      else
        body = "<div class=\"charts\">\n" + body + "</div>\n";
    } catch (const Error &e) {
      body = fmt::format("<p class=\"error\">{}</p>\n", escape(e.what()));
    }
    out += fmt::format("<h2>{} <small>({})</small></h2>\n{}",
                       escape(stage.name), escape(stage.kind), body);
  }
  out += evalSection(stages);
  return out + "</body></html>\n";
}

void writeReport(const std::string &path, const std::string &pipeline,
                 const std::vector<ReportStage> &stages) {
  writeFileAtomic(path, renderReport(pipeline, stages));
}

} // namespace r1rt
