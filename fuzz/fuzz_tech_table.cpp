// Fuzz target: technology-table parsers (user YAML, user CSV, Accelergy ERT and ART) and pricing
// with the loaded overrides. The first byte picks the parser (mod 4), the rest is the file text.
// Any input must either load or throw coda::InputError; prices must stay finite.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "coda/common/error.hpp"
#include "coda/tech/library.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  coda::tech::Library lib = coda::tech::Library::builtin((data[0] & 4) ? coda::tech::Model::Eyeriss65
                                                                       : coda::tech::Model::Horowitz45);
  try {
    switch (data[0] % 4) {
      case 0: lib.load_user_table_text(text, "fuzz.yaml", false); break;
      case 1: lib.load_user_table_text(text, "fuzz.csv", true); break;
      case 2: lib.load_accelergy_ert_text(text, "fuzz.ERT.yaml"); break;
      default: lib.load_accelergy_art_text(text, "fuzz.ART.yaml"); break;
    }
  } catch (const coda::InputError&) {
    return 0;
  }
  // Price one component of each class, named after the overrides so that name matches happen.
  for (const char* cls : {"dram", "sram", "regfile", "latch", "mac", "adder", "multiplier", "wire"}) {
    coda::tech::ComponentDesc d;
    d.cls = cls;
    d.capacity_words = 1024;
    d.block_words = 2;
    d.wire_mm = 0.5;
    d.name = lib.overrides().empty() ? cls : lib.overrides().front().name;
    for (const auto& o : lib.overrides())
      if (o.cls == cls) d.subclass = o.subclass;
    try {
      const coda::tech::ComponentCost c = lib.price(d, 28);
      for (double v :
           {c.read_pj, c.write_pj, c.update_pj, c.op_pj, c.hop_pj, c.leak_pj_per_cycle, c.area_um2})
        if (!std::isfinite(v) || v < 0) std::abort();
    } catch (const coda::InputError&) {
    }
  }
  return 0;
}
