#pragma once
// Writers for the Eyexam study (studies/eyexam): per layer and for the whole network, the bound in
// MACs per cycle after each of steps 1-6 and the modelled performance; as text, CSV and JSON.
// Columns are documented in docs/studies.md ("Eyexam").
#include <nlohmann/json.hpp>
#include <string>

#include "coda/studies/eyexam.hpp"

namespace coda::report {

std::string eyexam_text(const studies::EyexamResult& r);
/// One row per MAC layer and a final "total" row.
std::string eyexam_csv(const studies::EyexamResult& r);
nlohmann::json eyexam_json(const studies::EyexamResult& r);

}  // namespace coda::report
