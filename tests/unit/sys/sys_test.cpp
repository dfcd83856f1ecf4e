#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/event_loop.hpp"
#include "perfprobe/sys/fd.hpp"
#include "perfprobe/sys/heap.hpp"
#include "perfprobe/sys/input_file.hpp"
#include "perfprobe/sys/memory.hpp"
#include "perfprobe/sys/output_file.hpp"
#include "perfprobe/sys/process.hpp"
#include "perfprobe/sys/tracefs.hpp"

using namespace perfprobe::sys;

TEST(WriteFileAtomic, ReplacesContentAndLeavesNoTemporary) {
  const std::string path = "/tmp/perfprobe-sys-test.json";
  write_file_atomic(path, "one");
  write_file_atomic(path, "two");
  std::string text;
  ASSERT_TRUE(read_file(path, text));
  EXPECT_EQ(text, "two");
  EXPECT_FALSE(read_file(path + ".tmp." + std::to_string(getpid()), text));
  std::remove(path.c_str());
}

TEST(WriteFileAtomic, FailsWithAnErrorNamingThePath) {
  try {
    write_file_atomic("/nonexistent-dir/x.json", "x");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.json"), std::string::npos);
  }
}

TEST(WriteFileAtomic, UncommittedFileLeavesNothingAndKeepsTheOldContent) {
  const std::string path = "/tmp/perfprobe-sys-test-uncommitted.json";
  write_file_atomic(path, "old");
  {
    AtomicFile f(path, "--json");
    f.write("new");
  }  // destroyed without commit
  std::string text;
  ASSERT_TRUE(read_file(path, text));
  EXPECT_EQ(text, "old");
  std::remove(path.c_str());
}

TEST(CheckOutputPath, NamesTheOptionAndTheProblem) {
  try {
    check_output_path("/tmp", "--json");
    FAIL();
  } catch (const perfprobe::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("directory"), std::string::npos);
  }
  EXPECT_THROW(check_output_path("/nonexistent-dir/x.json", "-o"), perfprobe::UsageError);
  EXPECT_NO_THROW(check_output_path("/tmp/perfprobe-sys-test-new.json", "-o"));
  EXPECT_NE(::access("/tmp/perfprobe-sys-test-new.json", F_OK), 0);  // checked, not created
}

TEST(ReadInput, RefusesWhatIsNotARegularFileAndStopsAtItsSize) {
  EXPECT_THROW((void)read_input("/dev/zero", "data file"), perfprobe::UsageError);
  EXPECT_THROW((void)read_input("/tmp", "data file"), perfprobe::UsageError);
  const std::string path = "/tmp/perfprobe-sys-test-input";
  write_file_atomic(path, "0123456789");
  EXPECT_EQ(read_input(path, "x"), "0123456789");
  EXPECT_THROW((void)read_input(path, "x", 4), perfprobe::UsageError);
  EXPECT_EQ(read_head(path, 4), "0123");
  EXPECT_EQ(read_head("/dev/zero", 4), "");
  std::remove(path.c_str());
}

TEST(EventLoop, DispatchesReadableFdsAndTimers) {
  EventLoop loop;
  Pipe p = make_pipe();
  int reads = 0, ticks = 0;
  loop.add_fd(p.read.get(), [&] {
    char c;
    if (read(p.read.get(), &c, 1) == 1) ++reads;
  });
  loop.add_timer(std::chrono::milliseconds(5), [&] { ++ticks; });
  ASSERT_TRUE(write_all(p.write.get(), "ab", 2));
  loop.run_until([&] { return reads == 2 && ticks >= 3; });
  EXPECT_EQ(reads, 2);
  EXPECT_GE(ticks, 3);
}

TEST(ProcessesNamed, CommFirstAndTheProgramForNamesLongerThanTheKernelKeeps) {
  EXPECT_TRUE(is_named("llama-server", "llama-server", ""));
  EXPECT_FALSE(is_named("llama", "llama-server", "/usr/bin/llama-server"));
  EXPECT_FALSE(is_named("", "", ""));
  // comm holds 15 characters: a longer name needs the program's file name too.
  EXPECT_TRUE(is_named("inference-server-v2", "inference-serve", "/opt/bin/inference-server-v2"));
  EXPECT_FALSE(is_named("inference-server-v2", "inference-serve", "/opt/bin/inference-server-v3"));
}

