#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "coda/common/error.hpp"
#include "coda/io/network_yaml.hpp"
#include "coda/io/onnx_import.hpp"
#include "coda/io/zoo.hpp"
#include "coda/workload/statistics.hpp"

using namespace coda;
using workload::build_network;
using workload::compute_stats;
using workload::LayerType;
using workload::Shape;

namespace {

namespace fs = std::filesystem;

// The test models are generated once per test process (CTest runs tests in parallel processes)
// by tests/io/gen_onnx_models.py with Debian's python3-onnx, and removed when the process ends.
struct ModelDir {
  std::string path;
  std::string error;
  ModelDir() {
    path = std::string(CODA_BINARY_DIR) + "/onnx_models_" + std::to_string(::getpid());
    const std::string cmd = std::string("/usr/bin/python3 ") + CODA_SOURCE_DIR + "/tests/io/gen_onnx_models.py " +
                            path + " >/dev/null 2>" + path + ".log";
    if (std::system(cmd.c_str()) != 0) {
      std::ifstream log(path + ".log");
      std::stringstream ss;
      ss << log.rdbuf();
      error = "gen_onnx_models.py failed (python3-onnx missing? run scripts/setup.sh): " + ss.str();
    }
    std::error_code ec;
    fs::remove(path + ".log", ec);
  }
  ~ModelDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const ModelDir& models() {
  static ModelDir dir;
  return dir;
}

#define REQUIRE_MODELS() ASSERT_TRUE(models().error.empty()) << models().error

std::string model(const std::string& name) { return models().path + "/" + name + ".onnx"; }

std::string error_of(const std::string& path) {
  try {
    (void)build_network(io::read_onnx(path));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::vector<workload::LayerStats> mac_layers(const workload::NetworkStats& st) {
  std::vector<workload::LayerStats> v;
  for (const auto& l : st.layers)
    if (l.macs > 0) v.push_back(l);
  return v;
}

// Every MAC layer of the imported model equals the zoo's: name, MACs, weights, category, shape.
void expect_same_as_zoo(const std::string& onnx_name, const std::string& zoo_name) {
  auto spec = io::read_onnx(model(onnx_name));
  auto imported = compute_stats(build_network(spec));
  auto zoo = compute_stats(build_network(io::zoo_network(zoo_name)));
  auto a = mac_layers(imported), b = mac_layers(zoo);
  ASSERT_EQ(a.size(), b.size()) << onnx_name;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name) << onnx_name << " MAC layer " << i;
    EXPECT_EQ(a[i].macs, b[i].macs) << onnx_name << " " << a[i].name;
    EXPECT_EQ(a[i].weights, b[i].weights) << onnx_name << " " << a[i].name;
    EXPECT_EQ(a[i].category, b[i].category) << onnx_name << " " << a[i].name;
    EXPECT_EQ(a[i].output_shape, b[i].output_shape) << onnx_name << " " << a[i].name;
  }
  EXPECT_EQ(imported.total.macs, zoo.total.macs);
  EXPECT_EQ(imported.total.weights, zoo.total.weights);
  EXPECT_EQ(imported.conv_layers, zoo.conv_layers);
  EXPECT_EQ(imported.fc_layers, zoo.fc_layers);
}

}  // namespace

TEST(OnnxImport, AlexNetMatchesTheZooLayerByLayer) {
  REQUIRE_MODELS();
  expect_same_as_zoo("alexnet", "alexnet");
  auto spec = io::read_onnx(model("alexnet"));
  EXPECT_EQ(spec.name, "alexnet");
  EXPECT_EQ(spec.batch, 1);  // symbolic batch "N"
  // The PyTorch-style flatten (Shape, Gather, Unsqueeze, Concat, Reshape) is one coda layer: the
  // shape computation makes no layers.
  int reshapes = 0;
  for (const auto& l : spec.layers) {
    reshapes += l.type == LayerType::Reshape;
    EXPECT_NE(l.type, LayerType::Unknown) << l.name;
  }
  EXPECT_EQ(reshapes, 1);
  EXPECT_EQ(compute_stats(build_network(spec)).total.macs, 724406816);  // domain.md §1.2: 724M
}

TEST(OnnxImport, ResNet50MatchesTheZooLayerByLayer) {
  REQUIRE_MODELS();
  expect_same_as_zoo("resnet50", "resnet50");
}

TEST(OnnxImport, MobileNetV2MatchesTheZooLayerByLayer) {
  REQUIRE_MODELS();
  expect_same_as_zoo("mobilenet_v2", "mobilenet_v2");
  // Clip(0, 6) is ReLU6; weights in external data give no density.
  auto spec = io::read_onnx(model("mobilenet_v2"));
  int relu6 = 0;
  for (const auto& l : spec.layers) {
    relu6 += l.type == LayerType::ReLU6;
    EXPECT_FALSE(l.weight_density.has_value()) << l.name;
  }
  EXPECT_EQ(relu6, 35);
}

TEST(OnnxImport, SmallModelDensitiesUnknownOperatorsAttentionAnd1dConv) {
  REQUIRE_MODELS();
  auto spec = io::read_onnx(model("small"));
  EXPECT_EQ(spec.batch, 2);  // the model's fixed batch
  auto find = [&](const std::string& name) -> const workload::LayerSpec& {
    for (const auto& l : spec.layers)
      if (l.name == name) return l;
    throw std::runtime_error("no layer " + name);
  };
  EXPECT_DOUBLE_EQ(*find("conv").weight_density, 0.25);  // 3/4 of the initializer is zero
  EXPECT_DOUBLE_EQ(*find("q").weight_density, 0.5);
  EXPECT_FALSE(find("k").weight_density.has_value());
  EXPECT_EQ(find("upsample").type, LayerType::Unknown);
  EXPECT_EQ(find("upsample").op_name, "Resize");
  EXPECT_EQ(find("upsample").shape, (Shape{8, 32, 32}));  // from ONNX shape inference
  EXPECT_EQ(find("cat").axis, 0);                           // ONNX axis 1 without the batch
  EXPECT_EQ(find("tokens_t").perm, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(find("q_bias").type, LayerType::Identity);  // bias add: a constant operand
  EXPECT_EQ(find("scores").type, LayerType::MatMul);
  EXPECT_EQ(find("q").type, LayerType::Linear);
  auto net = build_network(spec, spec.batch);
  ASSERT_EQ(net.warnings.size(), 1u);
  EXPECT_NE(net.warnings[0].find("'Resize'"), std::string::npos);
  auto st = compute_stats(net);
  auto layer = [&](const std::string& name) -> const workload::LayerStats& {
    for (const auto& l : st.layers)
      if (l.name == name) return l;
    throw std::runtime_error("no layer " + name);
  };
  EXPECT_EQ(layer("conv").macs, 2LL * 8 * 16 * 16 * 4 * 9);
  EXPECT_EQ(layer("conv").nonzero_weights, 288 / 4);
  EXPECT_EQ(layer("scores").macs, 2LL * 256 * 256 * 32);
  EXPECT_EQ(layer("context").macs, 2LL * 256 * 32 * 256);
  // 1-D convolution: 32 channels, 256 long, kernel 5, padding 2, stride 2 -> 8 x 128.
  EXPECT_EQ(layer("conv1d").macs, 2LL * 8 * 128 * 32 * 5);
  EXPECT_EQ(layer("conv1d:to1d").output_shape, (Shape{8, 128}));
  EXPECT_EQ(layer("flat").output_shape, (Shape{1024}));
}

TEST(OnnxImport, LibonnxTestdataSingleOperators) {
  const std::string root = "/usr/share/libonnx-testdata/data/";
  ASSERT_TRUE(fs::exists(root)) << "libonnx-testdata is not installed (scripts/setup.sh installs it)";
  struct Case {
    std::string dir;
    LayerType type;
    Shape output;  // of the layer that computes (without the batch)
    int64_t weights;
  };
  const Case cases[] = {
      {"pytorch-converted/test_Conv2d", LayerType::Conv, {4, 5, 4}, 4 * 3 * 3 * 2},
      {"pytorch-converted/test_Conv2d_groups", LayerType::Conv, {6, 4, 4}, 6 * 2 * 3 * 2},
      {"pytorch-converted/test_Conv2d_depthwise", LayerType::Conv, {4, 4, 4}, 4 * 9},
      {"pytorch-converted/test_Conv2d_depthwise_strided", LayerType::Conv, {4, 2, 2}, 4 * 9},
      {"pytorch-converted/test_Conv2d_depthwise_padded", LayerType::Conv, {4, 6, 6}, 4 * 9},
      {"pytorch-converted/test_Conv2d_depthwise_with_multiplier", LayerType::Conv, {8, 4, 4}, 8 * 9},
      {"pytorch-converted/test_Conv2d_dilated", LayerType::Conv, {2, 3, 3}, 2 * 3 * 9},
      {"pytorch-converted/test_Conv2d_padding", LayerType::Conv, {4, 3, 3}, 4 * 3 * 9},
      {"pytorch-converted/test_Conv2d_strided", LayerType::Conv, {4, 2, 2}, 4 * 3 * 9},
      {"pytorch-converted/test_Conv2d_no_bias", LayerType::Conv, {4, 4, 4}, 4 * 3 * 3 * 2},
      {"pytorch-converted/test_Conv1d", LayerType::Conv, {5, 1, 8}, 5 * 4 * 3},
      {"pytorch-converted/test_Conv1d_groups", LayerType::Conv, {6, 1, 4}, 6 * 2 * 3},
      {"pytorch-converted/test_Linear", LayerType::FC, {8}, 80},
      {"pytorch-converted/test_Linear_no_bias", LayerType::Linear, {8}, 80},
      {"pytorch-converted/test_MaxPool2d", LayerType::MaxPool, {3, 4, 4}, 0},
      {"pytorch-converted/test_MaxPool2d_stride_padding_dilation", LayerType::MaxPool, {1, 43, 25}, 0},
      {"pytorch-converted/test_MaxPool1d", LayerType::MaxPool, {10, 1, 1}, 0},
      {"pytorch-converted/test_AvgPool2d", LayerType::AvgPool, {3, 3, 3}, 0},
      {"pytorch-converted/test_AvgPool2d_stride", LayerType::AvgPool, {3, 3, 3}, 0},
      {"node/test_averagepool_2d_ceil", LayerType::AvgPool, {1, 2, 2}, 0},
      {"node/test_averagepool_2d_same_lower", LayerType::AvgPool, {3, 32, 32}, 0},
      {"node/test_maxpool_2d_same_upper", LayerType::MaxPool, {3, 32, 32}, 0},
      {"node/test_maxpool_2d_dilations", LayerType::MaxPool, {1, 2, 2}, 0},
      {"node/test_globalaveragepool", LayerType::GlobalAvgPool, {3, 1, 1}, 0},
      {"node/test_conv_with_autopad_same", LayerType::Conv, {1, 3, 3}, 9},
      {"node/test_conv_with_strides_and_asymmetric_padding", LayerType::Conv, {1, 4, 2}, 9},
      {"pytorch-converted/test_BatchNorm2d_eval", LayerType::BatchNorm, {3, 6, 6}, 0},
      {"pytorch-converted/test_Softmax", LayerType::Softmax, {20}, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dir);
    const std::string path = root + c.dir + "/model.onnx";
    ASSERT_TRUE(fs::exists(path));
    workload::NetworkSpec spec;
    ASSERT_NO_THROW(spec = io::read_onnx(path));
    auto net = build_network(spec);
    auto st = compute_stats(net);
    bool found = false;
    for (size_t i = 0; i < net.layers.size(); ++i) {
      if (net.layers[i].spec.type != c.type) continue;
      found = true;
      EXPECT_EQ(net.layers[i].output_shape, c.output);
      EXPECT_EQ(st.layers[i].weights, c.weights);
    }
    EXPECT_TRUE(found);
    EXPECT_TRUE(net.warnings.empty());
  }
  // A 3-D convolution is kept as an unknown node with ONNX's output shape and a warning.
  auto net3 = build_network(io::read_onnx(root + "pytorch-converted/test_Conv3d/model.onnx"));
  ASSERT_EQ(net3.layers.size(), 1u);
  EXPECT_EQ(net3.layers[0].spec.type, LayerType::Unknown);
  EXPECT_EQ(net3.layers[0].output_shape, (Shape{4, 2, 2, 2}));
  EXPECT_EQ(net3.warnings.size(), 1u);
}

TEST(OnnxImport, MalformedModelsGiveOneClearErrorNamingTheNode) {
  REQUIRE_MODELS();
  struct Case {
    std::string file, expect;
  };
  const Case cases[] = {
      {"zero_stride", "node 'conv' (Conv): attribute 'strides' has the value 0; expected >= 1"},
      {"convtranspose_rank2", "node 'deconv' (ConvTranspose): input 'x' has rank 2; expected rank >= 3"},
      {"gemm_rank0", "node 'gemm' (Gemm): input 's' has rank 0; Gemm expects rank 2"},
      {"kernel_too_large", "node 'conv' (Conv): output 'y' gets the size -2 from ONNX shape inference"},
      {"symbolic_dim", "graph input 'x': axis 2 has the symbolic size 'H'"},
      {"no_opset", "imports no opset of the default ONNX domain"},
      {"undefined_input", "node 'add' (Add): input 'ghost' is not a graph input, an initializer or the output"},
      {"cycle", "the graph has a cycle"},
      {"bad_initializer", "initializer 'w': raw data has 428 bytes, expected 432"},
      {"channel_mismatch", "node 'conv' (Conv): input 'x' has 3 channels but the weights 'w' expect 5"},
      {"float_strides", "node 'conv' (Conv): invalid node: Mismatched attribute type"},
      {"negative_pads", "node 'pool' (MaxPool): attribute 'pads' has the value -1; expected >= 0"},
  };
  for (const Case& c : cases) {
    const std::string path = models().path + "/bad/" + c.file + ".onnx";
    const std::string msg = error_of(path);
    EXPECT_NE(msg.find(c.expect), std::string::npos) << c.file << ": " << msg;
    EXPECT_EQ(msg.rfind(path + ": ", 0), 0u) << "the message must start with the file: " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

TEST(OnnxImport, UnknownOperatorsAreKeptNotDropped) {
  REQUIRE_MODELS();
  auto net = build_network(io::read_onnx(models().path + "/bad/unknown_ops.onnx"));
  ASSERT_EQ(net.layers.size(), 3u);
  EXPECT_EQ(net.layers[0].spec.op_name, "Frobnicate");  // default domain, no schema
  EXPECT_EQ(net.layers[1].spec.op_name, "Warp");        // custom domain; shape from value_info
  EXPECT_EQ(net.layers[1].output_shape, (Shape{3, 10, 10}));
  EXPECT_EQ(net.layers[2].spec.type, LayerType::Conv);
  EXPECT_EQ(net.layers[2].output_shape, (Shape{4, 8, 8}));
  EXPECT_EQ(net.warnings.size(), 2u);
}

TEST(OnnxImport, TruncatedAndGarbageFilesAreInputErrors) {
  REQUIRE_MODELS();
  std::ifstream in(model("resnet50"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{7}, bytes.size() / 3, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_THROW((void)build_network(io::parse_onnx(bytes.data(), cut, "cut.onnx")), InputError) << cut;
  }
  try {
    io::parse_onnx(bytes.data(), bytes.size() / 2, "half.onnx");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "half.onnx: not a valid ONNX model (the protobuf data is truncated or corrupt)");
  }
  const std::string garbage = "this is not an ONNX file at all\n";
  EXPECT_THROW(io::parse_onnx(garbage.data(), garbage.size(), "text.onnx"), InputError);
  EXPECT_THROW(io::read_onnx(models().path + "/does_not_exist.onnx"), InputError);
}

TEST(OnnxImport, ConvertedYamlReadsBackToTheSameNetwork) {
  REQUIRE_MODELS();
  for (const char* name : {"small", "mobilenet_v2"}) {
    auto spec = io::read_onnx(model(name));
    auto again = io::parse_network_yaml(io::write_network_yaml(spec), std::string(name) + ".yaml");
    EXPECT_EQ(again.batch, spec.batch) << name;
    auto a = build_network(spec, spec.batch), b = build_network(again, again.batch);
    auto sa = compute_stats(a), sb = compute_stats(b);
    ASSERT_EQ(sa.layers.size(), sb.layers.size()) << name;
    for (size_t i = 0; i < sa.layers.size(); ++i) {
      EXPECT_EQ(sa.layers[i].name, sb.layers[i].name);
      EXPECT_EQ(sa.layers[i].output_shape, sb.layers[i].output_shape) << sa.layers[i].name;
      EXPECT_EQ(sa.layers[i].macs, sb.layers[i].macs) << sa.layers[i].name;
      EXPECT_EQ(sa.layers[i].nonzero_weights, sb.layers[i].nonzero_weights) << sa.layers[i].name;
    }
  }
}
