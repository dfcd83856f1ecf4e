// measure_file: one ELF file -> BinarySize (layout, dynamic section, symbols, strip model, closure),
// and the loader's system directories.
#include "perfprobe/elf/binary_size.hpp"

#include <glob.h>

#include <fstream>
#include <set>
#include <sstream>

#include "elf_file.hpp"
#include "elf_reader.hpp"
#include "library_closure.hpp"

namespace perfprobe::elf {

namespace {

BinarySize measure(const ElfFile& file, const SizeOptions& options) {
  BinarySize out;
  const ElfLayout layout = read_layout(file, out);
  out.sections.reserve(layout.sections.size());
  for (const auto& s : layout.sections) out.sections.push_back(s.size);
  read_dynamic(file, layout, out);
  read_symbols(file, layout, options.top_symbols, out);
  apply_strip_model(layout, out);
  out.closure_bytes = out.file_bytes;
  return out;
}

void read_ld_so_conf(const std::string& path, std::vector<std::string>& dirs, int depth) {
  if (depth > 8) return;  // include loops
  std::ifstream in(path);
  const auto slash = path.rfind('/');
  const std::string base = slash == std::string::npos ? "." : path.substr(0, slash);
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string word;
    if (!(words >> word)) continue;
    if (word == "include") {
      for (std::string pattern; words >> pattern;) {
        if (pattern.front() != '/') pattern = base + "/" + pattern;
        glob_t g{};
        if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {  // sorted, as ldconfig reads them
          for (std::size_t i = 0; i < g.gl_pathc; ++i) read_ld_so_conf(g.gl_pathv[i], dirs, depth + 1);
        }
        ::globfree(&g);
      }
    } else if (word != "hwcap") {
      dirs.push_back(word.substr(0, word.find('=')));
      for (std::string more; words >> more;) dirs.push_back(more.substr(0, more.find('=')));
    }
  }
}

}  // namespace

BinarySize measure_file(const std::string& path, const SizeOptions& options) {
  const ElfFile file = ElfFile::open(path);
  BinarySize out = measure(file, options);
  if (options.libraries && (out.type == "EXEC" || out.type == "DYN")) {
    resolve_closure(out, options.search);
    out.libraries_resolved = true;
  }
  return out;
}

BinarySize measure_memory(const std::string& name, const std::vector<char>& bytes, const SizeOptions& options) {
  const ElfFile file = ElfFile::from_memory(name, bytes);
  return measure(file, options);
}

LibrarySearch system_library_search(const std::string& ld_library_path_env, const std::string& ld_so_conf) {
  LibrarySearch s;
  std::size_t start = 0;
  // LD_LIBRARY_PATH: ':' or ';' separated; an empty element means the current directory.
  for (;;) {
    const auto sep = ld_library_path_env.find_first_of(":;", start);
    const std::string dir =
        ld_library_path_env.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
    if (!ld_library_path_env.empty()) s.ld_library_path.push_back(dir.empty() ? "." : dir);
    if (sep == std::string::npos) break;
    start = sep + 1;
  }
  read_ld_so_conf(ld_so_conf, s.system_dirs, 0);
  // The loader's built-in directories (Debian's multiarch ones first), searched after the cache.
  for (const char* dir : {
#if defined(__x86_64__)
         "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
#elif defined(__aarch64__)
           "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
#endif
             "/lib64", "/usr/lib64", "/lib", "/usr/lib"
       }) {
    s.system_dirs.emplace_back(dir);
  }
  std::set<std::string> seen;
  std::vector<std::string> unique;
  for (auto& d : s.system_dirs) {
    if (seen.insert(d).second) unique.push_back(std::move(d));
  }
  s.system_dirs = std::move(unique);
  return s;
}

}  // namespace perfprobe::elf
