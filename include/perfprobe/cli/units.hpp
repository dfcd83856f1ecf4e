// Values with units on the command line and in config files: "100ms", "1.2s", "15MiB", "2.5MB",
// and the ADDR:PORT a server listens on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perfprobe::cli {

// A non-negative plain decimal number ("12", "0.5", "1e3") and what follows it ("ms", "%", ""). No sign,
// hex, inf or nan. Throws UsageError naming `what` and the value.
struct NumberAndUnit {
  double number = 0;
  std::string unit;
};
[[nodiscard]] NumberAndUnit parse_number(std::string_view text, std::string_view what);

// Duration in ns. Units: ns, us, µs, ms, s, m/min; a bare number is `default_unit` ("ms" or "s").
// Throws UsageError naming `what` and the value when malformed or negative.
[[nodiscard]] std::int64_t parse_duration_ns(std::string_view text, std::string_view what,
                                             std::string_view default_unit = "ms");

// Size in bytes. Units: B, K/KB (1000), KiB (1024), M/MB, MiB, G/GB, GiB, T/TB, TiB; bare number = bytes.
[[nodiscard]] std::uint64_t parse_size_bytes(std::string_view text, std::string_view what);

// Where a server listens: "PORT", ":PORT", "ADDR:PORT" or "[IPV6]:PORT". The address defaults to
// 127.0.0.1 (nothing beyond the machine unless asked); port 0 lets the kernel pick one. Throws
// UsageError naming `what` and the value when malformed; whether ADDR is this machine's is for bind.
struct ListenAddress {
  std::string host;
  int port = 0;
};
[[nodiscard]] ListenAddress parse_listen_address(std::string_view text, std::string_view what);

}  // namespace perfprobe::cli
