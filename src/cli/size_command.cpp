// `perfprobe size FILE...`: options and their checks.
#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

void define_size(CLI::App& app, Options& options) {
  auto& o = options.size;
  CLI::App* sub =
      app.add_subcommand("size", "What an ELF file is made of: sections, segments, strip, symbols, libraries");
  sub->footer(
      "Usage: perfprobe size [OPTIONS] FILE...\n       perfprobe size NEW --diff OLD   (OLD: a binary or `size --json` "
      "output)\n"
      "Exit status: 0 ok, 2 bad input (missing, not ELF, truncated).");
  sub->add_option("files", o.files, "ELF files: executables, shared libraries, objects")->type_name("FILE");
  sub->add_option("--diff", o.diff_path, "Show what grew against OLD: a binary or the JSON of `perfprobe size --json`")
      ->type_name("OLD");
  sub->add_flag("--json", o.json, "Write JSON to stdout instead of the table");
  sub->add_flag("--csv", o.csv, "Write CSV to stdout instead of the table");
  sub->add_option("--top", o.top, "Largest symbols to list (default 20; 0 lists every sized symbol)")
      ->transform(decimal_integer())
      ->check(CLI::Range(0, 100000000))
      ->type_name("N");
  sub->add_flag("--no-libs", o.no_libs, "Do not resolve the shared-library closure");
}

void finalize_size(const Options& options) {
  const auto& o = options.size;
  if (options.has_separator)
    throw UsageError("`perfprobe size` takes no `--`", "usage: perfprobe size [OPTIONS] FILE...");
  if (o.files.empty()) throw UsageError("`perfprobe size` needs a file", "usage: perfprobe size [OPTIONS] FILE...");
  if (o.json && o.csv) throw UsageError("--json and --csv contradict each other", "choose one output format");
  if (!o.diff_path.empty() && o.files.size() != 1) {
    throw UsageError("--diff compares one file with OLD, got " + std::to_string(o.files.size()) + " files",
                     "usage: perfprobe size NEW --diff OLD");
  }
}

}  // namespace perfprobe::cli
