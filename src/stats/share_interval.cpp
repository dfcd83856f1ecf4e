#include "perfprobe/stats/share_interval.hpp"

#include <algorithm>
#include <cmath>

namespace perfprobe::stats {

ShareInterval share_interval(std::uint64_t k, std::uint64_t n) {
  if (n == 0) return {};
  constexpr double kZ = 1.959963984540054;  // the normal distribution's 97.5th percentile
  const auto nn = static_cast<double>(n);
  const double p = static_cast<double>(std::min(k, n)) / nn;
  const double denom = 1 + kZ * kZ / nn;
  const double centre = (p + kZ * kZ / (2 * nn)) / denom;
  const double half = kZ * std::sqrt(p * (1 - p) / nn + kZ * kZ / (4 * nn * nn)) / denom;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace perfprobe::stats
