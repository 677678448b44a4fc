// User technology tables (YAML and CSV): overrides by name and by class/subclass, scaling of
// overridden values, and errors that name file:line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "coda/common/error.hpp"
#include "coda/tech/library.hpp"
#include "coda/tech/scaling.hpp"

using namespace coda::tech;

namespace {

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(CODA_BINARY_DIR) + "/tech_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path) << text;
  return path;
}

ComponentDesc glb() {
  ComponentDesc d;
  d.cls = "sram";
  d.capacity_words = 65536;
  d.word_bits = 16;
  d.name = "GLB";
  return d;
}

ComponentDesc mac(int bits, const std::string& name = "mac") {
  ComponentDesc d;
  d.cls = "mac";
  d.operand_bits = bits;
  d.name = name;
  return d;
}

// Runs `f` and returns the InputError message (fails the test if none is thrown).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const coda::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

}  // namespace

TEST(TechUserTable, YamlOverridesByNameAndClass) {
  Library lib = Library::builtin(Model::Horowitz45);
  const ComponentCost before = lib.price(glb());
  const std::string f = temp_file("ok.yaml",
                                  "entries:\n"
                                  "  - {class: sram, read_pj: 3.0, source: 'my SRAM compiler'}\n"
                                  "  - {name: GLB, write_pj: 4.5}\n"
                                  "  - {class: mac, subclass: int, op_pj: 0.5, bits: 8}\n");
  lib.load_user_table(f);
  const ComponentCost c = lib.price(glb());
  EXPECT_EQ(c.read_pj, 3.0);               // class entry
  EXPECT_EQ(c.write_pj, 4.5);              // name entry
  EXPECT_EQ(c.update_pj, 7.5);             // recomputed read + write
  EXPECT_EQ(c.area_um2, before.area_um2);  // untouched fields keep the built-in value
  EXPECT_NE(c.source.find("ok.yaml:2"), std::string::npos) << c.source;
  EXPECT_NE(c.source.find("my SRAM compiler"), std::string::npos) << c.source;
  // Another SRAM gets the class entry but not the name entry.
  ComponentDesc other = glb();
  other.name = "other";
  EXPECT_EQ(lib.price(other).read_pj, 3.0);
  EXPECT_EQ(lib.price(other).write_pj, before.write_pj);
  // bits: 8 means the value is for 8-bit operands; a MAC scales ~ bits^2.
  EXPECT_DOUBLE_EQ(lib.price(mac(8)).op_pj, 0.5);
  EXPECT_DOUBLE_EQ(lib.price(mac(16)).op_pj, 2.0);
  // Overrides appear in describe().
  int user_rows = 0;
  for (const auto& e : lib.describe()) user_rows += e.source.rfind("user:", 0) == 0;
  EXPECT_EQ(user_rows, 3);
}

TEST(TechUserTable, NameBeatsSubclassBeatsClassAndLaterWins) {
  Library lib = Library::builtin(Model::Horowitz45);
  lib.load_user_table_text(
      "entries:\n"
      "  - {name: m1, op_pj: 9}\n"
      "  - {class: mac, subclass: fp, op_pj: 7}\n"
      "  - {class: mac, op_pj: 5}\n"
      "  - {class: mac, op_pj: 6}\n",
      "t.yaml", false);
  EXPECT_EQ(lib.price(mac(16, "m1")).op_pj, 9);
  ComponentDesc f = mac(16, "m2");
  f.subclass = "fp";
  EXPECT_EQ(lib.price(f).op_pj, 7);
  EXPECT_EQ(lib.price(mac(16, "m3")).op_pj, 6);
}

TEST(TechUserTable, NodeScalingAndPerAccess) {
  Library lib = Library::builtin(Model::Horowitz45);
  lib.load_user_table_text(
      "entries:\n"
      "  - {name: GLB, read_pj: 8, area_um2: 1000, node_nm: 65, per_access: true}\n",
      "t.yaml", false);
  ComponentDesc d = glb();
  d.block_words = 4;
  const ComponentCost c = lib.price(d, 28);
  EXPECT_DOUBLE_EQ(c.read_pj, 8.0 / 4 * node_energy_factor(65, 28));
  EXPECT_DOUBLE_EQ(c.area_um2, 1000 * node_area_factor(65, 28));
}

TEST(TechUserTable, CustomSubclassNeedsAnEntry) {
  Library lib = Library::builtin(Model::Horowitz45);
  ComponentDesc d = glb();
  d.subclass = "edram";
  EXPECT_THROW(lib.price(d), coda::InputError);
  lib.load_user_table_text("entries:\n  - {class: sram, subclass: edram, read_pj: 1.5}\n", "t.yaml", false);
  EXPECT_EQ(lib.price(d).read_pj, 1.5);
}

TEST(TechUserTable, CsvOverrides) {
  Library lib = Library::builtin(Model::Eyeriss65);
  const std::string f = temp_file("ok.csv",
                                  "# coda technology table\n"
                                  "name,class,subclass,read_pj,write_pj,op_pj,area_um2,source\n"
                                  "GLB,,,2.5,,,,\"measured, chip A\"\n"
                                  ",mac,int,,,0.75,900,\n"
                                  "\n");
  lib.load_user_table(f);
  const ComponentCost g = lib.price(glb());
  EXPECT_EQ(g.read_pj, 2.5);
  EXPECT_NE(g.source.find("ok.csv:3"), std::string::npos) << g.source;
  EXPECT_NE(g.source.find("measured, chip A"), std::string::npos) << g.source;
  EXPECT_EQ(lib.price(mac(16)).op_pj, 0.75);
  EXPECT_EQ(lib.price(mac(16)).area_um2, 900);
}

