#pragma once
// Writers for one layer's evaluation (coda eval, coda map): the loop nest, the access counts per
// level and tensor, the energy breakdown, cycles and utilization. They format figures computed
// by model::evaluate; they compute nothing themselves except shares and unit conversions.
#include <nlohmann/json.hpp>
#include <string>

#include "coda/mapping/mapping.hpp"
#include "coda/model/evaluate.hpp"
#include "coda/model/machine.hpp"
#include "coda/workload/problem.hpp"

namespace coda::report {

struct EvalContext {
  std::string arch;   ///< architecture name
  std::string layer;  ///< "network:layer"
  std::string tech;   ///< "eyeriss65 @ 65 nm"
};

std::string eval_text(const EvalContext& ctx, const workload::Problem& p, const model::Machine& m,
                      const mapping::Mapping& map, const model::Result& r);

nlohmann::json eval_json(const EvalContext& ctx, const workload::Problem& p, const model::Machine& m,
                         const mapping::Mapping& map, const model::Result& r);

}  // namespace coda::report
