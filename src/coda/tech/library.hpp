#pragma once
// The technology library: energy per action and area per component, in explicit units (pJ, um^2).
//
// It prices *abstract* component descriptions (ComponentDesc) and knows nothing of coda::arch: an
// architecture asks for the price of each of its components by class, sizes and name. Numbers come
// from built-in tables (Horowitz ISSCC 2014 at 45 nm; the Eyeriss ISCA 2016 normalised model at
// 65 nm), scaled by bit width and technology node, and can be overridden by a user table (YAML or
// CSV) or imported from Accelergy ERT/ART files. Every number, formula and source is listed in
// docs/tech.md and returned by Library::describe().
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace coda::tech {

/// Which built-in model prices the components.
enum class Model {
  Horowitz45,  ///< 45 nm, 0.9 V absolute energies and areas (Horowitz, ISSCC 2014)
  Eyeriss65,   ///< 65 nm normalised costs (Chen et al., ISCA 2016) with an absolute MAC scale
};

/// "horowitz45" / "eyeriss65".
std::string model_name(Model m);
/// Parses "horowitz45" / "eyeriss65" (InputError naming the accepted values otherwise).
Model parse_model(const std::string& name);

/// The classes a component may have (ComponentDesc::cls).
const std::vector<std::string>& component_classes();

/// An abstract component to be priced. A "word" is word_bits wide; memories are accessed a block
/// (block_words words) at a time, but every energy below is per *word*.
struct ComponentDesc {
  std::string cls;             ///< "dram","sram","regfile","latch","mac","adder","multiplier","wire"
  std::string subclass;        ///< dram: "ddr3","ddr4","lpddr4","hbm2","gddr5" ("" = lpddr4);
                               ///< mac/adder/multiplier: "int","fp" ("" = int); others: ""
  int64_t capacity_words = 0;  ///< storage classes (not dram): words per instance, >= 1
  int word_bits = 16;          ///< bits per word, 1..1024
  int64_t block_words = 1;     ///< words per access, >= 1
  int operand_bits = 16;       ///< mac/adder/multiplier operand width, 1..128
  double wire_mm = 0;          ///< wire: length of one hop in mm (> 0 for the Horowitz model)
  std::string name;            ///< component name: user-table overrides and messages
};

/// The price of one instance of a component. Fields that do not apply to a class are 0
/// (memories have no op_pj, compute units no read_pj, ...); see docs/tech.md for which apply.
struct ComponentCost {
  double read_pj = 0;            ///< pJ per word read (word = word_bits)
  double write_pj = 0;           ///< pJ per word written
  double update_pj = 0;          ///< pJ per word read-modify-written in place (accumulate): the read of
                                 ///< the old value plus the write of the new one
  double op_pj = 0;              ///< mac/adder/multiplier: pJ per operation
  double hop_pj = 0;             ///< wire: pJ per word per hop
  double leak_pj_per_cycle = 0;  ///< static energy per cycle at a 1 GHz reference clock (numerically
                                 ///< the leakage power in mW); at f GHz multiply by 1/f
  double area_um2 = 0;           ///< um^2 per instance
  std::string source;            ///< where the numbers come from, human readable
};

/// One row of Library::describe(): a table entry or a model parameter with its unit and source.
struct TableEntry {
  std::string component;  ///< "int add 8b", "SRAM 8 KB", "DRAM lpddr4", "node 32 nm", ...
  std::string quantity;   ///< "energy", "area", "energy per bit", "energy factor", ...
  double value = 0;
  std::string unit;  ///< "pJ", "um^2", "pJ/bit", "x", ...
  std::string source;
};

/// A user override of some fields of a price (from a user table or an Accelergy ERT/ART). Unset
/// fields keep the built-in value.
struct Override {
  std::string name;                      ///< match by component name (takes precedence), or
  std::string cls;                       ///< match by class ...
  std::string subclass;                  ///< ... and subclass ("" = any subclass of the class)
  std::map<std::string, double> values;  ///< field ("read_pj", "area_um2", ...) -> value
  int ref_bits = 0;         ///< > 0: values are for this word/operand width and are scaled to the
                            ///< component's width (memories, wires, adders ~ bits; mult/mac ~ bits^2)
  int ref_node_nm = 0;      ///< > 0: values are at this node and are scaled to the priced node
  bool per_access = false;  ///< read/write/update are per access of a whole block (Accelergy
                            ///< semantics): divided by block_words when priced
  std::string origin;       ///< "file:line", for describe() and messages
};

/// The names of the price fields an override may set.
const std::vector<std::string>& cost_fields();

class Library {
 public:
  /// The built-in tables of one model (no overrides).
  static Library builtin(Model m);

  Model model() const { return model_; }
  /// The node the built-in tables are given at: 45 (Horowitz45) or 65 (Eyeriss65).
  int base_node_nm() const;

  /// Prices one component at a technology node (7..130 nm). Throws InputError naming the
  /// component for an unknown class/subclass, a bad size or an unsupported node.
  ComponentCost price(const ComponentDesc& desc, int node_nm) const;
  /// Price at the model's base node.
  ComponentCost price(const ComponentDesc& desc) const { return price(desc, base_node_nm()); }

  /// Loads a user table, YAML (.yaml/.yml) or CSV (.csv); its entries override built-in prices by
  /// component name or by class/subclass. Errors name file:line. Later entries win.
  void load_user_table(const std::string& path);
  /// Same, from text (`file` is used in messages); `csv` selects the CSV format.
  void load_user_table_text(const std::string& text, const std::string& file, bool csv);

  /// Imports an Accelergy energy reference table (ERT YAML, versions 0.3 and 0.4): each table's
  /// name (last dotted segment, without "[a..b]") is a component name; actions read/write/update/
  /// leak/idle/compute/mac_random/... become per-access prices of that component.
  void load_accelergy_ert(const std::string& path);
  void load_accelergy_ert_text(const std::string& text, const std::string& file);
  /// Imports an Accelergy area reference table (ART YAML): area per component name (um^2).
  void load_accelergy_art(const std::string& path);
  void load_accelergy_art_text(const std::string& text, const std::string& file);

  /// Writes the prices of the given components (at `node_nm`) as an Accelergy ERT / ART (version
  /// 0.4), so that a table priced by coda can be handed to Accelergy/Timeloop users and read back.
  /// Components must have distinct, non-empty names.
  std::string export_accelergy_ert(const std::vector<ComponentDesc>& comps, int node_nm) const;
  std::string export_accelergy_art(const std::vector<ComponentDesc>& comps, int node_nm) const;

  /// Every built-in table entry and model parameter (with unit and source), then every loaded
  /// override, for docs and `coda tech`.
  std::vector<TableEntry> describe() const;

  const std::vector<Override>& overrides() const { return overrides_; }
  void add_override(Override o);

 private:
  explicit Library(Model m) : model_(m) {}
  ComponentCost builtin_price(const ComponentDesc& desc, int node_nm) const;

  Model model_;
  std::vector<Override> overrides_;
};

}  // namespace coda::tech
