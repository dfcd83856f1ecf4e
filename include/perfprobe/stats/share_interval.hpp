// How sure a share of samples is: k of n samples fell in a function, and the true share of its time
// lies in an interval that is wide when n is small (2 samples at 50% say little).
#pragma once

#include <cstdint>

namespace perfprobe::stats {

struct ShareInterval {
  double low = 0;   // fraction in [0, 1]
  double high = 1;  // fraction in [0, 1]
};

// The Wilson score interval at 95% for k successes in n trials: unlike the normal approximation it
// stays inside [0, 1] and is honest at k = 0, k = n and small n. n = 0 gives [0, 1].
[[nodiscard]] ShareInterval share_interval(std::uint64_t k, std::uint64_t n);

}  // namespace perfprobe::stats
