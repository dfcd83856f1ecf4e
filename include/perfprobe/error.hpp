// The one error type that ends a run. Thrown deep, caught once in main.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace perfprobe {

// A failure that ends the command. The message names what failed and on what; the hint says what to try.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, std::string hint = {})
      : std::runtime_error(message), hint_(std::move(hint)) {}
  [[nodiscard]] const std::string& hint() const noexcept { return hint_; }

 private:
  std::string hint_;
};

// Bad flags, bad config, bad input file: exit code 2 everywhere.
class UsageError : public Error {
 public:
  using Error::Error;
};

// The target could not be started (127 not found, 126 not executable).
class LaunchError : public Error {
 public:
  LaunchError(const std::string& message, int exit_code, std::string hint = {})
      : Error(message, std::move(hint)), exit_code_(exit_code) {}
  [[nodiscard]] int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

}  // namespace perfprobe
