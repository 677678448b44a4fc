#pragma once
// Dataflows as named constraint sets (design.md §3; the taxonomy of Chen, Emer, Sze, ISCA 2016 and
// the tutorials, summarised in domain.md §4). Each name gives, for one Problem on one machine, the
// mapping::Constraints whose mappings have that dataflow; docs/mapper.md shows the loop nest each
// implies. They are written against level *roles* (mapping::LevelRoles), so that the same name
// applies to any machine of 2 to 8 levels:
//   dram  level 0, unconstrained;
//   glb   the outermost level whose spatial loops fan out (the buffer above the PE array): the
//         dataflow fixes which dimensions go spatial there and which loops are innermost in time
//         (those the stationary tensor does not depend on, so it stays in the PEs);
//   PE    the levels below glb (PE-local stores): which tensors stay there.
// Levels between dram and glb keep every tensor the architecture lets them keep (a dataflow fixes
// bypass everywhere; pass explicit constraints to explore bypass choices). The tensors are found
// by role: the output, the parameter tensor ("Weights") and the other operand ("Inputs").
#include <string>
#include <vector>

#include "coda/mapping/constraints.hpp"
#include "coda/model/machine.hpp"
#include "coda/workload/problem.hpp"

namespace coda::mapping {

struct DataflowInfo {
  std::string name;
  std::string summary;  ///< one line: what stays where, what goes spatial
};

/// Every named dataflow, in documentation order.
const std::vector<DataflowInfo>& dataflow_list();

/// True if `name` is a dataflow (case-sensitive).
bool is_dataflow(const std::string& name);

/// The constraints of dataflow `name` for Problem `p` on machine `m`. Throws InputError listing
/// the names if unknown.
Constraints dataflow_constraints(const std::string& name, const workload::Problem& p, const model::Machine& m);

/// An architecture's declared native dataflow(s) ("rs", "ws/os") as the names to use: the first
/// one that is a coda dataflow ("os" is the generic output-stationary set); "any" if none.
std::string native_dataflow(const std::string& declared);

}  // namespace coda::mapping
