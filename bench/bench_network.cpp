// Whole-network time (issue 6): map every layer of a network (identical layers once) with coda's
// default mapper strategy (20,000 evaluations per layer and dataflow, all cores) and evaluate it.
// One iteration each: these are seconds-long runs. Figures go to docs/performance.md.
#include <benchmark/benchmark.h>

#include "coda/io/arch_loader.hpp"
#include "coda/io/network_loader.hpp"
#include "coda/model/bind.hpp"
#include "coda/network/evaluate.hpp"
#include "coda/network/search_adapter.hpp"

namespace {

using namespace coda;

void BM_Network(benchmark::State& state, const char* arch, const char* net, const char* dataflow, int64_t batch) {
  const auto a = io::load_architecture(arch);
  const auto lib = model::library_for(a);
  const auto n = workload::build_network(io::load_network_spec(net), batch);
  io::MapperSettings s;
  s.threads = 0;
  network::Options opt;
  if (dataflow[0]) opt.dataflows = {dataflow};
  double energy = 0;
  int mapped = 0;
  for (auto _ : state) {
    auto r = network::evaluate(n, a, lib, opt, network::make_layer_mapper(s));
    energy = r.energy_pj;
    mapped = 0;
    for (const auto& l : r.layers) mapped += l.mapped && l.same_as < 0;
  }
  state.counters["unique_layers_mapped"] = mapped;
  state.counters["energy_uJ"] = energy * 1e-6;
}

BENCHMARK_CAPTURE(BM_Network, resnet50_eyeriss_rs, "eyeriss", "resnet50", "rs", 1)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_Network, resnet50_eyeriss256_rs, "eyeriss-256-rs", "resnet50", "rs", 1)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_Network, resnet50_eyeriss256_ws, "eyeriss-256-ws", "resnet50", "ws", 1)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_Network, resnet50_eyeriss256_os_a, "eyeriss-256-os-a", "resnet50", "os_a", 1)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_Network, resnet50_eyeriss256_os_b, "eyeriss-256-os-b", "resnet50", "os_b", 1)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_Network, resnet50_eyeriss256_os_c, "eyeriss-256-os-c", "resnet50", "os_c", 1)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_Network, resnet50_eyeriss256_nlr, "eyeriss-256-nlr", "resnet50", "nlr", 1)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_Network, mobilenet_v2_eyeriss, "eyeriss", "mobilenet_v2", "rs", 1)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_Network, bert_base_layer_eyeriss256_ws, "eyeriss-256-ws", "bert_base_layer", "ws", 1)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
