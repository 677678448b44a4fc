#pragma once
// What the mapper minimises (design.md §5): energy, cycles, energy-delay product, or a
// lexicographic pair ("cycles,energy": fewest cycles, then least energy among those). Scores are
// compared exactly; ties between different mappings are broken by the number of MAC units the
// mapping addresses (fewer first), then by a canonical order of the mappings themselves
// (Mapping::hash, then the loops), so that the winner never depends on the order in which threads
// finished.
#include <array>
#include <string>
#include <vector>

#include "coda/mapping/mapping.hpp"
#include "coda/model/evaluate.hpp"

namespace coda::mapper {

/// ComputeCycles and RooflineCycles are the bounds of the Eyexam steps 5 and 6 (studies/eyexam):
/// compute steps only (bandwidth ignored), and max(compute, every level's traffic over its
/// bandwidth) (exposed latency, fill and drain ignored).
enum class Metric { Energy, Cycles, Edp, ComputeCycles, RooflineCycles };

struct Score {
  std::array<double, 2> v{};
  int n = 1;
  /// Lexicographic comparison of the terms.
  bool operator<(const Score& o) const;
  bool operator==(const Score& o) const;
};

class Objective {
 public:
  Objective() = default;
  /// "energy", "cycles", "edp", "compute-cycles", "roofline-cycles", or two of them joined by ','
  /// ("cycles,energy"). InputError otherwise.
  static Objective parse(const std::string& text);
  std::string name() const;
  const std::vector<Metric>& terms() const { return terms_; }
  Score score(const model::Result& r) const;
  /// A single number for annealing: log of the first term plus a small weight on the second.
  double scalar(const Score& s) const;

 private:
  std::vector<Metric> terms_{Metric::Energy};
};

const char* metric_name(Metric m);  ///< "energy", "cycles", "edp", "compute-cycles", "roofline-cycles"
double metric_value(Metric m, const model::Result& r);

/// A total order on mappings used to break ties: hash, then the loops and keeps field by field.
/// Returns < 0, 0, > 0.
int compare_mappings(const mapping::Mapping& a, const mapping::Mapping& b);

}  // namespace coda::mapper
