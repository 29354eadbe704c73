"""SimpleRNN, LSTM, GRU and the Bidirectional/TimeDistributed wrappers, with Keras semantics.

The recurrent layers hold a torch nn.LSTM/GRU/RNN, so the default configuration runs on
cuDNN/oneDNN. Keras's weights map onto it as follows:
- LSTM: gate order i,f,c,o is torch's i,f,g,o; Keras has one bias, torch two, so torch's
  recurrent bias is held at zero and frozen.
- GRU (reset_after=True): the same equations as torch's GRU; Keras's gate order z,r,h is
  torch's r,z,n with the first two blocks swapped; Keras's bias (2, 3u) is torch's
  (input bias, recurrent bias).
Non-default activations or recurrent_dropout run a plain Python loop over time steps using
the same parameters, so weights and counts do not depend on the path taken.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, cast

import torch
import torch.nn.functional as F
from torch import nn

from . import initializers
from .activations import get_activation
from .keras_layouts import (conv_weight_from_keras, conv_weight_to_keras, recurrent_biases_from_keras,
                            recurrent_weight_from_keras, recurrent_weight_to_keras,
                            gates_from_keras)
from .layers_base import KerasLayer, Shape, as_tuple, spatial_padding, torch_pad_arg
from .layers_conv import _check_channels_last

GATES = {'LSTM': 4, 'GRU': 3, 'SimpleRNN': 1}


def _dropout_mask(x: torch.Tensor, shape, rate: float) -> torch.Tensor:
    return torch.empty(shape, device=x.device, dtype=x.dtype).bernoulli_(1 - rate) / (1 - rate)


class Recurrent(KerasLayer):
    def __init__(self, config: Dict[str, Any], input_shape: Shape, kind: str):
        super().__init__(config, input_shape)
        if len(input_shape) != 2:
            raise ValueError(f'{kind} expects (timesteps, features) input, got {tuple(input_shape)}')
        if kind == 'GRU' and not self.arg('reset_after'):
            raise ValueError('GRU(reset_after=False) is not supported; Keras 3 defaults to reset_after=True')
        if config.get('stateful') or config.get('return_state'):
            raise ValueError(f'{kind}: stateful and return_state are not supported in a Sequential model')
        self.kind = kind
        features, units = int(input_shape[-1]), int(config['units'])
        self.units = units
        g = GATES[kind]
        act_name = str(self.arg('activation') or 'linear')
        # Keras's SimpleRNN has no recurrent activation (its config has no such key).
        rec_name = 'linear' if kind == 'SimpleRNN' else str(self.arg('recurrent_activation') or 'linear')
        self.activation = get_activation(act_name)
        self.recurrent_activation = get_activation(rec_name)
        self.return_sequences = bool(self.arg('return_sequences'))
        self.go_backwards = bool(self.arg('go_backwards'))
        self.dropout = float(self.arg('dropout') or 0.0)
        self.recurrent_dropout = float(self.arg('recurrent_dropout') or 0.0)
        use_bias = bool(self.arg('use_bias'))
        self.rnn: nn.RNNBase
        if kind == 'LSTM':
            self.rnn = nn.LSTM(features, units, batch_first=True, bias=use_bias)
        elif kind == 'GRU':
            self.rnn = nn.GRU(features, units, batch_first=True, bias=use_bias)
        else:
            nonlinearity = act_name if act_name in ('tanh', 'relu') else 'tanh'
            self.rnn = nn.RNN(features, units, batch_first=True, bias=use_bias, nonlinearity=nonlinearity)
        defaults = act_name == 'tanh' and rec_name == 'sigmoid'
        if kind == 'SimpleRNN':
            defaults = act_name in ('tanh', 'relu')
        self.fast = defaults and self.recurrent_dropout == 0

        # Keras's layouts (keras_layouts.py, shared with the PyTorch export's weight loading).
        self.add_weight('kernel', (features, g * units), cast(torch.Tensor, self.rnn.weight_ih_l0),
                        lambda w: recurrent_weight_to_keras(w, kind), lambda k: recurrent_weight_from_keras(k, kind),
                        self.arg('kernel_initializer'))
        self.add_weight('recurrent_kernel', (units, g * units), cast(torch.Tensor, self.rnn.weight_hh_l0),
                        lambda w: recurrent_weight_to_keras(w, kind), lambda k: recurrent_weight_from_keras(k, kind),
                        self.arg('recurrent_initializer'))
        if use_bias:
            self._add_bias(kind, units, g)

    def _add_bias(self, kind, units, g):
        b_ih, b_hh = self.rnn.bias_ih_l0, self.rnn.bias_hh_l0
        init = self.arg('bias_initializer')

        def set_(v):
            ih, hh = recurrent_biases_from_keras(v, kind)
            with torch.no_grad():
                b_ih.copy_(ih), b_hh.copy_(hh)
        if kind == 'GRU':
            def get():
                return torch.stack([gates_from_keras(b_ih, kind), gates_from_keras(b_hh, kind)])
            self.add_composite_weight('bias', (2, g * units), get, set_, init, trainable=True)
            for p in (b_ih, b_hh):
                p.requires_grad_(self.trainable_layer)
            return
        # One Keras bias: torch's input bias; torch's recurrent bias stays zero and frozen.
        weight = self.add_composite_weight('bias', (g * units,), lambda: b_ih, set_, None)
        value = initializers.make(init, (g * units,))
        if kind == 'LSTM' and self.arg('unit_forget_bias'):
            value[units:2 * units] = 1.0  # Keras: forget-gate bias starts at one
        weight.set(value)
        b_ih.requires_grad_(self.trainable_layer)
        b_hh.requires_grad_(False)

    uses_mask = True

    def output_mask(self, x, mask):
        return mask if self.return_sequences else None

    def forward(self, x, mask=None):
        if self.go_backwards:
            x = x.flip(1)
            mask = None if mask is None else mask.flip(1)
        if self.training and self.dropout > 0:  # Keras 3: one input mask shared by all steps
            x = x * _dropout_mask(x, (x.shape[0], 1, x.shape[2]), self.dropout)
        if self.fast and mask is None:
            out, _ = self.rnn(x)
        else:
            out = self._loop(x, mask)
        return out if self.return_sequences else out[:, -1]

    def _loop(self, x, steps=None):
        """The cell step by step; at a step `steps` (batch, time) masks, the state and the
        output stay the previous step's (Keras's rnn with zero_output_for_mask=False)."""
        r = self.rnn
        b_ih = r.bias_ih_l0 if r.bias else None
        b_hh = r.bias_hh_l0 if r.bias else None
        xp = F.linear(x, r.weight_ih_l0, b_ih)
        h = x.new_zeros(x.shape[0], self.units)
        c = h
        mask = None
        if self.training and self.recurrent_dropout > 0:
            mask = _dropout_mask(x, h.shape, self.recurrent_dropout)
        act, ract = self.activation, self.recurrent_activation
        outs = []
        for t in range(x.shape[1]):
            hp = F.linear(h * mask if mask is not None else h, r.weight_hh_l0, b_hh)
            c_new = c
            if self.kind == 'LSTM':
                i, f, g, o = (xp[:, t] + hp).chunk(4, dim=-1)
                c_new = ract(f) * c + ract(i) * act(g)
                h_new = ract(o) * act(c_new)
            elif self.kind == 'GRU':
                xr, xz, xn = xp[:, t].chunk(3, dim=-1)
                hr, hz, hn = hp.chunk(3, dim=-1)
                rr, z = ract(xr + hr), ract(xz + hz)
                h_new = z * h + (1 - z) * act(xn + rr * hn)
            else:
                h_new = act(xp[:, t] + hp)
            if steps is None:
                h, c = h_new, c_new
            else:
                keep = steps[:, t].unsqueeze(-1)
                h, c = torch.where(keep, h_new, h), torch.where(keep, c_new, c)
            outs.append(h)
        return torch.stack(outs, dim=1)


class ConvLSTM2D(KerasLayer):
    """Keras's ConvLSTM2D (keras/src/layers/rnn/conv_lstm.py): an LSTM cell whose products are
    convolutions. Input (batch, time, rows, cols, channels). The input convolution has the
    layer's strides, padding and dilation; the recurrent one stride 1 and TF's 'same' padding.
    Keras's kernel (kh, kw, C, 4f) and recurrent kernel (kh, kw, f, 4f) hold the gates i, f, c, o
    along the last axis: torch's conv weights (4f, C, kh, kw) with the same channel order."""

    def __init__(self, config, input_shape: Shape):
        super().__init__(config, input_shape)
        _check_channels_last(config)
        if config.get('stateful') or config.get('return_state'):
            raise ValueError('ConvLSTM2D: stateful and return_state are not supported in a Sequential model')
        if len(input_shape) != 4:
            raise ValueError(f'ConvLSTM2D expects (timesteps, rows, cols, channels) input, got {tuple(input_shape)}')
        k = as_tuple(config['kernel_size'], 2)
        self.strides = as_tuple(self.arg('strides'), 2)
        self.dilation = as_tuple(self.arg('dilation_rate'), 2)
        cin, f = int(input_shape[-1]), int(config['filters'])
        self.filters = f
        pads = spatial_padding(str(self.arg('padding')), input_shape[1:3], k, self.strides, self.dilation)
        self.input_pad = torch_pad_arg(pads)
        rows, cols = [
            (n + b + a - ((kk - 1) * d + 1)) // s + 1
            for n, (b, a), kk, s, d in zip(input_shape[1:3], pads, k, self.strides, self.dilation)]
        self.state_shape = (f, rows, cols)
        self.recurrent_pad = torch_pad_arg(spatial_padding('same', (rows, cols), k, (1, 1), (1, 1)))
        self.activation = get_activation(str(self.arg('activation') or 'linear'))
        self.recurrent_activation = get_activation(str(self.arg('recurrent_activation') or 'linear'))
        self.return_sequences = bool(self.arg('return_sequences'))
        self.go_backwards = bool(self.arg('go_backwards'))
        self.dropout = float(self.arg('dropout') or 0.0)
        self.recurrent_dropout = float(self.arg('recurrent_dropout') or 0.0)
        self.kernel = self.new_param(4 * f, cin, *k)
        self.add_weight('kernel', (*k, cin, 4 * f), self.kernel, conv_weight_to_keras, conv_weight_from_keras,
                        self.arg('kernel_initializer'))
        self.recurrent_kernel = self.new_param(4 * f, f, *k)
        self.add_weight('recurrent_kernel', (*k, f, 4 * f), self.recurrent_kernel, conv_weight_to_keras,
                        conv_weight_from_keras, self.arg('recurrent_initializer'))
        self.bias = None
        if self.arg('use_bias'):
            self.bias = self.new_param(4 * f)
            self.add_weight('bias', (4 * f,), self.bias, lambda b: b, lambda b: b, None)
            value = initializers.make(self.arg('bias_initializer'), (4 * f,))
            if self.arg('unit_forget_bias'):
                value[f:2 * f] = 1.0  # Keras: the forget gate's bias starts at one
            self.keras_weights[-1].set(value)

    def forward(self, x):
        if self.go_backwards:
            x = x.flip(1)
        b, steps = x.shape[0], x.shape[1]
        xs = x.movedim(x.dim() - 1, 2)  # (batch, time, C, rows, cols)
        if self.training and self.dropout > 0:  # one input mask for every step, as the LSTM's
            xs = xs * _dropout_mask(xs, (b, 1) + tuple(xs.shape[2:]), self.dropout)
        h = xs.new_zeros((b,) + self.state_shape)
        c = h
        rec_mask = None
        if self.training and self.recurrent_dropout > 0:
            rec_mask = _dropout_mask(xs, h.shape, self.recurrent_dropout)
        act, ract = self.activation, self.recurrent_activation
        outs = []
        for t in range(steps):
            xp = F.conv2d(F.pad(xs[:, t], self.input_pad), self.kernel, self.bias, self.strides, 0, self.dilation)
            hp = F.conv2d(F.pad(h * rec_mask if rec_mask is not None else h, self.recurrent_pad),
                          self.recurrent_kernel)
            i, f, g, o = (xp + hp).chunk(4, dim=1)
            c = ract(f) * c + ract(i) * act(g)
            h = ract(o) * act(c)
            outs.append(h)
        if self.return_sequences:
            return torch.stack(outs, dim=1).movedim(2, 4)
        return h.movedim(1, 3)


