#pragma once
// Search strategies over one Mapspace (design.md §5):
//  - exhaustive: every canonical point, tilings enumerated with capacity pruning (complete unless
//    a budget stops it);
//  - random: uniform draws (mapping::Mapspace::sample), each draw i seeded from (seed, i);
//  - anneal: simulated annealing chains over Mapspace::neighbour, started from the best draws;
//  - default: exhaustive when the estimated size of the space fits the budget, otherwise random
//    sampling for a quarter of the budget and annealing for the rest.
// Work is cut into numbered batches (a few tilings, a range of draws, one chain) whose content
// depends only on the seed and the batch number; results are merged in batch order and ties are
// broken by a canonical order of the mappings. With an evaluation budget the result is therefore
// the same for a given seed whatever the number of threads or their timing; a budget in seconds
// makes the amount of work (not its order) depend on the machine's speed.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "coda/mapper/objective.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/evaluate.hpp"

namespace coda::mapper {

enum class Strategy { Exhaustive, Random, Anneal, Default };
const char* strategy_name(Strategy s);
/// "exhaustive", "random", "anneal", "default"; InputError otherwise.
Strategy parse_strategy(const std::string& s);

struct Candidate {
  mapping::Mapping mapping;
  model::Result result;
  Score score;
};

/// Best k candidates and the Pareto front of (energy, cycles), with canonical tie-breaking.
class Collector {
 public:
  Collector(Objective obj = {}, int top_k = 1, bool pareto = false)
      : obj_(std::move(obj)), k_(top_k), pareto_(pareto) {}
  /// Considers one evaluated mapping (copied only if it enters the top k or the front).
  void offer(const mapping::Mapping& m, const model::Result& r);
  void merge(const Collector& o);
  int k() const { return k_; }  ///< how many of the best it keeps
  const std::vector<Candidate>& top() const { return top_; }
  const std::vector<Candidate>& front() const { return front_; }  ///< energy ascending
  /// True if a should be ranked before b (score, then the canonical order of the mappings).
  bool before(const Candidate& a, const Candidate& b) const;

 private:
  void offer(Candidate c);
  Objective obj_;
  int k_;
  bool pareto_;
  std::vector<Candidate> top_;
  std::vector<Candidate> front_;
};

struct Progress {
  const char* phase = "";
  int64_t evaluations = 0;
  double seconds = 0;
  double rate = 0;  ///< evaluations per second
  bool has_best = false;
  Score best;
  double fraction = -1;  ///< of the budget or the space, if known
};

struct Options {
  Strategy strategy = Strategy::Default;
  Objective objective;
  int threads = 0;  ///< 0 = all cores
  uint64_t seed = 1;
  int64_t budget_evals = 0;   ///< 0 = no limit (exhaustive) / the default of the strategy
  double budget_seconds = 0;  ///< 0 = no limit
  int top_k = 1;
  bool pareto = false;
  /// Called about every `progress_interval` seconds from the calling thread while searching.
  std::function<void(const Progress&)> progress;
  double progress_interval = 0.25;
};

/// Default evaluation budget of the sampling strategies when none is given.
inline constexpr int64_t kDefaultBudget = 20000;

struct Outcome {
  std::vector<Candidate> top;    ///< best first (empty if no legal mapping was found)
  std::vector<Candidate> front;  ///< Pareto front (energy ascending), if requested
  std::string strategy;          ///< what ran ("exhaustive", "random+anneal", ...)
  int64_t evaluations = 0;       ///< model evaluations
  int64_t valid = 0;             ///< of which valid
  int64_t tilings = 0;           ///< exhaustive: tilings that fit
  int64_t draws = 0;             ///< sampling attempts
  double seconds = 0;
  bool complete = false;                 ///< the whole space was searched (exhaustive, not stopped)
  mapping::Mapspace::Estimate estimate;  ///< default strategy: the size estimate it used
  mapping::RejectStats rejects;
  int threads = 1;
  /// Why nothing was found (the tightest constraint), when top is empty.
  std::string empty_reason;
};

/// Runs a search. Throws only for bad options; an empty space gives an Outcome with no top and
/// an explanation.
Outcome search(const mapping::Mapspace& space, const Options& options);

}  // namespace coda::mapper
