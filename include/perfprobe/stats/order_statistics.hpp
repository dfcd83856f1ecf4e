// A growing multiset of integers that answers "the k-th smallest" and "how many above x" without
// sorting everything again: the inter-token latencies of a live window (attach --serve), where
// every scrape wants exact percentiles of a set that only grows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace perfprobe::stats {

// Sorted blocks of bounded size (a B-tree of height two): insert costs a binary search and a move
// inside one block, a rank query a pass over the block sizes, so both stay far below a sort of
// the whole set at any size a run reaches (a million values are ~2,000 blocks).
class OrderStatistics {
 public:
  void insert(std::int64_t value);
  void clear() noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  // The k-th smallest value, k in [0, size()).
  [[nodiscard]] std::int64_t kth(std::size_t k) const;
  // How many values are greater than `value`.
  [[nodiscard]] std::size_t count_greater(std::int64_t value) const;
  // Percentile q in [0,100] of value / divisor, interpolated as stats::percentile does (type 7), so
  // that it equals stats::percentile over the values divided the same way; 0 when empty.
  [[nodiscard]] double percentile(double q, double divisor) const;

 private:
  static constexpr std::size_t kBlock = 512;  // a block splits in two halves beyond twice this
  std::vector<std::vector<std::int64_t>> blocks_;
  std::size_t size_ = 0;
};

}  // namespace perfprobe::stats
