// A cache of loaded modules by path, and the helpers around it.
#include "perfprobe/symbols/symbolizer.hpp"

#include <cxxabi.h>

#include <cstdlib>

#include "module.hpp"

namespace perfprobe::symbols {

Symbolizer::Symbolizer() = default;
Symbolizer::~Symbolizer() = default;

Module* Symbolizer::load(const std::string& path) {
  auto it = modules_.find(path);
  if (it == modules_.end()) it = modules_.emplace(path, std::make_unique<Module>(path)).first;
  return it->second->ok() ? it->second.get() : nullptr;
}

std::optional<std::uint64_t> Symbolizer::file_address(const std::string& path, std::uint64_t map_start,
                                                      std::uint64_t pgoff, std::uint64_t addr) {
  const Module* m = load(path);
  return m == nullptr ? std::nullopt : m->file_address(map_start, pgoff, addr);
}

std::vector<FrameInfo> Symbolizer::frames(const std::string& path, std::uint64_t address, bool is_return_address) {
  const Module* m = load(path);
  if (m == nullptr) return {};
  const std::uint64_t lookup = is_return_address && address > 0 ? address - 1 : address;
  auto out = m->frames(lookup);
  for (auto& f : out) f.address = lookup;
  return out;
}

ModuleSummary Symbolizer::describe(const std::string& path) {
  const Module* m = load(path);
  if (m == nullptr) {
    ModuleSummary s;
    s.path = path;
    return s;
  }
  return m->describe();
}

std::string read_build_id(const std::string& path) { return Module(path).describe().build_id; }

std::string demangle(const std::string& name) {
  if (name.rfind("_Z", 0) != 0) return name;
  int status = 0;
  char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (out == nullptr || status != 0) return name;
  std::string s(out);
  std::free(out);
  return s;
}

}  // namespace perfprobe::symbols
