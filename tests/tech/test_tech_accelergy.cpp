// Accelergy ERT/ART import (versions 0.3 and 0.4) and coda -> ERT/ART -> coda round trip.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "coda/common/error.hpp"
#include "coda/tech/library.hpp"

using namespace coda::tech;

namespace {

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(CODA_BINARY_DIR) + "/tech_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path) << text;
  return path;
}

ComponentDesc comp(const std::string& name, const std::string& cls, int64_t words = 0, int64_t block = 1) {
  ComponentDesc d;
  d.name = name;
  d.cls = cls;
  d.capacity_words = words;
  d.block_words = block;
  d.word_bits = 16;
  if (cls == "wire") d.wire_mm = 0.3;
  return d;
}

// An ERT in the layout Accelergy 0.4 writes (energies in pJ per action).
const char* kErt04 =
    "ERT:\n"
    "    version: '0.4'\n"
    "    tables:\n"
    "      - name: system_top_level.DRAM[1..1]\n"
    "        actions:\n"
    "          - name: read\n"
    "            arguments: {global_cycle_seconds: 1e-09, action_latency_cycles: 1}\n"
    "            energy: 512.0\n"
    "          - name: write\n"
    "            arguments: {global_cycle_seconds: 1e-09, action_latency_cycles: 1}\n"
    "            energy: 512.0\n"
    "          - name: update\n"
    "            arguments: {global_cycle_seconds: 1e-09, action_latency_cycles: 1}\n"
    "            energy: 512.0\n"
    "      - name: system_top_level.shared_glb[1..1]\n"
    "        actions:\n"
    "          - {name: write, arguments: {}, energy: 14.137929}\n"
    "          - {name: read, arguments: {}, energy: 18.183829}\n"
    "          - {name: leak, arguments: {global_cycle_seconds: 5e-09}, energy: 0.02826}\n"
    "          - {name: update, arguments: {}, energy: 14.137929}\n"
    "      - name: system_top_level.mac[1..168]\n"
    "        actions:\n"
    "          - {name: compute, arguments: {}, energy: 0.207692}\n"
    "          - {name: leak, arguments: {}, energy: 0.002374}\n";

// Accelergy 0.3: several entries per action with different arguments, null arguments, idle.
const char* kErt03 =
    "ERT:\n"
    "  version: 0.3\n"
    "  tables:\n"
    "  - name: System.ws.PE[0..15].PEWeightBuffer[0..3]\n"
    "    actions:\n"
    "    - name: read\n"
    "      arguments: {address_delta: 0, data_delta: 0}\n"
    "      energy: 0.055\n"
    "    - name: read\n"
    "      arguments: {address_delta: 1, data_delta: 1}\n"
    "      energy: 0.237\n"
    "    - name: write\n"
    "      arguments: {address_delta: 1, data_delta: 0}\n"
    "      energy: 0.098\n"
    "    - name: idle\n"
    "      arguments: null\n"
    "      energy: 0.018\n"
    "  - name: System.ws.PE[0..15].PEWeightRegs[0..15]\n"
    "    actions:\n"
    "    - {name: access, arguments: null, energy: 0.009}\n"
    "  - name: simple.PE.MAC\n"
    "    actions:\n"
    "    - {name: mac_random, arguments: null, energy: 2.2}\n"
    "    - {name: mac_reused, arguments: null, energy: 1.877}\n"
    "    - {name: mac_gated, arguments: null, energy: 0.103}\n";

}  // namespace

