// --jsonl writer.
#include "jsonl_stream.hpp"

#include <fcntl.h>

#include "perfprobe/error.hpp"

namespace perfprobe::app {

JsonlStream::JsonlStream(const std::string& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_APPEND, 0644)) {
  if (!fd_.valid()) sys::throw_errno("cannot create --jsonl file '" + path + "'");
}

void JsonlStream::write_line(std::string line) const {
  if (!fd_.valid()) return;
  line.push_back('\n');
  (void)sys::write_all(fd_.get(), line.data(), line.size());
}

}  // namespace perfprobe::app
