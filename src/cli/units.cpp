// Parsing of durations and sizes with units (shared by every subcommand and the check config), and
// of a server's listen address.
#include "perfprobe/cli/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include "perfprobe/error.hpp"

namespace perfprobe::cli {

namespace {

// The length of a plain decimal number at the start of s: digits, an optional fraction, an optional
// exponent. No sign, no hex (0x10), no inf/nan: strtod alone would take them all.
std::size_t decimal_length(const std::string& s) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) ++i;
    return i - from;
  };
  std::size_t n = digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    n += digits();
  }
  if (n == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    const std::size_t mark = i++;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) i = mark;
  }
  return i;
}

NumberAndUnit split_number(std::string_view text, std::string_view what) {
  std::string s(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start])) != 0) ++start;
  s = s.substr(start);
  if (!s.empty() && s.front() == '-') {
    throw UsageError("invalid " + std::string(what) + " '" + std::string(text) + "': must not be negative");
  }
  const std::size_t len = decimal_length(s);
  if (len == 0) {
    throw UsageError("invalid " + std::string(what) + " '" + std::string(text) +
                     "': expected a decimal number with a unit");
  }
  const double value = std::strtod(s.substr(0, len).c_str(), nullptr);
  if (!std::isfinite(value)) {
    throw UsageError("invalid " + std::string(what) + " '" + std::string(text) + "': the number is out of range");
  }
  std::string unit = s.substr(len);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  return {value, unit};
}

[[noreturn]] void out_of_range(std::string_view text, std::string_view what, const std::string& range) {
  throw UsageError("invalid " + std::string(what) + " '" + std::string(text) + "': out of range (" + range + ")");
}

}  // namespace

NumberAndUnit parse_number(std::string_view text, std::string_view what) { return split_number(text, what); }

std::int64_t parse_duration_ns(std::string_view text, std::string_view what, std::string_view default_unit) {
  auto [value, unit] = split_number(text, what);
  if (unit.empty()) unit = std::string(default_unit);
  double factor = 0;
  if (unit == "ns")
    factor = 1;
  else if (unit == "us" || unit == "µs")
    factor = 1e3;
  else if (unit == "ms")
    factor = 1e6;
  else if (unit == "s")
    factor = 1e9;
  else if (unit == "m" || unit == "min")
    factor = 60e9;
  else {
    throw UsageError("invalid " + std::string(what) + " '" + std::string(text) + "': unknown unit '" + unit + "'",
                     "use ns, us, ms, s or min, e.g. 100ms or 1.5s");
  }
  // 10^9 s (31 years) is past any run, and far enough from INT64_MAX ns that deadlines cannot overflow.
  constexpr long double kMaxNs = 1e18L;
  const long double ns = static_cast<long double>(value) * factor;
  if (ns > kMaxNs) out_of_range(text, what, "at most 1000000000s, about 31 years");
  return static_cast<std::int64_t>(std::llround(static_cast<double>(ns)));
}

std::uint64_t parse_size_bytes(std::string_view text, std::string_view what) {
  auto [value, unit] = split_number(text, what);
  double factor = 0;
  if (unit.empty() || unit == "B")
    factor = 1;
  else if (unit == "K" || unit == "KB" || unit == "kB")
    factor = 1e3;
  else if (unit == "KiB")
    factor = 1024.0;
  else if (unit == "M" || unit == "MB")
    factor = 1e6;
  else if (unit == "MiB")
    factor = 1024.0 * 1024;
  else if (unit == "G" || unit == "GB")
    factor = 1e9;
  else if (unit == "GiB")
    factor = 1024.0 * 1024 * 1024;
  else if (unit == "T" || unit == "TB")
    factor = 1e12;
  else if (unit == "TiB")
    factor = 1024.0 * 1024 * 1024 * 1024;
  else {
    throw UsageError("invalid " + std::string(what) + " '" + std::string(text) + "': unknown unit '" + unit + "'",
                     "use B, KB, KiB, MB, MiB, GB or GiB, e.g. 15MiB");
  }
  constexpr long double kMaxBytes = 1ULL << 60;  // 1 EiB, well inside 64 bits
  const long double bytes = static_cast<long double>(value) * factor;
  if (bytes > kMaxBytes) out_of_range(text, what, "at most 1 EiB");
  return static_cast<std::uint64_t>(std::llroundl(bytes));
}

ListenAddress parse_listen_address(std::string_view text, std::string_view what) {
  const std::string given(text);
  const auto bad = [&](const std::string& why) {
    return UsageError("invalid " + std::string(what) + " '" + given + "': " + why,
                      "give [ADDR:]PORT, e.g. " + std::string(what) + " 127.0.0.1:9464, " + std::string(what) +
                          " 0.0.0.0:9464 (every interface) or " + std::string(what) + " :0 (a free port)");
  };
  ListenAddress out{"127.0.0.1", 0};
  std::string_view port = text;
  if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    std::string_view host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.starts_with('[')) {
      if (!host.ends_with(']') || host.size() < 3) throw bad("an IPv6 address goes in brackets, [::1]:PORT");
      host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
      throw bad("an IPv6 address goes in brackets, [::1]:PORT");
    }
    if (!host.empty()) out.host = std::string(host);
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
    throw bad("the port must be a number from 0 to 65535");
  out.port = std::stoi(std::string(port));
  if (out.port > 65535) throw bad("the port must be a number from 0 to 65535");
  return out;
}

}  // namespace perfprobe::cli
