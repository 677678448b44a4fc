// The mapper's own mappings, checked against the exhaustive walker: row-stationary mapspace samples
// on Eyeriss for reduced AlexNet-like layers. Their P splits over the 12 x 14 array are imperfect
// (13 or 27 output rows on 14 PE rows), with diagonal input multicast and psum reduction, which is
// the general counting's hardest case (transfers.cpp: shared contexts and the killing-loop sum).
#include <gtest/gtest.h>

#include <vector>

#include "coda/common/rng.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/bind.hpp"
#include "coda/model/evaluate.hpp"
#include "coda/model/nest.hpp"
#include "coda/sim/walker.hpp"
#include "coda/workload/builders.hpp"

namespace coda {
namespace {

struct Reduced {
  const char* name;
  workload::ConvShape shape;
};

TEST(MapspaceOracle, RowStationarySamplesEqualTheWalk) {
  workload::ConvShape conv3;  // AlexNet CONV3 with fewer filters, channels and images
  conv3.n = 2;
  conv3.m = 8;
  conv3.c = 4;
  conv3.p = conv3.q = 13;
  conv3.r = conv3.s = 3;
  workload::ConvShape conv1;  // CONV1's stride-4 11 x 11 window, 27 output rows, 5 columns
  conv1.m = 4;
  conv1.c = 2;
  conv1.p = 27;
  conv1.q = 5;
  conv1.r = conv1.s = 11;
  conv1.stride_h = conv1.stride_w = 4;
  const Reduced layers[] = {{"conv3_small", conv3}, {"conv1_small", conv1}};
  auto a = io::load_architecture("eyeriss");
  int compared = 0, imperfect = 0;
  for (const auto& layer : layers) {
    auto p = workload::make_conv(layer.name, layer.shape);
    auto m = model::bind(a, model::library_for(a), p);
    mapping::Mapspace ms(p, m, mapping::dataflow_constraints("rs", p, m));
    const model::Evaluator eval(p, m);
    model::Result r;
    Rng rng(11);
    int here = 0;
    for (int tries = 0; tries < 20000 && here < 8; ++tries) {
      mapping::Point pt;
      if (!ms.sample(rng, pt)) continue;
      const auto map = ms.to_mapping(pt);
      eval(map, r);
      if (!r.valid) continue;
      ++here;
      model::Nest n;
      ASSERT_EQ(model::build_nest(p, map, m.num_levels, n), "");
      bool perfect = true;
      for (int d = 0; d < n.num_dims; ++d) perfect &= n.perfect[size_t(d)];
      imperfect += !perfect;
      EXPECT_EQ(r.counts, sim::simulate(p, m, map, 200'000'000)) << layer.name << " sample " << here;
    }
    compared += here;
  }
  EXPECT_EQ(compared, 16);
  EXPECT_GE(imperfect, 8);  // the point of the test: most row-stationary samples are imperfect
}

}  // namespace
}  // namespace coda
