#pragma once
// Writers for network statistics (`coda stats`): aligned table with totals, CSV, JSON.
#include <string>

#include "coda/workload/statistics.hpp"

namespace coda::report {

struct StatsReportOptions {
  bool all_layers = false;  ///< include layers without MACs (pooling, activations, ...)
};

std::string stats_text(const workload::NetworkStats& st, const StatsReportOptions& opt = {});
std::string stats_csv(const workload::NetworkStats& st, const StatsReportOptions& opt = {});
std::string stats_json(const workload::NetworkStats& st);

}  // namespace coda::report
