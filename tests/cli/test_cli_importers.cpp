#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using coda::test::run_coda;
using coda::test::slurp;
using coda::test::temp_file;

namespace {

const char* kTestdata = "/usr/share/libonnx-testdata/data/";

int64_t total_macs(const std::string& args) {
  auto r = run_coda("stats " + args + " --format json");
  EXPECT_EQ(r.code, 0) << args << ": " << r.err;
  if (r.code != 0) return -1;
  return nlohmann::json::parse(r.out)["total"]["macs"].get<int64_t>();
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST(CliImporters, StatsReadsEveryFormat) {
  // Energy-tool text and SCALE-Sim CSV written by `coda convert` read back with AlexNet's MACs.
  const std::string dir = CODA_BINARY_DIR;
  ASSERT_EQ(run_coda("convert alexnet -o " + dir + "/cli_alexnet.txt").code, 0);
  ASSERT_EQ(run_coda("convert alexnet -o " + dir + "/cli_alexnet.csv").code, 0);
  ASSERT_EQ(run_coda("convert alexnet -o " + dir + "/cli_alexnet_gemm.csv --to scalesim-gemm").code, 0);
  ASSERT_EQ(run_coda("convert alexnet -o " + dir + "/cli_alexnet.yaml").code, 0);
  EXPECT_EQ(slurp(dir + "/cli_alexnet.txt").substr(0, 63),
            "1,227,227,3,1,0,16,11,11,3,96,0,16,55,55,96,1,0,16,4,4,0,0,0,0\n");
  for (const char* f : {"cli_alexnet.txt", "cli_alexnet.csv", "cli_alexnet_gemm.csv", "cli_alexnet.yaml"})
    EXPECT_EQ(total_macs(dir + "/" + f), 724406816) << f;
  // Timeloop problem (v0.3), by content: a .yaml file with a top-level `problem`.
  const std::string tl = temp_file("cli_timeloop.yaml",
                                   "problem:\n  shape: cnn-layer\n  R: 11\n  S: 11\n  P: 55\n  Q: 55\n  C: 3\n  K: 96\n"
                                   "  N: 2\n  Wstride: 4\n  Hstride: 4\n");
  EXPECT_EQ(total_macs(tl), 2 * 105415200);  // N = 2 is the default batch
  EXPECT_EQ(total_macs(tl + " --batch 1"), 105415200);
  // ONNX: a single-operator model of Debian's libonnx-testdata.
  const std::string conv = std::string(kTestdata) + "pytorch-converted/test_Conv2d/model.onnx";
  auto r = run_coda("stats " + conv);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("3x7x5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("4x5x4"), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CliImporters, UnknownOnnxOperatorIsAWarningNotAnError) {
  auto r = run_coda("stats " + std::string(kTestdata) + "pytorch-converted/test_Conv3d/model.onnx --all");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("coda: warning: layer 'Conv_1': operator 'Conv (3-D)' is not modelled"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("unknown:Conv (3-D)"), std::string::npos) << r.out;
}

TEST(CliImporters, ConvertWritesEachFormatAndNotes) {
  auto y = run_coda("convert mobilenet_v2 -o -");
  ASSERT_EQ(y.code, 0) << y.err;
  EXPECT_EQ(y.out.rfind("name: mobilenet_v2\n", 0), 0u) << y.out;
  auto e = run_coda("convert mobilenet_v2 -o - --to energy-tool");
  ASSERT_EQ(e.code, 0);
  EXPECT_EQ(lines(e.out), 53);  // 52 CONV + 1 FC
  EXPECT_NE(e.err.find("coda: note: 99 layers without MACs"), std::string::npos) << e.err;
  auto s = run_coda("convert mobilenet_v2 -o - --to scalesim");
  ASSERT_EQ(s.code, 0);
  EXPECT_NE(s.out.find("block1_dw_DP,114,114,3,3,32,1,1,"), std::string::npos);
  // Network YAML -> SCALE-Sim -> network keeps the MACs of every layer (unit tests check each).
  const std::string csv = std::string(CODA_BINARY_DIR) + "/cli_mbv2.csv";
  ASSERT_EQ(run_coda("convert mobilenet_v2 -o " + csv).code, 0);
  EXPECT_EQ(total_macs(csv), total_macs("mobilenet_v2"));
}

TEST(CliImporters, BadInputExitsWithCode2AndOneMessageNamingFileAndLine) {
  struct Case {
    std::string name, text, expect;
  };
  const Case cases[] = {
      {"cli_bad_fields.txt", "1,227,227,3,1,0,16,11,11,3,96,0,16,55,55,96,1,0,16,4,4,0,0,0,0\n2,27,27\n",
       "cli_bad_fields.txt:2: expected 25 comma-separated fields"},
      {"cli_bad_out.txt", "1,227,227,3,1,0,16,11,11,3,96,0,16,54,55,96,1,0,16,4,4,0,0,0,0\n",
       "cli_bad_out.txt:1: field 14 (output height): expected 55"},
      {"cli_bad_header.csv", "conv1,224,224,11,11,3,96,4,\n", "cli_bad_header.csv:1: expected a SCALE-Sim header"},
      {"cli_bad_row.csv",
       "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
       "c,8,8,11,11,3,96,1,\n",
       "cli_bad_row.csv:2: field 4 (filter height): filter height 11 is larger than the IFMAP height 8"},
      {"cli_bad_timeloop.yaml", "problem:\n  shape: cnn-layer\n  Wstrid: 2\n",
       "cli_bad_timeloop.yaml:3: problem: unknown key 'Wstrid'"},
      {"cli_bad_timeloop0.yaml", "problem:\n  shape: cnn-layer\n  P: 0\n",
       "cli_bad_timeloop0.yaml:3: problem, key 'P': expected an integer >= 1, got 0"},
      {"cli_bad.onnx", std::string("\x08\x07\x12\x04test\x3a\x80\x01", 11),
       "cli_bad.onnx: not a valid ONNX model (the protobuf data is truncated or corrupt)"},
      {"cli_bad.xyz", "whatever\n", "cli_bad.xyz: unsupported network file extension '.xyz'"},
  };
  for (const Case& c : cases) {
    const std::string path = temp_file(c.name, c.text);
    auto r = run_coda("stats " + path);
    EXPECT_EQ(r.code, 2) << c.name << ": " << r.out;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(lines(r.err), 1) << "one message expected: " << r.err;
    auto v = run_coda("convert " + path + " -o -");
    EXPECT_EQ(v.code, 2) << c.name;
  }
  // A truncated copy of a real model.
  const std::string model = slurp(std::string(kTestdata) + "pytorch-converted/test_Conv2d_groups/model.onnx");
  ASSERT_GT(model.size(), 20u);
  const std::string cut = temp_file("cli_truncated.onnx", model.substr(0, model.size() / 2));
  auto t = run_coda("stats " + cut);
  EXPECT_EQ(t.code, 2);
  EXPECT_NE(t.err.find("cli_truncated.onnx: not a valid ONNX model"), std::string::npos) << t.err;
  // convert: an output format coda cannot tell, an unknown --to, an unwritable file.
  auto x = run_coda("convert alexnet -o " + std::string(CODA_BINARY_DIR) + "/out.bin");
  EXPECT_EQ(x.code, 2);
  EXPECT_NE(x.err.find("out.bin: cannot tell the output format"), std::string::npos) << x.err;
  EXPECT_EQ(run_coda("convert alexnet -o - --to pdf").code, 2);
  auto w = run_coda("convert alexnet -o /nonexistent/dir/a.yaml");
  EXPECT_EQ(w.code, 2);
  EXPECT_NE(w.err.find("/nonexistent/dir/a.yaml: cannot open for writing"), std::string::npos) << w.err;
}

TEST(CliImporters, ConvertHelpIsComplete) {
  auto h = run_coda("convert --help");
  EXPECT_EQ(h.code, 0);
  for (const char* s : {"--to", "yaml", "energy-tool", "scalesim-gemm", "-o,--output", "ONNX"})
    EXPECT_NE(h.out.find(s), std::string::npos) << s;
  auto top = run_coda("--help");
  EXPECT_NE(top.out.find("convert"), std::string::npos);
}