class Bidirectional(KerasLayer):
    """Keras weights: the forward layer's, then the backward layer's."""

    def __init__(self, config, input_shape: Shape):
        super().__init__(config, input_shape)
        from .model import build_layer  # wrappers build their inner layer like any other
        inner = config['layer']
        fwd_cfg = copy.deepcopy(inner)
        bwd_cfg = copy.deepcopy(inner)
        bwd_cfg['config']['go_backwards'] = not bool(self.arg('go_backwards', inner['config']))
        for cfg in (fwd_cfg, bwd_cfg):
            cfg['config'].setdefault('trainable', self.trainable_layer)
        self.forward_layer = build_layer(fwd_cfg, input_shape)
        self.backward_layer = build_layer(bwd_cfg, input_shape)
        self.return_sequences = bool(self.arg('return_sequences', inner['config']))
        self.merge_mode = self.arg('merge_mode')
        if self.merge_mode not in ('concat', 'sum', 'mul', 'ave'):
            raise ValueError(f"Bidirectional merge_mode '{self.merge_mode}' is not supported")
        self.keras_weights = self.forward_layer.keras_weights + self.backward_layer.keras_weights

    uses_mask = True

    def output_mask(self, x, mask):
        return mask if self.return_sequences else None

    def forward(self, x, mask=None):
        y_fwd = self.forward_layer(x, mask)
        y_bwd = self.backward_layer(x, mask)
        if self.return_sequences:  # Keras re-aligns the backward sequence with the input's time
            y_bwd = y_bwd.flip(1)
        if self.merge_mode == 'concat':
            return torch.cat([y_fwd, y_bwd], dim=-1)
        if self.merge_mode == 'sum':
            return y_fwd + y_bwd
        if self.merge_mode == 'mul':
            return y_fwd * y_bwd
        return (y_fwd + y_bwd) / 2


class TimeDistributed(KerasLayer):
    def __init__(self, config, input_shape: Shape):
        super().__init__(config, input_shape)
        from .model import build_layer
        inner = copy.deepcopy(config['layer'])
        inner['config'].setdefault('trainable', self.trainable_layer)
        self.inner = build_layer(inner, tuple(input_shape[1:]))
        self.keras_weights = self.inner.keras_weights

    def forward(self, x):
        b, t = x.shape[0], x.shape[1]
        y = self.inner(x.reshape((b * t,) + tuple(x.shape[2:])))
        return y.reshape((b, t) + tuple(y.shape[1:]))


LAYERS = {
    'LSTM': lambda c, s: Recurrent(c, s, 'LSTM'),
    'GRU': lambda c, s: Recurrent(c, s, 'GRU'),
    'SimpleRNN': lambda c, s: Recurrent(c, s, 'SimpleRNN'),
    'ConvLSTM2D': ConvLSTM2D,
    'Bidirectional': Bidirectional,
    'TimeDistributed': TimeDistributed,
}
