// Text made safe for markup: HTML element content and quoted attributes, or XML 1.0 (JUnit). Both
// escape the same five characters; they differ in the apostrophe's entity and in what becomes of
// control characters (HTML shows U+FFFD; XML 1.0 allows none, so they are dropped).
#pragma once

#include <string>
#include <string_view>

namespace perfprobe::report {

enum class Markup { html, xml };

[[nodiscard]] std::string markup_escape(std::string_view text, Markup markup);

}  // namespace perfprobe::report
