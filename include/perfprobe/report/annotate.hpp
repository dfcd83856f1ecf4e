// `report --annotate FUNC`: one function's samples per source line, beside the source text where
// the file is readable. Pure: the caller reads the source files and hands their text over.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "perfprobe/profile.hpp"

namespace perfprobe::report {

inline constexpr int kAnnotateSchemaVersion = 1;

struct AnnotatedLine {
  int line = 0;
  std::uint64_t self_samples = 0;   // samples whose leaf frame is the function, on this line
  std::uint64_t total_samples = 0;  // samples with the function on the stack, at this line of it
};

struct AnnotatedFile {
  std::string path;
  std::vector<AnnotatedLine> lines;  // by line number
};

struct Annotation {
  std::string function;
  std::string module;
  std::uint64_t samples = 0;  // all samples of the profile
  std::uint64_t self_samples = 0;
  std::uint64_t total_samples = 0;
  std::vector<AnnotatedFile> files;  // most samples first
};

// The function named `name` (exactly, else the one function whose name contains it). Throws
// UsageError naming the candidates when there is none or several.
[[nodiscard]] Annotation annotate(const ResolvedProfile& profile, const std::string& name);

// Source text per path; a path missing here could not be read.
using SourceTexts = std::map<std::string, std::string>;

void write_annotation_text(std::ostream& out, const Annotation& a, const SourceTexts& sources);
[[nodiscard]] std::string annotation_to_json(const Annotation& a, const SourceTexts& sources);

}  // namespace perfprobe::report
