#include "coda/tech/builtin_tables.hpp"

namespace coda::tech::tables {

// Horowitz ISSCC 2014 (45 nm, 0.9 V), energy in pJ and area in um^2 per operation/unit.
const std::vector<Point>& int_add_pj() {
  static const std::vector<Point> t{{8, 0.03}, {16, 0.05}, {32, 0.1}};
  return t;
}
const std::vector<Point>& int_add_um2() {
  static const std::vector<Point> t{{8, 36}, {16, 67}, {32, 137}};
  return t;
}
const std::vector<Point>& int_mult_pj() {
  static const std::vector<Point> t{{8, 0.2}, {32, 3.1}};
  return t;
}
const std::vector<Point>& int_mult_um2() {
  static const std::vector<Point> t{{8, 282}, {32, 3495}};
  return t;
}
const std::vector<Point>& fp_add_pj() {
  static const std::vector<Point> t{{16, 0.4}, {32, 0.9}};
  return t;
}
const std::vector<Point>& fp_add_um2() {
  static const std::vector<Point> t{{16, 1360}, {32, 4184}};
  return t;
}
const std::vector<Point>& fp_mult_pj() {
  static const std::vector<Point> t{{16, 1.1}, {32, 3.7}};
  return t;
}
const std::vector<Point>& fp_mult_um2() {
  static const std::vector<Point> t{{16, 1640}, {32, 7700}};
  return t;
}
const std::vector<Point>& sram_read64_pj() {
  static const std::vector<Point> t{{8.0 * 1024, 10}, {32.0 * 1024, 20}, {1024.0 * 1024, 100}};
  return t;
}

// Outside the measured widths: an adder's carry chain and a memory's bit slices grow linearly in
// the bits, an array multiplier's partial-product array quadratically.
double add_pj(bool fp, double bits) {
  return loglog_interpolate(fp ? fp_add_pj() : int_add_pj(), bits, 1.0, 1.0);
}
double add_um2(bool fp, double bits) {
  return loglog_interpolate(fp ? fp_add_um2() : int_add_um2(), bits, 1.0, 1.0);
}
double mult_pj(bool fp, double bits) {
  return loglog_interpolate(fp ? fp_mult_pj() : int_mult_pj(), bits, 2.0, 2.0);
}
double mult_um2(bool fp, double bits) {
  return loglog_interpolate(fp ? fp_mult_um2() : int_mult_um2(), bits, 2.0, 2.0);
}

int mac_accumulator_bits(bool fp, int bits) { return fp ? bits : 2 * bits; }

double sram_read64(double capacity_bytes) {
  return loglog_interpolate(sram_read64_pj(), capacity_bytes, kSmallArrayExponent, std::nullopt);
}

const std::vector<DramClass>& dram_classes() {
  // Horowitz gives 1.3-2.6 nJ per 64-bit DRAM access (20.3-40.6 pJ/bit): coda takes the upper end
  // for DDR3 and the lower end for DDR4 (1.5 V vs 1.2 V I/O). LPDDR4 at 8 pJ/bit is the default
  // DRAM of Accelergy/Timeloop (512 pJ per 64-bit access); HBM2 and GDDR5 from O'Connor et al.,
  // "Fine-grained DRAM", MICRO 2017.
  static const std::vector<DramClass> t{
      {"ddr3", 2600.0 / 64, "Horowitz ISSCC 2014: 2.6 nJ per 64-bit access (upper end of 1.3-2.6 nJ)"},
      {"ddr4", 1300.0 / 64, "Horowitz ISSCC 2014: 1.3 nJ per 64-bit access (lower end of 1.3-2.6 nJ)"},
      {"lpddr4", 8.0, "Accelergy/Timeloop DRAM default (LPDDR4, 512 pJ per 64-bit access)"},
      {"hbm2", 3.9, "O'Connor et al., MICRO 2017 (Fine-Grained DRAM): HBM2"},
      {"gddr5", 14.0, "O'Connor et al., MICRO 2017 (Fine-Grained DRAM): GDDR5"},
  };
  return t;
}

double horowitz_mac_pj(bool fp, int bits) {
  return mult_pj(fp, bits) + add_pj(fp, mac_accumulator_bits(fp, bits));
}

double eyeriss_mac_pj() { return horowitz_mac_pj(false, kEyerissWordBits) * node_energy_factor(45, 65); }

}  // namespace coda::tech::tables
