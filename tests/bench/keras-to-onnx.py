#!/usr/bin/python3
"""Convert a tf.keras 2.x HDF5 model (.h5) into an ONNX model, same architecture and weights.

    keras-to-onnx.py MODEL.h5 OUT.onnx

The benchmark compares Layerscope with ONNX Runtime on the SAME network: the zoo's .h5 files are
converted here rather than taken from elsewhere (torchvision's ResNet50, for one, puts the stride
in a different convolution).  Only the layers the zoo's MobileNetV2 and ResNet50 use (and a few
trivial neighbours) are supported; any other layer stops the conversion with its name and class.

Layout: the ONNX input is NHWC float32 like the Keras input, so one input tensor feeds both
engines.  The graph transposes it to NCHW once; every 4-D tensor inside is NCHW (ONNX's native
layout, which ONNX Runtime's layout optimiser rewrites as it sees fit) and 4-D outputs are
transposed back to NHWC.  Needs python3-onnx (1.12), python3-numpy, python3-h5py.
"""

import json
import sys

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


class ConversionError (Exception):
  pass


def decode (value):
  return value.decode ("utf-8") if isinstance (value, bytes) else str (value)


def read_attr_list (group, name):
  """An HDF5 string-list attribute; Keras splits long ones into NAME0, NAME1, … chunks."""
  if name in group.attrs:
    return [decode (v) for v in group.attrs[name]]
  values, chunk = [], 0
  while f"{name}{chunk}" in group.attrs:
    values += [decode (v) for v in group.attrs[f"{name}{chunk}"]]
    chunk += 1
  return values


def read_layer_weights (h5, layer_name):
  """The layer's weights as {short name: array}, e.g. {"kernel": …, "bias": …}."""
  root = h5["model_weights"] if "model_weights" in h5 else h5
  if layer_name not in root:
    return {}
  group = root[layer_name]
  weights = {}
  for full_name in read_attr_list (group, "weight_names"):
    # "conv1_conv/kernel:0" → "kernel"; the dataset lies at group/full_name.
    short = full_name.split ("/")[-1].split (":")[0]
    weights[short] = np.asarray (group[full_name], dtype=np.float32)
  return weights


