// Built-in technology tables: Horowitz entries at their table points, interpolation, bit-width and
// node scaling, the Eyeriss normalised model, validation, and that every price is sane.
#include <gtest/gtest.h>

#include <cmath>

#include "coda/common/error.hpp"
#include "coda/tech/builtin_tables.hpp"
#include "coda/tech/library.hpp"
#include "coda/tech/scaling.hpp"

using namespace coda::tech;

namespace {

ComponentDesc arith(const std::string& cls, const std::string& sub, int bits) {
  ComponentDesc d;
  d.cls = cls;
  d.subclass = sub;
  d.operand_bits = bits;
  d.name = cls;
  return d;
}

ComponentDesc mem(const std::string& cls, int64_t words, int bits, int64_t block = 1) {
  ComponentDesc d;
  d.cls = cls;
  d.capacity_words = words;
  d.word_bits = bits;
  d.block_words = block;
  d.name = cls;
  return d;
}

const Library& H() {
  static const Library l = Library::builtin(Model::Horowitz45);
  return l;
}
const Library& E() {
  static const Library l = Library::builtin(Model::Eyeriss65);
  return l;
}

}  // namespace

TEST(TechHorowitz, ArithmeticExactAtTablePoints) {
  EXPECT_EQ(H().price(arith("adder", "int", 8)).op_pj, 0.03);
  EXPECT_EQ(H().price(arith("adder", "int", 16)).op_pj, 0.05);
  EXPECT_EQ(H().price(arith("adder", "", 32)).op_pj, 0.1);  // "" = int
  EXPECT_EQ(H().price(arith("multiplier", "int", 8)).op_pj, 0.2);
  EXPECT_EQ(H().price(arith("multiplier", "int", 32)).op_pj, 3.1);
  EXPECT_EQ(H().price(arith("adder", "fp", 16)).op_pj, 0.4);
  EXPECT_EQ(H().price(arith("adder", "fp", 32)).op_pj, 0.9);
  EXPECT_EQ(H().price(arith("multiplier", "fp", 16)).op_pj, 1.1);
  EXPECT_EQ(H().price(arith("multiplier", "fp", 32)).op_pj, 3.7);
  // Areas from the same talk.
  EXPECT_EQ(H().price(arith("adder", "int", 8)).area_um2, 36);
  EXPECT_EQ(H().price(arith("adder", "int", 16)).area_um2, 67);
  EXPECT_EQ(H().price(arith("adder", "int", 32)).area_um2, 137);
  EXPECT_EQ(H().price(arith("multiplier", "int", 8)).area_um2, 282);
  EXPECT_EQ(H().price(arith("multiplier", "int", 32)).area_um2, 3495);
  EXPECT_EQ(H().price(arith("adder", "fp", 16)).area_um2, 1360);
  EXPECT_EQ(H().price(arith("adder", "fp", 32)).area_um2, 4184);
  EXPECT_EQ(H().price(arith("multiplier", "fp", 16)).area_um2, 1640);
  EXPECT_EQ(H().price(arith("multiplier", "fp", 32)).area_um2, 7700);
}

TEST(TechHorowitz, MacIsMultiplyPlusAccumulate) {
  // int: 8b multiply + 16b add (full-width product accumulator); fp: same-width multiply + add.
  EXPECT_DOUBLE_EQ(H().price(arith("mac", "int", 8)).op_pj, 0.2 + 0.05);
  EXPECT_DOUBLE_EQ(H().price(arith("mac", "int", 16)).op_pj, tables::mult_pj(false, 16) + 0.1);
  EXPECT_DOUBLE_EQ(H().price(arith("mac", "fp", 32)).op_pj, 3.7 + 0.9);
  EXPECT_DOUBLE_EQ(H().price(arith("mac", "fp", 16)).area_um2, 1640 + 1360);
}

