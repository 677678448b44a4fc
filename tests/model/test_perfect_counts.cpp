// The perfect-nest shortcuts (model/perfect_counts) against the general counting
// (model/transfers: count_transfers, tile_footprint), which the oracle tests check against the
// exhaustive walker. The oracle can only walk small problems; here the layers are real (strided,
// depthwise, pointwise, FC) and the mappings are drawn from the mapper's own mapspaces, so the two
// counting paths are compared on the nests the mapper actually evaluates, for every tensor, level,
// multicast/reduction group and mode.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "../mapping/fixtures.hpp"
#include "coda/common/rng.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/counts.hpp"
#include "coda/model/nest.hpp"
#include "coda/model/perfect_counts.hpp"
#include "coda/model/transfers.hpp"
#include "describe_nest.hpp"

namespace coda {
namespace {

struct Tally {
  int64_t compared = 0;   // counts where the shortcut applied and was compared
  int64_t declined = 0;   // counts where it declined (returned -1)
  int64_t imperfect = 0;  // nests with an imperfect factor: the callers never take the shortcut
};

void compare_nest(const workload::Problem& p, const model::Machine& m, const model::Nest& n,
                  const std::string& where, Tally& tally) {
  // Like compute_counts and the capacity check, only all-perfect nests take the shortcuts.
  for (int d = 0; d < n.num_dims; ++d)
    if (!n.perfect[size_t(d)]) {
      ++tally.imperfect;
      return;
    }
  model::NestTables tb;
  model::build_tables(n, tb);
  const int L = n.num_levels;
  for (int t = 0; t < p.num_tensors(); ++t) {
    model::Ranks ranks;
    model::build_ranks(p, t, ranks);
    for (int child = 0; child <= L; ++child) {
      model::RankLengths len;
      if (!model::rank_lengths(ranks, n, tb, child, len)) {
        ++tally.declined;
        continue;
      }
      if (child < L) {
        ASSERT_EQ(len.size, model::tile_footprint(ranks, n, child))
            << where << " tensor " << t << " level " << child;
      }
      // Every group a parent level above the child can form, and none.
      std::vector<uint64_t> groups{0};
      for (int parent = 0; parent < child; ++parent)
        groups.push_back(model::group_mask(p, m, n, t, parent, child));
      for (uint64_t g : groups)
        for (auto mode :
             {model::TransferMode::Fill, model::TransferMode::Drain, model::TransferMode::Stream}) {
          const int64_t fast =
              model::perfect_count(ranks, n, tb, len, child, g,
                                   mode == model::TransferMode::Drain ? model::TransferMode::Fill : mode);
          if (fast < 0) {
            ++tally.declined;
            continue;
          }
          ++tally.compared;
          ASSERT_EQ(fast, model::count_transfers(ranks, n, child, g, mode))
              << where << " tensor " << p.tensors[size_t(t)].name << " child " << child << " group " << g
              << " mode " << int(mode) << "\n"
              << testing::describe(p, n);
        }
    }
  }
}

TEST(PerfectCounts, EqualTheGeneralCountingOnMapperNests) {
  struct Case {
    const char* arch;
    const char* layer;
    const char* dataflow;
  };
  const Case cases[] = {
      {"eyeriss", "alexnet:conv1", "rs"},
      {"eyeriss", "alexnet:conv3", "rs"},
      {"eyeriss-256", "alexnet:conv1", "ws"},
      {"eyeriss-256", "alexnet:conv2", "os_a"},
      {"eyeriss-256", "alexnet:conv4", "nlr"},
      {"eyeriss-256", "resnet50:conv1", "rs"},
      {"eyeriss-256", "mobilenet_v1:conv_dw2", "os_c"},
      {"eyeriss-256", "mobilenet_v1:conv_pw3", "os_b"},
      {"eyeriss-256", "alexnet:fc6", "ws"},
      {"shidiannao", "alexnet:conv1", "any"},
      {"simba-like", "resnet50:conv1", "any"},
      {"tpu-v1", "alexnet:conv1", "any"},
  };
  Tally tally;
  for (const auto& c : cases) {
    auto b = testing::bind_layer(c.arch, c.layer, 2);
    mapping::Mapspace ms(b.problem, b.machine,
                         mapping::dataflow_constraints(c.dataflow, b.problem, b.machine));
    Rng rng(7);
    int drawn = 0;
    for (int tries = 0; tries < 20000 && drawn < 150; ++tries) {
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
    EXPECT_GT(drawn, 20) << c.arch << " " << c.layer << " " << c.dataflow;
  }
  // The shortcut must cover the mapper's nests, or the speed it buys is not there.
  EXPECT_GT(tally.compared, 20 * tally.declined)
      << tally.compared << " compared, " << tally.declined << " declined";
  std::printf("perfect-count shortcut: %lld compared, %lld declined, %lld imperfect nests skipped\n",
              (long long)tally.compared, (long long)tally.declined, (long long)tally.imperfect);
}

}  // namespace
}  // namespace coda
