#include "coda/workload/builders.hpp"

namespace coda::workload {
namespace {

Rank rank(std::string name, std::initializer_list<Term> terms) { return Rank{std::move(name), terms}; }

}  // namespace

Problem make_conv(const std::string& name, const ConvShape& s, int bits) {
  Problem p;
  p.name = name;
  p.op = Op::Mac;
  p.dim_names = {"N", "G", "M", "C", "P", "Q", "R", "S"};
  p.bounds = {s.n, s.g, s.m, s.c, s.p, s.q, s.r, s.s};
  enum { N, G, M, C, P, Q, R, S };
  Tensor w{"Weights",
           {rank("G", {{G, 1}}), rank("M", {{M, 1}}), rank("C", {{C, 1}}), rank("R", {{R, 1}}),
            rank("S", {{S, 1}})},
           false, true, bits, 1.0};
  Tensor i{"Inputs",
           {rank("N", {{N, 1}}), rank("G", {{G, 1}}), rank("C", {{C, 1}}),
            rank("H", {{P, s.stride_h}, {R, s.dilation_h}}),
            rank("W", {{Q, s.stride_w}, {S, s.dilation_w}})},
           false, false, bits, 1.0};
  Tensor o{"Outputs",
           {rank("N", {{N, 1}}), rank("G", {{G, 1}}), rank("M", {{M, 1}}), rank("P", {{P, 1}}),
            rank("Q", {{Q, 1}})},
           true, false, bits, 1.0};
  p.tensors = {std::move(w), std::move(i), std::move(o)};
  p.validate();
  return p;
}

Problem make_matmul(const std::string& name, int64_t batch, int64_t rows, int64_t cols,
                    int64_t reduction, bool b_is_parameter, int bits) {
  Problem p;
  p.name = name;
  p.op = Op::Mac;
  p.dim_names = {"N", "M", "C", "P"};
  p.bounds = {batch, cols, reduction, rows};
  enum { N, M, C, P };
  Tensor w{"Weights", {}, false, b_is_parameter, bits, 1.0};
  if (!b_is_parameter) w.ranks.push_back(rank("N", {{N, 1}}));
  w.ranks.push_back(rank("M", {{M, 1}}));
  w.ranks.push_back(rank("C", {{C, 1}}));
  Tensor i{"Inputs", {rank("N", {{N, 1}}), rank("C", {{C, 1}}), rank("P", {{P, 1}})}, false, false,
           bits, 1.0};
  Tensor o{"Outputs", {rank("N", {{N, 1}}), rank("M", {{M, 1}}), rank("P", {{P, 1}})}, true, false,
           bits, 1.0};
  p.tensors = {std::move(w), std::move(i), std::move(o)};
  p.validate();
  return p;
}

Problem make_pool(const std::string& name, Op op, const ConvShape& s, int bits) {
  Problem p;
  p.name = name;
  p.op = op;
  p.dim_names = {"N", "C", "P", "Q", "R", "S"};
  p.bounds = {s.n, s.c, s.p, s.q, s.r, s.s};
  enum { N, C, P, Q, R, S };
  Tensor i{"Inputs",
           {rank("N", {{N, 1}}), rank("C", {{C, 1}}),
            rank("H", {{P, s.stride_h}, {R, s.dilation_h}}),
            rank("W", {{Q, s.stride_w}, {S, s.dilation_w}})},
           false, false, bits, 1.0};
  Tensor o{"Outputs", {rank("N", {{N, 1}}), rank("C", {{C, 1}}), rank("P", {{P, 1}}), rank("Q", {{Q, 1}})},
           true, false, bits, 1.0};
  p.tensors = {std::move(i), std::move(o)};
  p.validate();
  return p;
}

Problem make_eltwise(const std::string& name, int64_t batch, int64_t elements, int operands, int bits) {
  Problem p;
  p.name = name;
  p.op = Op::Eltwise;
  p.dim_names = {"N", "E"};
  p.bounds = {batch, elements};
  for (int k = 0; k < operands; ++k)
    p.tensors.push_back(Tensor{"Inputs" + std::to_string(k), {rank("N", {{0, 1}}), rank("E", {{1, 1}})},
                               false, false, bits, 1.0});
  p.tensors.push_back(
      Tensor{"Outputs", {rank("N", {{0, 1}}), rank("E", {{1, 1}})}, true, false, bits, 1.0});
  p.validate();
  return p;
}

}  // namespace coda::workload
