#include "coda/mapper/search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "coda/common/error.hpp"

namespace coda::mapper {

const char* strategy_name(Strategy s) {
  switch (s) {
    case Strategy::Exhaustive: return "exhaustive";
    case Strategy::Random: return "random";
    case Strategy::Anneal: return "anneal";
    case Strategy::Default: return "default";
  }
  return "?";
}

Strategy parse_strategy(const std::string& s) {
  if (s == "exhaustive") return Strategy::Exhaustive;
  if (s == "random") return Strategy::Random;
  if (s == "anneal") return Strategy::Anneal;
  if (s == "default") return Strategy::Default;
  throw InputError(fmt::format("unknown strategy '{}' (expected exhaustive, random, anneal or default)", s));
}

// ---------------------------------------------------------------------------------------------
// Collector

bool Collector::before(const Candidate& a, const Candidate& b) const {
  if (a.score < b.score) return true;
  if (b.score < a.score) return false;
  // Equal scores: fewer addressed MAC units first (imperfect splits can address idle units at
  // no cost in the model), then the canonical order of the mappings.
  if (a.result.active_units != b.result.active_units) return a.result.active_units < b.result.active_units;
  return compare_mappings(a.mapping, b.mapping) < 0;
}

void Collector::offer(const mapping::Mapping& m, const model::Result& r) {
  if (!r.valid) return;
  const Score s = obj_.score(r);
  bool want_top = k_ > 0 && int(top_.size()) < k_;
  if (k_ > 0 && !want_top) {
    // Full: only a candidate ranked before the last one enters (checked without copying it).
    const Candidate& w = top_.back();
    if (s < w.score)
      want_top = true;
    else if (s == w.score)
      want_top = r.active_units < w.result.active_units ||
                 (r.active_units == w.result.active_units && compare_mappings(m, w.mapping) < 0);
  }
  bool want_front = false;
  if (pareto_) {
    want_front = true;
    for (const auto& q : front_)
      if (q.result.energy_pj <= r.energy_pj && q.result.cycles <= r.cycles &&
          (q.result.energy_pj < r.energy_pj || q.result.cycles < r.cycles)) {
        want_front = false;
        break;
      }
  }
  if (!want_top && !want_front) return;
  offer(Candidate{m, r, s});
}

void Collector::offer(Candidate c) {
  if (k_ > 0) {
    bool dup = false;
    for (const auto& q : top_)
      if (q.score == c.score && compare_mappings(q.mapping, c.mapping) == 0) dup = true;
    if (!dup) {
      auto it = std::lower_bound(top_.begin(), top_.end(), c,
                                 [this](const Candidate& a, const Candidate& b) { return before(a, b); });
      if (it - top_.begin() < k_) {
        top_.insert(it, c);
        if (int(top_.size()) > k_) top_.pop_back();
      }
    }
  }
  if (pareto_) {
    const double e = c.result.energy_pj, y = c.result.cycles;
    for (const auto& q : front_) {
      const double qe = q.result.energy_pj, qy = q.result.cycles;
      if (qe <= e && qy <= y && (qe < e || qy < y)) return;  // dominated
      if (qe == e && qy == y && compare_mappings(q.mapping, c.mapping) <= 0)
        return;  // equal: keep the canonical one
    }
    std::vector<Candidate> kept;
    for (auto& q : front_) {
      const double qe = q.result.energy_pj, qy = q.result.cycles;
      const bool dominated = (e <= qe && y <= qy && (e < qe || y < qy)) || (e == qe && y == qy);
      if (!dominated) kept.push_back(std::move(q));
    }
    auto it = std::lower_bound(kept.begin(), kept.end(), c, [](const Candidate& a, const Candidate& b) {
      return a.result.energy_pj < b.result.energy_pj ||
             (a.result.energy_pj == b.result.energy_pj && a.result.cycles < b.result.cycles);
    });
    kept.insert(it, std::move(c));
    front_ = std::move(kept);
  }
}

void Collector::merge(const Collector& o) {
  for (const auto& c : o.top_) offer(c);
  for (const auto& c : o.front_) offer(c);
}

namespace {

using Clock = std::chrono::steady_clock;

uint64_t mix(uint64_t seed, uint64_t i) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (i + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct BatchResult {
  Collector col;
  Collector seeds;  // the best distinct points, to start annealing chains from
  int64_t evals = 0, valid = 0, draws = 0, tilings = 0;
  mapping::RejectStats rej;
};

// Shared state of one search.
struct Run {
  const mapping::Mapspace& space;
  model::Evaluator eval;  // the problem-only work of evaluate(), done once per search
  const Options& opt;
  Clock::time_point start = Clock::now();
  double deadline = std::numeric_limits<double>::infinity();  // seconds since start
  int threads = 1;
  std::atomic<bool> stop{false};
  // Everything merged so far (main thread only).
  Collector col;
  Collector seeds;
  int64_t evals = 0, valid = 0, draws = 0, tilings = 0;
  mapping::RejectStats rej;
  mutable std::atomic<int64_t> live_evals{0};
  // Whether evaluations also feed `seeds`. The exhaustive search turns it off: no chain starts
  // after it, and each batch's seed collector would copy its first few mappings for nothing.
  bool keep_seeds = true;

  Run(const mapping::Mapspace& s, const Options& o, int seed_k)
      : space(s),
        eval(s.problem(), s.machine()),
        opt(o),
        col(o.objective, std::max(1, o.top_k), o.pareto),
        seeds(o.objective, seed_k, false) {}

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
  bool should_stop() const { return stop.load(std::memory_order_relaxed) || elapsed() >= deadline; }

  void absorb(const BatchResult& r) {
    col.merge(r.col);
    seeds.merge(r.seeds);
    evals += r.evals;
    valid += r.valid;
    draws += r.draws;
    tilings += r.tilings;
    rej.add(r.rej);
  }

  // Evaluates one point into a batch result.
  void evaluate(const mapping::Point& pt, BatchResult& out, model::Result& res) const {
    // One mapping per thread, rebuilt in place: no allocation per evaluation once warm.
    thread_local mapping::Mapping m;
    space.to_mapping(pt, m);
    eval(m, res);
    ++out.evals;
    live_evals.fetch_add(1, std::memory_order_relaxed);
    if (!res.valid) return;
    ++out.valid;
    out.col.offer(m, res);
    if (keep_seeds) out.seeds.offer(m, res);
  }

  void report(const char* phase, double fraction) const {
    if (!opt.progress) return;
    Progress p;
    p.phase = phase;
    p.evaluations = live_evals.load();
    p.seconds = elapsed();
    p.rate = p.seconds > 0 ? double(p.evaluations) / p.seconds : 0;
    p.has_best = !col.top().empty();
    if (p.has_best) p.best = col.top().front().score;
    p.fraction = fraction;
    opt.progress(p);
  }
};

// Runs numbered batches on `threads` workers. `produce(push)` generates the batches in order
// (push returns false once the search stops); `process` fills a BatchResult; results are merged
// into the run in batch order. With `eval_budget` > 0 the merge stops after the batch that
// reaches it, so the merged set does not depend on timing.
template <class Batch>
void run_batches(Run& run, const char* phase, int64_t eval_budget, double expected_batches,
                 const std::function<void(const std::function<bool(Batch&&)>&)>& produce,
                 const std::function<void(const Batch&, BatchResult&)>& process) {
  std::mutex mu;
  std::condition_variable cv_queue, cv_done;
  std::deque<std::pair<int64_t, Batch>> queue;
  std::map<int64_t, BatchResult> done;
  bool produced_all = false;
  int64_t produced = 0;
  const size_t max_queue = size_t(2 * run.threads + 2);
  std::atomic<bool> halt{false};  // this phase only

  std::jthread producer([&] {
    produce([&](Batch&& b) {
      std::unique_lock<std::mutex> lock(mu);
      cv_queue.wait(lock, [&] { return queue.size() < max_queue || halt.load(); });
      if (halt.load()) return false;
      queue.emplace_back(produced++, std::move(b));
      cv_queue.notify_all();
      return true;
    });
    std::lock_guard<std::mutex> lock(mu);
    produced_all = true;
    cv_queue.notify_all();
    cv_done.notify_all();
  });
  std::vector<std::jthread> workers;
  for (int w = 0; w < run.threads; ++w)
    workers.emplace_back([&] {
      while (true) {
        std::pair<int64_t, Batch> item;
        {
          std::unique_lock<std::mutex> lock(mu);
          cv_queue.wait(lock, [&] { return !queue.empty() || produced_all || halt.load(); });
          if (halt.load() || queue.empty()) return;
          item = std::move(queue.front());
          queue.pop_front();
          cv_queue.notify_all();
        }
        BatchResult r;
        r.col = Collector(run.opt.objective, std::max(1, run.opt.top_k), run.opt.pareto);
        // The merged seeds keep the best k distinct points, and the best k of a union are
        // among the best k of each part, so a batch needs no more (a larger k only copies more).
        r.seeds = Collector(run.opt.objective, run.seeds.k(), false);
        process(item.second, r);
        std::lock_guard<std::mutex> lock(mu);
        done.emplace(item.first, std::move(r));
        cv_done.notify_all();
      }
    });

  int64_t next = 0, merged_evals = 0;
  auto last_report = Clock::now();
  while (true) {
    std::unique_lock<std::mutex> lock(mu);
    cv_done.wait_for(lock, std::chrono::duration<double>(std::max(0.01, run.opt.progress_interval)),
                     [&] { return done.count(next) > 0 || (produced_all && next >= produced); });
    bool finished = false;
    while (done.count(next)) {
      BatchResult r = std::move(done[next]);
      done.erase(next);
      ++next;
      lock.unlock();
      run.absorb(r);
      merged_evals += r.evals;
      lock.lock();
      if (eval_budget > 0 && merged_evals >= eval_budget) {
        finished = true;
        break;
      }
    }
    if (!finished && produced_all && next >= produced) finished = true;  // every batch merged
    lock.unlock();
    if (!finished && run.elapsed() >= run.deadline) finished = true;
    if (Clock::now() - last_report >= std::chrono::duration<double>(run.opt.progress_interval)) {
      double frac = -1;
      if (eval_budget > 0)
        frac = std::min(1.0, double(merged_evals) / double(eval_budget));
      else if (expected_batches > 0)
        frac = std::min(1.0, double(next) / expected_batches);
      run.report(phase, frac);
      last_report = Clock::now();
    }
    if (finished) break;
  }
  const bool budget_hit = eval_budget > 0 && merged_evals >= eval_budget;
  {
    std::lock_guard<std::mutex> lock(mu);
    halt = true;
    cv_queue.notify_all();
  }
  producer.join();
  for (auto& w : workers) w.join();
  if (!budget_hit) {
    // Stopped by time (or finished): merge what completed, in order.
    while (done.count(next)) {
      run.absorb(done[next]);
      done.erase(next);
      ++next;
    }
  }
}

int default_threads(int requested) {
  if (requested > 0) return requested;
  const unsigned hc = std::thread::hardware_concurrency();
  return hc > 0 ? int(hc) : 1;
}

// ---- strategies ----

bool exhaustive(Run& run, int64_t budget) {
  const auto& space = run.space;
  run.keep_seeds = false;
  using Batch = std::vector<mapping::Point>;
  std::atomic<bool> enumerated_all{false};
  mapping::RejectStats producer_rejects;  // written by the producer thread, read after the join
  run_batches<Batch>(
      run, "exhaustive", budget, -1,
      [&](const std::function<bool(Batch &&)>& push) {
        Batch cur;
        double weight = 0;
        mapping::RejectStats rej;
        const bool all = space.for_each_tiling(
            [&](const mapping::Point& t) {
              if (run.should_stop()) return false;
              cur.push_back(t);
              weight += space.order_count(t);
              if (weight >= 256 || cur.size() >= 64) {
                if (!push(std::move(cur))) return false;
                cur.clear();
                weight = 0;
              }
              return true;
            },
            &rej);
        if (all && !cur.empty()) push(std::move(cur));
        producer_rejects = rej;
        enumerated_all = all;
      },
      [&](const Batch& batch, BatchResult& out) {
        model::Result res;
        for (const auto& t : batch) {
          ++out.tilings;
          const bool ok = space.for_each_order(t, [&](const mapping::Point& q) {
            if (run.should_stop()) return false;
            run.evaluate(q, out, res);
            return true;
          });
          if (!ok) break;
        }
      });
  run.rej.add(producer_rejects);
  run.keep_seeds = true;
  return enumerated_all.load() && !(budget > 0 && run.evals >= budget) && run.elapsed() < run.deadline;
}

void random_draws(Run& run, int64_t budget, bool constructive_fallback) {
  const auto& space = run.space;
  struct Range {
    int64_t begin, end;
  };
  constexpr int64_t kPerBatch = 64;
  // Indices of draws; at most a few times the budget so that an empty space terminates.
  const int64_t max_index =
      budget > 0 ? std::max<int64_t>(4 * budget, 4096) : std::numeric_limits<int64_t>::max() / 2;
  run_batches<Range>(
      run, "random", budget, budget > 0 ? double(budget) / kPerBatch : -1,
      [&](const std::function<bool(Range &&)>& push) {
        for (int64_t b = 0; b < max_index; b += kPerBatch)
          if (!push(Range{b, std::min(max_index, b + kPerBatch)})) return;
      },
      [&](const Range& r, BatchResult& out) {
        model::Result res;
        mapping::Point pt;
        for (int64_t j = r.begin; j < r.end; ++j) {
          if (run.should_stop()) return;
          Rng rng(mix(run.opt.seed, uint64_t(j)));
          bool ok = false;
          for (int a = 0; a < 64 && !ok; ++a) {
            ++out.draws;
            ok = space.sample(rng, pt, &out.rej);
          }
          if (!ok && constructive_fallback) {
            ++out.draws;
            ok = space.sample_constructive(rng, pt);
          }
          if (ok) run.evaluate(pt, out, res);
        }
      });
}

void anneal(Run& run, const std::vector<mapping::Point>& starts, int chains, int64_t budget) {
  const auto& space = run.space;
  if (starts.empty() || chains <= 0) return;
  const int64_t steps =
      budget > 0 ? std::max<int64_t>(1, budget / chains) : std::numeric_limits<int64_t>::max() / 4;
  // Relative worsening accepted with probability 1/e, from t0 down to t1. t0 = 0.3 rather than a
  // colder start: at 0.08 chains settled in local optima 1.9-2.3 % above the exhaustive optimum on
  // MobileNet v1 pointwise layers of eyeriss-256 (docs/mapper.md §7).
  const double t0 = 0.3, t1 = 0.0005;
  const double phase_start = run.elapsed();
  run_batches<int>(
      run, "anneal", budget, chains,
      [&](const std::function<bool(int&&)>& push) {
        for (int c = 0; c < chains; ++c) {
          int x = c;
          if (!push(std::move(x))) return;
        }
      },
      [&](const int& c, BatchResult& out) {
        Rng rng(mix(run.opt.seed ^ 0xA11EA1ULL, uint64_t(c)));
        mapping::Point cur = starts[size_t(c) % starts.size()], best = cur, nxt;
        model::Result res;
        run.evaluate(cur, out, res);
        if (!res.valid) return;
        double cur_s = run.opt.objective.scalar(run.opt.objective.score(res)), best_s = cur_s;
        int failures = 0;
        for (int64_t s = 1; s < steps; ++s) {
          if (run.should_stop()) return;
          double frac = double(s) / double(steps);
          if (budget <= 0 && std::isfinite(run.deadline))
            frac = std::min(1.0, (run.elapsed() - phase_start) / std::max(1e-9, run.deadline - phase_start));
          const double temp = t0 * std::pow(t1 / t0, frac);
          if (!space.neighbour(rng, cur, nxt)) {
            if (++failures > 16) return;
            continue;
          }
          failures = 0;
          run.evaluate(nxt, out, res);
          if (!res.valid) continue;
          const double ns = run.opt.objective.scalar(run.opt.objective.score(res));
          const double delta = ns - cur_s;
          if (delta <= 0 || rng.uniform() < std::exp(-delta / temp)) {
            cur = nxt;
            cur_s = ns;
            if (ns < best_s) {
              best_s = ns;
              best = nxt;
            }
          }
          // Return to the chain's best now and then, so that a chain does not drift away.
          if (s % 500 == 0 && cur_s > best_s) {
            cur = best;
            cur_s = best_s;
          }
        }
      });
}

std::vector<mapping::Point> start_points(Run& run, int n) {
  std::vector<mapping::Point> v;
  for (const auto& c : run.seeds.top()) {
    if (int(v.size()) >= n) break;
    v.push_back(run.space.point_of(c.mapping));
  }
  // Not enough legal draws: build some level by level.
  for (int k = 0; int(v.size()) < n && k < 64 * n; ++k) {
    Rng rng(mix(run.opt.seed ^ 0x5EEDULL, uint64_t(k)));
    mapping::Point pt;
    if (run.space.sample_constructive(rng, pt)) v.push_back(pt);
  }
  return v;
}

}  // namespace

Outcome search(const mapping::Mapspace& space, const Options& opt) {
  if (opt.top_k < 0) throw InputError("--top must be >= 1");
  if (opt.budget_evals < 0 || opt.budget_seconds < 0) throw InputError("budgets must be >= 0");
  const int chains = std::max(8, 2 * default_threads(opt.threads));
  Run run(space, opt, chains);
  run.threads = default_threads(opt.threads);
  if (opt.budget_seconds > 0) run.deadline = opt.budget_seconds;
  Outcome out;
  out.threads = run.threads;
  // A space that is empty for a reason found without searching (a rule no split satisfies, a
  // keep the architecture forbids, tiles that cannot fit) is reported at once.
  if (std::string why = space.diagnose(); !why.empty()) {
    out.empty_reason = why;
    out.strategy = strategy_name(opt.strategy);
    out.complete = true;
    return out;
  }
  const bool limited = opt.budget_evals > 0 || opt.budget_seconds > 0;
  const int64_t budget = opt.budget_evals > 0 ? opt.budget_evals : (limited ? 0 : kDefaultBudget);

  switch (opt.strategy) {
    case Strategy::Exhaustive:
      out.complete = exhaustive(run, opt.budget_evals);
      out.strategy = "exhaustive";
      break;
    case Strategy::Random:
      random_draws(run, budget, true);
      out.strategy = "random";
      break;
    case Strategy::Anneal: {
      // A few draws to start from, then the chains.
      const int64_t seed_budget = budget > 0 ? std::max<int64_t>(chains, budget / 10) : 0;
      if (budget <= 0) run.deadline = opt.budget_seconds > 0 ? opt.budget_seconds * 0.1 : run.deadline;
      random_draws(run, seed_budget > 0 ? seed_budget : 0, true);
      run.deadline = opt.budget_seconds > 0 ? opt.budget_seconds : std::numeric_limits<double>::infinity();
      anneal(run, start_points(run, chains), chains, budget > 0 ? budget - run.evals : 0);
      out.strategy = "anneal";
      break;
    }
    case Strategy::Default: {
      // Estimate the space from uniform draws (they also seed the search).
      Rng rng(mix(opt.seed, 0xE57ULL));
      const auto t0 = Clock::now();
      int64_t accepted = 0;
      out.estimate = space.estimate(rng, 2000, [&](const mapping::Point&) { ++accepted; });
      (void)accepted;
      const double est_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      (void)est_seconds;
      // Evaluations the budget allows: given, or measured over a few draws for a time budget.
      double allowed = double(budget);
      if (budget <= 0 && opt.budget_seconds > 0) {
        Run probe(space, opt, 1);
        probe.threads = 1;
        probe.deadline = std::min(0.05 * opt.budget_seconds, 0.5);
        random_draws(probe, 0, true);
        const double rate = probe.evals / std::max(1e-3, probe.elapsed());
        allowed = rate * run.threads * std::max(0.0, opt.budget_seconds - run.elapsed());
      }
      if (out.estimate.accepted > 0 && out.estimate.points <= 0.8 * allowed) {
        out.complete = exhaustive(run, 0);
        out.strategy = "exhaustive";
        break;
      }
      const bool low_acceptance = out.estimate.acceptance < 1.0 / 64;
      if (budget > 0) {
        random_draws(run, std::max<int64_t>(chains, budget / 4), low_acceptance);
        const int64_t left = budget - run.evals;
        if (left > 0) anneal(run, start_points(run, chains), chains, left);
      } else {
        const double total = run.deadline;
        run.deadline = run.elapsed() + 0.25 * (total - run.elapsed());
        random_draws(run, 0, low_acceptance);
        run.deadline = total;
        anneal(run, start_points(run, chains), chains, 0);
      }
      out.strategy = "random+anneal";
      break;
    }
  }
  out.top = run.col.top();
  if (int(out.top.size()) > opt.top_k) out.top.resize(size_t(std::max(1, opt.top_k)));
  out.front = run.col.front();
  out.evaluations = run.evals;
  out.valid = run.valid;
  out.tilings = run.tilings;
  out.draws = run.draws;
  out.rejects = run.rej;
  out.seconds = run.elapsed();
  if (out.top.empty()) {
    out.empty_reason = space.diagnose(&run.rej);
    if (out.empty_reason.empty())
      out.empty_reason = out.complete ? "no mapping satisfies the constraints and fits the architecture"
                                      : fmt::format("no legal mapping found in {} draws / {} evaluations",
                                                    out.draws, out.evaluations);
  }
  return out;
}

}  // namespace coda::mapper
