#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "perfprobe/sys/event_loop.hpp"
#include "perfprobe/sys/fd.hpp"

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
