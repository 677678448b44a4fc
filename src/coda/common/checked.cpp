#include "coda/common/checked.hpp"

#include <string>

namespace coda {

void throw_overflow(const char* what) {
  throw OverflowError(std::string("64-bit overflow while computing ") + what);
}

}  // namespace coda
