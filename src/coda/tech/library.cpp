#include "coda/tech/library.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "coda/common/error.hpp"
#include "coda/tech/builtin_tables.hpp"
#include "coda/tech/scaling.hpp"

namespace coda::tech {

std::string model_name(Model m) { return m == Model::Horowitz45 ? "horowitz45" : "eyeriss65"; }

Model parse_model(const std::string& name) {
  if (name == "horowitz45") return Model::Horowitz45;
  if (name == "eyeriss65") return Model::Eyeriss65;
  throw InputError(fmt::format("unknown technology model '{}'; expected horowitz45 or eyeriss65", name));
}

const std::vector<std::string>& component_classes() {
  static const std::vector<std::string> c{"dram", "sram",  "regfile",    "latch",
                                          "mac",  "adder", "multiplier", "wire"};
  return c;
}

const std::vector<std::string>& cost_fields() {
  static const std::vector<std::string> f{"read_pj", "write_pj", "update_pj",        "op_pj",
                                          "hop_pj",  "area_um2", "leak_pj_per_cycle"};
  return f;
}

int Library::base_node_nm() const { return model_ == Model::Horowitz45 ? 45 : 65; }

Library Library::builtin(Model m) { return Library(m); }

void Library::add_override(Override o) { overrides_.push_back(std::move(o)); }

namespace {

bool is_storage(const std::string& c) { return c == "sram" || c == "regfile" || c == "latch"; }
bool is_compute(const std::string& c) { return c == "mac" || c == "adder" || c == "multiplier"; }

std::string label(const ComponentDesc& d) {
  return d.name.empty() ? fmt::format("component of class '{}'", d.cls)
                        : fmt::format("component '{}'", d.name);
}

[[noreturn]] void bad(const ComponentDesc& d, const std::string& what) {
  throw InputError(fmt::format("{}: {}", label(d), what));
}

std::vector<std::string> subclasses_of(const std::string& cls) {
  if (cls == "dram") {
    std::vector<std::string> v;
    for (const auto& c : tables::dram_classes()) v.push_back(c.subclass);
    return v;
  }
  if (is_compute(cls)) return {"int", "fp"};
  return {};
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Checks sizes and the class; returns the subclass to use for the built-in price ("" resolved to
// the class default). An unknown subclass is accepted only when a user override names it.
std::string validate(const ComponentDesc& d, bool subclass_overridden) {
  const auto& classes = component_classes();
  if (std::find(classes.begin(), classes.end(), d.cls) == classes.end())
    bad(d, fmt::format("unknown component class '{}'; expected one of: {}", d.cls, join(classes)));
  if (d.word_bits < 1 || d.word_bits > 1024)
    bad(d, fmt::format("word_bits must be 1..1024, got {}", d.word_bits));
  if (d.block_words < 1) bad(d, fmt::format("block_words must be >= 1, got {}", d.block_words));
  if (is_storage(d.cls) && d.capacity_words < 1)
    bad(d, fmt::format("capacity_words must be >= 1 for class '{}', got {}", d.cls, d.capacity_words));
  if (is_compute(d.cls) && (d.operand_bits < 1 || d.operand_bits > 128))
    bad(d, fmt::format("operand_bits must be 1..128, got {}", d.operand_bits));
  if (!std::isfinite(d.wire_mm) || d.wire_mm < 0)
    bad(d, fmt::format("wire_mm must be >= 0, got {}", d.wire_mm));
  const std::vector<std::string> subs = subclasses_of(d.cls);
  if (d.subclass.empty()) return d.cls == "dram" ? tables::kDefaultDram : is_compute(d.cls) ? "int" : "";
  if (std::find(subs.begin(), subs.end(), d.subclass) != subs.end()) return d.subclass;
  if (subclass_overridden) return d.cls == "dram" ? tables::kDefaultDram : is_compute(d.cls) ? "int" : "";
  bad(d, subs.empty()
             ? fmt::format("class '{}' has no subclasses (got '{}') unless a user table defines it", d.cls,
                           d.subclass)
             : fmt::format("unknown subclass '{}' of class '{}'; expected one of: {} (or a user-table entry)",
                           d.subclass, d.cls, join(subs)));
}

double area_per_bit_45(const std::string& cls) {
  if (cls == "sram") return tables::kSramCellUm2 / tables::kSramArrayEfficiency;
  if (cls == "regfile") return tables::kDffUm2;
  return tables::kLatchUm2;
}

double leak_per_bit_45(const std::string& cls) {
  const double to45 = node_energy_factor(tables::kLeakRefNodeNm, 45);
  if (cls == "sram") return tables::kSramLeakPjPerBit32 * to45;
  if (cls == "regfile") return tables::kRegLeakPjPerBit32 * to45;
  return tables::kRegLeakPjPerBit32 * to45 / 2;  // half a flip-flop
}

// The Horowitz-based price at 45 nm (before node scaling). Also used by the Eyeriss model for
// areas, leakage and the ratios between arithmetic units.
ComponentCost horowitz45(const ComponentDesc& d, const std::string& sub) {
  ComponentCost c;
  const double bits = d.word_bits;
  if (d.cls == "dram") {
    for (const auto& k : tables::dram_classes())
      if (sub == k.subclass) {
        c.read_pj = c.write_pj = k.pj_per_bit * bits;
        c.source = fmt::format("DRAM {} {:.4g} pJ/bit x {} bits ({}); off chip: no area or leakage", sub,
                               k.pj_per_bit, d.word_bits, k.source);
      }
  } else if (is_storage(d.cls)) {
    const double cap_bits = static_cast<double>(d.capacity_words) * bits;
    const double e64 = tables::sram_read64(cap_bits / 8);
    // Energy per access is linear in the access width (bit slices in parallel): per word it is the
    // 64-bit figure x word_bits/64, whatever the block size.
    c.read_pj = c.write_pj = e64 * bits / 64;
    c.area_um2 = cap_bits * area_per_bit_45(d.cls);
    c.leak_pj_per_cycle = cap_bits * leak_per_bit_45(d.cls);
    c.source = fmt::format(
        "Horowitz ISSCC 2014 SRAM 64-bit read at {:.5g} KB (log-log; C^0.5 below 8 KB) = {:.4g} pJ, x {}/64 "
        "bits; "
        "area {:.4g} um^2/bit; leakage per bit from Accelergy (CACTI/Aladdin)",
        cap_bits / 8 / 1024, e64, d.word_bits, area_per_bit_45(d.cls));
  } else if (is_compute(d.cls)) {
    const bool fp = sub == "fp";
    const int b = d.operand_bits;
    if (d.cls == "adder") {
      c.op_pj = tables::add_pj(fp, b);
      c.area_um2 = tables::add_um2(fp, b);
    } else if (d.cls == "multiplier") {
      c.op_pj = tables::mult_pj(fp, b);
      c.area_um2 = tables::mult_um2(fp, b);
    } else {
      const int acc = tables::mac_accumulator_bits(fp, b);
      c.op_pj = tables::mult_pj(fp, b) + tables::add_pj(fp, acc);
      c.area_um2 = tables::mult_um2(fp, b) + tables::add_um2(fp, acc);
    }
    c.leak_pj_per_cycle = c.op_pj * tables::kLogicLeakFraction;
    c.source = d.cls == "mac"
                   ? fmt::format(
                         "Horowitz ISSCC 2014: {} {}b multiply + {}b add (log-log between table "
                         "widths; mult ~ bits^2, add ~ bits outside)",
                         fp ? "fp" : "int", b, tables::mac_accumulator_bits(fp, b))
                   : fmt::format("Horowitz ISSCC 2014: {} {}b {} (log-log between table widths; {} outside)",
                                 fp ? "fp" : "int", b, d.cls == "adder" ? "add" : "multiply",
                                 d.cls == "adder" ? "~ bits" : "~ bits^2");
  } else {  // wire
    c.hop_pj = tables::wire_pj_per_bit_mm() * d.wire_mm * bits;
    c.source = fmt::format(
        "wire {:.3g} pJ/bit/mm (Keckler et al. 2011, 240 fJ/bit/mm per transition, 50 % toggle) "
        "x {} mm x {} bits; no area (routed over logic)",
        tables::wire_pj_per_bit_mm(), d.wire_mm, d.word_bits);
  }
  return c;
}

}  // namespace

ComponentCost Library::builtin_price(const ComponentDesc& d, int node_nm) const {
  bool sub_overridden = false;
  for (const Override& o : overrides_)
    sub_overridden = sub_overridden ||
                     (o.name.empty() && o.cls == d.cls && !o.subclass.empty() && o.subclass == d.subclass) ||
                     (!o.name.empty() && o.name == d.name);
  const std::string sub = validate(d, sub_overridden);
  const double e_node = node_energy_factor(base_node_nm(), node_nm);
  const double a_node = node_area_factor(base_node_nm(), node_nm);
  const bool dram = d.cls == "dram";
  ComponentCost c;
  if (model_ == Model::Horowitz45) {
    if (d.cls == "wire" && !(d.wire_mm > 0))
      bad(d, "a wire needs its length per hop (wire_mm > 0) in the horowitz45 model");
    c = horowitz45(d, sub);
  } else {
    // Eyeriss ISCA 2016 normalised costs per 16-bit access x the absolute MAC scale; widths other
    // than 16 bits scale linearly for memories and wires, like the Horowitz ratios for arithmetic.
    // Areas and leakage: the Horowitz model moved to 65 nm.
    const ComponentDesc h = [&] {
      ComponentDesc x = d;
      if (x.cls == "wire" && !(x.wire_mm > 0)) x.wire_mm = 1;  // area/leak of wires are 0 anyway
      return x;
    }();
    const ComponentCost hz = horowitz45(h, sub);
    const double u = tables::eyeriss_mac_pj();
    const double w = static_cast<double>(d.word_bits) / tables::kEyerissWordBits;
    const double to65_e = node_energy_factor(45, 65);
    const double to65_a = node_area_factor(45, 65);
    c.area_um2 = hz.area_um2 * to65_a;
    c.leak_pj_per_cycle = hz.leak_pj_per_cycle * to65_e;
    const std::string unit = fmt::format("x {:.4g} pJ (16-bit MAC at 65 nm)", u);
    if (dram) {
      c.read_pj = c.write_pj = tables::kEyerissDram * u * w;
      c.source = fmt::format("Eyeriss ISCA 2016: DRAM {} {} x {}/16 bits", tables::kEyerissDram, unit, d.word_bits);
    } else if (d.cls == "sram" && d.capacity_words > tables::kEyerissRfMaxWords) {
      c.read_pj = c.write_pj = tables::kEyerissBuffer * u * w;
      c.source = fmt::format("Eyeriss ISCA 2016: global buffer {} {} x {}/16 bits", tables::kEyerissBuffer, unit,
                             d.word_bits);
    } else if (d.cls == "regfile" || d.cls == "latch" || d.cls == "sram") {
      // The ISCA 2016 model has one cost for all PE-local storage ("RF", 0.5 kB per PE in its
      // baseline), whatever the circuit: Eyeriss v1's 224-word filter spad is an SRAM but is
      // priced as RF. An SRAM up to kEyerissRfMaxWords words is therefore an RF here.
      c.read_pj = c.write_pj = tables::kEyerissRf * u * w;
      c.source =
          fmt::format("Eyeriss ISCA 2016: RF {} {} x {}/16 bits", tables::kEyerissRf, unit, d.word_bits);
    } else if (d.cls == "wire") {
      c.hop_pj = tables::kEyerissArray * u * w;
      c.source = fmt::format("Eyeriss ISCA 2016: inter-PE array {} {} x {}/16 bits per transfer",
                             tables::kEyerissArray, unit, d.word_bits);
    } else {
      const double ratio = hz.op_pj / tables::horowitz_mac_pj(false, tables::kEyerissWordBits);
      c.op_pj = tables::kEyerissMac * u * ratio;
      c.source = fmt::format(
          "Eyeriss ISCA 2016: MAC {} {} x {:.4g} (Horowitz ratio of this unit to a 16-bit int MAC)",
          tables::kEyerissMac, unit, ratio);
    }
    if (!c.source.empty()) c.source += "; area and leakage: Horowitz model at 65 nm";
  }
  // An accumulation reads the old value and writes the new one.
  c.update_pj = c.read_pj + c.write_pj;
  // DRAM is off chip: its energy does not follow the logic node.
  if (!dram) {
    c.read_pj *= e_node;
    c.write_pj *= e_node;
    c.update_pj *= e_node;
    c.op_pj *= e_node;
    c.hop_pj *= e_node;
    c.leak_pj_per_cycle *= e_node;
    c.area_um2 *= a_node;
  }
  if (node_nm != base_node_nm())
    c.source += fmt::format("; node {} -> {} nm: energy x {:.4g}, area x {:.4g} (Stillmaker & Baas 2017{})",
                            base_node_nm(), node_nm, e_node, a_node, dram ? "; DRAM not scaled" : "");
  return c;
}

namespace {

// Scale of an override's values to the priced component: widths (ref_bits) and node (ref_node_nm).
double width_factor(const Override& o, const ComponentDesc& d) {
  if (o.ref_bits <= 0) return 1.0;
  if (is_compute(d.cls)) {
    const double r = static_cast<double>(d.operand_bits) / o.ref_bits;
    return d.cls == "adder" ? r : r * r;
  }
  return static_cast<double>(d.word_bits) / o.ref_bits;
}

// The subclass a component has once "" is read as its class default (dram: lpddr4; arithmetic:
// int), so that an override for mac/int applies to a MAC that leaves its subclass empty.
std::string effective_subclass(const ComponentDesc& d) {
  if (!d.subclass.empty()) return d.subclass;
  if (d.cls == "dram") return tables::kDefaultDram;
  if (is_compute(d.cls)) return "int";
  return "";
}

int match_rank(const Override& o, const ComponentDesc& d) {
  if (!o.name.empty()) return o.name == d.name ? 3 : 0;
  if (o.cls != d.cls) return 0;
  if (o.subclass.empty()) return 1;
  return o.subclass == effective_subclass(d) ? 2 : 0;
}

}  // namespace

ComponentCost Library::price(const ComponentDesc& d, int node_nm) const {
  ComponentCost c = builtin_price(d, node_nm);
  // Less specific overrides first, so that a name beats a class/subclass, which beats a class;
  // within one rank, later entries win.
  std::vector<std::string> applied;
  for (int rank = 1; rank <= 3; ++rank) {
    for (const Override& o : overrides_) {
      if (match_rank(o, d) != rank) continue;
      const double wf = width_factor(o, d);
      const double ef = o.ref_node_nm > 0 ? node_energy_factor(o.ref_node_nm, node_nm) : 1.0;
      const double af = o.ref_node_nm > 0 ? node_area_factor(o.ref_node_nm, node_nm) : 1.0;
      const double per = o.per_access ? 1.0 / static_cast<double>(d.block_words) : 1.0;
      bool rw_set = false, update_set = false;
      std::string fields;
      for (const auto& [key, v] : o.values) {
        double x = v * wf;
        if (key == "area_um2")
          x *= af;
        else
          x *= ef;
        if (key == "read_pj" || key == "write_pj" || key == "update_pj") x *= per;
        if (key == "read_pj")
          c.read_pj = x, rw_set = true;
        else if (key == "write_pj")
          c.write_pj = x, rw_set = true;
        else if (key == "update_pj")
          c.update_pj = x, update_set = true;
        else if (key == "op_pj")
          c.op_pj = x;
        else if (key == "hop_pj")
          c.hop_pj = x;
        else if (key == "leak_pj_per_cycle")
          c.leak_pj_per_cycle = x;
        else if (key == "area_um2")
          c.area_um2 = x;
        fields += (fields.empty() ? "" : ",") + key;
      }
      // A new read or write price implies a new read-modify-write price unless one is given.
      if (rw_set && !update_set) c.update_pj = c.read_pj + c.write_pj;
      applied.push_back(fmt::format("{} ({})", o.origin, fields));
    }
  }
  if (!applied.empty()) {
    std::string s;
    for (const auto& a : applied) s += (s.empty() ? "" : ", ") + a;
    c.source = fmt::format("user override {}; built-in: {}", s, c.source);
  }
  return c;
}

std::vector<TableEntry> Library::describe() const {
  std::vector<TableEntry> t;
  const std::string hz = "Horowitz ISSCC 2014 (45 nm, 0.9 V)";
  auto arith = [&](const char* what, const std::vector<Point>& e, const std::vector<Point>& a) {
    for (const Point& p : e) t.push_back({fmt::format("{} {}b", what, p.x), "energy", p.y, "pJ", hz});
    for (const Point& p : a) t.push_back({fmt::format("{} {}b", what, p.x), "area", p.y, "um^2", hz});
  };
  arith("int add", tables::int_add_pj(), tables::int_add_um2());
  arith("int mult", tables::int_mult_pj(), tables::int_mult_um2());
  arith("fp add", tables::fp_add_pj(), tables::fp_add_um2());
  arith("fp mult", tables::fp_mult_pj(), tables::fp_mult_um2());
  for (const Point& p : tables::sram_read64_pj())
    t.push_back({p.x >= 1024 * 1024 ? fmt::format("SRAM {} MB", p.x / (1024 * 1024))
                                    : fmt::format("SRAM {} KB", p.x / 1024),
                 "64-bit read energy", p.y, "pJ", hz});
  t.push_back({"SRAM < 8 KB", "energy-capacity exponent", tables::kSmallArrayExponent, "",
               "E ~ C^0.5 (bit/word lines ~ sqrt of the array), from the 8 KB point"});
  for (const auto& d : tables::dram_classes())
    t.push_back({fmt::format("DRAM {}", d.subclass), "energy per bit", d.pj_per_bit, "pJ/bit", d.source});
  t.push_back(
      {"SRAM bit", "area", tables::kSramCellUm2 / tables::kSramArrayEfficiency, "um^2",
       "Intel 45 nm 6T cell 0.346 um^2 (Mistry et al., IEDM 2007) / 70 % array efficiency (assumed)"});
  t.push_back({"register-file bit", "area", tables::kDffUm2, "um^2", "NanGate 45 nm OCL DFF_X1"});
  t.push_back({"latch bit", "area", tables::kLatchUm2, "um^2", "half a DFF_X1 (master-slave latch pair)"});
  const std::string acc = "Accelergy Eyeriss-like reference output (32 nm, 1 ns cycle)";
  t.push_back(
      {"SRAM bit", "leakage at 32 nm", tables::kSramLeakPjPerBit32, "pJ/cycle @1 GHz", acc + ", CACTI GLB"});
  t.push_back({"register-file bit", "leakage at 32 nm", tables::kRegLeakPjPerBit32, "pJ/cycle @1 GHz",
               acc + ", scratchpads"});
  t.push_back({"arithmetic", "leakage fraction of op energy", tables::kLogicLeakFraction, "per cycle @1 GHz",
               acc + ", MAC"});
  t.push_back(
      {"wire", "energy per bit per mm", tables::wire_pj_per_bit_mm(), "pJ/bit/mm",
       "Keckler et al., IEEE Micro 2011: 240 fJ/bit/mm per transition (40 nm) x 0.5 toggle probability"});
  const std::string ey = "Chen, Emer, Sze, ISCA 2016 (65 nm, per 16-bit access, relative to a MAC)";
  t.push_back({"Eyeriss MAC", "normalised energy", tables::kEyerissMac, "x MAC", ey});
  t.push_back({"Eyeriss RF (regfile, latch)", "normalised energy", tables::kEyerissRf, "x MAC", ey});
  t.push_back({"Eyeriss array (wire)", "normalised energy", tables::kEyerissArray, "x MAC", ey});
  t.push_back({"Eyeriss buffer (sram)", "normalised energy", tables::kEyerissBuffer, "x MAC", ey});
  t.push_back({"Eyeriss DRAM (dram)", "normalised energy", tables::kEyerissDram, "x MAC", ey});
  t.push_back({"Eyeriss MAC scale", "energy of a 16-bit MAC at 65 nm", tables::eyeriss_mac_pj(), "pJ",
               "Horowitz 16-bit int multiply + 32-bit add at 45 nm x the 45->65 nm energy factor"});
  for (const NodeRow& r : node_table()) {
    const std::string sb = fmt::format("Stillmaker & Baas 2017 (energy fit at {} V)", kScalingVdd);
    t.push_back({fmt::format("node {} nm", r.node_nm), "energy factor vs 45 nm", r.energy_vs_45, "x", sb});
    t.push_back({fmt::format("node {} nm", r.node_nm), "area factor vs 45 nm", r.area_vs_45, "x",
                 "Stillmaker & Baas 2017 area scaling table"});
  }
  for (const Override& o : overrides_) {
    const std::string who = !o.name.empty() ? fmt::format("'{}'", o.name)
                                            : (o.subclass.empty() ? o.cls : o.cls + "/" + o.subclass);
    for (const auto& [k, v] : o.values) {
      const std::string unit = k == "area_um2" ? "um^2" : k == "leak_pj_per_cycle" ? "pJ/cycle @1 GHz" : "pJ";
      std::string src = "user: " + o.origin;
      if (o.ref_bits > 0) src += fmt::format(", at {} bits", o.ref_bits);
      if (o.ref_node_nm > 0) src += fmt::format(", at {} nm", o.ref_node_nm);
      if (o.per_access) src += ", per block access";
      t.push_back({who, k, v, unit, src});
    }
  }
  return t;
}

}  // namespace coda::tech
