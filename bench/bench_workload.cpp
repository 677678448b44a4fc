// Speed of the workload front end: parsing a zoo network and inferring shapes and statistics.
#include <benchmark/benchmark.h>

#include "coda/io/zoo.hpp"
#include "coda/workload/network.hpp"
#include "coda/workload/statistics.hpp"

namespace {

void BM_ZooParse(benchmark::State& state, const char* name) {
  for (auto _ : state) benchmark::DoNotOptimize(coda::io::zoo_network(name));
}

void BM_BuildAndStats(benchmark::State& state, const char* name) {
  const auto spec = coda::io::zoo_network(name);
  for (auto _ : state) {
    auto net = coda::workload::build_network(spec, 1);
    benchmark::DoNotOptimize(coda::workload::compute_stats(net));
  }
}

BENCHMARK_CAPTURE(BM_ZooParse, alexnet, "alexnet");
BENCHMARK_CAPTURE(BM_BuildAndStats, alexnet, "alexnet");

}  // namespace

BENCHMARK_MAIN();
