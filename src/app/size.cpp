// `perfprobe size`: measure each ELF file (or diff one against OLD) and print the table, JSON or
// CSV on stdout.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "perfprobe/app/app.hpp"
#include "perfprobe/elf/binary_size.hpp"
#include "perfprobe/elf/size_diff.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/report/size_views.hpp"
#include "perfprobe/sys/input_file.hpp"

namespace perfprobe::app {

namespace {

elf::SizeOptions size_options(const cli::SizeOptions& o) {
  elf::SizeOptions s;
  s.top_symbols = static_cast<std::size_t>(o.top);
  s.libraries = !o.no_libs;
  const char* env = std::getenv("LD_LIBRARY_PATH");
  s.search = elf::system_library_search(env != nullptr ? env : "");
  return s;
}

// OLD is a binary, or the JSON a `size --json` wrote (it starts with '{').
elf::BinarySize load_old(const std::string& path, const std::string& new_path, const elf::SizeOptions& s) {
  if (sys::read_head(path, 1) == "{") {
    return report::size_from_json_text(sys::read_input(path, "--diff file"), path, new_path);
  }
  return elf::measure_file(path, s);
}

int diff_command(const cli::SizeOptions& o, const elf::SizeOptions& s, bool color) {
  elf::SizeOptions all = s;
  all.top_symbols = 0;  // a diff needs every symbol of both sides; --top limits the rows shown
  const elf::BinarySize now = elf::measure_file(o.files.front(), all);
  const elf::BinarySize old = load_old(o.diff_path, now.path, all);
  const elf::SizeDiff d = elf::diff_sizes(old, now, s.top_symbols);
  if (o.json) {
    std::cout << report::size_diff_to_json_text(d);
  } else if (o.csv) {
    report::write_size_diff_csv(std::cout, d);
  } else {
    report::write_size_diff_text(std::cout, d, color);
  }
  return 0;
}

}  // namespace

int size_command(const cli::SizeOptions& o, const Diag& diag) {
  const elf::SizeOptions s = size_options(o);
  // Colour follows stderr's decision only when stdout is the same terminal.
  const bool color = diag.color() && ::isatty(1) != 0;
  if (!o.diff_path.empty()) return diff_command(o, s, color);
  std::vector<elf::BinarySize> files;
  for (const auto& f : o.files) files.push_back(elf::measure_file(f, s));  // all checked before any output
  if (o.json) {
    std::cout << report::size_to_json_text(files);
  } else if (o.csv) {
    report::write_size_csv(std::cout, files);
  } else {
    report::write_size_text(std::cout, files, color);
  }
  std::cout.flush();
  return 0;
}

}  // namespace perfprobe::app
