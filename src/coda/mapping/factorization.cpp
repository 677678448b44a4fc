#include "coda/mapping/factorization.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "coda/common/checked.hpp"

namespace coda::mapping {

std::vector<std::pair<int64_t, int>> prime_factors(int64_t n) {
  if (n < 1) throw std::invalid_argument("prime_factors: n must be >= 1, got " + std::to_string(n));
  std::vector<std::pair<int64_t, int>> out;
  for (int64_t p = 2; p <= n / p; ++p) {
    if (n % p != 0) continue;
    int e = 0;
    while (n % p == 0) {
      n /= p;
      ++e;
    }
    out.emplace_back(p, e);
  }
  if (n > 1) out.emplace_back(n, 1);
  return out;
}

std::vector<int64_t> divisors(int64_t n) {
  std::vector<int64_t> out{1};
  for (const auto& [p, e] : prime_factors(n)) {
    const size_t existing = out.size();
    int64_t power = 1;
    for (int i = 0; i < e; ++i) {
      power *= p;
      for (size_t j = 0; j < existing; ++j) out.push_back(out[j] * power);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// C(n, r) for the small arguments that occur here (exponents <= 62, slots <= a few dozen), exact:
// the running product C(n-r+i, i) is always an integer.
int64_t binomial(int64_t n, int64_t r) {
  if (r < 0 || r > n) return 0;
  r = std::min(r, n - r);
  int64_t c = 1;
  for (int64_t i = 1; i <= r; ++i) c = checked_mul(c, n - r + i, "a mapspace size") / i;
  return c;
}

}  // namespace

int64_t count_factorizations(int64_t n, int k) {
  if (k < 1) throw std::invalid_argument("count_factorizations: k must be >= 1");
  int64_t count = 1;
  for (const auto& [p, e] : prime_factors(n)) count = checked_mul(count, binomial(e + k - 1, k - 1), "a mapspace size");
  return count;
}

bool for_each_factorization(int64_t n, int k, const std::function<bool(std::span<const int64_t>)>& visit) {
  if (k < 1) throw std::invalid_argument("for_each_factorization: k must be >= 1");
  const std::vector<int64_t> divs = divisors(n);
  std::vector<int64_t> tuple(static_cast<size_t>(k), 1);
  // Depth-first: slot i takes a divisor of what the slots before it left; the last slot takes the
  // rest. Divisors ascending gives lexicographic order.
  std::function<bool(int, int64_t)> rec = [&](int slot, int64_t rest) -> bool {
    if (slot == k - 1) {
      tuple[static_cast<size_t>(slot)] = rest;
      return visit(tuple);
    }
    for (int64_t d : divs) {
      if (d > rest) break;
      if (rest % d != 0) continue;
      tuple[static_cast<size_t>(slot)] = d;
      if (!rec(slot + 1, rest / d)) return false;
    }
    return true;
  };
  return rec(0, n);
}

FactorizationSampler::FactorizationSampler(int64_t n, int k) : n_(n), k_(k), primes_(prime_factors(n)) {
  if (k < 1) throw std::invalid_argument("FactorizationSampler: k must be >= 1");
}

void FactorizationSampler::sample(Rng& rng, std::span<int64_t> out) const {
  for (auto& f : out) f = 1;
  for (const auto& [p, e] : primes_) {
    // A uniform composition of e into k parts is a uniform choice of the k-1 bar positions among
    // e+k-1 places; selection sampling (Knuth, TAOCP vol. 2, Algorithm S) draws it in one pass.
    const int64_t places = e + k_ - 1;
    int64_t bars_left = k_ - 1;
    int slot = 0;
    for (int64_t i = 0; i < places; ++i) {
      if (bars_left > 0 && static_cast<int64_t>(rng.below(static_cast<uint64_t>(places - i))) < bars_left) {
        --bars_left;
        ++slot;
      } else {
        out[static_cast<size_t>(slot)] *= p;
      }
    }
  }
}

}  // namespace coda::mapping
