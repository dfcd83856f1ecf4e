// What symbolizing one module gave, kept between reports in a per-user cache with one file per
// build-id, so that a second report of the same binaries opens no DWARF (docs/symbol-cache.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "perfprobe/profile.hpp"

namespace perfprobe::symbols {

inline constexpr int kSymbolCacheVersion = 1;

// A module's facts for the report's module list (what Module::describe reads from its DWARF).
struct ModuleFacts {
  bool has_symbols = false;
  bool has_debuginfo = false;
  std::string debug_file;
  bool operator==(const ModuleFacts&) const = default;
};

struct CachedModule {
  // The files the answers came from (the module and its debug files as found on disk), so that
  // installing, removing or rebuilding any of them makes the entry a miss.
  std::string fingerprint;
  std::optional<ModuleFacts> facts;
  // Frames by lookup address, innermost first; only function, file, line and inlined are kept.
  std::unordered_map<std::uint64_t, std::vector<FrameInfo>> frames;
};

// The cache's file for `build_id`: its text, and back. decode() gives nothing for anything but a
// well-formed entry of this version for this build-id and fingerprint.
[[nodiscard]] std::string encode_cached_module(const std::string& build_id, const CachedModule& m);
[[nodiscard]] std::optional<CachedModule> decode_cached_module(std::string_view text, const std::string& build_id,
                                                               const std::string& fingerprint);

class SymbolCache {
 public:
  // `dir`: where the files are; empty: no cache.
  explicit SymbolCache(std::string dir) : dir_(std::move(dir)) {}
  [[nodiscard]] bool enabled() const noexcept { return !dir_.empty(); }
  [[nodiscard]] const std::string& dir() const noexcept { return dir_; }
  // The entry of `build_id` when its file is ours, valid and made from the same files; else nothing.
  [[nodiscard]] std::optional<CachedModule> load(const std::string& build_id, const std::string& fingerprint) const;
  // Replaces the entry's file. False when it could not be written (the cache is best effort).
  [[nodiscard]] bool store(const std::string& build_id, const CachedModule& m) const;

 private:
  [[nodiscard]] std::string file_of(const std::string& build_id) const;
  std::string dir_;
};

// A build-id usable in a file name: 2 to 128 lower-case hex digits.
[[nodiscard]] bool valid_build_id(std::string_view id) noexcept;

}  // namespace perfprobe::symbols