TEST(TechAccelergy, ImportErt04GivesItsEnergiesBack) {
  Library lib = Library::builtin(Model::Horowitz45);
  lib.load_accelergy_ert(temp_file("a.ERT.yaml", kErt04));
  ComponentDesc dram = comp("DRAM", "dram");
  dram.word_bits = 64;
  const ComponentCost d = lib.price(dram);
  EXPECT_EQ(d.read_pj, 512.0);
  EXPECT_EQ(d.write_pj, 512.0);
  EXPECT_EQ(d.update_pj, 1024.0);  // Accelergy update (the write) + the read of the old value
  const ComponentCost g = lib.price(comp("shared_glb", "sram", 16384));
  EXPECT_EQ(g.read_pj, 18.183829);
  EXPECT_EQ(g.write_pj, 14.137929);
  EXPECT_DOUBLE_EQ(g.update_pj, 18.183829 + 14.137929);
  EXPECT_DOUBLE_EQ(g.leak_pj_per_cycle, 0.02826 / 5);  // 5 ns cycle -> per 1 ns reference cycle
  EXPECT_NE(g.source.find("a.ERT.yaml:15"), std::string::npos) << g.source;
  ComponentDesc m = comp("mac", "mac");
  m.operand_bits = 8;
  EXPECT_EQ(lib.price(m).op_pj, 0.207692);
  EXPECT_EQ(lib.price(m).leak_pj_per_cycle, 0.002374);
  // A block access is one Accelergy action: per word, the energy is divided by the block size.
  EXPECT_DOUBLE_EQ(lib.price(comp("shared_glb", "sram", 16384, 4)).read_pj, 18.183829 / 4);
  // Components not in the ERT keep the built-in price.
  EXPECT_EQ(lib.price(comp("other", "sram", 1024)).read_pj,
            Library::builtin(Model::Horowitz45).price(comp("other", "sram", 1024)).read_pj);
}

TEST(TechAccelergy, ImportErt03TakesTheLargestArgumentVariant) {
  Library lib = Library::builtin(Model::Eyeriss65);
  lib.load_accelergy_ert_text(kErt03, "b.ERT.yaml");
  const ComponentCost w = lib.price(comp("PEWeightBuffer", "regfile", 64));
  EXPECT_EQ(w.read_pj, 0.237);
  EXPECT_EQ(w.write_pj, 0.098);
  EXPECT_EQ(w.leak_pj_per_cycle, 0.018);
  const ComponentCost r = lib.price(comp("PEWeightRegs", "latch", 1));
  EXPECT_EQ(r.read_pj, 0.009);
  EXPECT_EQ(r.write_pj, 0.009);
  EXPECT_EQ(lib.price(comp("MAC", "mac")).op_pj, 2.2);  // mac_random, not reused/gated
}

TEST(TechAccelergy, ImportArt) {
  Library lib = Library::builtin(Model::Horowitz45);
  lib.load_accelergy_art(temp_file("a.ART.yaml",
                                   "ART:\n  version: 0.3\n  tables:\n"
                                   "  - name: simple_primitive.PE.MAC\n    area: 1239.5\n"
                                   "  - name: simple_primitive.GLB\n    area: 23027.4\n"));
  EXPECT_EQ(lib.price(comp("MAC", "mac")).area_um2, 1239.5);
  EXPECT_EQ(lib.price(comp("GLB", "sram", 2048)).area_um2, 23027.4);
}

