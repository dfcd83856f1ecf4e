// Sorting records that mostly arrive in order already.
#pragma once

#include <algorithm>

namespace perfprobe {

// Stable-sorts [first, last) by `earlier` unless it is in that order already. std::stable_sort checks
// nothing first: on the records of one perf ring, or of one thread, which come in time order, it
// would still do all its merges (n log n comparisons and a buffer of half the range).
template <typename It, typename Earlier>
void stable_sort_unless_sorted(It first, It last, Earlier earlier) {
  if (!std::is_sorted(first, last, earlier)) std::stable_sort(first, last, earlier);
}

}  // namespace perfprobe