TEST(TechHorowitz, MultiplierQuadraticAdderLinearInBits) {
  const double m8 = H().price(arith("multiplier", "int", 8)).op_pj;
  const double m32 = H().price(arith("multiplier", "int", 32)).op_pj;
  // Outside the table: exactly quadratic.
  EXPECT_DOUBLE_EQ(H().price(arith("multiplier", "int", 4)).op_pj, m8 / 4);
  EXPECT_DOUBLE_EQ(H().price(arith("multiplier", "int", 64)).op_pj, m32 * 4);
  EXPECT_DOUBLE_EQ(H().price(arith("multiplier", "fp", 64)).op_pj, 3.7 * 4);
  EXPECT_DOUBLE_EQ(H().price(arith("multiplier", "int", 64)).area_um2, 3495.0 * 4);
  // Inside: the table's own exponent, which is close to 2 (0.2 -> 3.1 pJ over 4x bits).
  const double m16 = H().price(arith("multiplier", "int", 16)).op_pj;
  const double k = std::log(m16 / m8) / std::log(2.0);
  EXPECT_NEAR(k, 2.0, 0.05);
  EXPECT_GT(m16, m8);
  EXPECT_LT(m16, m32);
  // Adders: linear outside.
  EXPECT_DOUBLE_EQ(H().price(arith("adder", "int", 64)).op_pj, 0.2);
  EXPECT_DOUBLE_EQ(H().price(arith("adder", "int", 4)).op_pj, 0.015);
}

TEST(TechHorowitz, SramExactAtTablePoints) {
  // 64-bit words: capacity in bytes = words * 8.
  EXPECT_EQ(H().price(mem("sram", 1024, 64)).read_pj, 10);         // 8 KB
  EXPECT_EQ(H().price(mem("sram", 4 * 1024, 64)).read_pj, 20);     // 32 KB
  EXPECT_EQ(H().price(mem("sram", 128 * 1024, 64)).read_pj, 100);  // 1 MB
  EXPECT_EQ(H().price(mem("sram", 128 * 1024, 64)).write_pj, 100);
  EXPECT_EQ(H().price(mem("sram", 128 * 1024, 64)).update_pj, 200);  // read + write
}

TEST(TechHorowitz, SramMonotoneInCapacityAndLinearInBits) {
  double prev = 0;
  for (int64_t words = 1; words <= (int64_t{1} << 24); words *= 2) {
    const double e = H().price(mem("sram", words, 16)).read_pj;
    EXPECT_GT(e, prev) << words;
    EXPECT_TRUE(std::isfinite(e));
    prev = e;
  }
  // Between 8 KB and 32 KB, log-log: 16 KB = 10 * 2^(log 2 / log 4) = 10 * sqrt(2).
  EXPECT_NEAR(H().price(mem("sram", 2048, 64)).read_pj, 10 * std::sqrt(2.0), 1e-12);
  // Below 8 KB: square-root law from the 8 KB point.
  EXPECT_NEAR(H().price(mem("sram", 256, 64)).read_pj, 10 * std::sqrt(0.25), 1e-12);
  // Linear in the word width at fixed capacity (8 KB as 4096 x 16 b, 2048 x 32 b, 1024 x 64 b).
  const double e16 = H().price(mem("sram", 4096, 16)).read_pj;
  EXPECT_DOUBLE_EQ(e16, 2.5);
  EXPECT_DOUBLE_EQ(H().price(mem("sram", 2048, 32)).read_pj, 2 * e16);
  EXPECT_DOUBLE_EQ(H().price(mem("sram", 1024, 64)).read_pj, 4 * e16);
  // Per-word energy does not depend on the block size (linear in the access width).
  EXPECT_DOUBLE_EQ(H().price(mem("sram", 4096, 16, 4)).read_pj, e16);
  // Area and leakage are linear in bits.
  EXPECT_DOUBLE_EQ(H().price(mem("sram", 4096, 16)).area_um2 * 2, H().price(mem("sram", 8192, 16)).area_um2);
  EXPECT_NEAR(H().price(mem("sram", 1, 1)).area_um2, 0.346 / 0.7, 1e-12);
}

