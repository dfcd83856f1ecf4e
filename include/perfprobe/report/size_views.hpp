// Views of `perfprobe size`: the human table, JSON (also read back for `--diff OLD.json`) and CSV,
// for one or more files and for a diff. See docs/size.md and docs/json-schema.md.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "perfprobe/elf/binary_size.hpp"
#include "perfprobe/elf/size_diff.hpp"

namespace perfprobe::report {

void write_size_text(std::ostream& out, const std::vector<elf::BinarySize>& files, bool color);
void write_size_diff_text(std::ostream& out, const elf::SizeDiff& diff, bool color);

[[nodiscard]] std::string size_to_json_text(const std::vector<elf::BinarySize>& files);
[[nodiscard]] std::string size_diff_to_json_text(const elf::SizeDiff& diff);

// Reads back the document size_to_json_text wrote: the entry for the file named like `prefer`
// (same path, else same base name), else the first. Throws UsageError naming `name` when the
// text is not such a document.
[[nodiscard]] elf::BinarySize size_from_json_text(const std::string& text, const std::string& name,
                                                  const std::string& prefer);

void write_size_csv(std::ostream& out, const std::vector<elf::BinarySize>& files);
void write_size_diff_csv(std::ostream& out, const elf::SizeDiff& diff);

}  // namespace perfprobe::report
