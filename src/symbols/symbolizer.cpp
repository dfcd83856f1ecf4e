// A cache of loaded modules by path, backed by the per-user symbol cache (symbol_cache.hpp), and
// the helpers around it.
#include "perfprobe/symbols/symbolizer.hpp"

#include <cxxabi.h>

#include <cstdlib>

#include "module.hpp"
#include "symbol_cache.hpp"

namespace perfprobe::symbols {

struct Symbolizer::Entry {
  explicit Entry(const std::string& path) : module(path) {}
  Module module;
  bool looked_up = false;  // the cache was asked for this module's entry
  std::string build_id;    // empty: the module is not cached (no build-id, no cache)
  CachedModule cached;
  bool dirty = false;  // answers the cache's file lacks
};

struct Symbolizer::CacheState {
  explicit CacheState(std::string dir) : cache(std::move(dir)) {}
  SymbolCache cache;
};

std::string default_symbol_cache_dir() {
  const char* off = std::getenv("PERFPROBE_CACHE");
  if (off != nullptr && std::string(off) == "0") return {};
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/perfprobe/symbols";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.cache/perfprobe/symbols";
  return {};
}

Symbolizer::Symbolizer() = default;
Symbolizer::Symbolizer(std::string cache_dir) {
  if (!cache_dir.empty()) cache_ = std::make_unique<CacheState>(std::move(cache_dir));
}
Symbolizer::~Symbolizer() = default;

Symbolizer::Entry* Symbolizer::load(const std::string& path) {
  auto it = modules_.find(path);
  if (it == modules_.end()) it = modules_.emplace(path, std::make_unique<Entry>(path)).first;
  Entry* e = it->second.get();
  return e->module.ok() ? e : nullptr;
}

namespace {

// The module's cache entry, read on first use; null when it cannot be cached.
CachedModule* cached(SymbolCache* cache, Module& module, bool& looked_up, std::string& build_id, CachedModule& entry) {
  if (!looked_up && cache != nullptr) {
    looked_up = true;
    build_id = module.build_id();
    if (valid_build_id(build_id)) {
      entry.fingerprint = module.cache_fingerprint();
      if (auto loaded = cache->load(build_id, entry.fingerprint)) entry = std::move(*loaded);
    } else {
      build_id.clear();
    }
  }
  return build_id.empty() ? nullptr : &entry;
}

}  // namespace

std::optional<std::uint64_t> Symbolizer::file_address(const std::string& path, std::uint64_t map_start,
                                                      std::uint64_t pgoff, std::uint64_t addr) {
  const Entry* e = load(path);
  return e == nullptr ? std::nullopt : e->module.file_address(map_start, pgoff, addr);
}

std::vector<FrameInfo> Symbolizer::frames(const std::string& path, std::uint64_t address, bool is_return_address,
                                          Detail detail) {
  Entry* e = load(path);
  if (e == nullptr) return {};
  const std::uint64_t lookup = is_return_address && address > 0 ? address - 1 : address;
  CachedModule* c = cached(cache_ ? &cache_->cache : nullptr, e->module, e->looked_up, e->build_id, e->cached);
  if (c != nullptr) {
    if (const auto it = c->frames.find(lookup); it != c->frames.end()) {
      auto out = it->second;
      for (auto& f : out) {
        f.module = path;
        f.address = lookup;
      }
      return out;
    }
  }
  // The cache holds whole answers only: a name alone is cheap to look up again.
  if (detail == Detail::function) return e->module.function_at(lookup);
  auto out = e->module.frames(lookup);
  for (auto& f : out) f.address = lookup;
  if (c != nullptr && !out.empty()) {
    std::vector<FrameInfo> kept;
    kept.reserve(out.size());
    for (const auto& f : out) kept.push_back(FrameInfo{f.function, f.file, f.line, {}, 0, f.inlined});
    c->frames.emplace(lookup, std::move(kept));
    e->dirty = true;
  }
  return out;
}

ModuleSummary Symbolizer::describe(const std::string& path) {
  Entry* e = load(path);
  if (e == nullptr) {
    ModuleSummary s;
    s.path = path;
    return s;
  }
  CachedModule* c = cached(cache_ ? &cache_->cache : nullptr, e->module, e->looked_up, e->build_id, e->cached);
  if (c != nullptr && c->facts) {
    ModuleSummary s;
    s.path = path;
    s.build_id = e->build_id;
    s.has_symbols = c->facts->has_symbols;
    s.has_debuginfo = c->facts->has_debuginfo;
    s.debug_file = c->facts->debug_file;
    return s;
  }
  ModuleSummary s = e->module.describe();
  if (c != nullptr) {
    c->facts = ModuleFacts{s.has_symbols, s.has_debuginfo, s.debug_file};
    e->dirty = true;
  }
  return s;
}

void Symbolizer::save_cache() noexcept {
  if (!cache_) return;
  for (auto& module : modules_) {
    Entry& e = *module.second;
    if (e.dirty && cache_->cache.store(e.build_id, e.cached)) e.dirty = false;
  }
}

std::string read_build_id(const std::string& path) { return Module(path).build_id(); }

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
