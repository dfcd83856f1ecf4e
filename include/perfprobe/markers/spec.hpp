// Marker specs, spelled the same everywhere (--ready, --phase, --tokens): usdt:PROVIDER:NAME,
// uprobe:[FILE:]FUNCTION and uretprobe:[FILE:]FUNCTION (function entry and return), mark:NAME (the
// marker API), output:REGEX, output (each stdout chunk), first-output, listen[:PORT], file:PATH,
// tcp:PORT (a connect to 127.0.0.1:PORT succeeds), http:PORT[/PATH] (a 2xx answer from it).
// usdt and function specs take a /N suffix: every Nth hit. Parsing is pure; a bad spec is a
// UsageError naming the option.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "perfprobe/model.hpp"

namespace perfprobe::markers {

enum class SpecKind { usdt, uprobe, mark, output_regex, output_any, first_output, listen, file, tcp, http };

struct MarkerSpec {
  SpecKind kind = SpecKind::mark;
  std::string text;             // as the user wrote it
  std::string provider;         // usdt
  std::string name;             // usdt probe name, or the marker-API name
  std::string regex;            // output:REGEX
  int port = 0;                 // listen:PORT (0 = any port the target listens on), tcp:PORT, http:PORT
  std::string http_path = "/";  // http:PORT/PATH
  std::string path;             // file:PATH
  // uprobe / uretprobe: FILE (empty: search the target and its libraries) and where in it.
  bool ret = false;                          // uretprobe: the function's return
  std::string file;                          // as written: a path, or a file name of the target or a library
  std::string symbol;                        // a function, mangled or demangled; empty with an address
  std::uint64_t symbol_offset = 0;           // SYMBOL+OFF: bytes into the function
  std::optional<std::uint64_t> address;      // 0xADDR: a link-time address (as nm and objdump show)
  std::optional<std::uint64_t> file_offset;  // +OFF: a file offset (as uprobe_events takes)
  std::uint64_t every = 1;                   // /N: only every Nth hit counts (usdt and function specs)
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

// Whether a timeline event is a hit of the spec (ignoring /N).
[[nodiscard]] bool matches(const MarkerSpec& spec, const Event& event);

// Hits of one spec over a timeline in time order, with /N applied: the Nth, 2Nth, ... hits count.
class SpecHits {
 public:
  explicit SpecHits(const MarkerSpec& spec) : spec_(&spec) {}
  [[nodiscard]] bool operator()(const Event& event);

 private:
  const MarkerSpec* spec_;
  std::uint64_t seen_ = 0;
};

// The name a hit is counted under in "markers": "llm:token" for USDT probes, the spec without /N for
// function probes ("uretprobe:libllama.so:llama_decode"), "mark:NAME" for the marker API, "output:REGEX" for output
// matches; empty for events that are not marker hits.
[[nodiscard]] std::string marker_key(const Event& event);

// Does any spec need the target's output to go through perfprobe?
[[nodiscard]] bool needs_output(const MarkerSpec& spec);

}  // namespace perfprobe::markers
