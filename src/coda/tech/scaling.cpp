#include "coda/tech/scaling.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <stdexcept>

#include "coda/common/error.hpp"

namespace coda::tech {

double loglog_interpolate(const std::vector<Point>& pts, double x, std::optional<double> below,
                          std::optional<double> above) {
  if (pts.empty() || !(x > 0)) throw std::logic_error("loglog_interpolate: empty table or x <= 0");
  if (pts.size() == 1) {
    const double k = x < pts[0].x ? below.value_or(1.0) : above.value_or(1.0);
    return x == pts[0].x ? pts[0].y : pts[0].y * std::pow(x / pts[0].x, k);
  }
  auto exponent = [&](size_t i) {  // exponent of segment i -> i+1
    return std::log(pts[i + 1].y / pts[i].y) / std::log(pts[i + 1].x / pts[i].x);
  };
  // Table points are returned as written, with no rounding through pow/log.
  for (const Point& p : pts)
    if (x == p.x) return p.y;
  if (x < pts.front().x) return pts.front().y * std::pow(x / pts.front().x, below.value_or(exponent(0)));
  if (x > pts.back().x)
    return pts.back().y * std::pow(x / pts.back().x, above.value_or(exponent(pts.size() - 2)));
  size_t i = 0;
  while (x > pts[i + 1].x) ++i;
  return pts[i].y * std::pow(x / pts[i].x, exponent(i));
}

namespace {

// Stillmaker & Baas, "Scaling equations for the accurate prediction of CMOS device performance
// from 180 nm to 7 nm", Integration 58 (2017) 74-81: per node, energy is fitted as a quadratic in
// the supply voltage, E(V) = a V^2 + b V + c (arbitrary common unit, so only ratios matter), and
// area is tabulated as factors between nodes. Coefficients and the area column relative to 45 nm
// as transcribed in Accelergy's hwcomponents scaling module (see docs/tech.md).
struct NodeData {
  int node_nm;
  double a, b, c;     // energy fit coefficients
  double area_vs_45;  // A(node) / A(45 nm)
};
constexpr std::array<NodeData, 10> kNodes{{
    {130, 7.171, -6.709, 2.904, 6.4},
    {90, 4.762, -4.781, 2.092, 2.8},
    {65, 3.755, -4.398, 1.975, 1.5},
    {45, 1.103, -0.362, 0.2767, 1.0},
    {32, 0.9559, -0.7823, 0.471, 0.46},
    {20, 0.373, -0.1582, 0.04104, 0.21},
    {16, 0.2958, -0.1241, 0.03024, 0.19},
    {14, 0.2363, -0.09675, 0.02239, 0.17},
    {10, 0.2068, -0.09311, 0.02375, 0.1},
    {7, 0.1776, -0.09097, 0.02447, 0.059},
}};

double fit_energy(const NodeData& d) { return d.a * kScalingVdd * kScalingVdd + d.b * kScalingVdd + d.c; }

void check_node(int nm) {
  if (nm < kMinNodeNm || nm > kMaxNodeNm)
    throw InputError(
        fmt::format("technology node {} nm is outside the supported range {}..{} nm (the range of "
                    "the Stillmaker & Baas 2017 scaling tables)",
                    nm, kMinNodeNm, kMaxNodeNm));
}

// Relative energy and area of a node versus 45 nm: exact at table nodes, log-log interpolated in
// the node size between them (the tables are monotone, so the factors are too).
double relative(int nm, bool energy) {
  check_node(nm);
  const double e45 = fit_energy(kNodes[3]);
  std::vector<Point> pts;
  for (auto it = kNodes.rbegin(); it != kNodes.rend(); ++it)
    pts.push_back({static_cast<double>(it->node_nm), energy ? fit_energy(*it) / e45 : it->area_vs_45});
  return loglog_interpolate(pts, nm, std::nullopt, std::nullopt);
}

}  // namespace

double node_energy_factor(int from_nm, int to_nm) {
  check_node(from_nm);
  check_node(to_nm);
  if (from_nm == to_nm) return 1.0;
  return relative(to_nm, true) / relative(from_nm, true);
}

double node_area_factor(int from_nm, int to_nm) {
  check_node(from_nm);
  check_node(to_nm);
  if (from_nm == to_nm) return 1.0;
  return relative(to_nm, false) / relative(from_nm, false);
}

std::vector<NodeRow> node_table() {
  std::vector<NodeRow> rows;
  for (const NodeData& d : kNodes) rows.push_back({d.node_nm, relative(d.node_nm, true), d.area_vs_45});
  return rows;
}

}  // namespace coda::tech
