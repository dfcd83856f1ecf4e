// Resolving function probes before anything starts, so a typo is exit 2 with candidates, not a
// silent run without markers.
#include "function_probes.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "perfprobe/elf/functions.hpp"
#include "perfprobe/error.hpp"

namespace perfprobe::app {

namespace {

using elf::FunctionSymbol;

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

class Resolver {
 public:
  explicit Resolver(const std::vector<std::string>& files) : files_(files) {}

  markers::ProbePoint resolve(const markers::MarkerSpec& s) {
    markers::ProbePoint p;
    p.source = EventSource::uprobe;
    p.name = s.name;
    p.ret = s.ret;
    p.args = markers::calling_convention_args(s.ret);
    if (s.file.empty()) {
      const FunctionSymbol f = search(s);
      p.path = f.path;
      p.offset = f.offset + s.symbol_offset;
      return p;
    }
    p.path = find_file(s);
    if (s.file_offset) {
      p.offset = *s.file_offset;
    } else if (s.address) {
      const auto off = elf::code_offset(p.path, *s.address);
      if (!off) {
        throw UsageError(s.text + ": " + hex(*s.address) + " is not in an executable segment of '" + p.path + "'",
                         "give a link-time address as nm or objdump -d show it, or a file offset as +0xOFF");
      }
      p.offset = *off;
    } else {
      const FunctionSymbol f = one_of(s, elf::find_function(functions(p.path), s.symbol), functions(p.path));
      if (f.size > 0 && s.symbol_offset >= f.size) {
        throw UsageError(s.text + ": +" + std::to_string(s.symbol_offset) + " is past the end of " + f.demangled +
                         " (" + std::to_string(f.size) + " bytes)");
      }
      p.offset = f.offset + s.symbol_offset;
    }
    return p;
  }

 private:
  const std::vector<FunctionSymbol>& functions(const std::string& path) {
    auto it = cache_.find(path);
    if (it == cache_.end()) it = cache_.emplace(path, elf::read_functions(path)).first;
    return it->second;
  }

  // FILE as a path, or the name (or name prefix before a version: libllama.so -> libllama.so.0) of
  // the target or one of its libraries.
  std::string find_file(const markers::MarkerSpec& s) {
    if (s.file.find('/') == std::string::npos) {
      for (const auto& f : files_) {
        const std::string b = base_name(f);
        if (b == s.file || b.starts_with(s.file + ".")) return f;
      }
    }
    if (::access(s.file.c_str(), R_OK) == 0) return s.file;
    std::vector<std::string> names;
    for (const auto& f : files_) names.push_back(base_name(f));
    throw UsageError(s.text + ": no file '" + s.file +
                         "' (not a readable path, nor the target or one of its "
                         "libraries: " +
                         joined(names) + ")",
                     "give the path of the executable or library, e.g. uprobe:/usr/lib/libx.so:" +
                         (s.symbol.empty() ? std::string("FUNCTION") : s.symbol));
  }

  FunctionSymbol search(const markers::MarkerSpec& s) {
    std::vector<FunctionSymbol> all;
    std::vector<FunctionSymbol> found;
    for (const auto& f : files_) {
      try {
        const auto& fs = functions(f);
        all.insert(all.end(), fs.begin(), fs.end());
        for (auto& hit : elf::find_function(fs, s.symbol)) found.push_back(std::move(hit));
      } catch (const UsageError&) {
        // the target is a script, or a library vanished: nothing to search there
      }
    }
    return one_of(s, found, all);
  }

  static FunctionSymbol one_of(const markers::MarkerSpec& s, const std::vector<FunctionSymbol>& found,
                               const std::vector<FunctionSymbol>& all) {
    if (found.size() == 1) return found.front();
    if (found.empty()) {
      const auto near = elf::nearest_functions(all, s.symbol);
      throw UsageError(s.text + ": no function '" + s.symbol + "'" +
                           (near.empty() ? std::string(" (no function symbols at all: stripped? use 0xADDR)")
                                         : "; nearest: " + joined(near)),
                       "list them with `perfprobe probes --functions FILE PATTERN`");
    }
    std::vector<std::string> where;
    where.reserve(found.size());
    for (const auto& f : found) where.push_back(base_name(f.path) + ":" + f.name + " at " + hex(f.address));
    throw UsageError(
        s.text + ": '" + s.symbol + "' names " + std::to_string(found.size()) + " functions: " + joined(where),
        "name the file and the exact (mangled) name, or give the address: uprobe:FILE:0xADDR");
  }

  const std::vector<std::string>& files_;
  std::map<std::string, std::vector<FunctionSymbol>> cache_;
};

}  // namespace

std::vector<markers::ProbePoint> resolve_function_probes(const std::vector<const markers::MarkerSpec*>& specs,
                                                         const std::vector<std::string>& files) {
  Resolver resolver(files);
  std::vector<markers::ProbePoint> points;
  for (const auto* s : specs) {
    if (s->kind != markers::SpecKind::uprobe) continue;
    const bool known =
        std::any_of(points.begin(), points.end(), [&](const markers::ProbePoint& p) { return p.name == s->name; });
    if (!known) points.push_back(resolver.resolve(*s));
  }
  return points;
}

}  // namespace perfprobe::app
