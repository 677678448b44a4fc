#pragma once
// Builders that turn layer hyper-parameters into Problems. The dimension names follow design.md:
// N batch, G groups, M output channels per group, C input channels per group, P/Q output rows/
// columns (E/F in the tutorials), R/S filter rows/columns. Matmuls use N (batch of matrices),
// M (output columns), C (reduction) and P (output rows), so that dataflow constraints written for
// convolutions (M, C, P, N) apply to GEMMs unchanged.
#include <cstdint>
#include <string>

#include "coda/workload/problem.hpp"

namespace coda::workload {

struct ConvShape {
  int64_t n = 1, g = 1, m = 1, c = 1, p = 1, q = 1, r = 1, s = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
};

/// Convolution (also grouped, depthwise with c == 1 and m == 1 per group, and FC as a
/// convolution whose filter covers the whole input: p = q = 1, r = H, s = W).
/// Tensors: Weights[G][M][C][R][S] (parameter), Inputs[N][G][C][H][W] with
/// H = stride_h*P + dilation_h*R and W = stride_w*Q + dilation_w*S, Outputs[N][G][M][P][Q].
Problem make_conv(const std::string& name, const ConvShape& shape, int bits = 16);

/// Matrix multiply Outputs[N][M][P] += Inputs[N][C][P] * Weights[(N)][M][C].
/// rows = P, cols = M, reduction = C. If `b_is_parameter` the second operand is a weight matrix
/// shared by the whole batch (a linear layer); otherwise it is an activation with its own batch
/// index (attention scores Q.K^T and context S.V: batched matmul).
Problem make_matmul(const std::string& name, int64_t batch, int64_t rows, int64_t cols,
                    int64_t reduction, bool b_is_parameter, int bits = 16);

/// Max or average pooling over an R x S window: Outputs[N][C][P][Q] op= Inputs[N][C][H][W].
/// Global pooling is the case R = H, S = W, P = Q = 1.
Problem make_pool(const std::string& name, Op op, const ConvShape& shape, int bits = 16);

/// Element-wise operation on `operands` tensors of `elements` elements each, per image.
Problem make_eltwise(const std::string& name, int64_t batch, int64_t elements, int operands,
                     int bits = 16);

}  // namespace coda::workload
