// DT_NEEDED resolution as ld.so does it (glibc elf/dl-load.c, _dl_map_object): a name with a slash is
// a path; otherwise, unless the requester has DT_RUNPATH, the DT_RPATH of the requester and of each
// object that loaded it up to the executable (objects with DT_RUNPATH contribute none); then
// LD_LIBRARY_PATH; then the requester's DT_RUNPATH; then the system directories (ld.so.conf in
// place of its cache, then the defaults). A candidate of another ELF class or machine is skipped,
// as the loader skips it. $ORIGIN, $LIB and $PLATFORM are expanded.
#include "library_closure.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include "elf_file.hpp"
#include "elf_reader.hpp"
#include "perfprobe/error.hpp"

namespace perfprobe::elf {

namespace {

struct Loaded {
  std::string path;
  BinarySize info;                 // headers and dynamic section only
  std::vector<std::string> rpath;  // expanded; empty when the object has DT_RUNPATH
  const Loaded* loader = nullptr;
};

std::string dir_of(const std::string& path) {
  char* real = ::realpath(path.c_str(), nullptr);
  std::string p = real != nullptr ? real : path;
  std::free(real);
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : p.substr(0, slash));
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

std::vector<std::string> expand(const std::vector<std::string>& dirs, const std::string& object_path) {
  std::vector<std::string> out;
  for (std::string d : dirs) {
    replace_all(d, "${ORIGIN}", dir_of(object_path));
    replace_all(d, "$ORIGIN", dir_of(object_path));
#if defined(__x86_64__)
    replace_all(d, "${LIB}", "lib/x86_64-linux-gnu");
    replace_all(d, "$LIB", "lib/x86_64-linux-gnu");
    replace_all(d, "${PLATFORM}", "x86_64");
    replace_all(d, "$PLATFORM", "x86_64");
#endif
    out.push_back(std::move(d));
  }
  return out;
}

// The headers and dynamic section of a candidate, or nothing when it is not a usable library for
// an object of `like`'s class and machine.
std::unique_ptr<BinarySize> probe(const std::string& path, const BinarySize& like) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  try {
    const ElfFile file = ElfFile::open(path);
    auto info = std::make_unique<BinarySize>();
    const ElfLayout layout = read_layout(file, *info);
    if (info->elf_class != like.elf_class || info->machine != like.machine) return nullptr;
    read_dynamic(file, layout, *info);
    return info;
  } catch (const Error&) {
    return nullptr;  // the loader would skip a file it cannot map, too
  }
}

struct Found {
  std::string path;
  std::string via;
  std::unique_ptr<BinarySize> info;
};

Found search(const std::string& name, const Loaded& requester, const LibrarySearch& s, const BinarySize& like) {
  if (name.find('/') != std::string::npos) {
    auto info = probe(name, like);
    return {info ? name : "", "path", std::move(info)};
  }
  std::vector<std::pair<std::vector<std::string>, const char*>> order;
  if (requester.info.runpath.empty()) {
    for (const Loaded* l = &requester; l != nullptr; l = l->loader) order.emplace_back(l->rpath, "rpath");
  }
  order.emplace_back(s.ld_library_path, "LD_LIBRARY_PATH");
  order.emplace_back(expand(requester.info.runpath, requester.path), "runpath");
  order.emplace_back(s.system_dirs, "system");
  for (const auto& [dirs, via] : order) {
    for (const auto& dir : dirs) {
      const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
      if (auto info = probe(candidate, like)) return {candidate, via, std::move(info)};
    }
  }
  return {};
}

}  // namespace

void resolve_closure(BinarySize& top, const LibrarySearch& search_dirs) {
  std::deque<std::unique_ptr<Loaded>> objects;  // stable addresses: loader pointers point into it
  auto root = std::make_unique<Loaded>();
  root->path = top.path;
  root->info = top;
  root->info.symbols.clear();
  if (top.runpath.empty()) root->rpath = expand(top.rpath, top.path);
  objects.push_back(std::move(root));
  std::set<std::string> known;  // needed names and sonames already resolved (or missing)
  top.closure_bytes = top.file_bytes;
  if (!top.interpreter.empty()) {
    // The interpreter is loaded first and answers to its soname (libc asks for it by that name).
    auto info = probe(top.interpreter, top);
    const std::uint64_t bytes = info ? info->file_bytes : 0;
    top.libraries.push_back({top.interpreter, info ? top.interpreter : "", info ? "interp" : "", top.path, bytes});
    top.closure_bytes += bytes;
    known.insert(top.interpreter);
    if (info && !info->soname.empty()) known.insert(info->soname);
  }
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const Loaded& requester = *objects[i];
    for (const auto& name : requester.info.needed) {
      if (!known.insert(name).second) continue;
      Found f = search(name, requester, search_dirs, top);
      if (!f.info) {
        top.libraries.push_back({name, "", "", requester.path, 0});
        continue;
      }
      if (!f.info->soname.empty()) known.insert(f.info->soname);
      top.libraries.push_back({name, f.path, f.via, requester.path, f.info->file_bytes});
      top.closure_bytes += f.info->file_bytes;
      auto lib = std::make_unique<Loaded>();
      lib->path = f.path;
      lib->info = std::move(*f.info);
      if (lib->info.runpath.empty()) lib->rpath = expand(lib->info.rpath, f.path);
      lib->loader = &requester;
      objects.push_back(std::move(lib));
    }
  }
}

}  // namespace perfprobe::elf
