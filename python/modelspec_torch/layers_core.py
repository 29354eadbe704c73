"""Core, activation, regularisation and normalisation layers (channels_last in and out)."""
from __future__ import annotations

import math
from typing import Any, Dict

import torch
import torch.nn.functional as F
from torch import nn

from .distributed import replicas_active, synchronized_batch_norm
from .activations import get_activation
from .layers_base import KerasLayer, Shape, identity, to_channels_first, to_channels_last


def _transpose(t: torch.Tensor) -> torch.Tensor:
    return t.t()


class InputLayer(KerasLayer):
    has_trainable = False

    def forward(self, x):
        return x


class Dense(KerasLayer):
    """Keras kernel (in, out) kept in that layout: x @ kernel applies to the last axis."""

    def __init__(self, config: Dict[str, Any], input_shape: Shape):
        super().__init__(config, input_shape)
        units, fan_in = int(config['units']), int(input_shape[-1])
        self.kernel = self.new_param(fan_in, units)
        self.add_weight('kernel', (fan_in, units), self.kernel, identity, identity,
                        self.arg('kernel_initializer'))
        self.bias = None
        if self.arg('use_bias'):
            self.bias = self.new_param(units)
            self.add_weight('bias', (units,), self.bias, identity, identity,
                            self.arg('bias_initializer'))
        self.activation = get_activation(config.get('activation'))

    def logits(self, x):
        """The output before the activation."""
        if self.bias is not None and x.dim() == 2:
            return torch.addmm(self.bias, x, self.kernel)
        y = x @ self.kernel
        return y + self.bias if self.bias is not None else y

    def forward(self, x):
        return self.activation(self.logits(x))