def same_pads (size, kernel, stride, dilation):
  """TensorFlow's SAME padding for one spatial axis: (before, after), the odd pixel after."""
  effective = (kernel - 1) * dilation + 1
  out = -(-size // stride)
  total = max ((out - 1) * stride + effective - size, 0)
  return total // 2, total - total // 2


def conv_out (size, kernel, stride, dilation, before, after):
  return (size + before + after - ((kernel - 1) * dilation + 1)) // stride + 1


class Converter:
  def __init__ (self, h5):
    self.h5 = h5
    self.nodes = []
    self.initializers = []
    # Keras tensor name → (ONNX value name, Keras shape without batch, e.g. (224, 224, 3)).
    # Rank-3 Keras shapes (H, W, C) are NCHW values in the graph; other ranks keep Keras order.
    self.values = {}
    self.counter = 0

  # --- helpers ---

  def fresh (self, base):
    self.counter += 1
    return f"{base}__{self.counter}"

  def const (self, name, array):
    self.initializers.append (numpy_helper.from_array (np.ascontiguousarray (array), name))
    return name

  def node (self, op, inputs, output, **attrs):
    self.nodes.append (helper.make_node (op, inputs, [output], name=output, **attrs))
    return output

  def activation (self, layer, value, kind, out_name, rank):
    if kind in (None, "linear"):
      return value if out_name in (None, value) else self.node ("Identity", [value], out_name)
    out = out_name or self.fresh (value)
    if kind == "relu":
      return self.node ("Relu", [value], out)
    if kind == "relu6":
      return self.clip (value, out, 0.0, 6.0)
    if kind == "sigmoid":
      return self.node ("Sigmoid", [value], out)
    if kind == "tanh":
      return self.node ("Tanh", [value], out)
    if kind == "softmax":
      # Keras normalises over the last axis: the channel axis, which is axis 1 in an NCHW value.
      return self.node ("Softmax", [value], out, axis=1 if rank == 3 else -1)
    raise ConversionError (f"layer “{layer}”: activation “{kind}” is not supported by the converter")

  def clip (self, value, out, low, high):
    lo = self.const (self.fresh ("clip_min"), np.array (low, dtype=np.float32))
    hi = self.const (self.fresh ("clip_max"), np.array (high, dtype=np.float32))
    return self.node ("Clip", [value, lo, hi], out)

  @staticmethod
  def want (layer, cfg, key, allowed):
    if cfg.get (key, allowed[0]) not in allowed:
      raise ConversionError (f"layer “{layer}”: {key}={cfg.get (key)!r} is not supported by the converter")

  # --- layers ---

  def spatial_pads (self, layer, cfg, shape, kernel, strides, dilations):
    padding = cfg.get ("padding", "valid")
    if padding == "valid":
      return [0, 0, 0, 0]
    if padding == "same":
      top, bottom = same_pads (shape[0], kernel[0], strides[0], dilations[0])
      left, right = same_pads (shape[1], kernel[1], strides[1], dilations[1])
      return [top, left, bottom, right]
    raise ConversionError (f"layer “{layer}”: padding “{padding}” is not supported by the converter")

  def conv (self, name, cls, cfg, inputs, weights):
    (x, shape), = inputs
    self.want (name, cfg, "data_format", ["channels_last"])
    if len (shape) != 3:
      raise ConversionError (f"layer “{name}” ({cls}): expects a 4-D input, got shape {shape}")
    kernel = list (cfg["kernel_size"])
    strides = list (cfg.get ("strides", [1, 1]))
    dilations = list (cfg.get ("dilation_rate", [1, 1]))
    if max (strides) > 1 and max (dilations) > 1:
      raise ConversionError (f"layer “{name}”: strides and dilation both above 1")
    pads = self.spatial_pads (name, cfg, shape, kernel, strides, dilations)
    if cls == "DepthwiseConv2D":
      k = weights["depthwise_kernel"]                   # (kh, kw, C, multiplier)
      kh, kw, channels, mult = k.shape
      # TF orders the outputs channel-major: output c*mult + m reads input channel c.
      w = k.reshape (kh, kw, channels * mult).transpose (2, 0, 1)[:, None, :, :]
      group, filters = channels, channels * mult
    else:
      k = weights["kernel"]                             # (kh, kw, C / groups, filters)
      w = k.transpose (3, 2, 0, 1)
      group, filters = int (cfg.get ("groups", 1)), k.shape[3]
      if k.shape[2] * group != shape[2]:
        raise ConversionError (f"layer “{name}”: kernel {k.shape} does not fit input {shape}")
    conv_inputs = [x, self.const (f"{name}/kernel", w)]
    if cfg.get ("use_bias", True):
      conv_inputs.append (self.const (f"{name}/bias", weights["bias"]))
    activation = cfg.get ("activation", "linear")
    y = self.node ("Conv", conv_inputs, name if activation in (None, "linear") else self.fresh (name),
                   kernel_shape=kernel, strides=strides, dilations=dilations, pads=pads, group=group)
    out_shape = (conv_out (shape[0], kernel[0], strides[0], dilations[0], pads[0], pads[2]),
                 conv_out (shape[1], kernel[1], strides[1], dilations[1], pads[1], pads[3]),
                 filters)
    return self.activation (name, y, activation, name, 3), out_shape

  def batch_norm (self, name, cfg, inputs, weights):
    (x, shape), = inputs
    axis = cfg.get ("axis", -1)
    axis = axis[0] if isinstance (axis, list) and len (axis) == 1 else axis
    if axis not in (-1, len (shape)):
      raise ConversionError (f"layer “{name}”: normalisation over axis {axis} is not supported")
    channels = shape[-1]
    gamma = weights.get ("gamma", np.ones (channels, np.float32))
    beta = weights.get ("beta", np.zeros (channels, np.float32))
    ins = [x] + [self.const (f"{name}/{k}", v) for k, v in
                 (("gamma", gamma), ("beta", beta),
                  ("moving_mean", weights["moving_mean"]), ("moving_variance", weights["moving_variance"]))]
    if len (shape) in (1, 3):   # (C) and NCHW both carry the channels on axis 1
      return self.node ("BatchNormalization", ins, name, epsilon=float (cfg.get ("epsilon", 1e-3))), shape
    raise ConversionError (f"layer “{name}”: BatchNormalization of a rank-{len (shape) + 1} tensor is not supported")

  def relu_layer (self, name, cfg, inputs):
    (x, shape), = inputs
    max_value = cfg.get ("max_value")
    slope = float (cfg.get ("negative_slope", 0.0) or 0.0)
    threshold = float (cfg.get ("threshold", 0.0) or 0.0)
    if threshold != 0.0:
      raise ConversionError (f"layer “{name}”: ReLU with threshold {threshold} is not supported")
    if slope == 0.0 and max_value is not None:
      return self.clip (x, name, 0.0, float (max_value)), shape
    if slope == 0.0:
      return self.node ("Relu", [x], name), shape
    if max_value is None:
      return self.node ("LeakyRelu", [x], name, alpha=slope), shape
    raise ConversionError (f"layer “{name}”: ReLU with both negative_slope and max_value is not supported")

  def pool (self, name, cls, cfg, inputs):
    (x, shape), = inputs
    self.want (name, cfg, "data_format", ["channels_last"])
    kernel = list (cfg.get ("pool_size", [2, 2]))
    strides = list (cfg.get ("strides") or kernel)
    pads = self.spatial_pads (name, cfg, shape, kernel, strides, [1, 1])
    out_shape = (conv_out (shape[0], kernel[0], strides[0], 1, pads[0], pads[2]),
                 conv_out (shape[1], kernel[1], strides[1], 1, pads[1], pads[3]), shape[2])
    if cls == "MaxPooling2D":
      # ONNX MaxPool never picks a padded cell, like TF's SAME max pooling.
      return self.node ("MaxPool", [x], name, kernel_shape=kernel, strides=strides, pads=pads), out_shape
    # Keras's SAME average pooling divides by the cells inside the image only.
    return self.node ("AveragePool", [x], name, kernel_shape=kernel, strides=strides, pads=pads,
                      count_include_pad=0), out_shape

  def global_pool (self, name, cls, cfg, inputs):
    (x, shape), = inputs
    self.want (name, cfg, "data_format", ["channels_last"])
    op = "GlobalAveragePool" if cls == "GlobalAveragePooling2D" else "GlobalMaxPool"
    if cfg.get ("keepdims", False):
      return self.node (op, [x], name), (1, 1, shape[2])
    pooled = self.node (op, [x], self.fresh (name))
    return self.node ("Flatten", [pooled], name, axis=1), (shape[2],)

  def dense (self, name, cfg, inputs, weights):
    (x, shape), = inputs
    if len (shape) != 1:
      raise ConversionError (f"layer “{name}”: Dense on a rank-{len (shape) + 1} input is not supported")
    kernel = weights["kernel"]                          # (in, units): Gemm's B as it is
    ins = [x, self.const (f"{name}/kernel", kernel)]
    if cfg.get ("use_bias", True):
      ins.append (self.const (f"{name}/bias", weights["bias"]))
    activation = cfg.get ("activation", "linear")
    y = self.node ("Gemm", ins, name if activation in (None, "linear") else self.fresh (name))
    return self.activation (name, y, activation, name, 1), (kernel.shape[1],)

  def to_keras_order (self, x, shape):
    """The value in Keras's NHWC element order (a no-op for non-image values)."""
    if len (shape) != 3:
      return x
    return self.node ("Transpose", [x], self.fresh (x), perm=[0, 2, 3, 1])

  def flatten (self, name, inputs):
    (x, shape), = inputs
    # Keras flattens NHWC: transpose back first, or the features come out in the wrong order.
    return self.node ("Flatten", [self.to_keras_order (x, shape)], name, axis=1), (int (np.prod (shape)),)

  def reshape (self, name, cfg, inputs):
    (x, shape), = inputs
    target = [int (d) for d in cfg["target_shape"]]
    if -1 in target:
      known = int (np.prod ([d for d in target if d != -1]))
      target[target.index (-1)] = int (np.prod (shape)) // known
    if int (np.prod (target)) != int (np.prod (shape)):
      raise ConversionError (f"layer “{name}”: cannot reshape {shape} to {tuple (target)}")
    dims = self.const (self.fresh (f"{name}/shape"), np.array ([0] + target, dtype=np.int64))
    if len (target) != 3:
      return self.node ("Reshape", [self.to_keras_order (x, shape), dims], name), tuple (target)
    y = self.node ("Reshape", [self.to_keras_order (x, shape), dims], self.fresh (name))
    return self.node ("Transpose", [y], name, perm=[0, 3, 1, 2]), tuple (target)

  def zero_pad (self, name, cfg, inputs):
    (x, shape), = inputs
    self.want (name, cfg, "data_format", ["channels_last"])
    padding = cfg.get ("padding", [[1, 1], [1, 1]])
    if isinstance (padding, int):
      padding = [[padding, padding], [padding, padding]]
    padding = [[p, p] if isinstance (p, int) else list (p) for p in padding]
    (top, bottom), (left, right) = padding
    pads = self.const (self.fresh (f"{name}/pads"),
                       np.array ([0, 0, top, left, 0, 0, bottom, right], dtype=np.int64))
    return (self.node ("Pad", [x, pads], name, mode="constant"),
            (shape[0] + top + bottom, shape[1] + left + right, shape[2]))

  def add (self, name, inputs):
    shape = inputs[0][1]
    if any (s != shape for _, s in inputs):
      raise ConversionError (f"layer “{name}”: Add of different shapes {[s for _, s in inputs]}")
    acc = inputs[0][0]
    for i, (x, _) in enumerate (inputs[1:]):
      acc = self.node ("Add", [acc, x], name if i == len (inputs) - 2 else self.fresh (name))
    return acc, shape

  def layer (self, name, cls, cfg, inputs):
    weights = read_layer_weights (self.h5, name)
    if cls in ("Conv2D", "DepthwiseConv2D"):
      return self.conv (name, cls, cfg, inputs, weights)
    if cls == "BatchNormalization":
      return self.batch_norm (name, cfg, inputs, weights)
    if cls == "ReLU":
      return self.relu_layer (name, cfg, inputs)
    if cls == "Activation":
      (x, shape), = inputs
      return self.activation (name, x, cfg.get ("activation"), name, len (shape)), shape
    if cls == "Add":
      return self.add (name, inputs)
    if cls == "ZeroPadding2D":
      return self.zero_pad (name, cfg, inputs)
    if cls in ("MaxPooling2D", "AveragePooling2D"):
      return self.pool (name, cls, cfg, inputs)
    if cls in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
      return self.global_pool (name, cls, cfg, inputs)
    if cls == "Dense":
      return self.dense (name, cfg, inputs, weights)
    if cls == "Flatten":
      return self.flatten (name, inputs)
    if cls == "Reshape":
      return self.reshape (name, cfg, inputs)
    if cls == "Dropout":      # inference: the identity
      (x, shape), = inputs
      return self.node ("Identity", [x], name), shape
    raise ConversionError (f"layer “{name}” ({cls}) is not supported by the converter "
                           "(it handles the layers of the zoo's MobileNetV2 and ResNet50)")

  # --- the model ---

  def input_layer (self, name, cfg):
    shape = cfg.get ("batch_input_shape") or cfg.get ("batch_shape")
    if shape is None or any (d is None for d in shape[1:]):
      raise ConversionError (f"input “{name}”: needs a fixed shape apart from the batch, got {shape}")
    if cfg.get ("dtype", "float32") != "float32":
      raise ConversionError (f"input “{name}”: dtype {cfg.get ('dtype')} is not supported")
    dims = tuple (int (d) for d in shape[1:])
    info = helper.make_tensor_value_info (name, TensorProto.FLOAT, ["batch", *dims])
    if len (dims) == 3:
      x = self.node ("Transpose", [name], self.fresh (name), perm=[0, 3, 1, 2])
    else:
      x = name
    self.values[name] = (x, dims)
    return info

  def convert (self):
    if "model_config" not in self.h5.attrs:
      raise ConversionError ("the file has no “model_config” attribute (weights only?)")
    config = json.loads (decode (self.h5.attrs["model_config"]))
    cls = config.get ("class_name")
    body = config.get ("config", {})
    if cls == "Sequential":
      # Keras 2.0–2.2 saved a Sequential's config as the bare list of layers.
      name = body.get ("name", "sequential") if isinstance (body, dict) else "sequential"
      return self.convert_sequential (name, body)
    if cls not in ("Functional", "Model"):
      raise ConversionError (f"model class “{cls}” is not supported (Functional, Model or Sequential)")

    graph_inputs = []
    for layer in body["layers"]:
      name, lcls, cfg = layer.get ("name") or layer["config"]["name"], layer["class_name"], layer["config"]
      if lcls == "InputLayer":
        graph_inputs.append (self.input_layer (name, cfg))
        continue
      nodes = layer.get ("inbound_nodes", [])
      if len (nodes) != 1:
        raise ConversionError (f"layer “{name}” ({lcls}) is called {len (nodes)} times; shared layers are not supported")
      refs = nodes[0]
      if not isinstance (refs, list):
        raise ConversionError (f"layer “{name}”: inbound nodes in a format this converter does not read (Keras 3?)")
      inputs = []
      for ref in refs:
        src, node_index, tensor_index = ref[0], ref[1], ref[2]
        if node_index != 0 or tensor_index != 0 or src not in self.values:
          raise ConversionError (f"layer “{name}”: input {ref[:3]} is not a single-output layer seen before")
        if len (ref) > 3 and ref[3]:
          raise ConversionError (f"layer “{name}”: call arguments {ref[3]} are not supported")
        inputs.append (self.values[src])
      self.values[name] = self.layer (name, lcls, cfg, inputs)

    outputs = [ref[0] for ref in body["output_layers"]]
    return self.finish (body.get ("name", "model"), graph_inputs, outputs)

  def convert_sequential (self, model_name, body):
    layers = body["layers"] if isinstance (body, dict) else body
    graph_inputs, previous = [], None
    for i, layer in enumerate (layers):
      name, lcls, cfg = layer["config"]["name"], layer["class_name"], layer["config"]
      if lcls == "InputLayer":
        graph_inputs.append (self.input_layer (name, cfg))
        previous = name
        continue
      if previous is None:
        if "batch_input_shape" not in cfg:
          raise ConversionError (f"Sequential model: first layer “{name}” gives no input shape")
        graph_inputs.append (self.input_layer (f"{name}_input", cfg))
        previous = f"{name}_input"
      self.values[name] = self.layer (name, lcls, cfg, [self.values[previous]])
      previous = name
    return self.finish (model_name, graph_inputs, [previous])

  def finish (self, model_name, graph_inputs, output_names):
    graph_outputs = []
    for name in output_names:
      value, shape = self.values[name]
      out_name = f"{name}:out"
      if len (shape) == 3:
        self.node ("Transpose", [value], out_name, perm=[0, 2, 3, 1])
      else:
        self.node ("Identity", [value], out_name)
      graph_outputs.append (helper.make_tensor_value_info (out_name, TensorProto.FLOAT, ["batch", *shape]))
    graph = helper.make_graph (self.nodes, model_name, graph_inputs, graph_outputs, self.initializers)
    model = helper.make_model (graph, producer_name="layerscope keras-to-onnx",
                               opset_imports=[helper.make_opsetid ("", OPSET)])
    model.ir_version = 7   # opset 13's IR version: readable by any ONNX Runtime since 1.6
    onnx.checker.check_model (model)
    return model


def main (argv):
  if len (argv) != 3:
    print ("usage: keras-to-onnx.py MODEL.h5 OUT.onnx", file=sys.stderr)
    return 2
  try:
    with h5py.File (argv[1], "r") as h5:
      model = Converter (h5).convert ()
  except ConversionError as e:
    print (f"keras-to-onnx: {argv[1]}: {e}", file=sys.stderr)
    return 1
  except (OSError, KeyError, ValueError) as e:
    print (f"keras-to-onnx: {argv[1]}: cannot read the model: {e}", file=sys.stderr)
    return 1
  onnx.save (model, argv[2])
  onnx.checker.check_model (argv[2])
  print (f"Wrote {argv[2]} ({len (model.graph.node)} nodes, opset {OPSET})")
  return 0


if __name__ == "__main__":
  sys.exit (main (sys.argv))
