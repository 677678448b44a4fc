// Fuzz target: coda architecture YAML parser (with parameter substitution and integer
// expressions), validation, the derived totals, and the writer round trip. Any input must either
// be accepted or throw coda::InputError; anything else (crash, other exception, sanitizer report,
// a round trip that changes the description) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "coda/arch/architecture.hpp"
#include "coda/arch/equal_area.hpp"
#include "coda/arch/validate.hpp"
#include "coda/common/error.hpp"
#include "coda/io/arch_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  coda::arch::Architecture a;
  try {
    a = coda::io::parse_arch_yaml(text, "fuzz.yaml");
    (void)coda::arch::validate(a);
    (void)a.total_macs();
    (void)a.pe_count();
    (void)a.on_chip_bits();
    (void)a.peak_macs_per_second();
    (void)coda::arch::on_chip_storage_area(a);
  } catch (const coda::InputError&) {
    return 0;
  }
  // A valid description must survive a write/read round trip unchanged.
  const std::string written = coda::io::write_arch_yaml(a);
  coda::arch::Architecture b;
  try {
    b = coda::io::parse_arch_yaml(written, "rewritten.yaml");
  } catch (const coda::InputError&) {
    std::abort();
  }
  if (!(a == b)) std::abort();
  return 0;
}
