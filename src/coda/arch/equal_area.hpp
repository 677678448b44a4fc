#pragma once
// The equal-area rule of the ISCA 2016 dataflow comparison (Chen, Emer, Sze; domain.md §4):
// every dataflow gets the same PE count and the same total on-chip storage area,
//     storage area = #PE x area(512 B RF) + area(#PE x 512 B global buffer),
// and a dataflow that needs less RF per PE gets the difference as a larger global buffer.
//
// Applying the rule needs an area model for SRAM and register files. The paper does not publish
// its own; coda uses the simple, documented model below (docs/presets.md, "Equal-area variants").
// It is independent of tech/ (which prices components for the cost model): it only has to rank
// storage areas consistently, so it is expressed in units of one 6T SRAM bit cell.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "coda/arch/architecture.hpp"

namespace coda::arch {

/// Area of a storage macro in units of one 6T SRAM bit cell:
///   SRAM:      bits * (1 + sram_periphery / sqrt(bits))   decoders, sense amplifiers and I/O grow
///              with the rows and columns of a square array (~sqrt(bits)), so large macros are
///              denser per bit than small ones;
///   regfile/latch: bits * regfile_cell                     a latch/8T cell with its read mux;
///              small and without sense amplifiers, so no separate periphery term.
struct StorageAreaModel {
  /// Periphery constant: 439 gives a 1 Mbit (128 kB) SRAM macro an array efficiency
  /// (cell area / macro area) of 70 %, the usual figure for large compiled macros.
  double sram_periphery = 439.0;
  /// Register-file bit relative to a 6T SRAM bit (the low end of the usual 2-3x).
  double regfile_cell = 2.0;

  /// Area of one macro of `bits` bits of class `cls` ("sram", "regfile", "latch").
  double area(std::string_view cls, int64_t bits) const;
};

/// Storage area of one instance of a level (partitions priced by their own class), in bit cells.
double level_storage_area(const StorageLevel& level, const StorageAreaModel& model = {});
/// Total on-chip storage area (every non-DRAM level x its instances), in bit cells.
double on_chip_storage_area(const Architecture& arch, const StorageAreaModel& model = {});

/// The dataflows the rule is applied to: "ws", "os_a", "os_b", "os_c", "nlr", "rs".
const std::vector<std::string>& equal_area_dataflows();

/// What each dataflow keeps in a PE (16-bit words), coda's reading of domain.md §4:
///   ws:  the stationary weight (1 word); inputs are broadcast and psums reduced in the array;
///   os_a, os_b, os_c: the stationary partial sum (1 word); weights and inputs stream in;
///   nlr: nothing (no PE-local storage at all: the RF level is removed);
///   rs:  the baseline's RF unchanged (512 B shared by filter row, input window and psum row).
/// Empty for nlr and rs.
std::vector<Partition> equal_area_rf_partitions(std::string_view dataflow);

/// The equal-area variant of `base` for `dataflow`. `base` must be exactly DRAM -> global buffer (one
/// unpartitioned SRAM instance) -> per-PE register file (unpartitioned); the PE count and the total on-chip storage area
/// are kept, the RF is replaced by what the dataflow needs, and the global buffer gets the largest
/// whole number of blocks whose area fits in the rest. Throws InputError if `base` does not have
/// that shape or `dataflow` is unknown.
Architecture equal_area_variant(const Architecture& base, std::string_view dataflow,
                                const StorageAreaModel& model = {});

}  // namespace coda::arch
