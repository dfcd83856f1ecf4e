// A shared library opened at run time (dlopen), for dependencies that only some commands need: loading
// a library costs its relocations at every start whether or not the command uses it
// (docs/benchmarks.md, "Startup").
#pragma once

#include <string>

namespace perfprobe::sys {

class SharedLibrary {
 public:
  // Throws perfprobe::Error naming the library, the loader's reason and `hint`.
  SharedLibrary(const std::string& soname, const std::string& hint);
  ~SharedLibrary();
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  // The address of a function the library exports; throws perfprobe::Error when it has none.
  template <typename Function>
  [[nodiscard]] Function* function(const char* name) const {
    return reinterpret_cast<Function*>(address(name));  // NOLINT: dlsym's documented use
  }

 private:
  [[nodiscard]] void* address(const char* name) const;
  std::string soname_;
  void* handle_;
};

}  // namespace perfprobe::sys