TEST(ProcessesNamed, FindsALiveChildButNotItsZombie) {
  const pid_t child = fork();
  if (child == 0) {
    execlp("sleep", "sleep", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(child, 0);
  std::vector<pid_t> found;
  for (int i = 0; i < 200 && std::find(found.begin(), found.end(), child) == found.end(); ++i) {
    usleep(10'000);  // until it has exec'd: before, its comm is the test's
    found = processes_named("sleep");
  }
  EXPECT_NE(std::find(found.begin(), found.end(), child), found.end());
  EXPECT_TRUE(std::is_sorted(found.begin(), found.end()));
  kill(child, SIGKILL);
  siginfo_t info{};
  waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT);  // a zombie until reaped below
  found = processes_named("sleep");
  EXPECT_EQ(std::find(found.begin(), found.end(), child), found.end()) << "an exited process is no target";
  waitpid(child, nullptr, 0);
}

TEST(Tracefs, FormatGivesIdAndFieldOffsets) {
  const char* text =
      "name: sched_switch\nID: 372\nformat:\n"
      "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
      "\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
      "\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n\nprint fmt: \"x\"\n";
  const auto f = parse_tracepoint_format(text);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->id, 372U);
  EXPECT_EQ(f->fields.at("prev_state").offset, 32);
  EXPECT_EQ(f->fields.at("prev_state").size, 8);
  EXPECT_EQ(f->fields.at("prev_comm").offset, 8);
  EXPECT_EQ(f->fields.at("common_type").size, 2);
  EXPECT_FALSE(parse_tracepoint_format("name: x\nformat:\n").has_value());
}

// A buffer filled in parts: untouched until prefaulted, then the pages of the part (and only those)
// are there, zeroed and writable.
TEST(AnonymousMemory, PrefaultAllocatesJustThePagesOfThePart) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const Mapping m = anonymous_memory(16 * page);
  ASSERT_NE(m.get(), nullptr);
  EXPECT_EQ(m.size(), 16 * page);
  const auto resident = [&] {
    std::vector<unsigned char> v(16);
    EXPECT_EQ(::mincore(m.get(), m.size(), v.data()), 0);
    std::vector<bool> out;
    for (const auto b : v) out.push_back((b & 1U) != 0);
    return out;
  };
  const auto before = resident();
  EXPECT_EQ(std::count(before.begin(), before.end(), true), 0);
  prefault(m, page + 1, 2 * page);  // inside pages 1, 2 and 3
  const auto after = resident();
  if (!after[1]) GTEST_SKIP() << "kernel without MADV_POPULATE_WRITE (Linux 5.14)";
  for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(after[i], i >= 1 && i <= 3) << "page " << i;
  auto* bytes = static_cast<unsigned char*>(m.get());
  EXPECT_EQ(bytes[2 * page], 0);
  bytes[2 * page] = 7;
  EXPECT_EQ(bytes[2 * page], 7);
  prefault(m, 15 * page, 100 * page);  // cut at the end
  prefault(m, 16 * page, page);        // past it: nothing
  EXPECT_TRUE(resident()[15]);
  EXPECT_EQ(anonymous_memory(0).get(), nullptr);
}

// page_out drops a read file's pages from the resident set, which the file gives back when read
// again, and leaves anonymous memory's bytes as they were (no swap: nothing to reclaim them to).
TEST(PageOut, FilePagesLeaveTheResidentSetAndReadTheSameAgain) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  char path[] = "/tmp/perfprobe-page-out-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  std::vector<unsigned char> data(8 * page);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i * 7 + i / page);
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ASSERT_EQ(::fsync(fd), 0);  // clean pages: a dirty one is written back before it can go
  void* at = ::mmap(nullptr, data.size(), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  ::unlink(path);
  ASSERT_NE(at, MAP_FAILED);
  const auto* bytes = static_cast<const unsigned char*>(at);
  // The mapping's resident kilobytes, from its entry in /proc/self/smaps.
  const auto resident_kb = [&] {
    std::ifstream smaps("/proc/self/smaps");
    std::ostringstream start;
    start << std::hex << reinterpret_cast<std::uintptr_t>(at) << '-';
    std::string line;
    bool in = false;
    while (std::getline(smaps, line)) {
      if (line.rfind(start.str(), 0) == 0) in = true;
      if (in && line.rfind("Rss:", 0) == 0) return std::stol(line.substr(4));
    }
    return -1L;
  };
  EXPECT_EQ(std::memcmp(bytes, data.data(), data.size()), 0);  // every page read, so mapped
  const long before = resident_kb();
  EXPECT_EQ(before, static_cast<long>(8 * page / 1024));
  page_out(bytes + page / 2, bytes + 5 * page + 1);  // whole pages 1 to 4 (and, where the page
                                                     // cache holds the file in one large folio,
                                                     // the folio's other pages with them)
  EXPECT_LE(resident_kb(), before - static_cast<long>(4 * page / 1024));
  EXPECT_EQ(std::memcmp(bytes, data.data(), data.size()), 0);
  ::munmap(at, data.size());

  const Mapping m = anonymous_memory(4 * page);
  ASSERT_NE(m.get(), nullptr);
  auto* anon = static_cast<unsigned char*>(m.get());
  std::memset(anon, 0x5a, 4 * page);
  page_out(anon, anon + 4 * page);
  for (std::size_t i = 0; i < 4 * page; i += page / 2) EXPECT_EQ(anon[i], 0x5a) << i;
}

// The heap stays malloc's own: blocks made while a HugePageHeap lives, large and small, hold what is
// written to them and are freed, before and after it ends.
TEST(HugePageHeap, AllocationsWorkThroughoutAndAfter) {
  std::vector<std::unique_ptr<char[]>> blocks;
  {
    const HugePageHeap heap(std::size_t{8} << 20);
    for (std::size_t n : {std::size_t{24}, std::size_t{4096}, std::size_t{3} << 20, std::size_t{100}}) {
      blocks.push_back(std::make_unique<char[]>(n));
      std::memset(blocks.back().get(), 0x5a, n);
      EXPECT_EQ(blocks.back()[n - 1], 0x5a);
    }
    blocks.erase(blocks.begin() + 2);
  }
  blocks.push_back(std::make_unique<char[]>(std::size_t{1} << 20));
  blocks.back()[0] = 1;
  EXPECT_EQ(blocks.front()[23], 0x5a);
}
