// Marker specs, spelled the same everywhere (--ready, --phase, --tokens): usdt:PROVIDER:NAME,
// mark:NAME (the marker API), output:REGEX, output (each stdout chunk), first-output,
// listen[:PORT], file:PATH. Parsing is pure; a bad spec is a UsageError naming the option.
#pragma once

#include <string>
#include <vector>

#include "perfprobe/model.hpp"

namespace perfprobe::markers {

enum class SpecKind { usdt, mark, output_regex, output_any, first_output, listen, file };

struct MarkerSpec {
  SpecKind kind = SpecKind::mark;
  std::string text;      // as the user wrote it
  std::string provider;  // usdt
  std::string name;      // usdt probe name, or the marker-API name
  std::string regex;     // output:REGEX
  int port = 0;          // listen:PORT (0 = any port the target listens on)
  std::string path;      // file:PATH
};

// `option` names the flag in the error message, e.g. "--ready".
[[nodiscard]] MarkerSpec parse_spec(const std::string& text, const std::string& option);

// A probe selection of --usdt: PROVIDER:NAME or PROVIDER:* (name "*").
struct UsdtSelector {
  std::string provider;
  std::string name;
};
[[nodiscard]] UsdtSelector parse_usdt_selector(const std::string& text);

// --phase NAME=BEGIN..END
struct PhaseSpec {
  std::string name;
  MarkerSpec begin;
  MarkerSpec end;
};
[[nodiscard]] PhaseSpec parse_phase(const std::string& text);

// Whether a timeline event is a hit of the spec.
[[nodiscard]] bool matches(const MarkerSpec& spec, const Event& event);

// The name a hit is counted under in "markers": "llm:token" for USDT probes, "mark:NAME" for the
// marker API, "output:REGEX" for output matches; empty for events that are not marker hits.
[[nodiscard]] std::string marker_key(const Event& event);

// Does any spec need the target's output to go through perfprobe?
[[nodiscard]] bool needs_output(const MarkerSpec& spec);

}  // namespace perfprobe::markers
