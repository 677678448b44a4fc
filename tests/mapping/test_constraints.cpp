#include <gtest/gtest.h>

#include "coda/common/error.hpp"
#include "coda/io/constraints_yaml.hpp"
#include "coda/io/mapping_yaml.hpp"
#include "coda/io/yaml_reader.hpp"
#include "coda/mapping/constraints.hpp"
#include "fixtures.hpp"

namespace coda {
namespace {

using mapping::Constraints;
using mapping::FactorRule;
using mapping::Slot;

const testing::Bound& conv3() {
  static testing::Bound b = testing::bind_layer("eyeriss", "alexnet:conv3", 4);
  return b;
}

mapping::Mapping example_rs() {
  const auto& b = conv3();
  return io::read_mapping_file(std::string(CODA_SOURCE_DIR) + "/examples/mappings/eyeriss_alexnet_conv3_rs.yaml",
                               b.problem, b.level_names);
}

Constraints parse(const std::string& text) {
  const auto& b = conv3();
  return io::parse_constraints_yaml(io::parse_yaml(text, "c.yaml"), b.problem, b.machine, "c.yaml");
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

int dim(const char* n) { return conv3().problem.dim_index(n); }

TEST(FactorRule, AdmitsAndDescribes) {
  FactorRule r;
  EXPECT_TRUE(r.is_free());
  EXPECT_TRUE(r.admits(7));
  EXPECT_EQ(r.describe(), "any");
  r.max = 16;
  r.min = 2;
  EXPECT_FALSE(r.admits(1));
  EXPECT_TRUE(r.admits(16));
  EXPECT_FALSE(r.admits(17));
  EXPECT_EQ(r.describe(), ">= 2 and <= 16");
  FactorRule a;
  a.allowed = {1, 2, 4};
  EXPECT_TRUE(a.admits(4));
  EXPECT_FALSE(a.admits(3));
  EXPECT_EQ(a.describe(), "in {1, 2, 4}");
  FactorRule f;
  f.fixed = 3;
  EXPECT_EQ(f.describe(), "= 3");
  EXPECT_FALSE(f.admits(1));
}

TEST(Constraints, RolesOfPresetLevels) {
  auto roles = mapping::level_roles(conv3().machine);
  EXPECT_EQ(roles.dram, 0);
  EXPECT_EQ(roles.glb, 1);
  EXPECT_EQ(roles.pe, 2);
  ASSERT_EQ(roles.spatial.size(), 1u);
  auto tpu = testing::bind_layer("tpu-v1", "alexnet:conv3");
  auto r2 = mapping::level_roles(tpu.machine);
  EXPECT_EQ(r2.glb, 2);  // Accumulators feed the 256 x 256 array
  EXPECT_EQ(r2.pe, 3);
  auto nv = testing::bind_layer("nvdla-like", "alexnet:conv3");
  auto r3 = mapping::level_roles(nv.machine);
  EXPECT_EQ(r3.glb, 1);  // the convolution buffer feeds 32 MAC cells of 64 MACs
  EXPECT_EQ(r3.spatial, (std::vector<int>{1, 2}));
}

TEST(Constraints, RestrictIntersectsAndReportsConflicts) {
  Constraints c(conv3().problem, conv3().machine);
  FactorRule a;
  a.max = 16;
  a.origin = "first";
  c.restrict(2, Slot::Temporal, dim("M"), a);
  FactorRule b;
  b.allowed = {4, 8, 32};
  b.origin = "second";
  c.restrict(2, Slot::Temporal, dim("M"), b);
  const auto& r = c.rule(2, Slot::Temporal, dim("M"));
  EXPECT_TRUE(r.admits(8));
  EXPECT_FALSE(r.admits(32));
  EXPECT_EQ(r.origin, "first; second");
  FactorRule f;
  f.fixed = 64;
  f.origin = "third";
  try {
    c.restrict(2, Slot::Temporal, dim("M"), f);
    FAIL() << "no conflict reported";
  } catch (const InputError& e) {
    std::string w = e.what();
    EXPECT_NE(w.find("factor of M at level PE"), std::string::npos) << w;
    EXPECT_NE(w.find("third"), std::string::npos) << w;
  }
  c.force_keep(1, 0, true, "keep it");
  EXPECT_THROW(c.force_keep(1, 0, false, "bypass it"), InputError);
}

TEST(Constraints, OrderPatternMatching) {
  Constraints c(conv3().problem, conv3().machine);
  // '*' then {N, P, Q} innermost in any order.
  c.set_order(1, {mapping::OrderBlock{{dim("N"), dim("P"), dim("Q")}}}, 0, "ws");
  EXPECT_TRUE(c.order_matches(1, {dim("M"), dim("C"), dim("Q"), dim("N")}));
  EXPECT_TRUE(c.order_matches(1, {dim("P")}));
  EXPECT_FALSE(c.order_matches(1, {dim("Q"), dim("C")}));
  // M outermost, '*', then Q then S innermost.
  c.levels[0].order.clear();
  c.set_order(0, {mapping::OrderBlock{{dim("M")}}, mapping::OrderBlock{{dim("Q")}}, mapping::OrderBlock{{dim("S")}}}, 1,
              "t");
  EXPECT_TRUE(c.order_matches(0, {dim("M"), dim("C"), dim("N"), dim("Q"), dim("S")}));
  EXPECT_TRUE(c.order_matches(0, {dim("C"), dim("S")}));
  EXPECT_FALSE(c.order_matches(0, {dim("C"), dim("M")}));
  EXPECT_FALSE(c.order_matches(0, {dim("S"), dim("Q")}));
  EXPECT_FALSE(c.order_matches(0, {dim("Q"), dim("C")}));
}

const char* kRsYaml = R"(name: rs-like
levels:
  - role: pe
    temporal: {S: all, M: any, C: any, '*': 1}
    keep: [Weights, Inputs, Outputs]
  - role: glb
    order: ['*', Q]
    spatial_x: [P, M, C]
    spatial_y: {R: all, M: any, C: any, '*': 1}
  - level: DRAM
    temporal: {M: "<=4 imperfect"}
)";

TEST(ConstraintsYaml, ReadsCodaFormat) {
  auto c = parse(kRsYaml);
  EXPECT_EQ(c.name, "rs-like");
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("S")).fixed, 3);
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("P")).fixed, 1);
  EXPECT_TRUE(c.rule(2, Slot::Temporal, dim("M")).is_free());
  EXPECT_EQ(c.rule(1, Slot::SpatialX, dim("R")).fixed, 1);
  EXPECT_TRUE(c.rule(1, Slot::SpatialX, dim("P")).is_free());
  EXPECT_EQ(c.rule(1, Slot::SpatialY, dim("R")).fixed, 3);
  EXPECT_EQ(c.rule(1, Slot::SpatialY, dim("Q")).fixed, 1);
  EXPECT_EQ(c.rule(0, Slot::Temporal, dim("M")).max, 4);
  EXPECT_TRUE(c.rule(0, Slot::Temporal, dim("M")).imperfect);
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("S")).origin, "c.yaml:4");
  EXPECT_EQ(c.levels[2].keep, 7u);
  // The example RS mapping (M6 at DRAM) violates only the DRAM rule.
  auto v = c.violation(example_rs(), conv3().problem, conv3().machine);
  EXPECT_NE(v.find("level DRAM temporal: M has factor 6, but the constraints require <= 4"), std::string::npos) << v;
  auto c2 = parse(std::string(kRsYaml).substr(0, std::string(kRsYaml).find("  - level: DRAM")));
  EXPECT_EQ(c2.violation(example_rs(), conv3().problem, conv3().machine), "");
}

