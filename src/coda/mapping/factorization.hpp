#pragma once
// Splitting a loop bound into the factors of several loop slots (one slot per level and per
// temporal / spatial-X / spatial-Y position). The mapspace (design.md §3) is, per dimension, the set
// of ordered factorizations of its bound; the mapper enumerates, counts and samples them here.
//
// An ordered factorization of n into k slots is a k-tuple of positive integers whose product is n.
// With n = p1^e1 ... pr^er, choosing the tuple is choosing, independently for each prime, how its
// exponent e_i is split among the k slots: C(e_i + k - 1, k - 1) ways (stars and bars). Hence
//   count(n, k) = prod_i C(e_i + k - 1, k - 1)
// and a uniform sample is one uniform composition of each exponent.
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "coda/common/rng.hpp"

namespace coda::mapping {

/// Prime factorization of n >= 1 as (prime, exponent), primes ascending. n = 1 gives {}.
std::vector<std::pair<int64_t, int>> prime_factors(int64_t n);

/// Divisors of n >= 1, ascending.
std::vector<int64_t> divisors(int64_t n);

/// Number of ordered factorizations of n into k >= 1 slots (throws OverflowError past 2^63).
int64_t count_factorizations(int64_t n, int k);

/// Calls `visit` once per ordered factorization of n into k slots, in lexicographic order of the
/// tuple (slot 0 most significant). The span is valid only during the call. `visit` returns false
/// to stop early; the function returns false if it was stopped.
bool for_each_factorization(int64_t n, int k, const std::function<bool(std::span<const int64_t>)>& visit);

/// Precomputed data to sample factorizations of one n into k slots uniformly, without allocation.
class FactorizationSampler {
 public:
  FactorizationSampler(int64_t n, int k);
  int slots() const { return k_; }
  int64_t n() const { return n_; }
  /// Writes a uniformly drawn ordered factorization into out (out.size() == slots()).
  void sample(Rng& rng, std::span<int64_t> out) const;

 private:
  int64_t n_;
  int k_;
  std::vector<std::pair<int64_t, int>> primes_;
};

}  // namespace coda::mapping
