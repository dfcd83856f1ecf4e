// Sorted blocks: every block is sorted and every value of a block is at most every value of the
// next one, so a value goes into the first block whose largest value is not below it.
#include "perfprobe/stats/order_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

namespace perfprobe::stats {

void OrderStatistics::insert(std::int64_t value) {
  ++size_;
  if (blocks_.empty()) {
    blocks_.push_back({value});
    return;
  }
  auto block = std::lower_bound(blocks_.begin(), blocks_.end(), value,
                                [](const std::vector<std::int64_t>& b, std::int64_t v) { return b.back() < v; });
  if (block == blocks_.end()) block = std::prev(blocks_.end());
  block->insert(std::upper_bound(block->begin(), block->end(), value), value);
  if (block->size() > 2 * kBlock) {
    std::vector<std::int64_t> upper(block->begin() + static_cast<std::ptrdiff_t>(kBlock), block->end());
    block->resize(kBlock);
    blocks_.insert(std::next(block), std::move(upper));
  }
}

void OrderStatistics::clear() noexcept {
  blocks_.clear();
  size_ = 0;
}

std::int64_t OrderStatistics::kth(std::size_t k) const {
  for (const auto& block : blocks_) {
    if (k < block.size()) return block[k];
    k -= block.size();
  }
  throw std::out_of_range("OrderStatistics::kth past the end");
}

std::size_t OrderStatistics::count_greater(std::int64_t value) const {
  std::size_t count = 0;
  // From the largest block down; a range-for would need std::views::reverse, which clang 14 with
  // libstdc++ 12 cannot compile.
  // NOLINTNEXTLINE(modernize-loop-convert)
  for (auto block = blocks_.rbegin(); block != blocks_.rend(); ++block) {
    if (block->front() > value) {
      count += block->size();
      continue;
    }
    count += static_cast<std::size_t>(block->end() - std::upper_bound(block->begin(), block->end(), value));
    break;
  }
  return count;
}

double OrderStatistics::percentile(double q, double divisor) const {
  if (size_ == 0) return 0;
  if (size_ == 1) return static_cast<double>(kth(0)) / divisor;
  const double rank = std::clamp(q, 0.0, 100.0) / 100.0 * static_cast<double>(size_ - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const double low = static_cast<double>(kth(lo)) / divisor;
  const double high = lo + 1 < size_ ? static_cast<double>(kth(lo + 1)) / divisor : low;
  return low + (high - low) * (rank - static_cast<double>(lo));
}

}  // namespace perfprobe::stats