class Activation(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.activation = get_activation(config.get('activation'))

    def forward(self, x):
        return self.activation(x)


class ReLU(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.max_value = config.get('max_value')
        self.negative_slope = float(self.arg('negative_slope') or 0.0)
        self.threshold = float(self.arg('threshold') or 0.0)

    def forward(self, x):
        if self.negative_slope == 0 and self.threshold == 0:
            y = torch.relu(x)
        else:
            y = torch.where(x >= self.threshold, x, self.negative_slope * (x - self.threshold))
        if self.max_value is not None:
            y = torch.clamp(y, max=float(self.max_value))
        return y


class LeakyReLU(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        # Keras 3 calls it negative_slope; a Keras 2 config carries alpha instead.
        key = 'alpha' if 'alpha' in config and 'negative_slope' not in config else 'negative_slope'
        self.slope = float(self.arg(key))

    def forward(self, x):
        return F.leaky_relu(x, self.slope)


class ELU(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.alpha = float(self.arg('alpha'))

    def forward(self, x):
        return F.elu(x, self.alpha)


class Softmax(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        axis = self.arg('axis')
        self.axis = int(axis[0] if isinstance(axis, list) else axis)

    def forward(self, x):
        return torch.softmax(x, dim=self.axis)  # Keras's axis counts the batch axis too


class PReLU(KerasLayer):
    """alpha has the input's shape, with size 1 on shared_axes (1-based, batch excluded)."""

    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        shared = config.get('shared_axes') or []
        shared = [shared] if isinstance(shared, int) else shared
        shape = [1 if (i + 1) in shared else d for i, d in enumerate(input_shape)]
        self.alpha = self.new_param(*shape)
        self.add_weight('alpha', shape, self.alpha, identity, identity,
                        self.arg('alpha_initializer'))

    def forward(self, x):
        return torch.where(x >= 0, x, self.alpha * x)


class Dropout(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.rate = float(self.arg('rate'))
        # Keras's noise_shape (batch axis included; None takes the input's size): one mask value
        # shared over the axes of size 1, as EfficientNet's drop-connect (None, 1, 1, 1) does.
        self.noise_shape = self.arg('noise_shape')

    def forward(self, x):
        if not self.training or self.rate <= 0:
            return x
        if self.noise_shape is not None:
            if len(self.noise_shape) != x.dim():
                raise ValueError(f'Dropout noise_shape {tuple(self.noise_shape)} does not match the input rank {x.dim()}')
            shape = [x.shape[i] if d is None else int(d) for i, d in enumerate(self.noise_shape)]
            keep = torch.rand(shape, device=x.device) >= self.rate
            return x * keep.to(x.dtype).mul_(1.0 / (1.0 - self.rate))
        if x.device.type == 'cpu' and self.rate < 1:
            # F.dropout's rule (keep with probability 1 - rate, scale kept values by
            # 1 / (1 - rate)) with the mask from uniform draws: on the CPU, torch's
            # bernoulli_ takes about twice as long as rand + compare (torch 1.13, measured).
            # CUDA keeps F.dropout's fused kernel.
            keep = torch.rand(x.shape, device=x.device) >= self.rate
            return x * keep.to(x.dtype).mul_(1.0 / (1.0 - self.rate))
        return F.dropout(x, self.rate, True)


class SpatialDropout(KerasLayer):
    """Drops whole channels: one mask value per (sample, channel), shared over space."""

    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.rate = float(self.arg('rate'))

    def forward(self, x):
        if not self.training or self.rate <= 0:
            return x
        mask_shape = (x.shape[0],) + (1,) * (x.dim() - 2) + (x.shape[-1],)
        keep = torch.empty(mask_shape, device=x.device, dtype=x.dtype).bernoulli_(1 - self.rate)
        return x * keep / (1 - self.rate)


class GaussianNoise(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.stddev = float(self.arg('stddev'))

    def forward(self, x):
        return x + torch.randn_like(x) * self.stddev if self.training else x


class GaussianDropout(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.rate = float(self.arg('rate'))

    def forward(self, x):
        if not self.training or self.rate <= 0:
            return x
        std = math.sqrt(self.rate / (1 - self.rate))
        return x * (1 + torch.randn_like(x) * std)


class AlphaDropout(KerasLayer):
    """Keras's alpha_dropout.py: dropped values become alpha_p, then a * x + b (training only)."""

    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.rate = float(self.arg('rate'))
        if self.arg('noise_shape') is not None:
            raise ValueError('AlphaDropout with a noise_shape is not supported')

    def forward(self, x):
        if not self.training or self.rate <= 0:
            return x
        alpha_p = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946
        kept = (torch.rand(x.shape, device=x.device) >= self.rate).to(x.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        return a * (x * kept + alpha_p * (1 - kept)) + b


class Flatten(KerasLayer):
    # Tensors are channels_last already, so this is Keras's flatten order.
    def forward(self, x):
        return x.reshape(x.shape[0], -1)


class Reshape(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.target = tuple(int(d) for d in config['target_shape'])

    def forward(self, x):
        return x.reshape((x.shape[0],) + self.target)


class Permute(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.order = (0,) + tuple(int(d) for d in config['dims'])  # Keras dims are 1-based

    def forward(self, x):
        return x.permute(self.order)


class RepeatVector(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.n = int(config['n'])

    def forward(self, x):
        return x.unsqueeze(1).expand(x.shape[0], self.n, x.shape[-1])


class Embedding(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        n, dim = int(config['input_dim']), int(config['output_dim'])
        self.embeddings = self.new_param(n, dim)
        self.add_weight('embeddings', (n, dim), self.embeddings, identity, identity,
                        self.arg('embeddings_initializer'))

    def output_mask(self, x, mask):
        # mask_zero=True: index 0 is padding, masked for the layers after (Keras's compute_mask).
        return x != 0 if self.arg('mask_zero') else None

    def forward(self, x):
        return F.embedding(x.long(), self.embeddings)


class BatchNormalization(KerasLayer):
    """Keras BatchNormalization on the last axis. Keras's moving = m*moving + (1-m)*batch is
    torch's momentum 1-m. A layer with trainable=False runs in inference mode, as in Keras."""

    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        axis = self.arg('axis')
        axis = axis[0] if isinstance(axis, list) else axis
        if axis not in (-1, len(input_shape)):
            raise ValueError('BatchNormalization supports only the channels (last) axis')
        c = int(input_shape[-1])
        self.eps = float(self.arg('epsilon'))
        self.momentum = 1.0 - float(self.arg('momentum'))
        self.gamma = self.new_param(c) if self.arg('scale') else None
        self.beta = self.new_param(c) if self.arg('center') else None
        if self.gamma is not None:
            self.add_weight('gamma', (c,), self.gamma, identity, identity, self.arg('gamma_initializer'))
        if self.beta is not None:
            self.add_weight('beta', (c,), self.beta, identity, identity, self.arg('beta_initializer'))
        self.register_buffer('moving_mean', torch.zeros(c))
        self.register_buffer('moving_variance', torch.ones(c))
        self.add_weight('moving_mean', (c,), self.moving_mean, identity, identity,
                        self.arg('moving_mean_initializer'), trainable=False)
        self.add_weight('moving_variance', (c,), self.moving_variance, identity, identity,
                        self.arg('moving_variance_initializer'), trainable=False)

    def forward(self, x):
        training = self.training and self.trainable_layer
        if training and self.config.get('synchronized') is True and replicas_active():
            return synchronized_batch_norm(self, x)  # statistics over every replica's samples
        n = x.numel() // max(1, x.shape[-1])  # values per channel in this batch
        # torch's batch_norm keeps the running variance it is given for its backward pass, so it
        # gets a copy to update; the buffer then takes Keras's value (changing the tensor autograd
        # kept would fail the backward pass: "modified by an inplace operation").
        running_var = self.moving_variance.clone() if training else self.moving_variance
        y = F.batch_norm(to_channels_first(x), self.moving_mean, running_var, self.gamma, self.beta,
                         training, self.momentum, self.eps)
        if training:
            # torch moves toward the UNBIASED batch variance u = b*n/(n-1); Keras toward the biased
            # b: new = (1-m)*old + m*b. With torch's r = (1-m)*old + m*u, m*u = r - (1-m)*old and
            # m*b = m*u*(n-1)/n, so Keras's value is r - (r - (1-m)*old)/n (no second pass over x).
            with torch.no_grad():
                old_var = self.moving_variance
                old_var.copy_(running_var - (running_var - (1.0 - self.momentum) * old_var) / n)
        return to_channels_last(y)


class LayerNormalization(KerasLayer):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        axis = self.arg('axis')
        axes = axis if isinstance(axis, list) else [axis]
        axes = sorted(a % (len(input_shape) + 1) for a in axes)
        if axes != list(range(len(input_shape) + 1 - len(axes), len(input_shape) + 1)):
            raise ValueError('LayerNormalization supports only trailing axes')
        self.norm_shape = tuple(int(input_shape[a - 1]) for a in axes)
        self.eps = float(self.arg('epsilon'))
        self.gamma = self.new_param(*self.norm_shape) if self.arg('scale') else None
        self.beta = self.new_param(*self.norm_shape) if self.arg('center') else None
        if self.gamma is not None:
            self.add_weight('gamma', self.norm_shape, self.gamma, identity, identity,
                            self.arg('gamma_initializer'))
        if self.beta is not None:
            self.add_weight('beta', self.norm_shape, self.beta, identity, identity,
                            self.arg('beta_initializer'))

    def forward(self, x):
        return F.layer_norm(x, self.norm_shape, self.gamma, self.beta, self.eps)


class Masking(KerasLayer):
    """Keras's Masking: a step whose features all equal mask_value is masked (zeros out, and
    a mask for the layers after it)."""

    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.mask_value = float(self.arg('mask_value'))

    def output_mask(self, x, mask):
        return (x != self.mask_value).any(dim=-1)

    def forward(self, x):
        keep = (x != self.mask_value).any(dim=-1, keepdim=True)
        return torch.where(keep, x, torch.zeros_like(x))


class ActivityRegularization(KerasLayer):
    """Keras's ActivityRegularization: the identity, with an L1L2(l1, l2) activity regularizer
    (KerasSequential adds its penalty to the loss, as every activity regularizer's)."""

    def activity_regularizer(self):
        return {'class_name': 'L1L2', 'config': {'l1': self.arg('l1'), 'l2': self.arg('l2')}}

    def forward(self, x):
        return x


CHANNEL_AXIS = 1  # torch's channel axis (channels_first)


class GroupNormalization(KerasLayer):
    """Keras's GroupNormalization: the channels of `axis` in `groups` (-1: one per channel), each
    sample's group normalised over its channels and every other non-batch axis, as torch's
    group_norm does on the channels moved to axis 1."""

    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.axis = int(self.arg('axis')) % (len(input_shape) + 1)
        channels = int(input_shape[self.axis - 1])
        groups = int(self.arg('groups'))
        self.groups = channels if groups == -1 else groups
        if self.groups <= 0 or channels % self.groups:
            raise ValueError(f'GroupNormalization groups={groups} does not divide the {channels} channels')
        self.eps = float(self.arg('epsilon'))
        self.gamma = self.new_param(channels) if self.arg('scale') else None
        self.beta = self.new_param(channels) if self.arg('center') else None
        if self.gamma is not None:
            self.add_weight('gamma', (channels,), self.gamma, identity, identity, self.arg('gamma_initializer'))
        if self.beta is not None:
            self.add_weight('beta', (channels,), self.beta, identity, identity, self.arg('beta_initializer'))

    def forward(self, x):
        # torch's group_norm wants the channels on axis 1; the other axes' order does not matter.
        y = F.group_norm(x.transpose(self.axis, CHANNEL_AXIS), self.groups, self.gamma, self.beta, self.eps)
        return y.transpose(self.axis, CHANNEL_AXIS)


LAYERS = {
    'InputLayer': InputLayer,
    'Dense': Dense,
    'Activation': Activation,
    'ReLU': ReLU,
    'LeakyReLU': LeakyReLU,
    'ELU': ELU,
    'Softmax': Softmax,
    'PReLU': PReLU,
    'Dropout': Dropout,
    'SpatialDropout1D': SpatialDropout,
    'SpatialDropout2D': SpatialDropout,
    'SpatialDropout3D': SpatialDropout,
    'GaussianNoise': GaussianNoise,
    'GaussianDropout': GaussianDropout,
    'AlphaDropout': AlphaDropout,
    'Flatten': Flatten,
    'Reshape': Reshape,
    'Permute': Permute,
    'RepeatVector': RepeatVector,
    'Embedding': Embedding,
    'BatchNormalization': BatchNormalization,
    'LayerNormalization': LayerNormalization,
    'GroupNormalization': GroupNormalization,
    'Masking': Masking,
    'ActivityRegularization': ActivityRegularization,
}
