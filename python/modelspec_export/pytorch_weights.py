"""Pretrained(...) in the exported scripts: the saved model's weights into the rebuilt layers.

`load_saved_weights` reads a model saved in TF.js layers format (both scripts use it); the
`load_*` functions put one saved Keras layer's weights into its torch.nn module through the
layouts the PyTorch engine uses too (python/modelspec_torch/keras_layouts.py). Each helper is
one block between `# --- begin NAME` and `# --- end NAME` markers; `needs:` lists the blocks it
uses (in this file or in keras_layouts.py). SAVED_WEIGHT_LOADERS says which function loads
which Keras layer: the export reads it, and refuses a saved layer it does not name.
"""

import numpy as np
import torch
from torch import nn

from modelspec_torch.keras_layouts import (
    NORMALIZATION_WEIGHTS,
    conv_weight_from_keras,
    linear_weight_from_keras,
    recurrent_biases_from_keras,
    recurrent_weight_from_keras,
)

# The Keras layers whose saved weights a PyTorch script can load, and the function that does.
SAVED_WEIGHT_LOADERS = {
    "Dense": "load_dense",
    "Conv1D": "load_conv",
    "Conv2D": "load_conv",
    "BatchNormalization": "load_normalization",
    "LayerNormalization": "load_normalization",
    "Embedding": "load_embedding",
    "SimpleRNN": "load_recurrent",
    "LSTM": "load_recurrent",
    "GRU": "load_recurrent",
}


# --- begin load_saved_weights
def load_saved_weights(path):
    """The weights of a model saved in TF.js layers format (model.json and its weight files).

    Returns one dict per saved layer (InputLayer skipped), weight name -> numpy array, in Keras's
    get_weights() order. The manifest lists all trainable weights of the model first, then the
    non-trainable ones (BatchNormalization's moving statistics), so they are grouped by their
    names, '<layer name>/<weight name>'.
    """
    import json
    from pathlib import Path

    saved = json.loads(Path(path).read_text())
    groups = saved["weightsManifest"]
    # The weight files hold the values back to back, float32 little-endian, in manifest order.
    files = [Path(path).parent / p for g in groups for p in g["paths"]]
    data = b"".join(f.read_bytes() for f in files)
    weights, offset = {}, 0
    for entry in (w for g in groups for w in g["weights"]):
        if entry.get("dtype", "float32") != "float32" or "quantization" in entry:
            raise ValueError(f"{entry['name']}: only float32 weights can be read here")
        count = int(np.prod(entry["shape"]))
        values = np.frombuffer(data, "<f4", count, offset)
        weights[entry["name"]] = values.reshape(entry["shape"]).copy()
        offset += 4 * count
    topology = saved["modelTopology"]
    topology = topology.get("model_config", topology)
    layers = topology["config"]["layers"]
    names = [l["config"]["name"] for l in layers if l["class_name"] != "InputLayer"]
    by_layer = [
        {k[len(n) + 1 :]: w for k, w in weights.items() if k.startswith(n + "/")}
        for n in names
    ]
    if sum(map(len, by_layer)) != len(weights):
        raise ValueError(
            f"{path}: some weights are not named <layer name>/<weight name>"
        )
    return by_layer


# --- end load_saved_weights


# --- begin put_weight
def put_weight(tensor, value):
    """Copies a saved weight (already in PyTorch's layout) into a module's tensor."""
    if tuple(tensor.shape) != tuple(value.shape):
        raise ValueError(
            f"a saved weight of shape {tuple(value.shape)} does not fit {tuple(tensor.shape)}"
        )
    tensor.data.copy_(value)


# --- end put_weight


# --- begin as_tensor
def as_tensor(value):
    """A saved weight (numpy) as a float32 tensor."""
    return torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))


# --- end as_tensor


# --- begin load_dense (needs: put_weight, as_tensor, linear_weight_from_keras)
def load_dense(module, w):
    """A saved Dense layer into nn.Linear."""
    put_weight(module.weight, linear_weight_from_keras(as_tensor(w["kernel"])))
    if "bias" in w:
        put_weight(module.bias, as_tensor(w["bias"]))


# --- end load_dense


# --- begin load_conv (needs: put_weight, as_tensor, conv_weight_from_keras)
def load_conv(module, w):
    """A saved Conv1D or Conv2D layer into nn.Conv1d or nn.Conv2d."""
    put_weight(module.weight, conv_weight_from_keras(as_tensor(w["kernel"])))
    if "bias" in w:
        put_weight(module.bias, as_tensor(w["bias"]))


# --- end load_conv


# --- begin load_normalization (needs: put_weight, as_tensor, NORMALIZATION_WEIGHTS)
def load_normalization(module, w):
    """A saved BatchNormalization or LayerNormalization layer into nn.BatchNorm or nn.LayerNorm."""
    for keras_name, torch_name in NORMALIZATION_WEIGHTS.items():
        if keras_name in w:
            put_weight(getattr(module, torch_name), as_tensor(w[keras_name]))


# --- end load_normalization


# --- begin load_embedding (needs: put_weight, as_tensor)
def load_embedding(module, w):
    """A saved Embedding layer into nn.Embedding."""
    put_weight(module.weight, as_tensor(w["embeddings"]))


# --- end load_embedding


# --- begin load_recurrent (needs: put_weight, as_tensor, recurrent_weight_from_keras, recurrent_biases_from_keras)
def load_recurrent(module, w):
    """A saved SimpleRNN, LSTM or GRU layer into nn.RNN, nn.LSTM or nn.GRU."""
    kind = {nn.RNN: "SimpleRNN", nn.LSTM: "LSTM", nn.GRU: "GRU"}[type(module)]
    kernel = recurrent_weight_from_keras(as_tensor(w["kernel"]), kind)
    put_weight(module.weight_ih_l0, kernel)
    recurrent = recurrent_weight_from_keras(as_tensor(w["recurrent_kernel"]), kind)
    put_weight(module.weight_hh_l0, recurrent)
    if "bias" not in w:
        return
    bias = as_tensor(w["bias"])
    if kind == "GRU" and bias.dim() != 2:
        raise NotImplementedError(
            "GRU saved with reset_after=False has no PyTorch counterpart"
        )
    bias_ih, bias_hh = recurrent_biases_from_keras(bias, kind)
    put_weight(module.bias_ih_l0, bias_ih)
    put_weight(module.bias_hh_l0, bias_hh)


# --- end load_recurrent
