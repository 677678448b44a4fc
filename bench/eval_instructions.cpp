// Instructions per evaluation on the mapper's own mappings, the stable speed figure on a noisy VM
// (docs/performance.md). Not a Google Benchmark: bench/eval_instructions.sh runs this program under
// callgrind, collecting only inside evaluate_all, with two repetition counts, and divides the
// difference by the number of evaluations it adds.
//
//   eval_instructions <arch> <net:layer> <dataflow> <batch> <repetitions>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

#include "coda/io/arch_loader.hpp"
#include "coda/io/layer_loader.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/bind.hpp"
#include "coda/model/evaluate.hpp"
#include "mapspace_samples.hpp"

namespace {

// Kept out of line so that callgrind can collect exactly the evaluations (--toggle-collect).
__attribute__((noinline)) double evaluate_all(const coda::model::Evaluator& eval,
                                              const std::vector<coda::mapping::Mapping>& maps,
                                              coda::model::Result& r, int repetitions) {
  double sink = 0;
  for (int k = 0; k < repetitions; ++k)
    for (const auto& m : maps) {
      eval(m, r);
      sink += r.energy_pj;
    }
  return sink;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s <arch> <net:layer> <dataflow> <batch> <repetitions>\n", argv[0]);
    return 2;
  }
  try {
    using namespace coda;
    auto a = io::load_architecture(argv[1]);
    auto l = io::load_layer(argv[2], std::atoi(argv[4]));
    auto m = model::bind(a, model::library_for(a), l.problem);
    mapping::Mapspace ms(l.problem, m, mapping::dataflow_constraints(argv[3], l.problem, m));
    const model::Evaluator eval(l.problem, m);
    // The same 256 valid samples as bench_model's BM_EvaluateMapspace.
    const std::vector<mapping::Mapping> maps = bench::mapspace_samples(ms, eval);
    model::Result r;
    const double sink = evaluate_all(eval, maps, r, std::atoi(argv[5]));
    std::printf("mappings %zu sink %g\n", maps.size(), sink);
    return maps.empty() ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