TEST(TechHorowitz, RegisterFileAndLatch) {
  const auto rf = H().price(mem("regfile", 256, 16));  // 512 B
  const auto sr = H().price(mem("sram", 256, 16));
  EXPECT_DOUBLE_EQ(rf.read_pj, sr.read_pj);  // same energy-capacity law
  EXPECT_DOUBLE_EQ(rf.area_um2, 256 * 16 * 4.522);
  EXPECT_DOUBLE_EQ(H().price(mem("latch", 256, 16)).area_um2, rf.area_um2 / 2);
  EXPECT_GT(rf.leak_pj_per_cycle, sr.leak_pj_per_cycle);
  // A 512 B register file costs about a 16-bit MAC, as in Eyeriss' normalised model.
  const double mac16 = H().price(arith("mac", "int", 16)).op_pj;
  EXPECT_GT(rf.read_pj / mac16, 0.5);
  EXPECT_LT(rf.read_pj / mac16, 2.0);
}

TEST(TechHorowitz, DramPerClass) {
  ComponentDesc d;
  d.cls = "dram";
  d.word_bits = 64;
  d.subclass = "ddr3";
  EXPECT_DOUBLE_EQ(H().price(d).read_pj, 2600);
  d.subclass = "ddr4";
  EXPECT_DOUBLE_EQ(H().price(d).read_pj, 1300);
  d.subclass = "lpddr4";
  EXPECT_DOUBLE_EQ(H().price(d).read_pj, 512);
  d.subclass = "";
  EXPECT_DOUBLE_EQ(H().price(d).read_pj, 512);  // default LPDDR4
  d.subclass = "hbm2";
  EXPECT_DOUBLE_EQ(H().price(d).read_pj, 3.9 * 64);
  d.subclass = "gddr5";
  d.word_bits = 16;
  EXPECT_DOUBLE_EQ(H().price(d).write_pj, 14.0 * 16);
  EXPECT_EQ(H().price(d).area_um2, 0);
  // DRAM is off chip: the logic node does not change it.
  EXPECT_DOUBLE_EQ(H().price(d, 7).read_pj, H().price(d).read_pj);
}

TEST(TechHorowitz, WireEnergyPerHop) {
  ComponentDesc w;
  w.cls = "wire";
  w.word_bits = 16;
  w.wire_mm = 0.5;
  EXPECT_DOUBLE_EQ(H().price(w).hop_pj, 0.12 * 0.5 * 16);
  w.wire_mm = 0;
  EXPECT_THROW(H().price(w), coda::InputError);
}

TEST(TechScaling, NodeFactors) {
  EXPECT_EQ(node_energy_factor(45, 45), 1.0);
  EXPECT_EQ(node_area_factor(45, 45), 1.0);
  // Stillmaker & Baas energy fit a V^2 + b V + c at 0.9 V: 45 nm 0.84433, 32 nm 0.541209.
  EXPECT_NEAR(node_energy_factor(45, 32), 0.541209 / 0.84433, 1e-6);
  EXPECT_NEAR(node_energy_factor(45, 65), 1.05835 / 0.84433, 1e-6);
  EXPECT_NEAR(node_energy_factor(45, 7), 0.086453 / 0.84433, 1e-6);
  EXPECT_DOUBLE_EQ(node_area_factor(45, 32), 0.46);
  EXPECT_DOUBLE_EQ(node_area_factor(45, 7), 0.059);
  EXPECT_NEAR(node_energy_factor(32, 45) * node_energy_factor(45, 32), 1.0, 1e-12);
  // Monotone over the supported range, interpolated between table nodes.
  double prev = 0;
  for (int n = kMinNodeNm; n <= kMaxNodeNm; ++n) {
    const double f = node_energy_factor(45, n);
    EXPECT_GT(f, prev) << n;
    prev = f;
  }
  EXPECT_THROW(node_energy_factor(45, 5), coda::InputError);
  EXPECT_THROW(node_area_factor(45, 180), coda::InputError);
}

TEST(TechScaling, PricesScaleWithNode) {
  const auto m45 = H().price(arith("mac", "int", 8));
  const auto m22 = H().price(arith("mac", "int", 8), 22);
  EXPECT_DOUBLE_EQ(m22.op_pj, m45.op_pj * node_energy_factor(45, 22));
  EXPECT_DOUBLE_EQ(m22.area_um2, m45.area_um2 * node_area_factor(45, 22));
  EXPECT_NE(m22.source.find("Stillmaker"), std::string::npos);
  const auto s45 = H().price(mem("sram", 1024, 64));
  const auto s90 = H().price(mem("sram", 1024, 64), 90);
  EXPECT_DOUBLE_EQ(s90.read_pj, 10 * node_energy_factor(45, 90));
  EXPECT_DOUBLE_EQ(s90.update_pj, 20 * node_energy_factor(45, 90));
  EXPECT_THROW(H().price(arith("mac", "int", 8), 3), coda::InputError);
}