TEST(ConstraintsYaml, ViolationsNameTheRule) {
  auto c = parse("levels:\n  - role: glb\n    order: [Q, '*']\n    min_utilization: 0.95\n");
  auto v = c.violation(example_rs(), conv3().problem, conv3().machine);
  EXPECT_NE(v.find("level GLB: temporal loop order [N Q] does not match the order constraint (c.yaml:3)"),
            std::string::npos)
      << v;
  auto u = parse("levels:\n  - role: glb\n    min_utilization: 0.95\n");
  v = u.violation(example_rs(), conv3().problem, conv3().machine);
  EXPECT_NE(v.find("use 156 of 168 children"), std::string::npos) << v;

  auto k = parse("levels:\n  - level: GLB\n    bypass: [Outputs]\n");
  v = k.violation(example_rs(), conv3().problem, conv3().machine);
  EXPECT_NE(v.find("level GLB must bypass Outputs (c.yaml:2)"), std::string::npos) << v;
  auto g = parse("min_utilization: 0.95\nlevels: []\n");
  v = g.violation(example_rs(), conv3().problem, conv3().machine);
  EXPECT_NE(v.find("uses 156 of 168 MAC units"), std::string::npos) << v;
  // Divisibility: C4 at the PE is fine, C3 would not divide 256.
  auto m = example_rs();
  m.levels[2].temporal[1].factor = 3;
  m.levels[0].temporal[1].factor = 86;
  auto none = parse("levels: []\n");
  v = none.violation(m, conv3().problem, conv3().machine);
  EXPECT_NE(v.find("factor 3 of C does not divide the 256"), std::string::npos) << v;
}

