// Kernel tracepoints as perf events: a tracepoint's id and the layout of its raw data come from its
// `format` file in tracefs, readable by root only on most systems (docs/kernel-facts.md §12).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace perfprobe::sys {

struct TracepointFormat {
  std::uint64_t id = 0;  // perf_event_attr.config for PERF_TYPE_TRACEPOINT
  struct Field {
    int offset = 0;  // in the raw data (PERF_SAMPLE_RAW), common fields included
    int size = 0;
  };
  std::map<std::string, Field> fields;
};

// Parses a tracepoint's `format` file (pure, for tests). Empty when the text has no ID.
[[nodiscard]] std::optional<TracepointFormat> parse_tracepoint_format(std::string_view text);

// Reads events/SYSTEM/NAME/format under /sys/kernel/tracing (or the older debugfs mount). Empty
// when no tracefs is mounted, the tracepoint does not exist, or the caller may not read it.
[[nodiscard]] std::optional<TracepointFormat> read_tracepoint_format(std::string_view system, std::string_view name);

}  // namespace perfprobe::sys