TEST(TechUserTable, BadYamlNamesFileLineAndKey) {
  struct Case {
    std::string text, expect;
  };
  const Case cases[] = {
      {"entries:\n  - {name: GLB, read_pj: abc}\n", "t.yaml:2"},
      {"entries:\n  - {name: GLB, read_pj: abc}\n", "read_pj"},
      {"entries:\n  - {name: GLB, raed_pj: 1}\n", "unknown key 'raed_pj'"},
      {"entries:\n  - {read_pj: 1}\n", "t.yaml:2: entry needs 'name'"},
      {"entries:\n  - {name: GLB}\n", "sets no price"},
      {"entries:\n  - {class: flash, read_pj: 1}\n", "unknown class 'flash'"},
      {"entries:\n  - {name: GLB, class: sram, read_pj: 1}\n", "not both"},
      {"entries:\n  - {name: GLB, read_pj: -1}\n", ">= 0"},
      {"entries:\n  - {name: GLB, read_pj: 1, node_nm: 3}\n", "node_nm"},
      {"entries:\n  - {name: GLB, read_pj: 1, bits: 0}\n", "bits"},
      {"entries:\n  - {name: GLB, read_pj: 1, per_access: maybe}\n", "per_access"},
      {"entries: {name: GLB}\n", "expected a list"},
      {"entires: []\n", "unknown key 'entires'"},
      {"entries:\n  - {name: GLB, read_pj: [1\n", "t.yaml:"},
      {"entries:\n  - {name: GLB, read_pj: .inf}\n", "read_pj"},
  };
  for (const Case& c : cases) {
    Library lib = Library::builtin(Model::Horowitz45);
    const std::string msg = error_of([&] { lib.load_user_table_text(c.text, "t.yaml", false); });
    EXPECT_NE(msg.find(c.expect), std::string::npos) << c.text << " -> " << msg;
    EXPECT_TRUE(lib.overrides().empty());  // a bad file changes nothing
  }
}

TEST(TechUserTable, BadCsvNamesFileLineAndColumn) {
  struct Case {
    std::string text, expect;
  };
  const Case cases[] = {
      {"name,read_pj\nGLB,abc\n", "t.csv:2: column 'read_pj': expected a number, got 'abc'"},
      {"name,reed_pj\nGLB,1\n", "t.csv:1: unknown column 'reed_pj'"},
      {"read_pj\n1\n", "t.csv:1: the header needs a 'name' or a 'class' column"},
      {"name,read_pj\nGLB,1,2\n", "t.csv:2: expected 2 fields"},
      {"name,read_pj\nGLB,-3\n", "t.csv:2: 'read_pj' must be"},
      {"name,read_pj\nGLB,\n", "t.csv:2: entry sets no price"},
      {"name,read_pj\n\"GLB,1\n", "t.csv:2: unterminated"},
      {"name,name\nA,B\n", "appears twice"},
      {"class,bits,op_pj\nmac,x,1\n", "column 'bits'"},
      {"# only a comment\n", "no header"},
      {"name,node_nm,read_pj\nGLB,500,1\n", "node_nm"},
  };
  for (const Case& c : cases) {
    Library lib = Library::builtin(Model::Horowitz45);
    const std::string msg = error_of([&] { lib.load_user_table_text(c.text, "t.csv", true); });
    EXPECT_NE(msg.find(c.expect), std::string::npos) << c.text << " -> " << msg;
  }
}

TEST(TechUserTable, FileErrors) {
  Library lib = Library::builtin(Model::Horowitz45);
  EXPECT_NE(error_of([&] { lib.load_user_table("/nonexistent/t.yaml"); }).find("cannot open"),
            std::string::npos);
  EXPECT_NE(error_of([&] { lib.load_user_table(temp_file("t.txt", "x")); }).find(".yaml, .yml or .csv"),
            std::string::npos);
}

// The YAML and CSV examples of docs/tech.md must load and do what the page says.
TEST(TechUserTable, DocumentationExamplesLoad) {
  const std::string doc = [] {
    std::ifstream in(std::string(CODA_SOURCE_DIR) + "/docs/tech.md");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }();
  auto block = [&](const std::string& fence, const std::string& must_contain) {
    size_t pos = 0;
    while ((pos = doc.find(fence, pos)) != std::string::npos) {
      const size_t start = doc.find('\n', pos) + 1;
      const size_t end = doc.find("```", start);
      const std::string text = doc.substr(start, end - start);
      if (text.find(must_contain) != std::string::npos) return text;
      pos = end + 3;
    }
    ADD_FAILURE() << "no " << fence << " block with " << must_contain;
    return std::string();
  };
  Library y = Library::builtin(Model::Horowitz45);
  y.load_user_table_text(block("```yaml", "entries:"), "tech.md.yaml", false);
  EXPECT_EQ(y.price(glb()).read_pj, 12.5);
  ComponentDesc m = mac(8);
  EXPECT_DOUBLE_EQ(y.price(m, 28).op_pj, 0.25);
  ComponentDesc d;
  d.cls = "dram";
  d.subclass = "ddr3";
  d.word_bits = 64;
  EXPECT_DOUBLE_EQ(y.price(d).read_pj, 70.0 * 64);
  Library c = Library::builtin(Model::Horowitz45);
  c.load_user_table_text(block("```csv", "name,class"), "tech.md.csv", true);
  EXPECT_EQ(c.price(glb()).write_pj, 14.0);
  EXPECT_DOUBLE_EQ(c.price(mac(16)).op_pj, 1.0);  // 0.25 at 8 bits, x (16/8)^2
}
