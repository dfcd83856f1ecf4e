// Frame-pointer detection on fixtures whose build flags are known.
#include <gtest/gtest.h>

#include "perfprobe/symbols/frame_pointers.hpp"

namespace perfprobe::symbols {
namespace {

const std::string kDir = PERFPROBE_FIXTURE_DIR;

TEST(FramePointers, FixtureBuiltWithFramePointersHasThem) {
  EXPECT_EQ(detect_frame_pointers(kDir + "/spin"), FramePointers::yes);
}

TEST(FramePointers, FixtureBuiltWithoutFramePointersHasNone) {
  EXPECT_EQ(detect_frame_pointers(kDir + "/no_frame_pointers"), FramePointers::no);
}

TEST(FramePointers, UnreadableOrForeignFilesAreUnknown) {
  EXPECT_EQ(detect_frame_pointers("/nonexistent/file"), FramePointers::unknown);
  EXPECT_EQ(detect_frame_pointers("/etc/passwd"), FramePointers::unknown);
}

}  // namespace
}  // namespace perfprobe::symbols
