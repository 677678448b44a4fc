#include "coda/workload/problem.hpp"

#include <fmt/format.h>

#include "coda/common/checked.hpp"
#include "coda/common/error.hpp"

namespace coda::workload {

const char* op_name(Op op) {
  switch (op) {
    case Op::Mac: return "mac";
    case Op::Max: return "max";
    case Op::Add: return "add";
    case Op::Eltwise: return "eltwise";
  }
  return "?";
}

int Problem::dim_index(const std::string& n) const {
  for (int i = 0; i < num_dims(); ++i)
    if (dim_names[i] == n) return i;
  return -1;
}

int Problem::tensor_index(const std::string& n) const {
  for (int i = 0; i < num_tensors(); ++i)
    if (tensors[i].name == n) return i;
  return -1;
}

int Problem::output_index() const {
  for (int i = 0; i < num_tensors(); ++i)
    if (tensors[i].is_output) return i;
  return -1;
}

int64_t Problem::bound(const std::string& n) const {
  int d = dim_index(n);
  return d < 0 ? 1 : bounds[d];
}

int64_t Problem::points() const {
  int64_t p = 1;
  for (int64_t b : bounds) p = checked_mul(p, b, "iteration-space size");
  return p;
}

int64_t Problem::rank_extent(int t, int r) const {
  int64_t e = 1;
  for (const Term& term : tensors[t].ranks[r].terms)
    e = checked_add(e, checked_mul(term.coef, bounds[term.dim] - 1, "tensor extent"), "tensor extent");
  return e;
}

int64_t Problem::tensor_box_size(int t) const {
  int64_t s = 1;
  for (int r = 0; r < static_cast<int>(tensors[t].ranks.size()); ++r)
    s = checked_mul(s, rank_extent(t, r), "tensor size");
  return s;
}

bool Problem::depends_on(int t, int d) const {
  for (const Rank& rank : tensors[t].ranks)
    for (const Term& term : rank.terms)
      if (term.dim == d && term.coef != 0) return true;
  return false;
}

void Problem::validate() const {
  if (dim_names.size() != bounds.size())
    throw InputError(fmt::format("problem '{}': {} dimension names but {} bounds", name,
                                 dim_names.size(), bounds.size()));
  for (int d = 0; d < num_dims(); ++d)
    if (bounds[d] < 1)
      throw InputError(fmt::format("problem '{}': dimension {} has bound {}, expected >= 1", name,
                                   dim_names[d], bounds[d]));
  int outputs = 0;
  for (const Tensor& t : tensors) {
    if (t.is_output) ++outputs;
    if (t.bits < 1 || t.bits > 64)
      throw InputError(fmt::format("problem '{}': tensor {} has {} bits, expected 1..64", name,
                                   t.name, t.bits));
    if (!(t.density > 0.0 && t.density <= 1.0))
      throw InputError(fmt::format("problem '{}': tensor {} has density {}, expected (0, 1]", name,
                                   t.name, t.density));
    for (const Rank& r : t.ranks)
      for (const Term& term : r.terms)
        if (term.dim < 0 || term.dim >= num_dims() || term.coef < 0)
          throw InputError(fmt::format("problem '{}': tensor {} rank {} has an invalid term", name,
                                       t.name, r.name));
  }
  if (outputs != 1)
    throw InputError(fmt::format("problem '{}': {} output tensors, expected exactly one", name, outputs));
  (void)points();  // throws on overflow
}

}  // namespace coda::workload
