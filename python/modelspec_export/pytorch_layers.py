"""How `modelspec export --to pytorch` writes each Keras layer, activation, loss and optimizer.

The one table of the PyTorch export (interop/export/pytorch-table.ts reads it; the catalog says
which layers the export supports, this says how). Each entry is a Python expression with
{placeholders} that the exporter fills from the model's plan, every value written by
python-source.ts:

- {name}: the layer's (or optimizer's) argument `name` as a Python literal, e.g. {units} -> 128;
- {name:tuple}: an int-or-tuple argument as a tuple over the input's spatial axes, (3, 3);
- {name:tuple|other}: the same, `other`'s value where `name` is None (pooling's strides);
- {name:complement}: 1 - value (Keras's BatchNormalization momentum is PyTorch's complement);
- {in_features}: the input's last axis; {spatial}: the axes between the batch and the channels;
  {norm_dims}: the same, at least 1 (BatchNorm1d for (features,)); {ones}: (1, ...) over them;
  {output_shape}: the layer's output shape without the batch axis.

A layer entry's fields (LayerExport): `module`, the PyTorch module; `channels_first`, when the
module runs channels-first inside ChannelsFirst (tensors stay channels-last between layers, as
in Keras); `same_padding`, the module that pads first when the layer's padding is 'same';
`adds_activation`, when the layer's `activation` argument follows as a module of its own (from
ACTIVATIONS); `weights`, where its saved weights go inside `module` (Pretrained);
`frozen_inference`, when Keras runs the layer in inference mode once it is frozen
(trainable=False): BatchNormalization then normalises with its moving statistics and never
updates them, so the script keeps that module in eval mode while it trains. The helper
classes the templates name (ChannelsFirst, SamePad, ...) are in pytorch_helpers.py.
"""

from typing import Dict, Optional, TypedDict


class LayerExport(TypedDict, total=False):
    module: str
    channels_first: bool
    same_padding: str
    adds_activation: bool
    weights: str
    frozen_inference: bool


LAYERS: Dict[str, LayerExport] = {
    "Dense": {
        "module": "nn.Linear({in_features}, {units}, bias={use_bias})",
        "adds_activation": True,
    },
    "Conv1D": {
        "module": "nn.Conv1d({in_features}, {filters}, {kernel_size:tuple}, stride={strides:tuple}, dilation={dilation_rate:tuple}, groups={groups}, bias={use_bias})",
        "channels_first": True,
        "same_padding": "SamePad({kernel_size:tuple}, {strides:tuple}, {dilation_rate:tuple})",
        "adds_activation": True,
    },
    "Conv2D": {
        "module": "nn.Conv2d({in_features}, {filters}, {kernel_size:tuple}, stride={strides:tuple}, dilation={dilation_rate:tuple}, groups={groups}, bias={use_bias})",
        "channels_first": True,
        "same_padding": "SamePad({kernel_size:tuple}, {strides:tuple}, {dilation_rate:tuple})",
        "adds_activation": True,
    },
    "MaxPooling1D": {
        "module": "nn.MaxPool1d({pool_size:tuple}, stride={strides:tuple|pool_size})",
        "channels_first": True,
        "same_padding": "SamePad({pool_size:tuple}, {strides:tuple|pool_size}, {ones}, value=float('-inf'))",
    },
    "MaxPooling2D": {
        "module": "nn.MaxPool2d({pool_size:tuple}, stride={strides:tuple|pool_size})",
        "channels_first": True,
        "same_padding": "SamePad({pool_size:tuple}, {strides:tuple|pool_size}, {ones}, value=float('-inf'))",
    },
    "AveragePooling1D": {
        "module": "nn.AvgPool1d({pool_size:tuple}, stride={strides:tuple|pool_size}, count_include_pad=False)",
        "channels_first": True,
        "same_padding": "SamePad({pool_size:tuple}, {strides:tuple|pool_size}, {ones}, value=0.0)",
    },
    "AveragePooling2D": {
        "module": "nn.AvgPool2d({pool_size:tuple}, stride={strides:tuple|pool_size}, count_include_pad=False)",
        "channels_first": True,
        "same_padding": "SamePad({pool_size:tuple}, {strides:tuple|pool_size}, {ones}, value=0.0)",
    },
    "GlobalMaxPooling1D": {"module": "GlobalPool('max', dims={spatial})"},
    "GlobalMaxPooling2D": {"module": "GlobalPool('max', dims={spatial})"},
    "GlobalAveragePooling1D": {"module": "GlobalPool('mean', dims={spatial})"},
    "GlobalAveragePooling2D": {"module": "GlobalPool('mean', dims={spatial})"},
    "Flatten": {"module": "nn.Flatten()"},
    "Reshape": {"module": "Reshape({output_shape})"},
    "Permute": {"module": "Permute({dims})"},
    "RepeatVector": {"module": "RepeatVector({n})"},
    "Dropout": {"module": "nn.Dropout({rate})"},
    "SpatialDropout1D": {"module": "nn.Dropout1d({rate})", "channels_first": True},
    "SpatialDropout2D": {"module": "nn.Dropout2d({rate})", "channels_first": True},
    "Activation": {"adds_activation": True},
    "ReLU": {"module": "nn.ReLU()"},
    "LeakyReLU": {"module": "nn.LeakyReLU({negative_slope})"},
    "ELU": {"module": "nn.ELU({alpha})"},
    "Softmax": {"module": "nn.Softmax(dim=-1)"},
    "BatchNormalization": {
        "module": "nn.BatchNorm{norm_dims}d({in_features}, eps={epsilon}, momentum={momentum:complement})",
        "channels_first": True,
        "frozen_inference": True,
    },
    "LayerNormalization": {"module": "nn.LayerNorm({in_features}, eps={epsilon})"},
    "GroupNormalization": {
        "module": "GroupNorm({groups}, {in_features}, eps={epsilon}, center={center}, scale={scale})",
        "channels_first": True,
    },
    "Embedding": {"module": "Embedding({input_dim}, {output_dim})"},
    "SimpleRNN": {
        "module": "Recurrent(nn.RNN({in_features}, {units}, batch_first=True, bias={use_bias}), return_sequences={return_sequences})",
        "weights": ".rnn",
    },
    "LSTM": {
        "module": "Recurrent(nn.LSTM({in_features}, {units}, batch_first=True, bias={use_bias}), return_sequences={return_sequences})",
        "weights": ".rnn",
    },
    "GRU": {
        "module": "Recurrent(nn.GRU({in_features}, {units}, batch_first=True, bias={use_bias}), return_sequences={return_sequences})",
        "weights": ".rnn",
    },
    "UpSampling1D": {
        "module": "nn.Upsample(scale_factor={size}, mode='nearest')",
        "channels_first": True,
    },
    "UpSampling2D": {
        "module": "nn.Upsample(scale_factor={size:tuple}, mode={interpolation})",
        "channels_first": True,
    },
    "ZeroPadding2D": {"module": "ZeroPad2d({padding})"},
    "GaussianNoise": {"module": "GaussianNoise({stddev})"},
}

