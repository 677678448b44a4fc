// Evaluations per second of the analytical model (model::evaluate) on one core, per preset and
// layer, through model::Evaluator (the problem-only work done once, as in the mapper). Valid mappings are
// drawn at random (perfect factorizations spread over the levels, random loop orders and bypass) before
// timing; the timed loop evaluates them round-robin. Figures go to docs/performance.md and closing notes,
// never into tests.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <vector>

#include "coda/common/rng.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/io/layer_loader.hpp"
#include "coda/io/mapping_yaml.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/mapping/factorization.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/bind.hpp"
#include "coda/model/evaluate.hpp"
#include "mapspace_samples.hpp"

namespace {

using namespace coda;

mapping::Mapping draw(Rng& rng, const workload::Problem& p, const model::Machine& m) {
  mapping::Mapping map;
  const int L = m.num_levels;
  map.levels.resize(size_t(L));
  std::vector<int64_t> cap_x(static_cast<size_t>(L)), cap_y(static_cast<size_t>(L));
  for (int i = 0; i < L; ++i) {
    cap_x[size_t(i)] = i + 1 < L ? m.levels[size_t(i + 1)].fanout_x : m.compute.fanout_x;
    cap_y[size_t(i)] = i + 1 < L ? m.levels[size_t(i + 1)].fanout_y : m.compute.fanout_y;
  }
  std::vector<std::vector<mapping::Loop>> temporal(static_cast<size_t>(L));
  for (int d = 0; d < p.num_dims(); ++d) {
    int64_t rem = p.bounds[size_t(d)];
    for (int i = L - 1; i >= 0 && rem > 1; --i) {
      for (int kind : {1, 2, 0}) {
        if (rem == 1 || (kind == 0 && i == 0)) continue;
        int64_t cap = kind == 1 ? cap_x[size_t(i)] : kind == 2 ? cap_y[size_t(i)] : rem;
        std::vector<int64_t> ds;
        for (int64_t v : mapping::divisors(rem))
          if (v <= cap) ds.push_back(v);
        int64_t f = ds[size_t(rng.below(ds.size()))];
        if (f == 1) continue;
        rem /= f;
        if (kind == 0) {
          temporal[size_t(i)].push_back({d, f, mapping::Axis::X});
        } else {
          (kind == 1 ? cap_x : cap_y)[size_t(i)] /= f;
          map.levels[size_t(i)].spatial.insert(
              map.levels[size_t(i)].spatial.begin(),
              mapping::Loop{d, f, kind == 2 ? mapping::Axis::Y : mapping::Axis::X});
        }
      }
    }
    if (rem > 1) temporal[0].push_back({d, rem, mapping::Axis::X});
  }
  for (int i = 0; i < L; ++i) {
    auto& t = temporal[size_t(i)];
    for (size_t k = t.size(); k > 1; --k) std::swap(t[k - 1], t[size_t(rng.below(k))]);
    map.levels[size_t(i)].temporal = t;
    uint32_t keep = 0;
    for (int k = 0; k < p.num_tensors(); ++k)
      if (m.levels[size_t(i)].may_keep[size_t(k)] && (i == 0 || rng.below(4) != 0)) keep |= 1u << k;
    map.levels[size_t(i)].keep = keep;
  }
  return map;
}

struct Fixture {
  workload::Problem problem;
  model::Machine machine;
  std::vector<mapping::Mapping> mappings;
};

const Fixture& fixture(const std::string& arch, const std::string& layer, int64_t batch) {
  static std::map<std::string, Fixture> cache;
  auto key = arch + "|" + layer;
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Fixture f;
  auto a = io::load_architecture(arch);
  f.problem = io::load_layer(layer, batch).problem;
  f.machine = model::bind(a, model::library_for(a), f.problem);
  Rng rng(42);
  model::Result r;
  for (int tries = 0; tries < 200000 && f.mappings.size() < 64; ++tries) {
    auto map = draw(rng, f.problem, f.machine);
    model::evaluate(f.problem, f.machine, map, r);
    if (r.valid) f.mappings.push_back(map);
  }
  return cache.emplace(key, std::move(f)).first->second;
}

void BM_Evaluate(benchmark::State& state, const char* arch, const char* layer, int64_t batch) {
  const auto& f = fixture(arch, layer, batch);
  if (f.mappings.empty()) {
    state.SkipWithError("no valid random mapping found");
    return;
  }
  model::Result r;
  size_t k = 0;
  const model::Evaluator eval(f.problem, f.machine);  // as the mapper calls the model
  for (auto _ : state) {
    eval(f.mappings[k], r);
    benchmark::DoNotOptimize(r.energy_pj);
    k = (k + 1) % f.mappings.size();
  }
  state.counters["evals/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["mappings"] = double(f.mappings.size());
}

void BM_EvaluateEyerissConv3RS(benchmark::State& state) {
  auto a = io::load_architecture("eyeriss");
  auto l = io::load_layer("alexnet:conv3", 4);
  auto m = model::bind(a, model::library_for(a), l.problem);
  auto map = io::read_mapping_file(CODA_SOURCE_DIR "/examples/mappings/eyeriss_alexnet_conv3_rs.yaml",
                                   l.problem, model::level_names(a));
  model::Result r;
  const model::Evaluator eval(l.problem, m);
  for (auto _ : state) {
    eval(map, r);
    benchmark::DoNotOptimize(r.energy_pj);
  }
  state.counters["evals/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EvaluateEyerissConv3RS);

// What the mapper evaluates: 256 valid points of the dataflow's mapspace (uniform samples, the
// mapper's own draw), round-robin.
void BM_EvaluateMapspace(benchmark::State& state, const char* arch, const char* layer, const char* dataflow,
                         int64_t batch) {
  auto a = io::load_architecture(arch);
  auto l = io::load_layer(layer, batch);
  auto m = model::bind(a, model::library_for(a), l.problem);
  mapping::Mapspace ms(l.problem, m, mapping::dataflow_constraints(dataflow, l.problem, m));
  const model::Evaluator eval(l.problem, m);
  const std::vector<mapping::Mapping> maps = bench::mapspace_samples(ms, eval);
  model::Result r;
  if (maps.empty()) {
    state.SkipWithError("no valid mapping sampled");
    return;
  }
  size_t k = 0;
  for (auto _ : state) {
    eval(maps[k], r);
    benchmark::DoNotOptimize(r.energy_pj);
    k = (k + 1) % maps.size();
  }
  state.counters["evals/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["mappings"] = double(maps.size());
}
BENCHMARK_CAPTURE(BM_EvaluateMapspace, eyeriss_rs_alexnet_conv1, "eyeriss", "alexnet:conv1", "rs", 4);
BENCHMARK_CAPTURE(BM_EvaluateMapspace, eyeriss_rs_alexnet_conv2, "eyeriss", "alexnet:conv2", "rs", 4);
BENCHMARK_CAPTURE(BM_EvaluateMapspace, eyeriss_rs_alexnet_conv3, "eyeriss", "alexnet:conv3", "rs", 4);
BENCHMARK_CAPTURE(BM_EvaluateMapspace, eyeriss_rs_alexnet_conv4, "eyeriss", "alexnet:conv4", "rs", 4);
BENCHMARK_CAPTURE(BM_EvaluateMapspace, eyeriss_rs_alexnet_conv5, "eyeriss", "alexnet:conv5", "rs", 4);

BENCHMARK_CAPTURE(BM_Evaluate, eyeriss_alexnet_conv1, "eyeriss", "alexnet:conv1", 4);
BENCHMARK_CAPTURE(BM_Evaluate, eyeriss_alexnet_conv2, "eyeriss", "alexnet:conv2", 4);
BENCHMARK_CAPTURE(BM_Evaluate, eyeriss_alexnet_conv3, "eyeriss", "alexnet:conv3", 4);
BENCHMARK_CAPTURE(BM_Evaluate, eyeriss_alexnet_conv4, "eyeriss", "alexnet:conv4", 4);
BENCHMARK_CAPTURE(BM_Evaluate, eyeriss_alexnet_conv5, "eyeriss", "alexnet:conv5", 4);
BENCHMARK_CAPTURE(BM_Evaluate, eyeriss_alexnet_fc6, "eyeriss", "alexnet:fc6", 4);
BENCHMARK_CAPTURE(BM_Evaluate, eyeriss256_resnet50_conv1, "eyeriss-256", "resnet50:conv1", 1);
BENCHMARK_CAPTURE(BM_Evaluate, eyeriss256_mobilenet_dw1, "eyeriss-256", "mobilenet_v1:conv_dw1", 1);
BENCHMARK_CAPTURE(BM_Evaluate, shidiannao_alexnet_conv3, "shidiannao", "alexnet:conv3", 1);
BENCHMARK_CAPTURE(BM_Evaluate, tpu_v1_alexnet_conv3, "tpu-v1", "alexnet:conv3", 1);
BENCHMARK_CAPTURE(BM_Evaluate, nvdla_like_alexnet_conv3, "nvdla-like", "alexnet:conv3", 1);
BENCHMARK_CAPTURE(BM_Evaluate, simba_like_alexnet_conv3, "simba-like", "alexnet:conv3", 1);
BENCHMARK_CAPTURE(BM_Evaluate, squeezelerator_alexnet_conv3, "squeezelerator", "alexnet:conv3", 1);
BENCHMARK_CAPTURE(BM_Evaluate, spatial_array_resnet50_conv1, "spatial-array", "resnet50:conv1", 1);
BENCHMARK_CAPTURE(BM_Evaluate, systolic_array_mobilenet_dw1, "systolic-array", "mobilenet_v1:conv_dw1", 1);

}  // namespace

BENCHMARK_MAIN();
