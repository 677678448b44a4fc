// The mapper: mapspace sizes, time to the exhaustive optimum per AlexNet CONV layer (eyeriss with
// row stationary; eyeriss-256 with WS, OS, NLR and RS), model evaluations per second per thread
// and the scaling from 1 to 2 threads. Figures go to docs/performance.md ("Mapper").
//
//   build/bench/bench_mapper --benchmark_filter=Size          # seconds
//   build/bench/bench_mapper --benchmark_filter=Rate          # seconds
//   build/bench/bench_mapper --benchmark_filter=Draws         # seconds: draws/s, where rejected
//   build/bench/bench_mapper --benchmark_filter='Exhaustive/eyeriss/'   # minutes
// The exhaustive runs of eyeriss-256 with WS/OS/NLR take hours (their spaces hold 1e7 to 1e9
// mappings); docs/performance.md gives their sizes and the rate, hence the time.
#include <benchmark/benchmark.h>

#include <string>

#include "coda/io/arch_loader.hpp"
#include "coda/io/layer_loader.hpp"
#include "coda/mapper/search.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/model/bind.hpp"

namespace {

using namespace coda;

struct Setup {
  workload::Problem problem;
  model::Machine machine;
  mapping::Constraints constraints;
};

Setup setup(const std::string& arch, const std::string& layer, int64_t batch, const std::string& dataflow) {
  auto a = io::load_architecture(arch);
  Setup s;
  s.problem = io::load_layer(layer, batch).problem;
  s.machine = model::bind(a, model::library_for(a), s.problem);
  s.constraints = mapping::dataflow_constraints(dataflow, s.problem, s.machine);
  return s;
}

// Size of the mapspace: exact factorization count and the Monte Carlo estimate of the legal
// mappings up to loop-order equivalence.
void BM_Size(benchmark::State& state, const char* arch, const char* layer, int batch, const char* df) {
  auto s = setup(arch, layer, batch, df);
  mapping::Mapspace ms(s.problem, s.machine, s.constraints);
  mapping::Mapspace::Estimate e;
  for (auto _ : state) {
    Rng rng(1);
    e = ms.estimate(rng, 4000);
  }
  state.counters["factorizations"] = ms.factorization_count();
  state.counters["points"] = e.points;
  state.counters["fit"] = e.acceptance;
}

// Time to the exhaustive optimum (energy) on all cores.
void BM_Exhaustive(benchmark::State& state, const char* arch, const char* layer, int batch, const char* df) {
  auto s = setup(arch, layer, batch, df);
  mapping::Mapspace ms(s.problem, s.machine, s.constraints);
  mapper::Options o;
  o.strategy = mapper::Strategy::Exhaustive;
  o.threads = int(state.range(0));
  mapper::Outcome out;
  for (auto _ : state) out = mapper::search(ms, o);
  state.counters["evaluations"] = double(out.evaluations);
  state.counters["tilings"] = double(out.tilings);
  state.counters["evals_per_s"] = double(out.evaluations) / out.seconds;
  state.counters["best_pJ"] = out.top.empty() ? 0 : out.top.front().result.energy_pj;
  state.counters["active_units"] = out.top.empty() ? 0 : double(out.top.front().result.active_units);
}

// Model evaluations per second with 1 and 2 threads (random draws, fixed evaluation budget).
void BM_Rate(benchmark::State& state, const char* arch, const char* layer, int batch, const char* df) {
  auto s = setup(arch, layer, batch, df);
  mapping::Mapspace ms(s.problem, s.machine, s.constraints);
  mapper::Options o;
  o.strategy = mapper::Strategy::Random;
  o.threads = int(state.range(0));
  o.budget_evals = 40000;  // large enough that thread start-up and set-up are negligible
  mapper::Outcome out;
  double evals = 0, secs = 0;
  for (auto _ : state) {
    out = mapper::search(ms, o);
    evals += double(out.evaluations);
    secs += out.seconds;
  }
  state.counters["evals_per_s"] = evals / secs;
  state.counters["evals_per_s_per_thread"] = evals / secs / double(o.threads);
}

// Uniform draws of the mapspace (Mapspace::sample): attempts per second and where they are
// rejected (the first failing check: fanout, utilization, or capacity at a level, innermost first).
void BM_Draws(benchmark::State& state, const char* arch, const char* layer, int batch, const char* df) {
  auto s = setup(arch, layer, batch, df);
  mapping::Mapspace ms(s.problem, s.machine, s.constraints);
  Rng rng(7);
  mapping::Point pt;
  mapping::RejectStats rej;
  int64_t attempts = 0, accepted = 0;
  for (auto _ : state) {
    ++attempts;
    accepted += ms.sample(rng, pt, &rej) ? 1 : 0;
  }
  state.counters["accepted_%"] = 100.0 * double(accepted) / double(attempts);
  state.counters["fitting_draws_per_s"] = benchmark::Counter(double(accepted), benchmark::Counter::kIsRate);
  state.counters["fanout_%"] = 100.0 * double(rej.fanout) / double(attempts);
  state.counters["utilization_%"] = 100.0 * double(rej.utilization) / double(attempts);
  for (int l = 0; l < ms.num_levels(); ++l) {
    int64_t n = 0;
    for (int64_t c : rej.pool[size_t(l)]) n += c;
    state.counters["capacity_L" + std::to_string(l) + "_%"] = 100.0 * double(n) / double(attempts);
  }
}

// Building a mapspace (its per-dimension tables and the joint tables of the spatial factors).
void BM_Setup(benchmark::State& state, const char* arch, const char* layer, int batch, const char* df) {
  auto s = setup(arch, layer, batch, df);
  for (auto _ : state) {
    mapping::Mapspace ms(s.problem, s.machine, s.constraints);
    benchmark::DoNotOptimize(ms.fanout_fitting_count());
  }
}

#define CONV_LAYERS(X, ARCH, DF) \
  X(ARCH, DF, conv1)             \
  X(ARCH, DF, conv2) X(ARCH, DF, conv3) X(ARCH, DF, conv4) X(ARCH, DF, conv5)

#define SIZE(ARCH, DF, L)                                                                          \
  BENCHMARK_CAPTURE(BM_Size, ARCH##_##DF##_##L,                                                    \
                    #ARCH == std::string("eyeriss256") ? "eyeriss-256" : "eyeriss", "alexnet:" #L, \
                    #ARCH == std::string("eyeriss256") ? 1 : 4, #DF)                               \
      ->Iterations(1)                                                                              \
      ->Unit(benchmark::kMillisecond);
#define EXH(ARCH, DF, L)                                                                           \
  BENCHMARK_CAPTURE(BM_Exhaustive, ARCH##_##DF##_##L,                                              \
                    #ARCH == std::string("eyeriss256") ? "eyeriss-256" : "eyeriss", "alexnet:" #L, \
                    #ARCH == std::string("eyeriss256") ? 1 : 4, #DF)                               \
      ->Arg(2)                                                                                     \
      ->Iterations(1)                                                                              \
      ->Unit(benchmark::kSecond)                                                                   \
      ->UseRealTime();

CONV_LAYERS(SIZE, eyeriss, rs)
CONV_LAYERS(SIZE, eyeriss256, ws)
CONV_LAYERS(SIZE, eyeriss256, os)
CONV_LAYERS(SIZE, eyeriss256, nlr)
CONV_LAYERS(SIZE, eyeriss256, rs)
CONV_LAYERS(EXH, eyeriss, rs)
CONV_LAYERS(EXH, eyeriss256, rs)
CONV_LAYERS(EXH, eyeriss256, os)
CONV_LAYERS(EXH, eyeriss256, nlr)
CONV_LAYERS(EXH, eyeriss256, ws)

BENCHMARK_CAPTURE(BM_Draws, eyeriss_rs_conv1, "eyeriss", "alexnet:conv1", 4, "rs");
BENCHMARK_CAPTURE(BM_Draws, eyeriss_rs_conv3, "eyeriss", "alexnet:conv3", 4, "rs");
BENCHMARK_CAPTURE(BM_Draws, eyeriss256_ws_conv3, "eyeriss-256", "alexnet:conv3", 1, "ws");
BENCHMARK_CAPTURE(BM_Draws, eyeriss256_rs_conv3, "eyeriss-256", "alexnet:conv3", 1, "rs");
BENCHMARK_CAPTURE(BM_Draws, eyeriss256_any_conv3, "eyeriss-256", "alexnet:conv3", 1, "any");

BENCHMARK_CAPTURE(BM_Setup, eyeriss_rs_conv1, "eyeriss", "alexnet:conv1", 4, "rs")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Setup, eyeriss256_any_conv3, "eyeriss-256", "alexnet:conv3", 1, "any")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Setup, tpu_any_conv3, "tpu-v1", "alexnet:conv3", 1, "any")
    ->Unit(benchmark::kMillisecond);

BENCHMARK_CAPTURE(BM_Rate, eyeriss_rs_conv3, "eyeriss", "alexnet:conv3", 4, "rs")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Rate, eyeriss_rs_conv1, "eyeriss", "alexnet:conv1", 4, "rs")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Rate, eyeriss256_ws_conv3, "eyeriss-256", "alexnet:conv3", 1, "ws")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Rate, eyeriss256_os_conv3, "eyeriss-256", "alexnet:conv3", 1, "os")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
