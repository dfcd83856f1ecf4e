// Reading tracepoint formats from tracefs: "ID: N", then one "field:TYPE NAME; offset:N; size:N;"
// line per field.
#include "perfprobe/sys/tracefs.hpp"

#include <fstream>
#include <sstream>

namespace perfprobe::sys {

namespace {

// The number after `key` ("offset:") up to the next ';', or -1.
int number_after(std::string_view line, std::string_view key) {
  const auto at = line.find(key);
  if (at == std::string_view::npos) return -1;
  int v = 0;
  bool any = false;
  for (std::size_t i = at + key.size(); i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
    v = v * 10 + (line[i] - '0');
    any = true;
  }
  return any ? v : -1;
}

}  // namespace

std::optional<TracepointFormat> parse_tracepoint_format(std::string_view text) {
  TracepointFormat f;
  bool has_id = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.starts_with("ID:")) {
      const int id = number_after(line, "ID: ");
      has_id = id >= 0;
      f.id = static_cast<std::uint64_t>(id < 0 ? 0 : id);
      continue;
    }
    if (!line.starts_with("field:")) continue;
    const auto semi = line.find(';');
    if (semi == std::string_view::npos) continue;
    std::string_view decl = line.substr(6, semi - 6);  // "long prev_state" or "char prev_comm[16]"
    if (const auto bracket = decl.find('['); bracket != std::string_view::npos) decl = decl.substr(0, bracket);
    const auto space = decl.rfind(' ');
    const std::string name(space == std::string_view::npos ? decl : decl.substr(space + 1));
    const int offset = number_after(line, "offset:");
    const int size = number_after(line, "size:");
    if (!name.empty() && offset >= 0 && size >= 0) f.fields[name] = {offset, size};
  }
  if (!has_id) return std::nullopt;
  return f;
}

std::optional<TracepointFormat> read_tracepoint_format(std::string_view system, std::string_view name) {
  for (const char* root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
    std::ifstream in(std::string(root) + "/events/" + std::string(system) + "/" + std::string(name) + "/format");
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    if (auto f = parse_tracepoint_format(text.str())) return f;
  }
  return std::nullopt;
}

}  // namespace perfprobe::sys
