#pragma once
// A Problem is the *algorithm* of one layer, independent of any hardware or schedule: an Einsum
// over named dimensions with bounds, and tensors whose coordinates are affine sums of those
// dimensions (design.md §3 "Problem"). Example, a convolution:
//   dims     N G M C P Q R S
//   Weights[g][m][c][r][s]
//   Inputs [n][g][c][P*stride_h + R*dilation_h][Q*stride_w + S*dilation_w]
//   Outputs[n][g][m][p][q]        (the single output tensor, reduced over C, R, S)
// Every point of the iteration space is one operation (a MAC for op == Op::Mac).
#include <cstdint>
#include <string>
#include <vector>

namespace coda::workload {

/// What one point of the iteration space computes.
enum class Op {
  Mac,      ///< out += a * b (conv, fc, matmul)
  Max,      ///< out = max(out, a) (max pooling)
  Add,      ///< out += a (average pooling, global pooling; the division is per output)
  Eltwise,  ///< out = f(a, b, ...) element-wise (residual add, multiply)
};

const char* op_name(Op op);

/// One term of an affine projection: coefficient x dimension index.
struct Term {
  int dim = 0;
  int64_t coef = 1;
};

/// One rank (axis) of a tensor: coordinate = sum of coef * dimension index.
struct Rank {
  std::string name;
  std::vector<Term> terms;
};

struct Tensor {
  std::string name;
  std::vector<Rank> ranks;
  bool is_output = false;     ///< exactly one tensor per Problem is the output
  bool is_parameter = false;  ///< model parameters (weights); counted as weights in statistics
  int bits = 16;              ///< element bit width
  double density = 1.0;       ///< fraction of non-zero elements, in (0, 1]
};

class Problem {
 public:
  std::string name;  ///< the layer it came from, for messages
  Op op = Op::Mac;
  std::vector<std::string> dim_names;
  std::vector<int64_t> bounds;
  std::vector<Tensor> tensors;

  int num_dims() const { return static_cast<int>(dim_names.size()); }
  int num_tensors() const { return static_cast<int>(tensors.size()); }
  /// Index of a dimension by name, or -1.
  int dim_index(const std::string& name) const;
  /// Index of a tensor by name, or -1.
  int tensor_index(const std::string& name) const;
  /// Index of the single output tensor.
  int output_index() const;
  /// Bound of a dimension by name; 1 if the Problem has no such dimension.
  int64_t bound(const std::string& name) const;
  /// Number of points of the iteration space (product of the bounds; checked for overflow).
  int64_t points() const;
  /// Extent of one rank over the whole problem: sum of coef * (bound - 1) + 1.
  int64_t rank_extent(int tensor, int rank) const;
  /// Number of elements of the bounding box of a tensor (product of its rank extents).
  int64_t tensor_box_size(int tensor) const;
  /// True if the tensor's projection uses the dimension.
  bool depends_on(int tensor, int dim) const;

  /// Checks the invariants (one output, positive bounds, valid terms, densities in (0, 1],
  /// bits in [1, 64]); throws InputError naming the problem on violation.
  void validate() const;
};

}  // namespace coda::workload
