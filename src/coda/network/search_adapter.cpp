#include "coda/network/search_adapter.hpp"

#include "coda/mapper/objective.hpp"
#include "coda/mapper/search.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/mapping/mapspace.hpp"

namespace coda::network {

LayerMapper make_layer_mapper(const io::MapperSettings& settings) {
  mapper::Options opt;
  opt.strategy = mapper::parse_strategy(settings.strategy);
  opt.objective = mapper::Objective::parse(settings.objective);
  opt.threads = settings.threads;
  opt.seed = settings.seed;
  opt.budget_evals = settings.budget_evals;
  opt.budget_seconds = settings.budget_seconds;
  return [opt](const workload::Problem& p, const model::Machine& m, const std::string& dataflow) {
    mapping::Mapspace space(p, m, mapping::dataflow_constraints(dataflow, p, m));
    auto outcome = mapper::search(space, opt);
    MapOutcome o;
    if (outcome.top.empty()) {
      o.why = outcome.empty_reason;
      return o;
    }
    o.found = true;
    o.mapping = outcome.top.front().mapping;
    o.result = outcome.top.front().result;
    return o;
  };
}

Objective network_objective(const std::string& objective) {
  const std::string first = objective.substr(0, objective.find(','));
  if (first == "cycles") return Objective::Cycles;
  if (first == "edp") return Objective::Edp;
  return Objective::Energy;
}

}  // namespace coda::network
