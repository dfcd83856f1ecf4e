#include "perfprobe/stats/summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace perfprobe::stats;

TEST(Median, OddCountTakesTheMiddleValue) { EXPECT_DOUBLE_EQ(summarize({3, 1, 2}).median, 2); }
TEST(Median, EvenCountAveragesTheMiddlePair) { EXPECT_DOUBLE_EQ(summarize({4, 1, 3, 2}).median, 2.5); }

TEST(Percentile, InterpolatesLinearlyBetweenRanks) {
  // numpy.percentile([1..10], 90) == 9.1
  EXPECT_NEAR(percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90), 9.1, 1e-12);
  EXPECT_NEAR(percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 99), 9.91, 1e-12);
  EXPECT_DOUBLE_EQ(percentile({5}, 99), 5);
  EXPECT_DOUBLE_EQ(percentile({}, 50), 0);
  EXPECT_DOUBLE_EQ(percentile({1, 2}, 0), 1);
  EXPECT_DOUBLE_EQ(percentile({1, 2}, 100), 2);
}

TEST(Summarize, SampleStddevUsesNMinusOne) {
  const auto s = summarize({2, 4, 4, 4, 5, 5, 7, 9});
  EXPECT_EQ(s.n, 8U);
  EXPECT_DOUBLE_EQ(s.mean, 5);
  EXPECT_NEAR(s.stddev, 2.138089935299395, 1e-12);
  EXPECT_DOUBLE_EQ(s.min, 2);
  EXPECT_DOUBLE_EQ(s.max, 9);
}

TEST(Summarize, SingleValueHasZeroStddev) {
  const auto s = summarize({42});
  EXPECT_EQ(s.n, 1U);
  EXPECT_DOUBLE_EQ(s.stddev, 0);
  EXPECT_DOUBLE_EQ(s.p99, 42);
}

TEST(Summarize, EmptyInputGivesNZero) { EXPECT_EQ(summarize({}).n, 0U); }

TEST(Outliers, FindsTheOneFarValue) {
  const auto idx = outliers({10, 10.1, 9.9, 10.2, 9.8, 30});
  ASSERT_EQ(idx.size(), 1U);
  EXPECT_EQ(idx[0], 5U);
}

TEST(Outliers, NoneWhenAllEqualOrTooFew) {
  EXPECT_TRUE(outliers({1, 1, 1, 1}).empty());
  EXPECT_TRUE(outliers({1, 100}).empty());
}

TEST(CoefficientOfVariation, IsStddevOverMean) {
  Summary s;
  s.mean = 10;
  s.stddev = 1;
  EXPECT_DOUBLE_EQ(coefficient_of_variation(s), 0.1);
  s.mean = 0;
  EXPECT_DOUBLE_EQ(coefficient_of_variation(s), 0);
}

TEST(Percentile, SelectionGivesWhatSortingGives) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> value(0, 100);
  for (std::size_t n = 1; n < 300; n += 7) {
    std::vector<double> v(n);
    for (auto& x : v) x = n % 2 == 0 ? value(rng) : static_cast<double>(static_cast<int>(value(rng)) % 5);  // ties too
    auto sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (const double q : {0.0, 12.5, 50.0, 90.0, 95.0, 99.0, 100.0})
      EXPECT_DOUBLE_EQ(percentile(v, q), percentile_sorted(sorted, q)) << "n=" << n << " q=" << q;
  }
}