TEST(TechEyeriss, RatiosOneOneTwoSixTwoHundred) {
  const double mac = E().price(arith("mac", "int", 16)).op_pj;
  const double rf = E().price(mem("regfile", 256, 16)).read_pj;
  ComponentDesc w;
  w.cls = "wire";
  w.word_bits = 16;
  const double array = E().price(w).hop_pj;
  const double buf = E().price(mem("sram", 64 * 1024, 16)).read_pj;
  ComponentDesc d;
  d.cls = "dram";
  d.word_bits = 16;
  const double dram = E().price(d).read_pj;
  EXPECT_DOUBLE_EQ(mac, tables::eyeriss_mac_pj());
  EXPECT_DOUBLE_EQ(rf / mac, 1);
  EXPECT_DOUBLE_EQ(array / mac, 2);
  EXPECT_DOUBLE_EQ(buf / mac, 6);
  EXPECT_DOUBLE_EQ(dram / mac, 200);
  // Buffer cost does not depend on capacity in this model; width scales linearly.
  EXPECT_DOUBLE_EQ(E().price(mem("sram", 1024, 16)).read_pj, buf);
  EXPECT_DOUBLE_EQ(E().price(mem("sram", 1024, 32)).read_pj, 2 * buf);
  // Absolute scale: Horowitz 16-bit MAC at 45 nm moved to 65 nm (about 1.1 pJ).
  EXPECT_NEAR(mac, tables::horowitz_mac_pj(false, 16) * node_energy_factor(45, 65), 1e-15);
  EXPECT_GT(mac, 1.0);
  EXPECT_LT(mac, 1.2);
  // Other arithmetic follows the Horowitz ratios.
  EXPECT_DOUBLE_EQ(E().price(arith("mac", "int", 8)).op_pj / mac,
                   tables::horowitz_mac_pj(false, 8) / tables::horowitz_mac_pj(false, 16));
  // Node scaling relative to 65 nm; DRAM not scaled.
  EXPECT_DOUBLE_EQ(E().price(arith("mac", "int", 16), 45).op_pj, mac * node_energy_factor(65, 45));
  EXPECT_DOUBLE_EQ(E().price(d, 28).read_pj, dram);
  EXPECT_EQ(E().base_node_nm(), 65);
}

TEST(TechLibrary, EveryPriceIsFiniteAndPositive) {
  const std::vector<std::string> subs_dram{"", "ddr3", "ddr4", "lpddr4", "hbm2", "gddr5"};
  for (const Library* lib : {&H(), &E()}) {
    for (int node : {7, 10, 22, 28, 45, 65, 90, 130}) {
      std::vector<ComponentDesc> all;
      for (const auto& s : subs_dram) {
        ComponentDesc d;
        d.cls = "dram";
        d.subclass = s;
        all.push_back(d);
      }
      for (const char* c : {"sram", "regfile", "latch"})
        for (int64_t words : {1, 12, 224, 4096, 1 << 20}) all.push_back(mem(c, words, 16, 4));
      for (const char* c : {"mac", "adder", "multiplier"})
        for (const char* s : {"int", "fp"})
          for (int b : {1, 4, 8, 16, 24, 32, 64}) all.push_back(arith(c, s, b));
      ComponentDesc w;
      w.cls = "wire";
      w.wire_mm = 0.2;
      all.push_back(w);
      for (const ComponentDesc& d : all) {
        const ComponentCost c = lib->price(d, node);
        for (double v :
             {c.read_pj, c.write_pj, c.update_pj, c.op_pj, c.hop_pj, c.leak_pj_per_cycle, c.area_um2}) {
          EXPECT_TRUE(std::isfinite(v)) << d.cls;
          EXPECT_GE(v, 0) << d.cls;
        }
        EXPECT_FALSE(c.source.empty());
        if (d.cls == "dram" || d.cls == "sram" || d.cls == "regfile" || d.cls == "latch") {
          EXPECT_GT(c.read_pj, 0);
          EXPECT_GT(c.write_pj, 0);
          EXPECT_DOUBLE_EQ(c.update_pj, c.read_pj + c.write_pj);
          if (d.cls != "dram") {
            EXPECT_GT(c.area_um2, 0);
            EXPECT_GT(c.leak_pj_per_cycle, 0);
          }
        } else if (d.cls == "wire") {
          EXPECT_GT(c.hop_pj, 0);
        } else {
          EXPECT_GT(c.op_pj, 0) << d.cls << " " << d.subclass << " " << d.operand_bits;
          EXPECT_GT(c.area_um2, 0);
          EXPECT_GT(c.leak_pj_per_cycle, 0);
        }
      }
    }
  }
}

