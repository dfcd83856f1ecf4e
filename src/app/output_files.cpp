// Output path checks shared by record, attach and report.
#include "output_files.hpp"

#include <unistd.h>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::app {

void check_output_writable(const std::string& path, const char* option) {
  if (path.empty()) return;
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  if (::access(dir.c_str(), W_OK) != 0) {
    throw UsageError(std::string("cannot write ") + option + " file '" + path + "': directory '" + dir +
                     "' does not exist or is not writable");
  }
}

namespace {
std::string first_line(const char* path) {
  std::string text;
  if (!sys::read_file(path, text)) return {};
  return text.substr(0, text.find('\n'));
}
}  // namespace

std::string host_name() { return first_line("/proc/sys/kernel/hostname"); }
std::string kernel_release() { return first_line("/proc/sys/kernel/osrelease"); }

}  // namespace perfprobe::app
