#!/usr/bin/python3
"""Writes the ONNX models that coda's importer tests read (tests/io/test_onnx_import.cpp).

Run at test time with Debian's python3-onnx (/usr/bin/python3): `gen_onnx_models.py OUTDIR`.
The networks are written the way a framework exporter would write them (PyTorch-style Flatten
through Shape/Gather/Concat/Reshape, Clip for ReLU6, auto_pad SAME_UPPER for TensorFlow-style
padding), independently of coda's zoo files, so that importing them and comparing with the zoo
checks the whole ONNX path: ONNX shape inference, operator mapping, coda shape inference.

The large networks keep their weights in an external-data file (a sparse file: no disk space) so
that the .onnx files stay small; the small models keep inline weights (some of them zero, to test
the weight density coda reads from initializers).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


class Builder:
    """A small graph builder that tracks the channel count of every activation."""

    def __init__(self, name, input_shape, external=None, batch="N"):
        self.name = name
        self.nodes = []
        self.inits = []
        self.channels = {"input": input_shape[0]}
        self.batch = batch
        self.inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT, [batch] + list(input_shape))]
        self.external = external  # file name of the external weight data, or None for inline data
        self.offset = 0
        self.rng = np.random.default_rng(7)

    def weight(self, name, shape, zero_fraction=0.0):
        if self.external is None:
            arr = self.rng.standard_normal(shape).astype(np.float32)
            if zero_fraction > 0:
                flat = arr.reshape(-1)
                flat[: int(round(zero_fraction * flat.size))] = 0.0
            self.inits.append(numpy_helper.from_array(arr, name))
            return name
        t = TensorProto()
        t.name = name
        t.data_type = TensorProto.FLOAT
        t.dims.extend(shape)
        t.data_location = TensorProto.EXTERNAL
        length = int(np.prod(shape)) * 4
        for key, value in (("location", self.external), ("offset", str(self.offset)), ("length", str(length))):
            entry = t.external_data.add()
            entry.key = key
            entry.value = value
        self.offset += length
        self.inits.append(t)
        return name

    def const_ints(self, name, values):
        self.inits.append(numpy_helper.from_array(np.array(values, dtype=np.int64), name))
        return name

    def node(self, op, inputs, name, channels=None, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        if channels is not None:
            self.channels[name] = channels
        elif inputs and inputs[0] in self.channels:
            self.channels[name] = self.channels[inputs[0]]
        return name

    def conv(self, x, name, cout, k, stride=1, pad=0, group=1, same=False, bias=False, zero_fraction=0.0):
        cin = self.channels[x]
        w = self.weight(name + "_w", [cout, cin // group, k, k], zero_fraction)
        inputs = [x, w]
        if bias:
            inputs.append(self.weight(name + "_b", [cout]))
        attrs = {"kernel_shape": [k, k], "strides": [stride, stride], "group": group}
        if same:
            attrs["auto_pad"] = "SAME_UPPER"
        else:
            attrs["pads"] = [pad] * 4
        return self.node("Conv", inputs, name, channels=cout, **attrs)

    def bn(self, x, name):
        c = self.channels[x]
        params = [self.weight(f"{name}_{p}", [c]) for p in ("scale", "bias", "mean", "var")]
        return self.node("BatchNormalization", [x] + params, name)

    def gemm(self, x, name, cin, cout, zero_fraction=0.0):
        w = self.weight(name + "_w", [cout, cin], zero_fraction)  # PyTorch layout: transB = 1
        b = self.weight(name + "_b", [cout])
        return self.node("Gemm", [x, w, b], name, channels=cout, transB=1)

    def torch_flatten(self, x, name):
        """Flatten as PyTorch's x.view(x.size(0), -1) exports it: Shape, Gather, Unsqueeze, Concat, Reshape."""
        shape = self.node("Shape", [x], name + "_shape")
        zero = self.const_ints(name + "_zero", 0)
        n = self.node("Gather", [shape, zero], name + "_n", axis=0)
        axes = self.const_ints(name + "_axes", [0])
        n1 = self.node("Unsqueeze", [n, axes], name + "_n1")
        minus1 = self.const_ints(name + "_minus1", [-1])
        target = self.node("Concat", [n1, minus1], name + "_target", axis=0)
        return self.node("Reshape", [x, target], name)

    def save(self, out_dir, output, out_channels):
        outputs = [helper.make_tensor_value_info(output, TensorProto.FLOAT, [self.batch, out_channels])]
        graph = helper.make_graph(self.nodes, self.name, self.inputs, outputs, self.inits)
        model = helper.make_model(graph, producer_name="coda-tests", opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = 7
        path = os.path.join(out_dir, self.name + ".onnx")
        onnx.save(model, path)
        if self.external is not None:
            with open(os.path.join(out_dir, self.external), "wb") as f:
                f.truncate(self.offset)  # sparse: the importer reads shapes, never the values
        return path


def alexnet(out_dir):
    """AlexNet, 227x227, the original two-group CONV2/4/5 (Krizhevsky et al. 2012)."""
    b = Builder("alexnet", [3, 227, 227], external="alexnet.weights")
    x = b.conv("input", "conv1", 96, 11, stride=4, bias=True)
    x = b.node("Relu", [x], "relu1")
    x = b.node("LRN", [x], "norm1", size=5, alpha=1e-4, beta=0.75)
    x = b.node("MaxPool", [x], "pool1", kernel_shape=[3, 3], strides=[2, 2])
    x = b.conv(x, "conv2", 256, 5, pad=2, group=2, bias=True)
    x = b.node("Relu", [x], "relu2")
    x = b.node("LRN", [x], "norm2", size=5, alpha=1e-4, beta=0.75)
    x = b.node("MaxPool", [x], "pool2", kernel_shape=[3, 3], strides=[2, 2])
    x = b.node("Relu", [b.conv(x, "conv3", 384, 3, pad=1, bias=True)], "relu3")
    x = b.node("Relu", [b.conv(x, "conv4", 384, 3, pad=1, group=2, bias=True)], "relu4")
    x = b.node("Relu", [b.conv(x, "conv5", 256, 3, pad=1, group=2, bias=True)], "relu5")
    x = b.node("MaxPool", [x], "pool5", kernel_shape=[3, 3], strides=[2, 2])
    x = b.torch_flatten(x, "flatten")
    x = b.node("Relu", [b.gemm(x, "fc6", 256 * 6 * 6, 4096)], "relu6")
    x = b.node("Dropout", [x], "drop6")
    x = b.node("Relu", [b.gemm(x, "fc7", 4096, 4096)], "relu7")
    x = b.node("Dropout", [x], "drop7")
    x = b.gemm(x, "fc8", 4096, 1000)
    x = b.node("Softmax", [x], "prob", axis=1)
    return b.save(out_dir, x, 1000)


def resnet50(out_dir):
    """ResNet-50 v1 as in the original Caffe model: stride 2 in the first 1x1 of a downsampling block."""
    b = Builder("resnet50", [3, 224, 224], external="resnet50.weights")
    x = b.node("Relu", [b.bn(b.conv("input", "conv1", 64, 7, stride=2, pad=3), "bn_conv1")], "conv1_relu")
    x = b.node("MaxPool", [x], "pool1", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    for stage, (blocks, width) in enumerate([(3, 64), (4, 128), (6, 256), (3, 512)], start=2):
        for i in range(blocks):
            name = f"res{stage}{chr(ord('a') + i)}"
            stride = 2 if (i == 0 and stage > 2) else 1
            y = b.node("Relu", [b.bn(b.conv(x, name + "_branch2a", width, 1, stride=stride), "bn" + name + "_2a")],
                       name + "_2a_relu")
            y = b.node("Relu", [b.bn(b.conv(y, name + "_branch2b", width, 3, pad=1), "bn" + name + "_2b")],
                       name + "_2b_relu")
            y = b.bn(b.conv(y, name + "_branch2c", 4 * width, 1), "bn" + name + "_2c")
            shortcut = x
            if i == 0:
                shortcut = b.bn(b.conv(x, name + "_branch1", 4 * width, 1, stride=stride), "bn" + name + "_1")
            x = b.node("Relu", [b.node("Add", [shortcut, y], name)], name + "_relu")
    x = b.node("GlobalAveragePool", [x], "pool5")
    x = b.node("Flatten", [x], "flatten", axis=1)
    x = b.node("Softmax", [b.gemm(x, "fc1000", 2048, 1000)], "prob", axis=1)
    return b.save(out_dir, x, 1000)


def mobilenet_v2(out_dir):
    """MobileNetV2 1.0-224 (Sandler et al. 2018, Table 2), TensorFlow-style SAME padding."""
    b = Builder("mobilenet_v2", [3, 224, 224], external="mobilenet_v2.weights")
    b.inits.append(numpy_helper.from_array(np.array(0.0, dtype=np.float32), "relu6_lo"))
    b.inits.append(numpy_helper.from_array(np.array(6.0, dtype=np.float32), "relu6_hi"))

    def relu6(x, name):
        return b.node("Clip", [x, "relu6_lo", "relu6_hi"], name)

    x = relu6(b.bn(b.conv("input", "conv1", 32, 3, stride=2, same=True), "conv1_bn"), "conv1_relu6")
    block = 0
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
                       (6, 320, 1, 1)]:
        for i in range(n):
            block += 1
            name = f"block{block}"
            stride = s if i == 0 else 1
            cin = b.channels[x]
            y = x
            if t != 1:
                y = relu6(b.bn(b.conv(y, name + "_expand", cin * t, 1), name + "_expand_bn"), name + "_expand_relu6")
            hidden = b.channels[y]
            y = relu6(b.bn(b.conv(y, name + "_dw", hidden, 3, stride=stride, group=hidden, same=True), name + "_dw_bn"),
                      name + "_dw_relu6")
            y = b.bn(b.conv(y, name + "_project", c, 1), name + "_project_bn")
            x = b.node("Add", [x, y], name + "_add") if stride == 1 and cin == c else y
    x = relu6(b.bn(b.conv(x, "conv_last", 1280, 1), "conv_last_bn"), "conv_last_relu6")
    x = b.node("GlobalAveragePool", [x], "pool")
    x = b.node("Flatten", [x], "flatten", axis=1)
    x = b.node("Softmax", [b.gemm(x, "fc", 1280, 1000)], "prob", axis=1)
    return b.save(out_dir, x, 1000)


def small(out_dir):
    """A small model with inline weights: zero weights (density), a 1-D convolution, an unknown
    operator, concat, transpose, attention-style matmuls, constant operands, a fixed batch of 2."""
    b = Builder("small", [4, 16, 16], batch=2)
    x = b.conv("input", "conv", 8, 3, pad=1, zero_fraction=0.75)  # 3/4 of the weights are zero
    x = b.node("Relu", [x], "relu")
    # An operator coda does not model, changing the shape: 16x16 -> 32x32.
    b.inits.append(numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "up_scales"))
    up = b.node("Resize", [x, "", "up_scales"], "upsample", mode="nearest")
    y = b.node("MaxPool", [up], "pool", kernel_shape=[2, 2], strides=[2, 2])
    cat = b.node("Concat", [x, y], "cat", channels=16, axis=1)
    # [2, 16, 16, 16] -> tokens [2, 16, 256] -> transpose [2, 256, 16]
    tokens = b.node("Reshape", [cat, b.const_ints("tok_shape", [0, 16, 256])], "tokens")
    t = b.node("Transpose", [tokens], "tokens_t", perm=[0, 2, 1])
    q = b.node("MatMul", [t, b.weight("wq", [16, 32], zero_fraction=0.5)], "q")
    q = b.node("Add", [q, b.weight("bq", [32])], "q_bias")
    k = b.node("MatMul", [t, b.weight("wk", [16, 32])], "k")
    kt = b.node("Transpose", [k], "k_t", perm=[0, 2, 1])
    scores = b.node("MatMul", [q, kt], "scores")  # [2, 256, 256]
    scores = b.node("Mul", [scores, b.weight("scale", [1])], "scaled")
    probs = b.node("Softmax", [scores], "attn", axis=-1)
    ctx = b.node("MatMul", [probs, q], "context")  # [2, 256, 32]
    # A 1-D convolution over the tokens: [2, 32, 256] after a transpose.
    c1 = b.node("Transpose", [ctx], "ctx_t", perm=[0, 2, 1])
    b.channels[c1] = 32
    w1 = b.weight("conv1d_w", [8, 32, 5])
    c1 = b.node("Conv", [c1, w1], "conv1d", channels=8, kernel_shape=[5], pads=[2, 2], strides=[2])
    out = b.node("Flatten", [c1], "flat", axis=1)
    return b.save(out_dir, out, 8 * 128)


