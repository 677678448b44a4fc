// The O(loops) walk for imperfect nests (model/mixed_counts) against the general counting
// (model/transfers: count_transfers), which the oracle tests check against the exhaustive walker
// on small problems. Here the layers are real (strided, depthwise, pointwise, FC) and the nests
// are drawn from mapspaces with imperfect factors allowed everywhere (and the row-stationary
// mapspace as the mapper draws it), so the two paths are compared on full-size imperfect nests for
// every tensor, level, multicast / reduction group and mode, with the rank-sum caches warm and off.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "../mapping/fixtures.hpp"
#include "coda/common/rng.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/counts.hpp"
#include "coda/model/mixed_counts.hpp"
#include "coda/model/nest.hpp"
#include "coda/model/perfect_counts.hpp"
#include "coda/model/transfers.hpp"
#include "describe_nest.hpp"

namespace coda {
namespace {

struct Tally {
  int64_t compared = 0;  // counts where the walk applied and was compared
  int64_t declined = 0;  // counts where it declined (returned -1)
  int64_t nests = 0;     // imperfect nests compared (perfect ones are compared too)
};

void compare_nest(const workload::Problem& p, const model::Machine& m, const model::Nest& n,
                  const std::string& where, Tally& tally) {
  // Perfect nests too: compute_counts falls back on the walk where a perfect shortcut declines.
  bool perfect = true;
  for (int d = 0; d < n.num_dims; ++d) perfect &= n.perfect[size_t(d)];
  if (!perfect) ++tally.nests;
  model::NestTables tb;
  model::build_tables(n, tb);
  const int L = n.num_levels;
  for (int t = 0; t < p.num_tensors(); ++t) {
    model::Ranks ranks;
    model::build_ranks(p, t, ranks);
    for (int child = 0; child <= L; ++child) {
      std::vector<uint64_t> groups{0};
      for (int parent = 0; parent < child; ++parent)
        groups.push_back(model::group_mask(p, m, n, t, parent, child));
      for (uint64_t g : groups)
        for (auto mode :
             {model::TransferMode::Fill, model::TransferMode::Drain, model::TransferMode::Stream}) {
          model::set_rank_sum_cache(true);
          const int64_t warm = model::mixed_count(ranks, n, tb, child, g, mode);
          if (warm < 0) {
            ++tally.declined;
            continue;
          }
          model::set_rank_sum_cache(false);
          const int64_t cold = model::mixed_count(ranks, n, tb, child, g, mode);
          const int64_t general = model::count_transfers(ranks, n, child, g, mode);
          model::set_rank_sum_cache(true);
          ++tally.compared;
          ASSERT_EQ(cold, general) << where << " tensor " << p.tensors[size_t(t)].name << " child " << child
                                   << " group " << g << " mode " << int(mode) << "\n"
                                   << testing::describe(p, n);
          ASSERT_EQ(warm, cold) << where << " (cached sums) tensor " << p.tensors[size_t(t)].name << " child "
                                << child << " group " << g << " mode " << int(mode) << "\n"
                                << testing::describe(p, n);
        }
    }
  }
}

TEST(MixedCounts, EqualTheGeneralCountingOnImperfectMapperNests) {
  struct Case {
    const char* arch;
    const char* layer;
    const char* dataflow;
    bool imperfect_everywhere;  // false: the dataflow's own mapspace (row stationary folds P)
  };
  const Case cases[] = {
      {"eyeriss", "alexnet:conv1", "rs", false},
      {"eyeriss", "alexnet:conv2", "rs", false},
      {"eyeriss", "alexnet:conv3", "rs", false},
      {"eyeriss", "alexnet:conv5", "rs", true},
      {"eyeriss-256", "alexnet:conv1", "ws", true},
      {"eyeriss-256", "alexnet:conv2", "os_a", true},
      {"eyeriss-256", "alexnet:conv4", "nlr", true},
      {"eyeriss-256", "resnet50:conv1", "rs", true},
      {"eyeriss-256", "mobilenet_v1:conv_dw2", "os_c", true},
      {"eyeriss-256", "mobilenet_v1:conv_pw3", "os_b", true},
      {"eyeriss-256", "alexnet:fc6", "ws", true},
      {"shidiannao", "alexnet:conv1", "any", true},
      {"simba-like", "resnet50:conv1", "any", true},
      {"tpu-v1", "alexnet:conv2", "any", true},
  };
  Tally tally;
  for (const auto& c : cases) {
    auto b = testing::bind_layer(c.arch, c.layer, 2);
    auto cons = mapping::dataflow_constraints(c.dataflow, b.problem, b.machine);
    if (c.imperfect_everywhere) cons.set_imperfect(true);
    mapping::Mapspace ms(b.problem, b.machine, cons);
    Rng rng(11);
    int drawn = 0;
    const int64_t before = tally.nests;
    for (int tries = 0; tries < 20000 && drawn < 60; ++tries) {
      mapping::Point pt;
      if (!ms.sample(rng, pt)) continue;
      ++drawn;
      auto map = ms.to_mapping(pt);
      model::Nest n;
      ASSERT_EQ(model::build_nest(b.problem, map, b.machine.num_levels, n), "");
      compare_nest(b.problem, b.machine, n,
                   fmt::format("{} {} {} draw {}", c.arch, c.layer, c.dataflow, drawn), tally);
      if (::testing::Test::HasFatalFailure()) return;
    }
    EXPECT_GT(tally.nests - before, 10)
        << c.arch << " " << c.layer << " " << c.dataflow << ": too few imperfect nests";
  }
  // The walk must cover the mapper's imperfect nests, or the speed it buys is not there.
  EXPECT_GT(tally.compared, 20 * tally.declined)
      << tally.compared << " compared, " << tally.declined << " declined";
  std::printf("mixed-count walk: %lld counts compared on %lld imperfect nests, %lld declined\n",
              (long long)tally.compared, (long long)tally.nests, (long long)tally.declined);
}

}  // namespace
}  // namespace coda
