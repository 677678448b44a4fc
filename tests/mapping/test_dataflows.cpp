#include <gtest/gtest.h>

#include "coda/common/error.hpp"
#include "coda/io/mapping_yaml.hpp"
#include "coda/mapping/dataflows.hpp"
#include "fixtures.hpp"

namespace coda {
namespace {

using mapping::Slot;

TEST(Dataflows, EyerissTableIIIMappingsSatisfyRs) {
  for (int l = 1; l <= 5; ++l) {
    auto b = testing::bind_layer("eyeriss", "alexnet:conv" + std::to_string(l), 4);
    auto map = io::read_mapping_file(std::string(CODA_SOURCE_DIR) + "/examples/mappings/eyeriss_alexnet_conv" + std::to_string(l) + "_rs.yaml", b.problem, b.level_names);
    EXPECT_EQ(mapping::dataflow_constraints("rs", b.problem, b.machine).violation(map, b.problem, b.machine), "") << l;
  }
}

TEST(Dataflows, ExampleRowStationaryMappingSatisfiesRs) {
  auto b = testing::bind_layer("eyeriss", "alexnet:conv3", 4);
  auto map = io::read_mapping_file(std::string(CODA_SOURCE_DIR) + "/examples/mappings/eyeriss_alexnet_conv3_rs.yaml",
                                   b.problem, b.level_names);
  auto rs = mapping::dataflow_constraints("rs", b.problem, b.machine);
  EXPECT_EQ(rs.violation(map, b.problem, b.machine), "");
  // It is not weight stationary: the PE keeps inputs and outputs too, and P is spatial.
  auto ws = mapping::dataflow_constraints("ws", b.problem, b.machine);
  EXPECT_NE(ws.violation(map, b.problem, b.machine), "");
  // Moving S out of the PE breaks "the whole filter row is in the PE".
  map.levels[2].temporal[2].factor = 1;
  map.levels[0].temporal.push_back({b.problem.dim_index("S"), 3, mapping::Axis::X});
  auto v = rs.violation(map, b.problem, b.machine);
  EXPECT_NE(v.find("S has factor 1, but the constraints require = 3 (dataflow rs: the whole filter row is in the PE)"),
            std::string::npos)
      << v;
}

TEST(Dataflows, WeightStationaryOnEyeriss256) {
  auto b = testing::bind_layer("eyeriss-256", "vgg16:conv3_1");
  const auto& p = b.problem;
  auto c = mapping::dataflow_constraints("ws", p, b.machine);
  const int w = p.tensor_index("Weights");
  EXPECT_EQ(c.levels[2].keep, 1u << w);
  EXPECT_EQ(c.levels[2].bypass, 7u & ~(1u << w));
  EXPECT_EQ(c.levels[1].keep, 7u);  // the GLB keeps everything it may
  EXPECT_TRUE(c.order_matches(1, {p.dim_index("M"), p.dim_index("C"), p.dim_index("Q"), p.dim_index("P")}));
  EXPECT_FALSE(c.order_matches(1, {p.dim_index("P"), p.dim_index("C")}));
  EXPECT_EQ(c.rule(1, Slot::SpatialX, p.dim_index("P")).fixed, 1);
  EXPECT_TRUE(c.rule(1, Slot::SpatialX, p.dim_index("C")).is_free());
  auto tpu = mapping::dataflow_constraints("ws-tpu", p, b.machine);
  EXPECT_EQ(tpu.rule(1, Slot::SpatialX, p.dim_index("C")).fixed, 1);
  EXPECT_TRUE(tpu.rule(1, Slot::SpatialY, p.dim_index("C")).is_free());
  EXPECT_TRUE(tpu.rule(1, Slot::SpatialX, p.dim_index("M")).is_free());
  EXPECT_EQ(tpu.rule(2, Slot::Temporal, p.dim_index("M")).fixed, 1);
  auto os = mapping::dataflow_constraints("os_c", p, b.machine);
  EXPECT_EQ(os.rule(1, Slot::SpatialY, p.dim_index("P")).fixed, 1);
  EXPECT_TRUE(os.rule(1, Slot::SpatialY, p.dim_index("M")).is_free());
  auto nlr = mapping::dataflow_constraints("nlr", p, b.machine);
  EXPECT_EQ(nlr.levels[2].bypass, 7u);
  EXPECT_EQ(nlr.rule(1, Slot::SpatialX, p.dim_index("R")).fixed, 1);
}

TEST(Dataflows, EveryNameBuildsOnEveryPreset) {
  for (const char* arch : {"eyeriss", "eyeriss-256", "tpu-v1", "nvdla-like", "simba-like", "shidiannao",
                           "systolic-array", "squeezelerator", "spatial-array"}) {
    for (const char* layer : {"alexnet:conv1", "mobilenet_v1:conv_dw2", "bert_base_layer:query"}) {
      auto b = testing::bind_layer(arch, layer);
      for (const auto& d : mapping::dataflow_list()) {
        EXPECT_NO_THROW(mapping::dataflow_constraints(d.name, b.problem, b.machine)) << arch << " " << layer << " " << d.name;
      }
    }
  }
  auto b = testing::bind_layer("nvdla-like", "alexnet:conv2");
  auto nv = mapping::dataflow_constraints("ws-nvdla", b.problem, b.machine);
  EXPECT_EQ(nv.rule(1, Slot::SpatialX, b.problem.dim_index("C")).fixed, 1);  // cells: output channels
  EXPECT_TRUE(nv.rule(1, Slot::SpatialX, b.problem.dim_index("M")).is_free());
  EXPECT_TRUE(nv.rule(2, Slot::SpatialX, b.problem.dim_index("C")).is_free());  // MACs: input channels
  EXPECT_EQ(nv.rule(2, Slot::SpatialX, b.problem.dim_index("R")).fixed, 1);
}

TEST(Dataflows, NamesAndNativeDataflow) {
  EXPECT_TRUE(mapping::is_dataflow("rs"));
  EXPECT_FALSE(mapping::is_dataflow("RS"));
  EXPECT_EQ(mapping::native_dataflow("ws/os"), "ws");
  EXPECT_EQ(mapping::native_dataflow("os_a"), "os_a");
  EXPECT_EQ(mapping::native_dataflow(""), "any");
  auto b = testing::bind_layer("eyeriss", "alexnet:conv3");
  try {
    mapping::dataflow_constraints("weight-stationary", b.problem, b.machine);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown dataflow 'weight-stationary' (coda knows ws, ws-tpu"), std::string::npos);
  }
}

}  // namespace
}  // namespace coda