TEST(ConstraintsYaml, ErrorsNameFileLineAndKey) {
  EXPECT_NE(error_of("levels:\n  - role: pe\n    tempral: {S: all}\n").find("c.yaml:3"), std::string::npos);
  EXPECT_NE(error_of("levels:\n  - role: pe\n    temporal: {Z: 2}\n").find("unknown dimension 'Z'"), std::string::npos);
  EXPECT_NE(error_of("levels:\n  - level: SRAM\n").find("unknown level 'SRAM' (the architecture has DRAM, GLB, PE)"),
            std::string::npos);
  EXPECT_NE(error_of("levels:\n  - role: core\n").find("dram, glb or pe"), std::string::npos);
  EXPECT_NE(error_of("levels:\n  - role: pe\n    temporal: {M: lots}\n").find("c.yaml:3"), std::string::npos);
  EXPECT_NE(error_of("levels:\n  - role: pe\n    temporal: {M: 4}\n  - role: pe\n    temporal: {M: 8}\n")
                .find("two different fixed factors"),
            std::string::npos);
  EXPECT_NE(error_of("levels:\n  - role: pe\n    keep: [Psums]\n").find("unknown tensor 'Psums'"), std::string::npos);
  EXPECT_NE(error_of("levels:\n  - role: pe\n    order: [M, M]\n").find("appears twice"), std::string::npos);
  EXPECT_NE(error_of("foo: 1\n").find("'levels:'"), std::string::npos);
  EXPECT_NE(error_of("min_utilization: 2\nlevels: []\n").find("between 0 and 1"), std::string::npos);
}

TEST(ConstraintsYaml, RuleForms) {
  auto c = parse("levels:\n  - role: pe\n    temporal: {M: [1, 2, 4], C: '>=2 <=8', S: {max: 2, imperfect: true}, "
                 "N: {fixed: all}}\n");
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("M")).allowed, (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("C")).min, 2);
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("C")).max, 8);
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("S")).max, 2);
  EXPECT_TRUE(c.rule(2, Slot::Temporal, dim("S")).imperfect);
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("N")).fixed, 4);
  // G is 1 in conv3 but present; a dimension the problem lacks is ignored when 1 is allowed.
  auto mm = testing::bind_layer("eyeriss-256", "bert_base_layer:query");
  auto ok = io::parse_constraints_yaml(io::parse_yaml("levels:\n  - role: pe\n    temporal: {R: 1, S: any}\n", "c.yaml"),
                                       mm.problem, mm.machine, "c.yaml");
  EXPECT_EQ(ok.num_dims(), mm.problem.num_dims());
  EXPECT_THROW(io::parse_constraints_yaml(io::parse_yaml("levels:\n  - role: pe\n    temporal: {R: 3}\n", "c.yaml"),
                                          mm.problem, mm.machine, "c.yaml"),
               InputError);
}

