// Parsing and matching of marker specs (pure).
#include "perfprobe/markers/spec.hpp"

#include <charconv>
#include <regex>

#include "perfprobe/error.hpp"

namespace perfprobe::markers {

namespace {

const char* const kSpecHelp =
    "use usdt:PROVIDER:NAME, mark:NAME, output:REGEX, output, first-output, listen[:PORT] or file:PATH";

void check_regex(const std::string& regex, const std::string& option, const std::string& text) {
  try {
    (void)std::regex(regex, std::regex::ECMAScript | std::regex::multiline);
  } catch (const std::regex_error& e) {
    throw UsageError(option + " '" + text + "': invalid regular expression: " + e.what(),
                     "the regex is ECMAScript syntax (as in JavaScript); escape special characters with \\");
  }
}

}  // namespace

UsdtSelector parse_usdt_selector(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() ||
      text.find(':', colon + 1) != std::string::npos) {
    throw UsageError("--usdt '" + text + "' is not PROVIDER:NAME",
                     "e.g. --usdt llm:token or --usdt llm:* (see `perfprobe probes FILE`)");
  }
  return UsdtSelector{text.substr(0, colon), text.substr(colon + 1)};
}

MarkerSpec parse_spec(const std::string& text, const std::string& option) {
  MarkerSpec s;
  s.text = text;
  if (text.starts_with("usdt:")) {
    const UsdtSelector sel = parse_usdt_selector(text.substr(5));
    if (sel.name == "*") throw UsageError(option + " '" + text + "' needs one probe, not a wildcard", kSpecHelp);
    s.kind = SpecKind::usdt;
    s.provider = sel.provider;
    s.name = sel.name;
  } else if (text.starts_with("mark:") && text.size() > 5) {
    s.kind = SpecKind::mark;
    s.name = text.substr(5);
  } else if (text.starts_with("output:") && text.size() > 7) {
    s.kind = SpecKind::output_regex;
    s.regex = text.substr(7);
    check_regex(s.regex, option, text);
  } else if (text == "output") {
    s.kind = SpecKind::output_any;
  } else if (text == "first-output") {
    s.kind = SpecKind::first_output;
  } else if (text == "listen" || text.starts_with("listen:")) {
    s.kind = SpecKind::listen;
    if (text.size() > 7) {
      const char* b = text.data() + 7;
      const char* e = text.data() + text.size();
      const auto [p, ec] = std::from_chars(b, e, s.port);
      if (ec != std::errc() || p != e || s.port < 1 || s.port > 65535) {
        throw UsageError(option + " '" + text + "': the port must be a number from 1 to 65535",
                         "e.g. listen:8080, or listen for any port");
      }
    }
  } else if (text.starts_with("file:") && text.size() > 5) {
    s.kind = SpecKind::file;
    s.path = text.substr(5);
  } else {
    throw UsageError(option + " '" + text + "' is not a marker spec", kSpecHelp);
  }
  return s;
}

PhaseSpec parse_phase(const std::string& text) {
  const auto eq = text.find('=');
  const auto dots = text.find("..", eq == std::string::npos ? 0 : eq);
  if (eq == std::string::npos || eq == 0 || dots == std::string::npos || dots == eq + 1 || dots + 2 == text.size()) {
    throw UsageError("--phase '" + text + "' is not NAME=BEGIN..END",
                     "e.g. --phase load=mark:load_start..usdt:llm:load_done");
  }
  PhaseSpec p;
  p.name = text.substr(0, eq);
  p.begin = parse_spec(text.substr(eq + 1, dots - eq - 1), "--phase " + p.name + " begin");
  p.end = parse_spec(text.substr(dots + 2), "--phase " + p.name + " end");
  return p;
}

bool matches(const MarkerSpec& spec, const Event& e) {
  switch (spec.kind) {
    case SpecKind::usdt:
      return e.source == EventSource::usdt && e.name == spec.provider + ":" + spec.name;
    case SpecKind::mark:
      return e.source == EventSource::mark && e.kind != EventKind::output && e.name == spec.name;
    case SpecKind::output_regex:
      return e.source == EventSource::output && e.kind == EventKind::marker && e.name == spec.regex;
    case SpecKind::output_any:
      return e.source == EventSource::output && e.kind == EventKind::output && e.name == "stdout";
    case SpecKind::first_output:
      return e.source == EventSource::output && e.kind == EventKind::output;
    case SpecKind::listen:
    case SpecKind::file:
      return e.kind == EventKind::ready && e.name == spec.text;
  }
  return false;
}

std::string marker_key(const Event& e) {
  if (e.source == EventSource::usdt) return e.name;
  if (e.source == EventSource::mark) return "mark:" + e.name;
  if (e.source == EventSource::output && e.kind == EventKind::marker) return "output:" + e.name;
  return {};
}

bool needs_output(const MarkerSpec& spec) {
  return spec.kind == SpecKind::output_regex || spec.kind == SpecKind::output_any ||
         spec.kind == SpecKind::first_output;
}

}  // namespace perfprobe::markers
