// Views of a RunReport: human text (stderr), JSON document, JSONL events. Only these files know
// the output formats; see docs/json-schema.md.
#pragma once

#include <cstdint>
#include <string>

#include <ostream>

#include "perfprobe/metrics/catalogue.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/report/run_report.hpp"

namespace perfprobe::report {

// The JSON document of --json FILE (schema_version 2).
[[nodiscard]] std::string to_json_text(const RunReport& report);

// One line of the --jsonl stream (no trailing newline).
[[nodiscard]] std::string jsonl_event(const Event& event);
[[nodiscard]] std::string jsonl_run_start(int run_index, bool warmup, const std::vector<std::string>& command,
                                          std::int64_t t_mono_ns);
[[nodiscard]] std::string jsonl_run_end(int run_index, const RunResult& run);
// attach --serve: where the live figures are ("127.0.0.1:43121"), before run_start.
[[nodiscard]] std::string jsonl_serve(const std::string& address);

struct TextOptions {
  bool color = false;
};
// The human summary printed on stderr.
void write_text(std::ostream& out, const RunReport& report, const TextOptions& options);

// Formatting helpers shared by the text views (exposed for tests).
// One number through a printf format with one double conversion ("%.1f ms").
[[nodiscard]] std::string format_double(const char* format, double v);
// 100 * part / whole; 0 when whole is 0 (a scope without samples has no shares).
[[nodiscard]] double percent_of(std::uint64_t part, std::uint64_t whole);
[[nodiscard]] std::string format_duration_ns(double ns);
[[nodiscard]] std::string format_bytes(double bytes);
[[nodiscard]] std::string format_count(double count);
// A catalogue metric's value in its unit: "812.4 ms", "2.5 MiB", "25.9/s", "1,234".
[[nodiscard]] std::string format_metric(metrics::Unit unit, double value);
// Pads to `width` terminal columns on the right (pad_right) or the left (pad_left); UTF-8
// continuation bytes ("µ", "±", "…") take no column.
[[nodiscard]] std::string pad_right(std::string s, std::size_t width);
[[nodiscard]] std::string pad_left(std::string s, std::size_t width);

}  // namespace perfprobe::report
