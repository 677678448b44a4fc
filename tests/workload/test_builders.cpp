#include <gtest/gtest.h>

#include "coda/common/error.hpp"
#include "coda/workload/builders.hpp"

using namespace coda::workload;

TEST(Builders, ConvHasEightDimsAndOneOutput) {
  ConvShape s{2, 1, 96, 3, 55, 55, 11, 11, 4, 4, 1, 1};
  Problem p = make_conv("conv1", s);
  EXPECT_EQ(p.num_dims(), 8);
  EXPECT_EQ(p.num_tensors(), 3);
  EXPECT_EQ(p.tensors[p.output_index()].name, "Outputs");
  EXPECT_EQ(p.points(), 2LL * 96 * 3 * 55 * 55 * 11 * 11);
  // Input height covered: stride*(P-1) + dilation*(R-1) + 1 = 4*54 + 10 + 1 = 227.
  const int in = p.tensor_index("Inputs");
  EXPECT_EQ(p.rank_extent(in, 3), 227);
  EXPECT_EQ(p.tensor_box_size(p.tensor_index("Weights")), 96 * 3 * 11 * 11);
  EXPECT_TRUE(p.depends_on(in, p.dim_index("R")));
  EXPECT_FALSE(p.depends_on(in, p.dim_index("M")));
}

TEST(Builders, DilationEntersTheInputProjection) {
  ConvShape s;
  s.c = 1; s.m = 1; s.p = 5; s.q = 5; s.r = 3; s.s = 3; s.dilation_h = 2; s.dilation_w = 2;
  Problem p = make_conv("d", s);
  EXPECT_EQ(p.rank_extent(p.tensor_index("Inputs"), 3), 4 + 2 * 2 + 1);
}

TEST(Builders, BatchedMatmulSecondOperandDependsOnBatch) {
  Problem p = make_matmul("scores", 12, 128, 128, 64, false);
  const int w = p.tensor_index("Weights");
  EXPECT_FALSE(p.tensors[w].is_parameter);
  EXPECT_TRUE(p.depends_on(w, p.dim_index("N")));
  EXPECT_EQ(p.points(), 12LL * 128 * 128 * 64);
  Problem lin = make_matmul("q", 1, 128, 768, 768, true);
  EXPECT_TRUE(lin.tensors[lin.tensor_index("Weights")].is_parameter);
  EXPECT_FALSE(lin.depends_on(lin.tensor_index("Weights"), lin.dim_index("N")));
}

TEST(Builders, PoolAndEltwiseAreNotMacs) {
  ConvShape s{1, 1, 1, 64, 56, 56, 3, 3, 2, 2, 1, 1};
  EXPECT_EQ(make_pool("p", Op::Max, s).op, Op::Max);
  Problem add = make_eltwise("add", 1, 1000, 2);
  EXPECT_EQ(add.op, Op::Eltwise);
  EXPECT_EQ(add.num_tensors(), 3);
}

TEST(Problem, ValidateRejectsBadDensityAndBounds) {
  Problem p = make_matmul("x", 1, 2, 3, 4, true);
  p.tensors[0].density = 0.0;
  EXPECT_THROW(p.validate(), coda::InputError);
  p.tensors[0].density = 1.0;
  p.bounds[0] = 0;
  EXPECT_THROW(p.validate(), coda::InputError);
}

TEST(Problem, PointsOverflowIsDetected) {
  // 2^30 * 2^30 * 2^30 does not fit 64 bits: building the problem must say so, not wrap.
  EXPECT_THROW(make_matmul("big", 1 << 30, 1 << 30, 1 << 30, 1, true), coda::OverflowError);
  Problem p = make_matmul("ok", 1 << 20, 1 << 20, 1 << 20, 1, true);
  p.bounds[2] = int64_t{1} << 30;
  EXPECT_THROW(p.points(), coda::OverflowError);
}
