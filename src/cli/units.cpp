// Parsing of durations and sizes with units (shared by every subcommand and the check config).
#include "perfprobe/cli/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include "perfprobe/error.hpp"

namespace perfprobe::cli {

namespace {

struct NumberAndUnit {
  double number = 0;
  std::string unit;
};

NumberAndUnit split(std::string_view text, std::string_view what) {
  std::string s(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start])) != 0) ++start;
  s = s.substr(start);
  const char* begin = s.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin || s.empty() || !std::isfinite(value)) {
    throw UsageError("invalid " + std::string(what) + " '" + std::string(text) + "': expected a number with a unit");
  }
  if (value < 0)
    throw UsageError("invalid " + std::string(what) + " '" + std::string(text) + "': must not be negative");
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  return {value, unit};
}

}  // namespace

std::int64_t parse_duration_ns(std::string_view text, std::string_view what, std::string_view default_unit) {
  auto [value, unit] = split(text, what);
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
  return static_cast<std::int64_t>(std::llround(value * factor));
}

std::uint64_t parse_size_bytes(std::string_view text, std::string_view what) {
  auto [value, unit] = split(text, what);
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
  return static_cast<std::uint64_t>(std::llround(value * factor));
}

}  // namespace perfprobe::cli
