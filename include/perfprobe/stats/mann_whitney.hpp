// A rank test for "is this set of runs slower than that one?" (used by check's baseline). Pure math.
#pragma once

#include <vector>

namespace perfprobe::stats {

// Mann-Whitney U test, one-sided: the p-value of "current tends to be larger than baseline".
// Exact (the U distribution without ties) when n1 + n2 <= 40 and there are no ties; otherwise the
// normal approximation with tie and continuity corrections.
struct UTest {
  double u = 0;
  double p_value = 1;
  bool exact = false;
};
[[nodiscard]] UTest mann_whitney_greater(const std::vector<double>& current, const std::vector<double>& baseline);

}  // namespace perfprobe::stats
