// The one escaping of text for HTML and XML; see the header for where the two differ.
#include "perfprobe/report/markup.hpp"

namespace perfprobe::report {

std::string markup_escape(std::string_view text, Markup markup) {
  std::string out;
  out.reserve(text.size() + 16);
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += markup == Markup::html ? "&#39;" : "&apos;";
        break;
      default:
        // Control characters other than tab and newline have no business in a report: NUL is a
        // parse error in HTML and none of them is allowed in XML 1.0.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') {
          out += c;
        } else if (markup == Markup::html) {
          out += "\xEF\xBF\xBD";
        }
    }
  }
  return out;
}

}  // namespace perfprobe::report