TEST(TimeloopConstraints, EyerissStyleImport) {
  auto c = parse(R"(architecture_constraints:
  targets:
  - target: PE
    type: temporal
    factors: N=1 P=1 Q=1 R=1 S=0
    permutation: SCK
  - target: GLB
    type: spatial
    factors: N=1 Q=1 S=1 R=0
    permutation: PNQS RCK
    split: 2
  - target: GLB
    type: temporal
    permutation: Q
  - target: GLB
    type: bypass
    keep: [Inputs, Outputs]
    bypass: [Weights]
mapspace_constraints:
  targets:
  - target: DRAM
    type: temporal
    factors: K<=8 C>=2
  - target: DRAM
    type: utilization
    min: 0.5
)");
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("S")).fixed, 3);  // S=0: the whole bound
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("R")).fixed, 1);
  EXPECT_TRUE(c.rule(2, Slot::Temporal, dim("M")).is_free());
  // Innermost first: S innermost, then C, then K (= M); the rest free above.
  EXPECT_TRUE(c.order_matches(2, {dim("N"), dim("M"), dim("C"), dim("S")}));
  EXPECT_FALSE(c.order_matches(2, {dim("C"), dim("M"), dim("S")}));
  // Spatial split 2 over [N Q S (fixed 1)] + [P R C K]: N, Q on X, the rest on Y.
  EXPECT_EQ(c.rule(1, Slot::SpatialY, dim("R")).fixed, 3);
  EXPECT_EQ(c.rule(1, Slot::SpatialX, dim("R")).fixed, 1);
  EXPECT_EQ(c.rule(1, Slot::SpatialX, dim("P")).fixed, 1);
  EXPECT_TRUE(c.rule(1, Slot::SpatialY, dim("P")).is_free());
  EXPECT_EQ(c.rule(1, Slot::SpatialX, dim("M")).fixed, 1);
  EXPECT_EQ(c.levels[1].bypass, 1u << conv3().problem.tensor_index("Weights"));
  EXPECT_EQ(c.rule(0, Slot::Temporal, dim("M")).max, 8);
  EXPECT_EQ(c.rule(0, Slot::Temporal, dim("C")).min, 2);
  EXPECT_DOUBLE_EQ(c.min_utilization, 0.5);
}

TEST(TimeloopConstraints, RefusesWhatItCannotHonour) {
  EXPECT_NE(error_of("targets:\n  - target: GLB\n    type: no_multicast\n").find("coda does not support 'no_multicast'"),
            std::string::npos);
  EXPECT_NE(error_of("targets:\n  - target: GLB\n    type: spatial\n    factors: P=13\n").find("add 'split'"),
            std::string::npos);
  EXPECT_NE(error_of("targets:\n  - target: Buffer\n    type: temporal\n").find("unknown level 'Buffer'"),
            std::string::npos);
  EXPECT_NE(error_of("targets:\n  - target: PE\n    type: temporal\n    factors: R=3 junk\n").find("cannot read"),
            std::string::npos);
  // v0.4 list forms.
  auto c = parse("constraints:\n  version: 0.4\n  targets:\n  - target: PE\n    type: temporal\n"
                 "    factors: [S=3, M<16]\n    permutation: [S, C]\n");
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("M")).max, 15);
  EXPECT_EQ(c.rule(2, Slot::Temporal, dim("S")).fixed, 3);
}

}  // namespace
}  // namespace coda
