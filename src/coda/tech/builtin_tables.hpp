#pragma once
// The built-in tables of the technology library, with their sources. Every constant here is listed,
// with its unit and source, in docs/tech.md and by Library::describe().
#include <string>
#include <vector>

#include "coda/tech/library.hpp"
#include "coda/tech/scaling.hpp"

namespace coda::tech::tables {

// ---- Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014, 45 nm,
// 0.9 V: energy (pJ) and area (um^2) of arithmetic units by operand bits.
const std::vector<Point>& int_add_pj();
const std::vector<Point>& int_add_um2();
const std::vector<Point>& int_mult_pj();
const std::vector<Point>& int_mult_um2();
const std::vector<Point>& fp_add_pj();
const std::vector<Point>& fp_add_um2();
const std::vector<Point>& fp_mult_pj();
const std::vector<Point>& fp_mult_um2();
/// Horowitz: energy of a 64-bit SRAM (cache) read, pJ, by capacity in bytes (8 KB, 32 KB, 1 MB).
const std::vector<Point>& sram_read64_pj();

/// Exponent of the SRAM energy-capacity law below 8 KB (register files, latches): E ~ C^0.5,
/// because bit-line and word-line lengths grow as the square root of the array size.
inline constexpr double kSmallArrayExponent = 0.5;

/// Arithmetic energy/area at `bits` operand bits, Horowitz tables interpolated log-log; outside a
/// table, adders scale ~ bits and multipliers ~ bits^2.
double add_pj(bool fp, double bits);
double add_um2(bool fp, double bits);
double mult_pj(bool fp, double bits);
double mult_um2(bool fp, double bits);
/// Width of the accumulator of a MAC with `bits`-bit operands: 2*bits for integers (the full
/// product), `bits` for floating point (accumulate at the operand precision).
int mac_accumulator_bits(bool fp, int bits);
/// Energy of a 64-bit SRAM read at a capacity in bytes (log-log; sqrt law below 8 KB; the last
/// segment's exponent above 1 MB).
double sram_read64(double capacity_bytes);

// ---- DRAM energy per bit (pJ/bit), per class; see docs/tech.md for sources.
struct DramClass {
  const char* subclass;
  double pj_per_bit;
  const char* source;
};
const std::vector<DramClass>& dram_classes();
/// The DRAM class used when ComponentDesc::subclass is empty.
inline constexpr const char* kDefaultDram = "lpddr4";

// ---- Area per bit of storage at 45 nm (um^2/bit).
/// SRAM: 6T cell of Intel's 45 nm process, 0.346 um^2 (Mistry et al., IEDM 2007), over an assumed
/// array efficiency of 70 % (periphery: decoders, sense amplifiers, I/O).
inline constexpr double kSramCellUm2 = 0.346;
inline constexpr double kSramArrayEfficiency = 0.70;
/// Register file bit: one D flip-flop, NanGate 45 nm Open Cell Library DFF_X1, 4.522 um^2.
inline constexpr double kDffUm2 = 4.522;
/// Latch bit: half a flip-flop (a D flip-flop is a master-slave pair of latches).
inline constexpr double kLatchUm2 = kDffUm2 / 2;

// ---- Leakage (pJ per cycle at a 1 GHz reference clock), derived from Accelergy's reference
// output for its Eyeriss-like design (timeloop-accelergy-exercises, 32 nm, 1 ns cycle): CACTI
// SRAM global buffer 0.005652 pJ/cycle for 16384 x 64 bits; register-file scratchpads
// 0.000101 / 192 b, 0.001592 / 3072 b, 0.000134 / 256 b; MAC 0.002374 leak vs 0.207692 per op.
inline constexpr int kLeakRefNodeNm = 32;
inline constexpr double kSramLeakPjPerBit32 = 0.005652 / (16384.0 * 64.0);  // 5.39e-9
inline constexpr double kRegLeakPjPerBit32 = 5.2e-7;  // the three scratchpads: 5.26, 5.18, 5.23e-7
inline constexpr double kLogicLeakFraction = 0.002374 / 0.207692;  // 1.14 % of op energy per cycle

// ---- On-chip wire: 240 fJ per bit per mm per transition at 40 nm (Keckler et al., "GPUs and the
// future of parallel computing", IEEE Micro 2011, Table 1), used for 45 nm; random data toggles
// half the bits, so 0.12 pJ per bit per mm.
inline constexpr double kWireFjPerBitMmPerTransition = 240.0;
inline constexpr double kWireToggleProbability = 0.5;
inline double wire_pj_per_bit_mm() { return kWireFjPerBitMmPerTransition * 1e-3 * kWireToggleProbability; }

// ---- Eyeriss (Chen, Emer, Sze, ISCA 2016, Fig. 1 / Table): normalised energy per 16-bit access.
inline constexpr double kEyerissMac = 1;
inline constexpr double kEyerissRf = 1;
inline constexpr double kEyerissArray = 2;
inline constexpr double kEyerissBuffer = 6;
inline constexpr double kEyerissDram = 200;
inline constexpr int kEyerissWordBits = 16;
/// Largest SRAM (words) the Eyeriss65 model prices as PE-local "RF" rather than "global buffer":
/// 512 words = 1 kB, twice the 0.5 kB RF per PE of the ISCA 2016 baseline; the smallest global
/// buffer of the study (tens of kB) is far above it.
inline constexpr int64_t kEyerissRfMaxWords = 512;
/// The absolute scale: energy of one 16-bit integer MAC at 65 nm, pJ = the Horowitz 45 nm 16-bit
/// MAC (16-bit multiply + 32-bit accumulate) times the 45 -> 65 nm energy factor.
double eyeriss_mac_pj();
/// Horowitz 45 nm energy of a MAC (pJ): multiply at `bits` + add at the accumulator width.
double horowitz_mac_pj(bool fp, int bits);

}  // namespace coda::tech::tables