def bad_models(out_dir):
    """Malformed or unsupported models: each must give coda an InputError naming the node or input."""
    out_dir = os.path.join(out_dir, "bad")
    os.makedirs(out_dir, exist_ok=True)
    f = TensorProto.FLOAT

    def save(name, nodes, inputs, inits=(), opsets=(("", OPSET),), value_info=()):
        graph = helper.make_graph(nodes, name, inputs, [helper.make_tensor_value_info(nodes[-1].output[0], f, None)],
                                  list(inits), value_info=list(value_info))
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
        model.ir_version = 7
        onnx.save(model, os.path.join(out_dir, name + ".onnx"))

    def w(name, shape):
        return numpy_helper.from_array(np.ones(shape, dtype=np.float32), name)

    image = [helper.make_tensor_value_info("x", f, ["N", 3, 8, 8])]
    # libonnx's Conv shape inference divides by the stride.
    save("zero_stride", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", strides=[0, 0])], image,
         [w("w", [4, 3, 3, 3])])
    # libonnx's ConvTranspose shape inference reads spatial axes a rank-2 input does not have.
    save("convtranspose_rank2", [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="deconv")],
         [helper.make_tensor_value_info("x", f, ["N", 4])], [w("w", [4, 4])])
    # A rank-0 operand for Gemm (ReduceSum over every axis without keepdims).
    save("gemm_rank0", [helper.make_node("ReduceSum", ["x"], ["s"], name="sum", keepdims=0),
                        helper.make_node("Gemm", ["s", "w"], ["y"], name="gemm")], image, [w("w", [4, 4])])
    save("kernel_too_large", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], image, [w("w", [4, 3, 11, 11])])
    save("symbolic_dim", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
         [helper.make_tensor_value_info("x", f, ["N", 3, "H", "W"])])
    save("no_opset", [helper.make_node("Relu", ["x"], ["y"], name="relu")], image, opsets=(("com.example", 1),))
    save("undefined_input", [helper.make_node("Add", ["x", "ghost"], ["y"], name="add")], image)
    save("cycle", [helper.make_node("Add", ["x", "b"], ["a"], name="first"),
                   helper.make_node("Relu", ["a"], ["b"], name="second")], image)
    bad = numpy_helper.from_array(np.ones([4, 3, 3, 3], dtype=np.float32), "w")
    bad.raw_data = bad.raw_data[:-4]
    save("bad_initializer", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], image, [bad])
    save("channel_mismatch", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], image, [w("w", [4, 5, 3, 3])])
    save("float_strides", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", strides=[1.0, 1.0])], image,
         [w("w", [4, 3, 3, 3])])
    save("negative_pads", [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2],
                                            pads=[-1, 0, 0, 0])], image)
    # Operators coda does not model: kept (with a warning), never an error.
    save("unknown_ops", [helper.make_node("Frobnicate", ["x"], ["a"], name="frob"),
                         helper.make_node("Warp", ["a"], ["b"], name="warp", domain="com.example"),
                         helper.make_node("Conv", ["b", "w"], ["y"], name="conv")],
         image, [w("w", [4, 3, 3, 3])], opsets=(("", OPSET), ("com.example", 1)),
         value_info=[helper.make_tensor_value_info("b", f, ["N", 3, 10, 10])])


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out_dir, exist_ok=True)
    for make in (alexnet, resnet50, mobilenet_v2, small):
        path = make(out_dir)
        onnx.checker.check_model(path)  # the model is valid ONNX (external data found next to it)
        print(path)
    bad_models(out_dir)


if __name__ == "__main__":
    main()
