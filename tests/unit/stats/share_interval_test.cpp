// The Wilson interval against values computed by hand from its formula (and R's prop.test without
// continuity correction, which gives the same), at the edges and for the small counts hints meet.
#include <gtest/gtest.h>

#include "perfprobe/stats/share_interval.hpp"

using perfprobe::stats::share_interval;

TEST(ShareInterval, MatchesTheWilsonScoreIntervalAt95Percent) {
  const auto half = share_interval(1, 2);  // 1 of 2: 9.45% .. 90.55%
  EXPECT_NEAR(half.low, 0.0945, 5e-4);
  EXPECT_NEAR(half.high, 0.9055, 5e-4);
  const auto some = share_interval(30, 100);  // 30 of 100: 21.89% .. 39.58%
  EXPECT_NEAR(some.low, 0.2189, 5e-4);
  EXPECT_NEAR(some.high, 0.3958, 5e-4);
}

TEST(ShareInterval, StaysInsideZeroAndOneAtTheEdges) {
  const auto none = share_interval(0, 10);  // 0 .. 27.75%
  EXPECT_DOUBLE_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, 0.2775, 5e-4);
  const auto all = share_interval(10, 10);
  EXPECT_NEAR(all.low, 0.7225, 5e-4);
  EXPECT_DOUBLE_EQ(all.high, 1.0);
  const auto empty = share_interval(0, 0);
  EXPECT_DOUBLE_EQ(empty.low, 0.0);
  EXPECT_DOUBLE_EQ(empty.high, 1.0);
}

TEST(ShareInterval, NarrowsAsSamplesGrow) {
  const auto few = share_interval(5, 10);
  const auto many = share_interval(5000, 10000);
  EXPECT_GT(few.high - few.low, 0.5);
  EXPECT_LT(many.high - many.low, 0.02);
}
