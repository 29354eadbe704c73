"""Keras's weight layouts and PyTorch's, once.

The PyTorch engine loads and saves Keras weights through these functions (layers_conv.py,
layers_recurrent.py), and `modelspec export --to pytorch` copies the ones a model needs into
the script that loads a Pretrained(...) model's saved weights into torch.nn modules
(python/modelspec_export/pytorch_weights.py). Each function is one block between
`# --- begin NAME` and `# --- end NAME` markers, copied as it is.
"""

import torch


# --- begin linear_weight_from_keras
def linear_weight_from_keras(kernel: torch.Tensor) -> torch.Tensor:
    """Keras's Dense kernel is (in, out); nn.Linear's weight is (out, in)."""
    return kernel.t()


# --- end linear_weight_from_keras


# --- begin conv_weight_from_keras
def conv_weight_from_keras(kernel: torch.Tensor) -> torch.Tensor:
    """Keras's kernel is (*kernel_size, in, out); PyTorch's weight is (out, in, *kernel_size)."""
    n = kernel.dim() - 2
    return kernel.permute(n + 1, n, *range(n))


# --- end conv_weight_from_keras


# --- begin conv_weight_to_keras
def conv_weight_to_keras(weight: torch.Tensor) -> torch.Tensor:
    """PyTorch's (out, in, *kernel_size) weight in Keras's (*kernel_size, in, out) layout."""
    n = weight.dim() - 2
    return weight.permute(*range(2, n + 2), 1, 0)


# --- end conv_weight_to_keras


# --- begin gates_from_keras
def gates_from_keras(t: torch.Tensor, kind: str) -> torch.Tensor:
    """Gate blocks along axis 0 in PyTorch's order. LSTM's (input, forget, cell, output) and
    SimpleRNN's one block are the same in both; Keras's GRU gates are (update, reset, new),
    PyTorch's (reset, update, new): the first two swapped (so this is its own inverse).
    """
    if kind != "GRU":
        return t
    units = t.shape[0] // 3
    return torch.cat([t[units : 2 * units], t[:units], t[2 * units :]], dim=0)


# --- end gates_from_keras


# --- begin recurrent_weight_from_keras (needs: gates_from_keras)
def recurrent_weight_from_keras(kernel: torch.Tensor, kind: str) -> torch.Tensor:
    """Keras's kernel or recurrent_kernel (in, gates * units) as PyTorch's weight_ih_l0 or
    weight_hh_l0 (gates * units, in), gates in PyTorch's order."""
    return gates_from_keras(kernel.t(), kind)


# --- end recurrent_weight_from_keras


# --- begin recurrent_weight_to_keras (needs: gates_from_keras)
def recurrent_weight_to_keras(weight: torch.Tensor, kind: str) -> torch.Tensor:
    """PyTorch's weight_ih_l0 or weight_hh_l0 in Keras's (in, gates * units) layout."""
    return gates_from_keras(weight, kind).t()


# --- end recurrent_weight_to_keras


# --- begin recurrent_biases_from_keras (needs: gates_from_keras)
def recurrent_biases_from_keras(bias: torch.Tensor, kind: str):
    """PyTorch's (bias_ih_l0, bias_hh_l0) for Keras's bias. GRU (reset_after=True) keeps two,
    (2, 3 * units): the input and the recurrent one. LSTM and SimpleRNN keep one: it is the input
    bias, and the recurrent bias is zero."""
    if kind == "GRU":
        return gates_from_keras(bias[0], kind), gates_from_keras(bias[1], kind)
    return bias, torch.zeros_like(bias)


# --- end recurrent_biases_from_keras


# --- begin NORMALIZATION_WEIGHTS
# Keras's BatchNormalization and LayerNormalization weights by their PyTorch names.
NORMALIZATION_WEIGHTS = {
    "gamma": "weight",
    "beta": "bias",
    "moving_mean": "running_mean",
    "moving_variance": "running_var",
}
# --- end NORMALIZATION_WEIGHTS