# Keras's activations as modules; None: no module (linear).
ACTIVATIONS: Dict[str, Optional[str]] = {
    "linear": None,
    "relu": "nn.ReLU()",
    "relu6": "nn.ReLU6()",
    "sigmoid": "nn.Sigmoid()",
    "hard_sigmoid": "nn.Hardsigmoid()",  # Keras 3: relu6(x + 3) / 6, as PyTorch's
    "softmax": "nn.Softmax(dim=-1)",
    "softplus": "nn.Softplus()",
    "softsign": "nn.Softsign()",
    "tanh": "nn.Tanh()",
    "elu": "nn.ELU()",
    "selu": "nn.SELU()",
    "swish": "nn.SiLU()",
    "silu": "nn.SiLU()",
    "gelu": "nn.GELU()",
    "mish": "nn.Mish()",
    "exponential": "Exp()",
    "leaky_relu": "nn.LeakyReLU(0.2)",  # keras.activations.leaky_relu's negative_slope
    "log_softmax": "nn.LogSoftmax(dim=-1)",
}

# Keras's losses on the model's output p and the labels y (one-hot for categorical_crossentropy).
LOSSES: Dict[str, str] = {
    "categorical_crossentropy": "-(y * torch.log(p.clamp(1e-7, 1.0))).sum(dim=-1).mean()",
    "sparse_categorical_crossentropy": "nn.functional.nll_loss(torch.log(p.clamp(1e-7, 1.0)), y.long())",
    "binary_crossentropy": "nn.functional.binary_cross_entropy(p.clamp(1e-7, 1 - 1e-7), y.float().view_as(p))",
    "mean_squared_error": "nn.functional.mse_loss(p, y.float().view_as(p))",
    "mean_absolute_error": "nn.functional.l1_loss(p, y.float().view_as(p))",
    "huber": "nn.functional.huber_loss(p, y.float().view_as(p), delta=1.0)",
}

# Keras's optimizers (by class name) as torch.optim ones, every argument from the plan.
OPTIMIZERS: Dict[str, str] = {
    "SGD": "torch.optim.SGD(model.parameters(), lr={learning_rate}, momentum={momentum}, nesterov={nesterov})",
    "Adam": "torch.optim.Adam(model.parameters(), lr={learning_rate}, betas=({beta_1}, {beta_2}), eps={epsilon})",
    "RMSprop": "torch.optim.RMSprop(model.parameters(), lr={learning_rate}, alpha={rho}, eps={epsilon})",
    "Adagrad": "torch.optim.Adagrad(model.parameters(), lr={learning_rate}, initial_accumulator_value={initial_accumulator_value}, eps={epsilon})",
    "Adadelta": "torch.optim.Adadelta(model.parameters(), lr={learning_rate}, rho={rho}, eps={epsilon})",
    "Adamax": "torch.optim.Adamax(model.parameters(), lr={learning_rate}, betas=({beta_1}, {beta_2}), eps={epsilon})",
    "Nadam": "torch.optim.NAdam(model.parameters(), lr={learning_rate}, betas=({beta_1}, {beta_2}), eps={epsilon})",
}
