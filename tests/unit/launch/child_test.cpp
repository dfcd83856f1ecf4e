#include "perfprobe/launch/child.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include "perfprobe/error.hpp"

using namespace perfprobe::launch;

TEST(FindInPath, FindsSystemProgramsAndKeepsPaths) {
  EXPECT_FALSE(find_in_path("sh").empty());
  EXPECT_EQ(find_in_path("./x"), "./x");
  EXPECT_TRUE(find_in_path("no-such-program-xyz").empty());
}

TEST(Child, WaitsAtTheGateUntilReleased) {
  LaunchSpec spec;
  spec.argv = {"true"};
  Child child(spec);
  usleep(50000);
  EXPECT_FALSE(child.try_reap().has_value());  // still held
  child.release();
  const auto st = child.reap();
  EXPECT_EQ(st.exit_code, 0);
}

TEST(Child, ReportsSignalsAs128PlusN) {
  LaunchSpec spec;
  spec.argv = {"sh", "-c", "kill -TERM $$"};
  Child child(spec);
  child.release();
  const auto st = child.reap();
  ASSERT_TRUE(st.signal.has_value());
  EXPECT_EQ(*st.signal, SIGTERM);
  EXPECT_EQ(st.exit_code, 128 + SIGTERM);
}

TEST(Child, MissingProgramIs127) {
  LaunchSpec spec;
  spec.argv = {"no-such-program-xyz"};
  try {
    Child child(spec);
    FAIL();
  } catch (const perfprobe::LaunchError& e) {
    EXPECT_EQ(e.exit_code(), 127);
  }
}

TEST(Child, DestroyingAnUnreapedChildKillsIt) {
  pid_t pid = 0;
  {
    LaunchSpec spec;
    spec.argv = {"sleep", "30"};
    Child child(spec);
    child.release();
    pid = child.pid();
  }
  EXPECT_NE(kill(pid, 0), 0);  // gone and reaped
}
