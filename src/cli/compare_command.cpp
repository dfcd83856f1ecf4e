// `perfprobe compare A.json B.json [C.json...]`: options and their checks.
#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

void define_compare(CLI::App& app, Options& options) {
  auto& o = options.compare;
  CLI::App* sub = app.add_subcommand(
      "compare", "Compare the runs of two or more run/check --json files, metric by metric, with a significance test");
  sub->footer(
      "Usage: perfprobe compare [OPTIONS] A.json B.json [C.json...]   (B, C... each against A)\n"
      "Exit status: 0 compared (whatever the outcome), 2 bad input.");
  sub->add_option("files", o.files, "JSON of `perfprobe run --json` or `perfprobe check --json`")->type_name("FILE");
  sub->add_option("--json", o.json_path, "Write the comparison as JSON to FILE")->type_name("FILE");
  sub->add_option("--markdown", o.markdown_path, "Write the comparison as Markdown to FILE (a pull-request comment)")
      ->type_name("FILE");
  sub->add_option("--bmf", o.bmf_path, "Write every file's figures as Bencher Metric Format JSON to FILE")
      ->type_name("FILE");
  sub->add_option("--confidence", o.confidence_text, "Confidence of the test (default 0.99, or 99%)")
      ->type_name("LEVEL");
  sub->add_option("--tolerance", o.tolerance_text, "Smallest relative change that counts (default 5%)")
      ->type_name("PCT");
}

void finalize_compare(const Options& options) {
  if (options.has_separator)
    throw UsageError("`perfprobe compare` takes no `--`", "usage: perfprobe compare A.json B.json [C.json...]");
  if (options.compare.files.size() < 2) {
    throw UsageError(
        "`perfprobe compare` needs at least two files, got " + std::to_string(options.compare.files.size()),
        "usage: perfprobe compare A.json B.json [C.json...]");
  }
}

}  // namespace perfprobe::cli
