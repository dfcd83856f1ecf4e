// /proc/PID/maps: only executable file mappings are kept, with their offsets.
#include <unistd.h>

#include <gtest/gtest.h>

#include "perfprobe/sampling/proc_maps.hpp"

namespace perfprobe::sampling {
namespace {

TEST(ProcMaps, KeepsExecutableFileMappings) {
  const char* text =
      "55d0c0000000-55d0c0001000 r--p 00000000 fe:01 123 /usr/bin/my prog\n"
      "55d0c0001000-55d0c0005000 r-xp 00001000 fe:01 123 /usr/bin/my prog\n"
      "7f0000000000-7f0000021000 rw-p 00000000 00:00 0 \n"
      "7ffd1000000-7ffd1002000 r-xp 00000000 00:00 0 [vdso]\n";
  const auto maps = parse_proc_maps(text, 77, 5);
  ASSERT_EQ(maps.size(), 2U);
  EXPECT_EQ(maps[0].path, "/usr/bin/my prog");
  EXPECT_EQ(maps[0].start, 0x55d0c0001000U);
  EXPECT_EQ(maps[0].length, 0x4000U);
  EXPECT_EQ(maps[0].pgoff, 0x1000U);
  EXPECT_EQ(maps[0].pid, 77);
  EXPECT_EQ(maps[1].path, "[vdso]");
}

TEST(ProcMaps, OwnProcessStateHasThisExecutableAndThreadName) {
  Profile p;
  add_proc_state(::getpid(), {::getpid()}, 1, p);
  char exe[4096] = {};
  ASSERT_GT(::readlink("/proc/self/exe", exe, sizeof exe - 1), 0);
  bool found = false;
  for (const auto& m : p.mappings) found = found || m.path == exe;
  EXPECT_TRUE(found);
  ASSERT_EQ(p.tasks.size(), 1U);
  EXPECT_FALSE(p.tasks[0].comm.empty());
}

}  // namespace
}  // namespace perfprobe::sampling