TEST(TechLibrary, BadComponentsAreInputErrorsNamingTheComponent) {
  auto expect_error = [](ComponentDesc d, const std::string& needle) {
    try {
      (void)H().price(d);
      FAIL() << "no error for " << needle;
    } catch (const coda::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  ComponentDesc d = mem("sram", 0, 16);
  d.name = "GLB";
  expect_error(d, "component 'GLB': capacity_words");
  d = mem("sram", 16, 0);
  expect_error(d, "word_bits");
  d = mem("sram", 16, 16, 0);
  expect_error(d, "block_words");
  d = mem("flash", 16, 16);
  expect_error(d, "unknown component class 'flash'");
  d = arith("mac", "bf16", 16);
  expect_error(d, "unknown subclass 'bf16'");
  d = arith("mac", "int", 0);
  expect_error(d, "operand_bits");
  d = mem("dram", 0, 16);
  d.subclass = "ddr9";
  expect_error(d, "ddr9");
  d = mem("sram", 16, 16);
  d.subclass = "edram";
  expect_error(d, "no subclasses");
  EXPECT_THROW(parse_model("cacti"), coda::InputError);
  EXPECT_EQ(parse_model("eyeriss65"), Model::Eyeriss65);
  EXPECT_EQ(model_name(Model::Horowitz45), "horowitz45");
}

TEST(TechLibrary, DescribeListsTablesWithUnitsAndSources) {
  const auto t = H().describe();
  bool sram8 = false, add8 = false, node7 = false, eyeriss = false;
  for (const TableEntry& e : t) {
    EXPECT_FALSE(e.source.empty()) << e.component;
    EXPECT_TRUE(std::isfinite(e.value));
    if (e.component == "SRAM 8 KB" && e.value == 10 && e.unit == "pJ") sram8 = true;
    if (e.component == "int add 8b" && e.quantity == "area" && e.value == 36) add8 = true;
    if (e.component == "node 7 nm" && e.quantity == "area factor vs 45 nm" && e.value == 0.059) node7 = true;
    if (e.component.find("Eyeriss DRAM") != std::string::npos && e.value == 200) eyeriss = true;
  }
  EXPECT_TRUE(sram8);
  EXPECT_TRUE(add8);
  EXPECT_TRUE(node7);
  EXPECT_TRUE(eyeriss);
}

TEST(TechScaling, LogLogInterpolation) {
  const std::vector<Point> pts{{1, 1}, {4, 16}};
  EXPECT_EQ(loglog_interpolate(pts, 1, 1.0, 1.0), 1);
  EXPECT_EQ(loglog_interpolate(pts, 4, 1.0, 1.0), 16);
  EXPECT_NEAR(loglog_interpolate(pts, 2, 1.0, 1.0), 4, 1e-12);                     // exponent 2 inside
  EXPECT_NEAR(loglog_interpolate(pts, 8, 1.0, 1.0), 32, 1e-12);                    // exponent 1 above
  EXPECT_NEAR(loglog_interpolate(pts, 8, std::nullopt, std::nullopt), 64, 1e-12);  // continue
  EXPECT_NEAR(loglog_interpolate(pts, 0.5, 3.0, 1.0), 0.125, 1e-12);
}
