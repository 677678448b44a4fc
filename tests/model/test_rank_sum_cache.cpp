// The general counting's per-thread cache of rank sums (transfers.cpp, RankSumEntry) must return
// exactly what the computation returns: its key has to hold everything a rank's sums depend on.
// Checked on the mapper's own imperfect row-stationary mappings of full-size layers (too large for
// the walker) and on an unconstrained space: counts with a warm cache, filled by the other
// mappings evaluated in another order, equal counts computed with the cache off.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "../mapping/fixtures.hpp"
#include "coda/common/rng.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/evaluate.hpp"
#include "coda/model/transfers.hpp"

namespace coda {
namespace {

struct CacheOff {
  CacheOff() { model::set_rank_sum_cache(false); }
  ~CacheOff() { model::set_rank_sum_cache(true); }
};

TEST(RankSumCache, WarmCacheEqualsComputation) {
  struct Case {
    const char* arch;
    const char* layer;
    const char* dataflow;
    int64_t batch;
  };
  const Case cases[] = {
      {"eyeriss", "alexnet:conv1", "rs", 4},     {"eyeriss", "alexnet:conv2", "rs", 4},
      {"eyeriss", "alexnet:conv3", "rs", 4},     {"eyeriss", "alexnet:conv5", "rs", 4},
      {"eyeriss-256", "vgg16:conv1_2", "rs", 1}, {"eyeriss", "mobilenet_v1:conv_dw2", "rs", 1},
      {"simba-like", "alexnet:conv2", "any", 1}};
  int compared = 0;
  for (const auto& c : cases) {
    auto b = testing::bind_layer(c.arch, c.layer, c.batch);
    mapping::Mapspace ms(b.problem, b.machine,
                         mapping::dataflow_constraints(c.dataflow, b.problem, b.machine));
    const model::Evaluator eval(b.problem, b.machine);
    std::vector<mapping::Mapping> maps;
    std::vector<model::Counts> reference;
    model::Result r;
    Rng rng(5);
    {
      CacheOff off;
      for (int tries = 0; tries < 20000 && maps.size() < 60; ++tries) {
        mapping::Point pt;
        if (!ms.sample(rng, pt)) continue;
        auto map = ms.to_mapping(pt);
        eval(map, r);
        if (!r.valid) continue;
        maps.push_back(std::move(map));
        reference.push_back(r.counts);
      }
    }
    ASSERT_GE(maps.size(), 20u) << c.arch << " " << c.layer;
    // Warm the cache in reverse order, then compare in forward order (every lookup after the first
    // pass can hit an entry another mapping left).
    for (size_t k = maps.size(); k-- > 0;) eval(maps[k], r);
    for (size_t k = 0; k < maps.size(); ++k) {
      eval(maps[k], r);
      ASSERT_TRUE(r.valid);
      EXPECT_EQ(r.counts, reference[k]) << c.arch << " " << c.layer << " " << c.dataflow << " mapping " << k;
      ++compared;
    }
  }
  EXPECT_GE(compared, 140);
}

}  // namespace
}  // namespace coda
