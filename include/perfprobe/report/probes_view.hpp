// Views of `perfprobe probes`: a table, or JSON (schema_version 1, docs/json-schema.md).
#pragma once

#include <string>
#include <vector>

#include "perfprobe/elf/sdt.hpp"

namespace perfprobe::report {

[[nodiscard]] std::string probes_json(const std::vector<elf::SdtProbe>& probes);
[[nodiscard]] std::string probes_text(const std::vector<elf::SdtProbe>& probes);

}  // namespace perfprobe::report
