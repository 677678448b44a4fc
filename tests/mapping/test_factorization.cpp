#include "coda/mapping/factorization.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "coda/common/error.hpp"

namespace coda::mapping {
namespace {

TEST(Factorization, PrimeFactorsAndDivisors) {
  using PF = std::vector<std::pair<int64_t, int>>;
  EXPECT_EQ(prime_factors(1), PF{});
  EXPECT_EQ(prime_factors(96), (PF{{2, 5}, {3, 1}}));
  EXPECT_EQ(prime_factors(97), (PF{{97, 1}}));
  EXPECT_EQ(prime_factors(1000000007LL * 2), (PF{{2, 1}, {1000000007LL, 1}}));
  EXPECT_EQ(divisors(12), (std::vector<int64_t>{1, 2, 3, 4, 6, 12}));
  EXPECT_EQ(divisors(1), (std::vector<int64_t>{1}));
  EXPECT_THROW(prime_factors(0), std::invalid_argument);
}

TEST(Factorization, CountMatchesEnumerationAndProductsAreExact) {
  for (int64_t n : {1, 2, 7, 12, 16, 27, 55, 96, 224, 384, 1000}) {
    for (int k = 1; k <= 5; ++k) {
      int64_t seen = 0;
      std::vector<int64_t> prev;
      for_each_factorization(n, k, [&](std::span<const int64_t> t) {
        int64_t prod = 1;
        for (int64_t f : t) prod *= f;
        EXPECT_EQ(prod, n);
        std::vector<int64_t> cur(t.begin(), t.end());
        EXPECT_LT(prev, cur) << "not strictly lexicographic";  // also proves there are no duplicates
        prev = cur;
        ++seen;
        return true;
      });
      EXPECT_EQ(seen, count_factorizations(n, k)) << "n=" << n << " k=" << k;
    }
  }
  // 2^5 * 3 into 3 slots: C(7,2) * C(3,2) = 21 * 3.
  EXPECT_EQ(count_factorizations(96, 3), 63);
}

TEST(Factorization, EarlyStop) {
  int calls = 0;
  EXPECT_FALSE(for_each_factorization(64, 4, [&](std::span<const int64_t>) { return ++calls < 5; }));
  EXPECT_EQ(calls, 5);
}

TEST(Factorization, CountOverflowIsReported) {
  // 2^62 split into 200 slots: C(261, 199) is far beyond 2^63.
  EXPECT_THROW(count_factorizations(int64_t{1} << 62, 200), OverflowError);
}

TEST(Factorization, SamplerIsUniformAndDeterministic) {
  const int64_t n = 24;
  const int k = 3;
  FactorizationSampler sampler(n, k);
  const int64_t total = count_factorizations(n, k);  // C(5,2) * C(3,2) = 30
  ASSERT_EQ(total, 30);
  Rng rng(42);
  std::map<std::vector<int64_t>, int> freq;
  const int draws = 60000;
  int64_t buf[3];
  for (int i = 0; i < draws; ++i) {
    sampler.sample(rng, buf);
    EXPECT_EQ(buf[0] * buf[1] * buf[2], n);
    ++freq[{buf[0], buf[1], buf[2]}];
  }
  EXPECT_EQ(static_cast<int64_t>(freq.size()), total);
  // Expected 2000 per tuple; sd ~44. A 6-sigma window fails only for a biased sampler.
  for (const auto& [t, c] : freq) {
    EXPECT_GT(c, 2000 - 270);
    EXPECT_LT(c, 2000 + 270);
  }
  Rng a(7), b(7);
  int64_t x[3], y[3];
  for (int i = 0; i < 100; ++i) {
    sampler.sample(a, x);
    sampler.sample(b, y);
    EXPECT_TRUE(x[0] == y[0] && x[1] == y[1] && x[2] == y[2]);
  }
}

TEST(Rng, FixedSequenceAndBounds) {
  // Pin the generator: a change would silently change every seeded mapper result.
  // Values checked against an independent Python transcription of SplitMix64 + xoshiro256**.
  Rng r(0);
  EXPECT_EQ(r.next(), 11091344671253066420ULL);
  EXPECT_EQ(r.next(), 13793997310169335082ULL);
  EXPECT_EQ(r.next(), 1900383378846508768ULL);
  Rng r3(1);
  EXPECT_NE(r3.next(), 11091344671253066420ULL);
  Rng s(123);
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = s.between(-3, 5);
    EXPECT_GE(v, -3);
    EXPECT_LE(v, 5);
    const double u = s.uniform();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace coda::mapping
