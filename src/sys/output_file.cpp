// Output files that never write through a planted link, never replace a device, never appear half
// written (see output_file.hpp and docs/architecture.md).
#include "perfprobe/sys/output_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "perfprobe/error.hpp"

namespace perfprobe::sys {

namespace {

constexpr char kTmpTag[] = ".perfprobe-";  // fallback temporaries: .BASE.perfprobe-PID-RANDOM.tmp

struct Target {
  std::string dir;
  std::string base;
  Fd dir_fd;
  bool exists = false;
  struct stat st {};      // of the final component, after following a trusted link
  struct stat dir_st {};  // of its directory
};

std::string quoted(std::string_view option, const std::string& path) {
  return std::string(option) + " file '" + path + "'";
}

// fs.protected_symlinks' and fs.protected_regular's rule, applied whatever the sysctls say: in a sticky
// world-writable directory a link is followed, and a file written in place, only when it belongs to us
// or to the directory's owner.
bool owner_trusted(const struct stat& link, const struct stat& dir) {
  const bool sticky_world_writable = (dir.st_mode & S_ISVTX) != 0 && (dir.st_mode & S_IWOTH) != 0;
  return !sticky_world_writable || link.st_uid == ::geteuid() || link.st_uid == dir.st_uid;
}

Target resolve(const std::string& path, std::string_view option, int depth = 0) {
  if (path.empty() || path.back() == '/') {
    throw UsageError("cannot write " + quoted(option, path) + ": it names a directory", "give a file name");
  }
  Target t;
  const auto slash = path.rfind('/');
  t.dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  t.base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (t.base == "." || t.base == "..") {
    throw UsageError("cannot write " + quoted(option, path) + ": it names a directory", "give a file name");
  }
  t.dir_fd.reset(::open(t.dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!t.dir_fd.valid()) {
    throw UsageError("cannot write " + quoted(option, path) + ": directory '" + t.dir + "': " + std::strerror(errno),
                     "create the directory first");
  }
  if (::fstat(t.dir_fd.get(), &t.dir_st) != 0) throw_errno("cannot stat '" + t.dir + "'");
  if (::fstatat(t.dir_fd.get(), t.base.c_str(), &t.st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno != ENOENT) throw_errno("cannot write " + quoted(option, path));
    return t;
  }
  t.exists = true;
  if (S_ISLNK(t.st.st_mode)) {
    if (!owner_trusted(t.st, t.dir_st)) {
      throw UsageError("refusing to write " + quoted(option, path) + ": it is a symbolic link owned by uid " +
                           std::to_string(t.st.st_uid) + " in the shared directory '" + t.dir + "'",
                       "remove the link, or write to a directory only you can change");
    }
    char real[PATH_MAX];
    if (depth == 0 && ::realpath(path.c_str(), real) != nullptr) return resolve(real, option, 1);
    t.exists = false;  // a dangling link we trust: replaced by the new file
    return t;
  }
  if (S_ISDIR(t.st.st_mode)) {
    throw UsageError("cannot write " + quoted(option, path) + ": it is a directory", "give a file name inside it");
  }
  if (S_ISSOCK(t.st.st_mode)) throw UsageError("cannot write " + quoted(option, path) + ": it is a socket");
  return t;
}

bool in_place(const Target& t) { return t.exists && !S_ISREG(t.st.st_mode); }

// Opens an existing device or FIFO for writing without blocking on a FIFO that has no reader.
Fd open_in_place(const Target& t, const std::string& path, std::string_view option) {
  Fd fd(::openat(t.dir_fd.get(), t.base.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) {
    if (errno == ENXIO) throw UsageError("cannot write " + quoted(option, path) + ": it is a FIFO nobody reads");
    throw_errno("cannot open " + quoted(option, path));
  }
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

std::string random_hex() {
  unsigned char bytes[8] = {};
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    std::memcpy(bytes, &ts.tv_nsec, sizeof ts.tv_nsec < sizeof bytes ? sizeof ts.tv_nsec : sizeof bytes);
  }
  std::string out;
  for (const unsigned char b : bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string tmp_name(const std::string& base) {
  return "." + base + kTmpTag + std::to_string(::getpid()) + "-" + random_hex() + ".tmp";
}

// Removes temporaries of `base` that a killed perfprobe left: ours, named by our scheme (or by the
// older BASE.tmp.PID one), whose process is gone.
void remove_stale_temporaries(int dir_fd, const std::string& base) {
  const int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return;
  }
  const std::string ours = "." + base + kTmpTag;
  const std::string older = base + ".tmp.";
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    std::string pid_text;
    if (name.starts_with(ours) && name.ends_with(".tmp")) {
      pid_text = name.substr(ours.size(), name.find('-', ours.size()) - ours.size());
    } else if (name.starts_with(older)) {
      pid_text = name.substr(older.size());
    } else {
      continue;
    }
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) {
      continue;
    }
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
        st.st_uid != ::geteuid()) {
      continue;
    }
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;
    ::unlinkat(dir_fd, name.c_str(), 0);
  }
  ::closedir(d);
}

// An unnamed temporary in the target's directory; falls back to a named one with O_EXCL.
Fd open_temporary(const Target& t, const std::string& path, std::string_view option, std::string& named) {
  Fd fd(::openat(t.dir_fd.get(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666));
  if (fd.valid()) return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT) {
    throw_errno("cannot create " + quoted(option, path) + " (in directory '" + t.dir + "')");
  }
  remove_stale_temporaries(t.dir_fd.get(), t.base);
  for (int attempt = 0; attempt < 16; ++attempt) {
    named = tmp_name(t.base);
    fd.reset(::openat(t.dir_fd.get(), named.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
    if (fd.valid()) return fd;
    if (errno != EEXIST) break;
  }
  named.clear();
  throw_errno("cannot create " + quoted(option, path) + " (in directory '" + t.dir + "')");
}

}  // namespace

void check_output_path(const std::string& path, std::string_view option) {
  if (path.empty()) return;
  const Target t = resolve(path, option);
  if (in_place(t)) {
    if (::faccessat(t.dir_fd.get(), t.base.c_str(), W_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) != 0) {
      throw UsageError("cannot write " + quoted(option, path) + ": " + std::strerror(errno));
    }
    return;
  }
  std::string named;
  try {
    const Fd probe = open_temporary(t, path, option, named);
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {
    throw UsageError(e.what(), "choose a directory you can write to");
  }
  if (!named.empty()) ::unlinkat(t.dir_fd.get(), named.c_str(), 0);
}

void check_output_directory(const std::string& dir, std::string_view option) {
  std::string path = dir;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const std::string what = std::string(option) + " directory '" + dir + "'";
  if (path.empty()) throw UsageError("cannot write into " + what, "give a directory");
  const auto slash = path.rfind('/');
  const std::string parent = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  struct stat st {};
  if (path != "/" && base != "." && base != "..") {
    const Fd parent_fd(::open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    struct stat parent_st {};
    if (!parent_fd.valid() || ::fstat(parent_fd.get(), &parent_st) != 0 ||
        ::fstatat(parent_fd.get(), base.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      throw UsageError("cannot write into " + what + ": " + std::strerror(errno), "create the directory first");
    }
    if (S_ISLNK(st.st_mode) && !owner_trusted(st, parent_st)) {
      throw UsageError("refusing to write into " + what + ": it is a symbolic link owned by uid " +
                           std::to_string(st.st_uid) + " in the shared directory '" + parent + "'",
                       "remove the link, or write to a directory only you can change");
    }
  }
  if (::stat(path.c_str(), &st) != 0) {
    throw UsageError("cannot write into " + what + ": " + std::strerror(errno), "create the directory first");
  }
  if (!S_ISDIR(st.st_mode))
    throw UsageError("cannot write into " + what + ": it is not a directory", "give a directory");
}

AtomicFile::AtomicFile(const std::string& path, std::string_view option) : path_(path), option_(option) {
  Target t = resolve(path, option);
  base_ = t.base;
  if (in_place(t)) {
    fd_ = open_in_place(t, path, option);
    in_place_ = true;
  } else {
    fd_ = open_temporary(t, path, option, named_tmp_);
    // Keep an existing file's permissions (a 0600 report stays private); set-id bits never carry over.
    if (t.exists && ::fchmod(fd_.get(), t.st.st_mode & 01777) != 0) throw_errno("cannot set the mode of " + path);
  }
  dir_ = std::move(t.dir_fd);
}

AtomicFile::~AtomicFile() {
  if (!committed_ && !named_tmp_.empty()) ::unlinkat(dir_.get(), named_tmp_.c_str(), 0);
}

void AtomicFile::write(std::string_view bytes) {
  if (!write_all(fd_.get(), bytes.data(), bytes.size())) throw_errno("cannot write " + quoted(option_, path_));
  size_ += bytes.size();
}

void AtomicFile::commit() {
  if (in_place_) {
    committed_ = true;
    return;
  }
  if (::fsync(fd_.get()) != 0 && errno != EINVAL) throw_errno("cannot write " + quoted(option_, path_));
  if (named_tmp_.empty()) {
    // Give the unnamed temporary a name (unpredictable, created exclusively by linkat), then rename it.
    const std::string proc = "/proc/self/fd/" + std::to_string(fd_.get());
    for (int attempt = 0; attempt < 16 && named_tmp_.empty(); ++attempt) {
      const std::string name = tmp_name(base_);
      if (::linkat(AT_FDCWD, proc.c_str(), dir_.get(), name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
        named_tmp_ = name;
      } else if (errno != EEXIST) {
        throw_errno("cannot create " + quoted(option_, path_));
      }
    }
    if (named_tmp_.empty()) throw_errno("cannot create " + quoted(option_, path_), EEXIST);
  }
  if (::renameat(dir_.get(), named_tmp_.c_str(), dir_.get(), base_.c_str()) != 0) {
    throw_errno("cannot rename a temporary to " + quoted(option_, path_));
  }
  committed_ = true;
  fd_.reset();
}

void write_file_atomic(const std::string& path, std::string_view content, std::string_view option) {
  AtomicFile file(path, option);
  file.write(content);
  file.commit();
}

Fd open_stream_output(const std::string& path, std::string_view option) {
  const Target t = resolve(path, option);
  if (in_place(t)) return open_in_place(t, path, option);
  // O_NOFOLLOW: a link planted after resolve() is refused (ELOOP), never followed.
  Fd fd(::openat(t.dir_fd.get(), t.base.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_APPEND | O_CLOEXEC, 0666));
  if (!fd.valid()) throw_errno("cannot create " + quoted(option, path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw UsageError("cannot write " + quoted(option, path) + ": it changed while being opened");
  }
  if (!owner_trusted(st, t.dir_st)) {  // perhaps a hard link to someone else's file
    throw UsageError("refusing to write " + quoted(option, path) + ": it belongs to uid " + std::to_string(st.st_uid) +
                         " in the shared directory '" + t.dir + "'",
                     "remove it, or write to a directory only you can change");
  }
  if (::ftruncate(fd.get(), 0) != 0) throw_errno("cannot truncate " + quoted(option, path));
  return fd;
}

std::string save_fallback(const std::string& path, std::string_view content) noexcept {
  try {
    const char* env = std::getenv("TMPDIR");
    const std::string dir = env != nullptr && *env == '/' ? env : "/tmp";
    const auto slash = path.rfind('/');
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    for (int attempt = 0; attempt < 16; ++attempt) {
      const std::string name = dir + "/perfprobe-" + random_hex() + "-" + base;
      const Fd fd(::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!fd.valid()) {
        if (errno == EEXIST) continue;
        return {};
      }
      if (!write_all(fd.get(), content.data(), content.size()) || ::fsync(fd.get()) != 0) {
        ::unlink(name.c_str());
        return {};
      }
      return name;
    }
  } catch (...) {
  }
  return {};
}

}  // namespace perfprobe::sys
