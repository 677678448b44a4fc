#include "coda/mapper/objective.hpp"

#include <fmt/format.h>

#include <cmath>

#include "coda/common/error.hpp"

namespace coda::mapper {

bool Score::operator<(const Score& o) const {
  for (int k = 0; k < std::min(n, o.n); ++k) {
    if (v[size_t(k)] < o.v[size_t(k)]) return true;
    if (o.v[size_t(k)] < v[size_t(k)]) return false;
  }
  return false;
}

bool Score::operator==(const Score& o) const { return !(*this < o) && !(o < *this); }

const char* metric_name(Metric m) {
  switch (m) {
    case Metric::Energy: return "energy";
    case Metric::Cycles: return "cycles";
    case Metric::Edp: return "edp";
    case Metric::ComputeCycles: return "compute-cycles";
    case Metric::RooflineCycles: return "roofline-cycles";
  }
  return "?";
}

double metric_value(Metric m, const model::Result& r) {
  switch (m) {
    case Metric::Energy: return r.energy_pj;
    case Metric::Cycles: return r.cycles;
    case Metric::Edp: return r.energy_pj * r.cycles;
    case Metric::ComputeCycles: return double(r.compute_cycles);
    // The model's total is the steady-state maximum plus the exposed cycles (docs/model.md §5).
    case Metric::RooflineCycles: return r.cycles - r.exposed_cycles;
  }
  return 0;
}

Objective Objective::parse(const std::string& text) {
  Objective o;
  o.terms_.clear();
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t e = text.find(',', pos);
    if (e == std::string::npos) e = text.size();
    std::string t = text.substr(pos, e - pos);
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (t == "energy")
      o.terms_.push_back(Metric::Energy);
    else if (t == "cycles" || t == "latency" || t == "delay")
      o.terms_.push_back(Metric::Cycles);
    else if (t == "edp")
      o.terms_.push_back(Metric::Edp);
    else if (t == "compute-cycles")
      o.terms_.push_back(Metric::ComputeCycles);
    else if (t == "roofline-cycles")
      o.terms_.push_back(Metric::RooflineCycles);
    else
      throw InputError(fmt::format("objective '{}': '{}' is not energy, cycles, edp, compute-cycles or roofline-cycles "
                                   "(a pair is written 'cycles,energy')",
                                   text, t));
    pos = e + 1;
  }
  if (o.terms_.empty() || o.terms_.size() > 2 || (o.terms_.size() == 2 && o.terms_[0] == o.terms_[1]))
    throw InputError(fmt::format("objective '{}': expected one metric or two different ones ('cycles,energy')", text));
  return o;
}

std::string Objective::name() const {
  std::string s;
  for (Metric m : terms_) s += (s.empty() ? "" : ",") + std::string(metric_name(m));
  return s;
}

Score Objective::score(const model::Result& r) const {
  Score s;
  s.n = int(terms_.size());
  for (size_t k = 0; k < terms_.size(); ++k) s.v[k] = metric_value(terms_[k], r);
  return s;
}

double Objective::scalar(const Score& s) const {
  auto lg = [](double x) { return std::log(std::max(x, 1e-300)); };
  double v = lg(s.v[0]);
  if (s.n > 1) v += 0.01 * lg(s.v[1]);
  return v;
}

int compare_mappings(const mapping::Mapping& a, const mapping::Mapping& b) {
  const uint64_t ha = a.hash(), hb = b.hash();
  if (ha != hb) return ha < hb ? -1 : 1;
  if (a.levels.size() != b.levels.size()) return a.levels.size() < b.levels.size() ? -1 : 1;
  auto cmp_loops = [](const std::vector<mapping::Loop>& x, const std::vector<mapping::Loop>& y) {
    if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    for (size_t k = 0; k < x.size(); ++k) {
      if (x[k].dim != y[k].dim) return x[k].dim < y[k].dim ? -1 : 1;
      if (x[k].factor != y[k].factor) return x[k].factor < y[k].factor ? -1 : 1;
      if (x[k].axis != y[k].axis) return x[k].axis < y[k].axis ? -1 : 1;
    }
    return 0;
  };
  for (size_t i = 0; i < a.levels.size(); ++i) {
    if (int c = cmp_loops(a.levels[i].temporal, b.levels[i].temporal)) return c;
    if (int c = cmp_loops(a.levels[i].spatial, b.levels[i].spatial)) return c;
    if (a.levels[i].keep != b.levels[i].keep) return a.levels[i].keep < b.levels[i].keep ? -1 : 1;
  }
  return 0;
}

}  // namespace coda::mapper
