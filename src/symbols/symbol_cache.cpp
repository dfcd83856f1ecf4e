// The symbol cache's file format (docs/symbol-cache.md) and where its files live. A file is an
// untrusted input: another user may have planted it, a crash or a full disk may have cut it short,
// so anything unexpected in it is a miss, never an error.
#include "symbol_cache.hpp"

#include <nlohmann/json.hpp>

#include <climits>

#include "perfprobe/sys/private_file.hpp"

namespace perfprobe::symbols {

namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxFileBytes = std::uint64_t{32} << 20;
constexpr std::size_t kMaxFramesPerAddress = 256;  // inline depth; real chains stay far below
constexpr char kFormat[] = "perfprobe symbol cache";

json frame_json(const FrameInfo& f) { return json::array({f.function, f.file, f.line, f.inlined}); }

bool frame_of(const json& j, FrameInfo& f) {
  if (!j.is_array() || j.size() != 4 || !j[0].is_string() || !j[1].is_string() || !j[2].is_number_integer() ||
      !j[3].is_boolean()) {
    return false;
  }
  const auto line = j[2].get<std::int64_t>();
  if (line < 0 || line > INT_MAX) return false;
  f.function = j[0].get<std::string>();
  f.file = j[1].get<std::string>();
  f.line = static_cast<int>(line);
  f.inlined = j[3].get<bool>();
  return true;
}

std::optional<ModuleFacts> facts_of(const json& j) {
  if (!j.is_object()) return std::nullopt;
  const auto s = j.find("has_symbols");
  const auto d = j.find("has_debuginfo");
  const auto f = j.find("debug_file");
  if (s == j.end() || d == j.end() || f == j.end() || !s->is_boolean() || !d->is_boolean() || !f->is_string()) {
    return std::nullopt;
  }
  return ModuleFacts{s->get<bool>(), d->get<bool>(), f->get<std::string>()};
}

bool frames_of(const json& addresses, CachedModule& m) {
  if (!addresses.is_array()) return false;
  m.frames.reserve(addresses.size());
  for (const auto& entry : addresses) {
    if (!entry.is_array() || entry.size() != 2 || !entry[0].is_number_unsigned() || !entry[1].is_array() ||
        entry[1].empty() || entry[1].size() > kMaxFramesPerAddress) {
      return false;
    }
    std::vector<FrameInfo> frames(entry[1].size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      if (!frame_of(entry[1][i], frames[i])) return false;
    }
    if (!m.frames.emplace(entry[0].get<std::uint64_t>(), std::move(frames)).second) return false;
  }
  return true;
}

}  // namespace

bool valid_build_id(std::string_view id) noexcept {
  if (id.size() < 2 || id.size() > 128) return false;
  for (const char c : id) {
    if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

std::string encode_cached_module(const std::string& build_id, const CachedModule& m) {
  json addresses = json::array();
  for (const auto& [address, frames] : m.frames) {
    json list = json::array();
    for (const auto& f : frames) list.push_back(frame_json(f));
    addresses.push_back(json::array({address, std::move(list)}));
  }
  json doc{{"format", kFormat},
           {"version", kSymbolCacheVersion},
           {"build_id", build_id},
           {"fingerprint", m.fingerprint},
           {"addresses", std::move(addresses)}};
  if (m.facts) {
    doc["module"] = {{"has_symbols", m.facts->has_symbols},
                     {"has_debuginfo", m.facts->has_debuginfo},
                     {"debug_file", m.facts->debug_file}};
  }
  // A symbol name is bytes, not always UTF-8: strict makes dump() throw on one, and store() then
  // writes nothing rather than a file whose names would read back altered.
  return doc.dump(-1, ' ', false, json::error_handler_t::strict);
}

std::optional<CachedModule> decode_cached_module(std::string_view text, const std::string& build_id,
                                                 const std::string& fingerprint) {
  try {
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    const auto format = doc.find("format");
    const auto version = doc.find("version");
    const auto id = doc.find("build_id");
    const auto print = doc.find("fingerprint");
    const auto addresses = doc.find("addresses");
    if (format == doc.end() || *format != kFormat || version == doc.end() || *version != kSymbolCacheVersion ||
        id == doc.end() || *id != build_id || print == doc.end() || *print != fingerprint || addresses == doc.end()) {
      return std::nullopt;
    }
    CachedModule m;
    m.fingerprint = fingerprint;
    if (const auto facts = doc.find("module"); facts != doc.end()) {
      m.facts = facts_of(*facts);
      if (!m.facts) return std::nullopt;
    }
    if (!frames_of(*addresses, m)) return std::nullopt;
    return m;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string SymbolCache::file_of(const std::string& build_id) const { return dir_ + "/" + build_id + ".json"; }

std::optional<CachedModule> SymbolCache::load(const std::string& build_id, const std::string& fingerprint) const {
  if (!enabled() || !valid_build_id(build_id)) return std::nullopt;
  const auto text = sys::read_private_file(file_of(build_id), kMaxFileBytes);
  if (!text) return std::nullopt;
  return decode_cached_module(*text, build_id, fingerprint);
}

bool SymbolCache::store(const std::string& build_id, const CachedModule& m) const {
  if (!enabled() || !valid_build_id(build_id) || !sys::make_private_directory(dir_)) return false;
  std::string text;
  try {
    text = encode_cached_module(build_id, m);
  } catch (const std::exception&) {
    return false;  // a name that is not UTF-8
  }
  return text.size() <= kMaxFileBytes && sys::write_private_file(file_of(build_id), text);
}

}  // namespace perfprobe::symbols
