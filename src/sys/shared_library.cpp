// dlopen/dlsym behind an owner that closes the library.
#include "perfprobe/sys/shared_library.hpp"

#include <dlfcn.h>

#include "perfprobe/error.hpp"

namespace perfprobe::sys {

namespace {
std::string loader_error() {
  const char* e = ::dlerror();
  return e != nullptr ? e : "unknown reason";
}
}  // namespace

SharedLibrary::SharedLibrary(const std::string& soname, const std::string& hint)
    : soname_(soname), handle_(::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL)) {
  if (handle_ == nullptr) throw Error("cannot load " + soname + ": " + loader_error(), hint);
}

SharedLibrary::~SharedLibrary() { ::dlclose(handle_); }

void* SharedLibrary::address(const char* name) const {
  void* p = ::dlsym(handle_, name);
  if (p == nullptr) throw Error(soname_ + " has no function " + name + ": " + loader_error(), "reinstall it");
  return p;
}

}  // namespace perfprobe::sys
