// `perfprobe compare A.json B.json ...`: every shared catalogue metric of B (C, ...) against A, with
// the gate's rule (test, tolerance, floor; docs/check.md) and its views: text, JSON, Markdown.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "perfprobe/gate/verdict.hpp"

namespace perfprobe::gate {

// One side: a `run --json` or `check --json` document (or runs measured in this process).
struct Side {
  std::string name;                  // the file, or "A", "B" for commands run here
  std::vector<std::string> command;  // empty when the document does not say
  std::size_t runs = 0;              // the largest n of its samples
  Samples samples;
};

struct Comparison {
  Side reference;
  Side other;
  std::vector<RegressionResult> metrics;  // catalogue order; outcome in the direction that matters
};

// A side from a JSON document's "samples"; throws UsageError naming the file.
[[nodiscard]] Side parse_side(const std::string& text, const std::string& name);

// Each side after the first against the first: every metric both have (any run count).
[[nodiscard]] std::vector<Comparison> compare_sides(const std::vector<Side>& sides, const BaselineSettings& settings);

// "2.60x slower", "+12.3% slower", "-62.7% worse", "same" for people.
[[nodiscard]] std::string describe_change(const RegressionResult& r);

void write_compare_text(std::ostream& out, const std::vector<Comparison>& comparisons, const BaselineSettings& settings,
                        bool color);
[[nodiscard]] std::string compare_to_json(const std::vector<Comparison>& comparisons, const BaselineSettings& settings);
// The --json of `run -- A ::: B`: every command's run document (as `run --json` writes it), in order,
// and the comparison (as `compare --json` writes it); docs/json-schema.md.
[[nodiscard]] std::string interleaved_to_json(const std::vector<std::string>& run_documents,
                                              const std::vector<Comparison>& comparisons,
                                              const BaselineSettings& settings);
[[nodiscard]] std::string compare_to_markdown(const std::vector<Comparison>& comparisons,
                                              const BaselineSettings& settings);

}  // namespace perfprobe::gate
