// Views of `perfprobe probes`: a table, or JSON (schema_version 1, docs/json-schema.md).
#pragma once

#include <string>
#include <vector>

#include "perfprobe/elf/functions.hpp"
#include "perfprobe/elf/sdt.hpp"

namespace perfprobe::report {

[[nodiscard]] std::string probes_json(const std::vector<elf::SdtProbe>& probes);
[[nodiscard]] std::string probes_text(const std::vector<elf::SdtProbe>& probes);

// `probes --functions FILE PATTERN`: address, file offset, size and name of each matching function.
[[nodiscard]] std::string functions_json(const std::vector<elf::FunctionSymbol>& functions);
[[nodiscard]] std::string functions_text(const std::vector<elf::FunctionSymbol>& functions);

}  // namespace perfprobe::report
