// Where perfprobe's own messages go (stderr), with colour decided once. Passed down, never global.
#pragma once

#include <iostream>
#include <string>

namespace perfprobe::app {

class Diag {
 public:
  Diag(std::ostream& out, bool color) : out_(out), color_(color) {}
  void error(const std::string& msg) const { line("error", "31", msg); }
  void warning(const std::string& msg) const { line("warning", "33", msg); }
  void hint(const std::string& msg) const { line("hint", "36", msg); }
  void note(const std::string& msg) const { line("note", "2", msg); }
  [[nodiscard]] bool color() const noexcept { return color_; }
  [[nodiscard]] std::ostream& stream() const noexcept { return out_; }

 private:
  void line(const char* level, const char* code, const std::string& msg) const {
    if (color_) {
      out_ << "perfprobe: \033[" << code << "m" << level << "\033[0m: " << msg << "\n";
    } else {
      out_ << "perfprobe: " << level << ": " << msg << "\n";
    }
    out_.flush();
  }
  std::ostream& out_;
  bool color_;
};

}  // namespace perfprobe::app