TEST(TechAccelergy, RoundTripThroughErtAndArt) {
  for (Model model : {Model::Horowitz45, Model::Eyeriss65}) {
    const Library src = Library::builtin(model);
    ComponentDesc dram = comp("DRAM", "dram");
    dram.subclass = "hbm2";
    ComponentDesc fmac = comp("fpmac", "mac");
    fmac.subclass = "fp";
    const std::vector<ComponentDesc> comps{dram,
                                           comp("GLB", "sram", 65536, 4),
                                           comp("spad", "regfile", 224),
                                           comp("pipe", "latch", 2),
                                           fmac,
                                           comp("noc", "wire")};
    for (int node : {45, 22}) {
      Library dst = Library::builtin(model == Model::Horowitz45 ? Model::Eyeriss65 : Model::Horowitz45);
      dst.load_accelergy_ert_text(src.export_accelergy_ert(comps, node), "rt.ERT.yaml");
      dst.load_accelergy_art_text(src.export_accelergy_art(comps, node), "rt.ART.yaml");
      for (const ComponentDesc& d : comps) {
        const ComponentCost a = src.price(d, node);
        // The imported values are absolute: they do not depend on the node they are priced at.
        const ComponentCost b = dst.price(d, node);
        EXPECT_DOUBLE_EQ(a.read_pj, b.read_pj) << d.name;
        EXPECT_DOUBLE_EQ(a.write_pj, b.write_pj) << d.name;
        EXPECT_NEAR(a.update_pj, b.update_pj, 1e-12 * a.update_pj) << d.name;
        EXPECT_DOUBLE_EQ(a.op_pj, b.op_pj) << d.name;
        EXPECT_DOUBLE_EQ(a.hop_pj, b.hop_pj) << d.name;
        EXPECT_DOUBLE_EQ(a.leak_pj_per_cycle, b.leak_pj_per_cycle) << d.name;
        EXPECT_DOUBLE_EQ(a.area_um2, b.area_um2) << d.name;
      }
    }
  }
}

TEST(TechAccelergy, BadFilesAreInputErrors) {
  struct Case {
    std::string text, expect;
  };
  const Case cases[] = {
      {"tables: []\n", "missing top-level key 'ERT'"},
      {"ERT: {version: 0.4}\n", "key 'tables'"},
      {"ERT: {tables: [{name: a.b}]}\n", "key 'actions'"},
      {"ERT:\n  tables:\n  - name: a.b\n    actions:\n    - {name: read, energy: x}\n", "e.yaml:5"},
      {"ERT:\n  tables:\n  - name: a.b\n    actions:\n    - {name: read, energy: -2}\n", ">= 0 pJ"},
      {"ERT:\n  tables:\n  - name: a.b\n    actions:\n    - {name: read}\n", "key 'energy'"},
      {"ERT:\n  tables:\n  - name: a.b\n    actions:\n    - {name: read, arguments: 3, energy: 1}\n",
       "arguments"},
      {"ERT:\n  tables:\n  - name: 'a.b[1..2'\n    actions: []\n", "unbalanced"},
      {"ERT:\n  tables:\n  - name: 'a.'\n    actions: []\n", "no component name"},
      {"ERT:\n  tables:\n  - {name: x.buf, actions: []}\n  - {name: y.buf, actions: []}\n",
       "already has a table"},
      {"ERT:\n  tables:\n  - name: a.b\n    actions:\n    - {name: leak, arguments: {global_cycle_seconds: "
       "0}, "
       "energy: 1}\n",
       "global_cycle_seconds"},
      {"ERT: [\n", "malformed YAML"},
  };
  for (const Case& c : cases) {
    Library lib = Library::builtin(Model::Horowitz45);
    try {
      lib.load_accelergy_ert_text(c.text, "e.yaml");
      ADD_FAILURE() << "no error for: " << c.text;
    } catch (const coda::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(c.expect), std::string::npos) << c.text << " -> " << e.what();
    }
  }
  Library lib = Library::builtin(Model::Horowitz45);
  EXPECT_THROW(lib.load_accelergy_art_text("ART: {tables: [{name: a.b, area: -1}]}\n", "a.yaml"),
               coda::InputError);
  EXPECT_THROW(lib.load_accelergy_art_text("ART: {tables: [{name: a.b}]}\n", "a.yaml"), coda::InputError);
  EXPECT_THROW(lib.load_accelergy_ert("/nonexistent/x.yaml"), coda::InputError);
  // Export needs distinct names.
  EXPECT_THROW((void)lib.export_accelergy_ert({comp("a", "sram", 4), comp("a", "sram", 4)}, 45),
               coda::InputError);
  EXPECT_THROW((void)lib.export_accelergy_art({comp("", "sram", 4)}, 45), coda::InputError);
}
