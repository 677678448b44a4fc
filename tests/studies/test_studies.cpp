// Structural facts the studies must reproduce whatever the search finds (the figures themselves
// depend on coda's mapper and are compared with the papers in docs/studies.md).
#include <gtest/gtest.h>

#include <cmath>

#include "../network/random_search.hpp"
#include "coda/studies/studies.hpp"

namespace coda {
namespace {

TEST(Studies, DataflowComparisonCoversSixDataflowsAndAddsUp) {
  auto rows = studies::dataflow_comparison(testing::random_search, {1});
  ASSERT_EQ(rows.size(), 12u);  // 6 dataflows x {CONV, FC}
  for (const auto& r : rows) {
    double sum = r.array_pj_per_mac + r.alu_pj_per_mac;
    for (double v : r.level_pj_per_mac) sum += v;
    EXPECT_NEAR(sum, r.total_pj_per_mac, 1e-9 * r.total_pj_per_mac) << r.dataflow << " " << r.layers;
    EXPECT_GT(r.total_pj_per_mac, 0);
    EXPECT_EQ(r.macs, r.layers == "CONV" ? 665784864 : 58621952) << r.dataflow;
    EXPECT_GT(r.dram_accesses_per_mac, 0);
  }
}

TEST(Studies, EyerissUsesThePublishedZeroFractions) {
  auto rows = studies::eyeriss_study(testing::random_search, false);
  ASSERT_EQ(rows.size(), 5u);  // AlexNet CONV1-5
  EXPECT_EQ(rows[0].layer, "conv1");
  EXPECT_DOUBLE_EQ(rows[2].input_zero_fraction, 0.725);
  for (const auto& r : rows) {
    EXPECT_LE(r.active_pes, 168);
    EXPECT_GT(r.active_pes, 0);
    EXPECT_NEAR(r.latency_ms, r.cycles / 200e6 * 1e3, 1e-9);
    EXPECT_GT(r.dram_mb, 0);
    EXPECT_GT(r.glb_mb, 0);
    EXPECT_EQ(r.batch, 4);
  }
}

TEST(Studies, SqueezeleratorHybridIsNeverSlowerThanEitherDataflow) {
  for (bool unlimited : {false, true}) {
    SCOPED_TRACE(unlimited ? "unlimited DRAM" : "16 GB/s DRAM");
    auto nets = studies::squeezelerator_study(testing::random_search, {"squeezenet1_1"}, 8, unlimited);
    ASSERT_EQ(nets.size(), 1u);
    const auto& s = nets[0];
    EXPECT_LE(s.hybrid_cycles, s.ws_cycles * (1 + 1e-12));
    EXPECT_LE(s.hybrid_cycles, s.os_cycles * (1 + 1e-12));
    double share = 0;
    for (const auto& [c, v] : s.mac_share) share += v;
    EXPECT_NEAR(share, 1.0, 1e-9);
    for (const auto& l : s.layers) {
      EXPECT_DOUBLE_EQ(l.best_cycles, std::min(l.ws_cycles, l.os_cycles)) << l.layer;
      EXPECT_EQ(l.best, l.ws_cycles <= l.os_cycles ? "ws" : "os") << l.layer;
    }
  }
}

}  // namespace
}  // namespace coda
