#pragma once
// Scaling rules of the technology library: log-log interpolation through table points, and
// technology-node factors after Stillmaker & Baas (Integration 58, 2017). See docs/tech.md.
#include <optional>
#include <vector>

namespace coda::tech {

/// A table point (x, y), y > 0, x > 0.
struct Point {
  double x;
  double y;
};

/// Piecewise log-log interpolation through `pts` (x strictly increasing, y > 0): between two points
/// y = y0 * (x/x0)^k with k the segment's exponent, so the result is exact at every table point and
/// monotone when the table is. Outside the table, y follows a power law from the end point with
/// exponent `below` / `above` (nullopt: continue the exponent of the end segment).
double loglog_interpolate(const std::vector<Point>& pts, double x, std::optional<double> below,
                          std::optional<double> above);

/// Smallest and largest supported technology nodes (nm): the range of Stillmaker & Baas' tables.
inline constexpr int kMinNodeNm = 7;
inline constexpr int kMaxNodeNm = 130;
/// The supply voltage at which node energy factors are evaluated (V): Horowitz's 45 nm figures are
/// at 0.9 V, and the node factor isolates the node (capacitance) effect at constant voltage.
inline constexpr double kScalingVdd = 0.9;

/// Dynamic-energy factor from node `from_nm` to node `to_nm` (E_to / E_from). Throws InputError if
/// a node is outside [kMinNodeNm, kMaxNodeNm]. Exactly 1 when from == to.
double node_energy_factor(int from_nm, int to_nm);
/// Area factor from node `from_nm` to node `to_nm` (A_to / A_from).
double node_area_factor(int from_nm, int to_nm);

/// The table nodes (nm) with the relative energy E(n)/E(45) and area A(n)/A(45), for describe().
struct NodeRow {
  int node_nm;
  double energy_vs_45;
  double area_vs_45;
};
std::vector<NodeRow> node_table();

}  // namespace coda::tech
