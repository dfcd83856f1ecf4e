// Parsing and matching of marker specs (pure).
#include "perfprobe/markers/spec.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <regex>
#include <string_view>

#include "perfprobe/error.hpp"

namespace perfprobe::markers {

namespace {

const char* const kSpecHelp =
    "use usdt:PROVIDER:NAME, uprobe:[FILE:]FUNCTION, uretprobe:[FILE:]FUNCTION, mark:NAME, output:REGEX, output, "
    "first-output, listen[:PORT], file:PATH, tcp:PORT or http:PORT[/PATH]";
const char* const kFunctionHelp =
    "e.g. uprobe:llama_decode, uretprobe:libllama.so:llama_decode/4, uprobe:./app:ns::Engine::step, "
    "uprobe:./stripped:0x1139 (address) or uprobe:./stripped:+0x1139 (file offset)";

void check_regex(const std::string& regex, const std::string& option, const std::string& text) {
  try {
    (void)std::regex(regex, std::regex::ECMAScript | std::regex::multiline);
  } catch (const std::regex_error& e) {
    throw UsageError(option + " '" + text + "': invalid regular expression: " + e.what(),
                     "the regex is ECMAScript syntax (as in JavaScript); escape special characters with \\");
  }
}

std::optional<std::uint64_t> number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const char* b = text.data() + (hex ? 2 : 0);
  const char* e = text.data() + text.size();
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(b, e, v, hex ? 16 : 10);
  if (ec != std::errc() || p != e) return std::nullopt;
  return v;
}

// A trailing /N (every Nth hit); N >= 1. Leaves `text` without it.
std::uint64_t take_every(std::string& text, const std::string& option, const std::string& whole) {
  const auto slash = text.rfind('/');
  if (slash == std::string::npos || slash + 1 == text.size() ||
      text.find_first_not_of("0123456789", slash + 1) != std::string::npos) {
    return 1;
  }
  const auto n = number(text.substr(slash + 1));
  if (!n || *n == 0) {
    throw UsageError(option + " '" + whole + "': /N must be a count of 1 or more", "e.g. /4 counts every 4th hit");
  }
  text.resize(slash);
  return *n;
}

// The first ':' that is not half of a C++ "::".
std::size_t file_separator(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ':') continue;
    if (i + 1 < text.size() && text[i + 1] == ':') {
      ++i;
      continue;
    }
    return i;
  }
  return std::string::npos;
}

// [FILE:]SYMBOL, [FILE:]SYMBOL+OFF, [FILE:]0xADDR or [FILE:]+OFF after "uprobe:"/"uretprobe:".
void parse_function(std::string rest, const std::string& option, MarkerSpec& s) {
  const auto bad = [&](const std::string& why) {
    return UsageError(option + " '" + s.text + "': " + why, kFunctionHelp);
  };
  const auto sep = file_separator(rest);
  if (sep != std::string::npos) {
    s.file = rest.substr(0, sep);
    rest = rest.substr(sep + 1);
    if (s.file.empty()) throw bad("the file before ':' is empty");
  }
  if (rest.empty()) throw bad("it names no function");
  if (rest[0] == '+') {
    s.file_offset = number(rest.substr(1));
    if (!s.file_offset) throw bad("+OFF must be a file offset such as +0x1139");
  } else if (rest.starts_with("0x") || rest.starts_with("0X")) {
    s.address = number(rest);
    if (!s.address) throw bad("0xADDR must be a hexadecimal address");
  } else {
    const auto plus = rest.rfind('+');
    const auto off = plus == std::string::npos ? std::nullopt : number(rest.substr(plus + 1));
    if (off && plus > 0) {
      s.symbol_offset = *off;
      rest.resize(plus);
    }
    s.symbol = rest;
  }
  if ((s.address || s.file_offset) && s.file.empty()) {
    throw bad("an address or offset needs the file: uprobe:FILE:0xADDR");
  }
}

int parse_port(const std::string& digits, const std::string& option, const std::string& text, const char* example) {
  int port = 0;
  const char* b = digits.data();
  const char* e = digits.data() + digits.size();
  const auto [p, ec] = std::from_chars(b, e, port);
  if (digits.empty() || ec != std::errc() || p != e || port < 1 || port > 65535) {
    throw UsageError(option + " '" + text + "': the port must be a number from 1 to 65535", example);
  }
  return port;
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
  if (text.starts_with("uprobe:") || text.starts_with("uretprobe:")) {
    s.kind = SpecKind::uprobe;
    s.ret = text.starts_with("uretprobe:");
    const std::string prefix = s.ret ? "uretprobe:" : "uprobe:";
    std::string rest = text.substr(prefix.size());
    s.every = take_every(rest, option, text);
    s.name = prefix + rest;  // the name its hits carry: the spec without /N
    parse_function(rest, option, s);
  } else if (text.starts_with("usdt:")) {
    std::string rest = text.substr(5);
    s.every = take_every(rest, option, text);
    const UsdtSelector sel = parse_usdt_selector(rest);
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
  } else if (text.starts_with("tcp:")) {
    s.kind = SpecKind::tcp;
    s.port = parse_port(text.substr(4), option, text, "e.g. tcp:8080");
  } else if (text.starts_with("http:")) {
    s.kind = SpecKind::http;
    const std::string rest = text.substr(5);
    const auto slash = rest.find('/');
    s.port = parse_port(rest.substr(0, slash), option, text, "e.g. http:8080 or http:8080/health");
    if (slash != std::string::npos) s.http_path = rest.substr(slash);
    if (s.http_path.find_first_of(" \r\n") != std::string::npos) {
      throw UsageError(option + " '" + text + "': the path cannot hold spaces or line breaks", "e.g. http:8080/health");
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
  // The ".." before the end spec, not one inside a path such as uprobe:../lib/x.so:f.
  auto dots = text.find("..", eq == std::string::npos ? 0 : eq);
  for (auto d = dots; d != std::string::npos; d = text.find("..", d + 1)) {
    static const char* const kStarts[] = {"usdt:",        "uprobe:", "uretprobe:", "mark:", "output",
                                          "first-output", "listen",  "file:",      "tcp:",  "http:"};
    const std::string_view after = std::string_view(text).substr(d + 2);
    if (std::any_of(std::begin(kStarts), std::end(kStarts), [&](const char* k) { return after.starts_with(k); })) {
      dots = d;
      break;
    }
  }
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
    case SpecKind::uprobe:
      return e.source == EventSource::uprobe && e.name == spec.name;
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
    case SpecKind::tcp:
    case SpecKind::http:
      return e.kind == EventKind::ready && e.name == spec.text;
  }
  return false;
}

bool SpecHits::operator()(const Event& e) {
  if (!matches(*spec_, e)) return false;
  return ++seen_ % spec_->every == 0;
}

std::string marker_key(const Event& e) {
  if (e.source == EventSource::usdt || e.source == EventSource::uprobe) return e.name;
  if (e.source == EventSource::mark) return "mark:" + e.name;
  if (e.source == EventSource::output && e.kind == EventKind::marker) return "output:" + e.name;
  return {};
}

bool needs_output(const MarkerSpec& spec) {
  return spec.kind == SpecKind::output_regex || spec.kind == SpecKind::output_any ||
         spec.kind == SpecKind::first_output;
}

}  // namespace perfprobe::markers
