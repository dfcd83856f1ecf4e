// JSON text that never throws on text from outside: a target's output, thread and marker names,
// command lines and paths may hold bytes that are not UTF-8, which nlohmann::json refuses to dump.
// Such bytes become U+FFFD (the replacement character) and the caller learns that it happened.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace perfprobe::report {

inline constexpr char kReplacedNote[] = "text that was not UTF-8 (from the target or the system) is shown with U+FFFD";

// j.dump(indent), with invalid UTF-8 replaced; `replaced` (when given) says whether any was.
[[nodiscard]] inline std::string dump_json(const nlohmann::json& j, int indent = -1, bool* replaced = nullptr) {
  try {
    return j.dump(indent);
  } catch (const nlohmann::json::type_error&) {  // 316: invalid UTF-8
    if (replaced != nullptr) *replaced = true;
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace perfprobe::report
