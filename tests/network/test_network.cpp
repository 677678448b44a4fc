// Network evaluation with a small deterministic random-search mapper standing in for coda's mapper
// (the network layer must not depend on how mappings are found).
#include <gtest/gtest.h>

#include <algorithm>

#include "coda/common/error.hpp"
#include "coda/common/rng.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/io/network_loader.hpp"
#include "coda/mapping/factorization.hpp"
#include "coda/model/bind.hpp"
#include "coda/network/evaluate.hpp"
#include "random_search.hpp"

namespace coda {
namespace {

using testing::random_search;

TEST(Network, AlexNetOnEyeriss) {
  auto a = io::load_architecture("eyeriss-256");
  auto net = workload::build_network(io::load_network_spec("alexnet"), 1);
  auto r = network::evaluate(net, a, model::library_for(a), {}, random_search);
  int mapped = 0, moved = 0;
  double e = 0, c = 0;
  for (const auto& l : r.layers) {
    mapped += l.mapped;
    moved += !l.mapped && l.energy_pj > 0;
    e += l.energy_pj;
    c += l.cycles;
    if (l.mapped) {
      EXPECT_TRUE(l.result.valid) << l.name;
      EXPECT_EQ(l.dataflow, "rs");
    }
  }
  EXPECT_EQ(mapped, 8);  // 5 CONV + 3 FC
  EXPECT_GE(moved, 3);   // pooling and LRN layers cost their data movement
  EXPECT_EQ(r.macs, 724406816);
  EXPECT_DOUBLE_EQ(r.energy_pj, e);
  EXPECT_DOUBLE_EQ(r.cycles, c);
  EXPECT_GT(r.seconds(), 0);
}

TEST(Network, IdenticalLayersAreMappedOnceAndPerLayerBestDataflowIsKept) {
  auto a = io::load_architecture("eyeriss-256");
  auto net = workload::build_network(io::load_network_spec("resnet18"), 1);
  int calls = 0;
  auto counting = [&calls](const workload::Problem& p, const model::Machine& m, const std::string& df) {
    ++calls;
    auto o = random_search(p, m, df);
    if (df == "slow") o.result.energy_pj *= 2;  // a worse candidate must never be chosen
    return o;
  };
  network::Options opt;
  opt.dataflows = {"slow", "fast"};
  auto r = network::evaluate(net, a, model::library_for(a), opt, counting);
  int mapped = 0, reused = 0;
  for (const auto& l : r.layers) {
    if (!l.mapped) continue;
    ++mapped;
    reused += l.same_as >= 0;
    EXPECT_EQ(l.dataflow, "fast") << l.name;
    EXPECT_EQ(l.candidates.size(), 2u);
  }
  EXPECT_GT(reused, 0);
  EXPECT_EQ(calls, 2 * (mapped - reused));
}

TEST(Network, UnmappableLayerNamesTheLayerAndTheReasons) {
  auto a = io::load_architecture("eyeriss");
  auto net = workload::build_network(io::load_network_spec("lenet5"), 1);
  auto never = [](const workload::Problem&, const model::Machine&, const std::string& df) {
    network::MapOutcome o;
    o.why = "nothing fits under " + df;
    return o;
  };
  try {
    network::evaluate(net, a, model::library_for(a), {}, never);
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nothing fits under rs"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("layer '"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace coda

namespace coda {
namespace {

TEST(Network, SmallOutputsStayOnChipForTheNextLayer) {
  // LeNet-5: c5 (FC, 120 outputs) -> tanh -> f6: the output fits Eyeriss's GLB and stays there.
  auto spec = io::load_network_spec("lenet5");
  auto net = workload::build_network(spec, 1);
  auto a = io::load_architecture("eyeriss");
  network::Options keep, spill;
  spill.keep_on_chip = false;
  auto rk = network::evaluate(net, a, model::library_for(a), keep, testing::random_search);
  auto rs = network::evaluate(net, a, model::library_for(a), spill, testing::random_search);
  double kept = 0;
  for (const auto& l : rk.layers) kept += l.kept_on_chip_words;
  EXPECT_GT(kept, 0);
  EXPECT_LT(rk.energy_pj, rs.energy_pj);
  EXPECT_LT(rk.dram_words, rs.dram_words);
  EXPECT_DOUBLE_EQ(rk.cycles, rs.cycles);
  for (const auto& l : rk.layers) {
    if (l.name.find("tanh") != std::string::npos) {
      EXPECT_EQ(l.energy_pj, 0) << l.name;  // fused into the producer
    }
  }
}

}  // namespace
}  // namespace coda
