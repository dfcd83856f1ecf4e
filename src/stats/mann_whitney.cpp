// The Mann-Whitney U test (Mann and Whitney 1947), one-sided. Rank-based: it asks whether values of
// one sample tend to be larger than the other's, without assuming normal data, and one slow run on a
// loaded CI machine moves it by one rank, not by its size (see docs/check.md for why not Welch's t).
#include <algorithm>
#include <cmath>
#include <map>

#include "perfprobe/stats/mann_whitney.hpp"

namespace perfprobe::stats {

namespace {

// Largest n1 + n2 for the exact distribution: the counts stay below 2^53 (C(40,20) ~ 1.4e11), so
// the polynomial recurrence below is exact in doubles.
constexpr std::size_t kExactLimit = 40;

// Number of arrangements giving each U, for sizes m and n: the coefficients of the Gaussian
// binomial [m+n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i).
std::vector<double> u_counts(std::size_t m, std::size_t n) {
  std::vector<double> p(m * n + 1, 0.0);
  p[0] = 1;
  for (std::size_t i = 1; i <= m; ++i) {
    for (std::size_t k = p.size(); k-- > n + i;) p[k] -= p[k - (n + i)];  // * (1 - q^(n+i))
    for (std::size_t k = i; k < p.size(); ++k) p[k] += p[k - i];          // / (1 - q^i)
  }
  return p;
}

}  // namespace

UTest mann_whitney_greater(const std::vector<double>& current, const std::vector<double>& baseline) {
  UTest t;
  const std::size_t n1 = current.size();
  const std::size_t n2 = baseline.size();
  if (n1 == 0 || n2 == 0) return t;
  bool ties = false;
  for (double c : current) {
    for (double b : baseline) {
      t.u += c > b ? 1.0 : c == b ? 0.5 : 0.0;
      ties = ties || c == b;
    }
  }
  std::map<double, std::size_t> groups;  // tie groups over both samples
  for (double v : current) ++groups[v];
  for (double v : baseline) ++groups[v];
  ties = ties || groups.size() < n1 + n2;
  if (!ties && n1 + n2 <= kExactLimit) {
    const auto counts = u_counts(n1, n2);
    double total = 0, tail = 0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
      total += counts[k];
      if (static_cast<double>(k) >= t.u) tail += counts[k];
    }
    t.p_value = tail / total;
    t.exact = true;
    return t;
  }
  const double n = static_cast<double>(n1 + n2);
  double tie_sum = 0;
  for (const auto& [v, c] : groups) tie_sum += std::pow(static_cast<double>(c), 3) - static_cast<double>(c);
  const double mu = static_cast<double>(n1 * n2) / 2;
  const double var = static_cast<double>(n1 * n2) / 12 * ((n + 1) - tie_sum / (n * (n - 1)));
  if (var <= 0) return t;  // every value equal: no evidence either way
  const double z = (t.u - mu - 0.5) / std::sqrt(var);
  t.p_value = 0.5 * std::erfc(z / std::sqrt(2.0));
  return t;
}

}  // namespace perfprobe::stats
