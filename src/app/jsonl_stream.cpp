// --jsonl writer.
#include "jsonl_stream.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "perfprobe/sys/output_file.hpp"

namespace perfprobe::app {

JsonlStream::JsonlStream(const std::string& path) : path_(path), fd_(sys::open_stream_output(path, "--jsonl")) {}

void JsonlStream::write_line(std::string line) const {
  if (!fd_.valid()) return;
  line.push_back('\n');
  if (!sys::write_all(fd_.get(), line.data(), line.size())) {
    if (first_error_ == 0) first_error_ = errno != 0 ? errno : EIO;
    ++lost_lines_;
  }
}

bool JsonlStream::finish(const Diag& diag) const {
  if (!fd_.valid()) return true;
  if (first_error_ == 0 && ::fsync(fd_.get()) != 0 && errno != EINVAL && errno != EROFS) first_error_ = errno;
  if (first_error_ == 0) return true;
  diag.warning("cannot write --jsonl file '" + path_ + "': " + std::strerror(first_error_) + " (" +
               std::to_string(lost_lines_) + " line" + (lost_lines_ == 1 ? "" : "s") + " lost)");
  return false;
}

}  // namespace perfprobe::app
