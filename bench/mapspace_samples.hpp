#pragma once
// The mappings the mapper evaluates, for the benchmarks: up to `count` valid uniform samples of a
// dataflow's mapspace (the mapper's own draw, seed 42), shared by bench_model's
// BM_EvaluateMapspace and eval_instructions so that both measure the same mappings.
#include <vector>

#include "coda/common/rng.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/evaluate.hpp"

namespace coda::bench {

inline std::vector<mapping::Mapping> mapspace_samples(const mapping::Mapspace& ms,
                                                      const model::Evaluator& eval, size_t count = 256) {
  std::vector<mapping::Mapping> maps;
  model::Result r;
  Rng rng(42);
  for (int tries = 0; tries < 200000 && maps.size() < count; ++tries) {
    mapping::Point pt;
    if (!ms.sample(rng, pt)) continue;
    auto map = ms.to_mapping(pt);
    eval(map, r);
    if (r.valid) maps.push_back(std::move(map));
  }
  return maps;
}

}  // namespace coda::bench
