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

// A dataflow switching cost (arch `dataflow_switch`) makes the per-layer choice a sequence
// problem: with a fake mapper whose best dataflow alternates layer by layer, free switching follows
// the alternation, and a switch dearer than the alternation saves keeps one dataflow throughout.
TEST(Network, DataflowSwitchingCostIsMinimisedOverTheSequence) {
  auto a = io::load_architecture("eyeriss-256");
  auto net = workload::build_network(io::load_network_spec("alexnet"), 1);
  auto alternating = [](const workload::Problem& p, const model::Machine& m, const std::string& df) {
    auto o = random_search(p, m, df);
    o.result.energy_pj = 1000;
    o.result.cycles = 100;
    // Layers whose name ends in an odd digit (conv1, conv3, conv5, fc7) prefer "a", the others "b".
    const bool odd = p.name.back() % 2 == 1;
    if ((df == "a") != odd) o.result.energy_pj += 10;
    return o;
  };
  network::Options opt;
  opt.dataflows = {"a", "b"};
  opt.keep_on_chip = false;  // the fake energies are too small to subtract on-chip savings from
  auto free_run = network::evaluate(net, a, model::library_for(a), opt, alternating);
  std::string seq;
  double free_energy = 0;
  for (const auto& l : free_run.layers)
    if (l.mapped) {
      seq += l.dataflow;
      free_energy += l.energy_pj;
      EXPECT_DOUBLE_EQ(l.energy_pj, 1000) << l.name;  // each layer's best
    }
  EXPECT_NE(seq.find("ab"), std::string::npos) << seq;  // the best alternates somewhere
  EXPECT_NE(seq.find("ba"), std::string::npos) << seq;

  a.dataflow_switch_energy_pj = 25;  // dearer than the 10 pJ a layer saves by switching
  auto costly = network::evaluate(net, a, model::library_for(a), opt, alternating);
  std::string seq2;
  double energy = 0;
  for (const auto& l : costly.layers)
    if (l.mapped) {
      seq2 += l.dataflow;
      energy += l.energy_pj;
    }
  EXPECT_EQ(seq2.find_first_not_of(seq2[0]), std::string::npos) << seq2;  // one dataflow throughout
  // Optimal: no constant sequence nor any other costs less (brute force over all 2^8 sequences).
  const size_t n = seq2.size();
  double best = 1e300;
  std::vector<bool> odd;
  for (const auto& l : costly.layers)
    if (l.mapped) odd.push_back(l.name.back() % 2 == 1);
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    double e = 0;
    for (size_t j = 0; j < n; ++j) {
      const bool is_a = (mask >> j) & 1u;
      e += 1000 + (is_a != odd[j] ? 10 : 0);
      if (j > 0 && is_a != bool((mask >> (j - 1)) & 1u)) e += 25;
    }
    best = std::min(best, e);
  }
  EXPECT_DOUBLE_EQ(energy, best);
  EXPECT_DOUBLE_EQ(costly.energy_pj - free_run.energy_pj, energy - free_energy);

  a.dataflow_switch_energy_pj = 4;  // cheaper than the 10 pJ saved: switching pays
  auto cheap = network::evaluate(net, a, model::library_for(a), opt, alternating);
  int switches = 0;
  for (const auto& l : cheap.layers)
    if (l.mapped && l.note.rfind("dataflow switch", 0) == 0) ++switches;
  EXPECT_GT(switches, 0);
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
