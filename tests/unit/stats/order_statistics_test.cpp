// The order-statistics set against a sorted copy: every rank, counts above values in and between the
// stored ones, percentiles equal to stats::percentile's, across block splits and duplicates.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "perfprobe/stats/order_statistics.hpp"
#include "perfprobe/stats/summary.hpp"

using perfprobe::stats::OrderStatistics;

TEST(OrderStatistics, RanksCountsAndPercentilesMatchASortedCopy) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<std::int64_t> value(-50, 5000);  // many duplicates
  OrderStatistics set;
  std::vector<std::int64_t> sorted;
  for (int i = 0; i < 6000; ++i) {
    const std::int64_t v = i % 7 == 0 ? 100 : value(rng);
    set.insert(v);
    sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), v), v);
    if (i % 997 != 0 && i != 5999) continue;
    ASSERT_EQ(set.size(), sorted.size());
    for (std::size_t k = 0; k < sorted.size(); ++k) ASSERT_EQ(set.kth(k), sorted[k]) << "rank " << k;
    for (const std::int64_t x : {-51L, -50L, 0L, 99L, 100L, 101L, 2500L, 5000L, 5001L}) {
      const auto want = static_cast<std::size_t>(sorted.end() - std::upper_bound(sorted.begin(), sorted.end(), x));
      EXPECT_EQ(set.count_greater(x), want) << "above " << x;
    }
    std::vector<double> scaled;
    for (const auto s : sorted) scaled.push_back(static_cast<double>(s) / 1e6);
    for (const double q : {0.0, 1.0, 50.0, 90.0, 95.0, 99.0, 100.0})
      EXPECT_DOUBLE_EQ(set.percentile(q, 1e6), perfprobe::stats::percentile(scaled, q)) << "q " << q;
  }
  EXPECT_THROW((void)set.kth(set.size()), std::out_of_range);
  set.clear();
  EXPECT_EQ(set.size(), 0U);
  EXPECT_EQ(set.count_greater(0), 0U);
  EXPECT_EQ(set.percentile(50, 1), 0.0);
}

TEST(OrderStatistics, AscendingAndDescendingInsertsSplitBlocksCorrectly) {
  OrderStatistics up, down;
  for (std::int64_t i = 0; i < 5000; ++i) {
    up.insert(i);
    down.insert(4999 - i);
  }
  for (std::size_t k = 0; k < 5000; k += 7) {
    EXPECT_EQ(up.kth(k), static_cast<std::int64_t>(k));
    EXPECT_EQ(down.kth(k), static_cast<std::int64_t>(k));
  }
  EXPECT_EQ(up.count_greater(4000), 999U);
  EXPECT_EQ(down.count_greater(-1), 5000U);
}
