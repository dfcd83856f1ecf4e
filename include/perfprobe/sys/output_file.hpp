// The one way perfprobe creates an output file (json, jsonl, data file, junit, markdown, trace, folded,
// csv, and every format added later: use write_file_atomic / AtomicFile / open_stream_output, never open()).
// perfprobe often runs as root in directories others can write (/tmp), so:
//  - a link at the path is followed only if fs.protected_symlinks would allow it (not in a sticky
//    world-writable directory, or owned by us or the directory's owner), whatever that sysctl says;
//    opens of the final name use O_NOFOLLOW so a link planted after the check is refused;
//  - a replaced file is built in an unnamed O_TMPFILE in the destination's directory (a killed run
//    leaves nothing), named with an unpredictable name by linkat and renamed over the destination;
//  - an existing file keeps its permission bits (a 0600 report stays private);
//  - an existing device or FIFO (/dev/null, /dev/stdout, a pipe) is written in place, never replaced.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

// Everything but the writing, done before a command starts its target so that a bad path costs nothing:
// the directory exists, the path is not a directory, not an untrusted link, and a file can be created
// there. Throws UsageError naming `option` (e.g. "--json"). Empty path: no-op.
void check_output_path(const std::string& path, std::string_view option);

// A directory an option writes files into (--textfile DIR): it must exist and be a directory, and a
// symbolic link there is followed only by the rule above for a file's link (never one owned by someone
// else in a sticky world-writable directory). Throws UsageError naming `option`.
void check_output_directory(const std::string& dir, std::string_view option);

// A file that appears at `path` whole or not at all. Content goes to an unnamed temporary (O_TMPFILE, or
// O_CREAT|O_EXCL with an unpredictable name where the filesystem lacks it) in path's directory; commit()
// fsyncs it and renames it over path, keeping an existing file's permission bits. Destroyed uncommitted,
// nothing is left behind. For an existing device or FIFO (/dev/null, a pipe) it writes there directly.
class AtomicFile {
 public:
  AtomicFile(const std::string& path, std::string_view option);  // throws Error / UsageError
  AtomicFile(AtomicFile&&) = delete;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  void write(std::string_view bytes);  // throws Error (ENOSPC, EIO, ...) naming the file
  void commit();                       // throws Error; afterwards the file is at path
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }  // bytes written so far

 private:
  std::string path_;
  std::string option_;
  Fd dir_;
  Fd fd_;
  std::string base_;
  std::string named_tmp_;  // the fallback temporary's name, empty for O_TMPFILE and in-place outputs
  bool in_place_ = false;
  bool committed_ = false;
  std::uint64_t size_ = 0;
};

// Writes content to path through an AtomicFile.
void write_file_atomic(const std::string& path, std::string_view content, std::string_view option = "output");

// An output written while a command runs (--jsonl): created (mode 0666 & ~umask) or truncated in place,
// same link rules as AtomicFile, appended to. Throws Error / UsageError naming `option`.
[[nodiscard]] Fd open_stream_output(const std::string& path, std::string_view option);

// Writes `content` to a new file in $TMPDIR (or /tmp) named after `path`, for results that could not be
// written where asked. Returns the file's path, empty when even that failed.
[[nodiscard]] std::string save_fallback(const std::string& path, std::string_view content) noexcept;

}  // namespace perfprobe::sys
