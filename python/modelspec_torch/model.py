"""Builds a torch module from Keras's Sequential JSON config, with Keras's weights and counts."""
from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

from . import layers_conv, layers_core, layers_graph, layers_preprocessing, layers_recurrent
from .layers_base import KerasLayer, KerasWeight, Shape
from .regularizers import make_regularizer
from .protocol import AdaptedWeights, ModelJson, ParamCounts

LAYERS: Dict[str, Any] = {**layers_core.LAYERS, **layers_conv.LAYERS, **layers_recurrent.LAYERS,
                          **layers_preprocessing.LAYERS,
                          # A nested Functional (a layer-graph application) builds its nodes with this table.
                          'Functional': lambda config, shape: layers_graph.Functional(config, shape, build_layer)}


def build_layer(layer: Dict[str, Any], input_shape: Shape) -> KerasLayer:
    name = layer.get('class_name')
    if name not in LAYERS:
        raise ValueError(f"layer '{name}' is not supported by the PyTorch engine "
                         f"(supported: {', '.join(sorted(LAYERS))})")
    try:
        module = LAYERS[name](layer.get('config') or {}, tuple(input_shape))
        module.class_name = name
        return module
    except (KeyError, ValueError, TypeError) as e:
        raise ValueError(f"cannot build {name} '{(layer.get('config') or {}).get('name', '')}' "
                         f"on input {_fmt(input_shape)}: {e}") from e


def _fmt(shape: Sequence[Any]) -> str:
    return '(None, ' + ', '.join(str(d) for d in shape) + ')'


def input_shape_of(layers: List[Dict[str, Any]]) -> Shape:
    first = layers[0].get('config') or {}
    shape = first.get('batch_input_shape') or first.get('batch_shape')
    if shape is None:
        raise ValueError('the first layer has no batch_input_shape: the model needs an input shape')
    shape = tuple(shape[1:])
    if any(d is None for d in shape):
        raise ValueError(f'the input shape {_fmt(shape)} has an unknown dimension; the engine needs all of them')
    return tuple(int(d) for d in shape)


class KerasSequential(nn.Module):
    """The model: layers applied in order on channels_last tensors."""

    def __init__(self, model_json: ModelJson):
        super().__init__()
        self.model_json = model_json  # kept for the saved TF.js model.json's topology
        layer_cfgs = model_json['config']['layers']
        self.input_shape: Shape = input_shape_of(layer_cfgs)
        self.layer_list = nn.ModuleList()
        self.output_shapes: List[Shape] = []
        shape = self.input_shape
        probe = torch.zeros((2,) + shape)
        for cfg in layer_cfgs:
            layer = build_layer(cfg, shape)
            layer.eval()
            try:
                with torch.no_grad():  # Keras infers shapes symbolically; a 2-sample forward is as exact
                    probe = layer(probe)
            except RuntimeError as e:
                raise ValueError(f"{cfg.get('class_name')} '{layer.layer_name}' cannot take input "
                                 f"{_fmt(shape)}: {str(e).splitlines()[0]}") from e
            shape = tuple(probe.shape[1:])
            if any(d <= 0 for d in shape):
                raise ValueError(f"layer '{layer.layer_name}' gives output {_fmt(shape)}")
            self.layer_list.append(layer)
            self.output_shapes.append(shape)
        self.output_shape: Shape = shape
        # Keras's activity regularizers: a penalty on a layer's output, added to the batch's loss
        # (l1·Σ|y| + l2·Σy² over the batch, divided by the batch size, as Keras ≥ 3.14's
        # Layer.__call__). forward() leaves this batch's sum in activity_penalty (None: none).
        self.activity = {}
        for i, layer in enumerate(self.layer_list):
            fn = make_regularizer(layer.activity_regularizer())
            if fn is not None:
                self.activity[i] = fn
        self.activity_penalty: Optional[torch.Tensor] = None
        self.train()

    def _through(self, x, layers):
        # Keras's mask (Masking, Embedding(mask_zero=True)) goes along with the tensor: each
        # layer gives its output's (KerasLayer.output_mask), the recurrent layers take it.
        mask = None
        total = None
        for i, layer in enumerate(layers):
            y = layer(x, mask) if layer.uses_mask and mask is not None else layer(x)
            mask = layer.output_mask(x, mask)
            x = y
            fn = self.activity.get(i)
            if fn is not None:
                penalty = fn(x.float()) / x.shape[0]
                total = penalty if total is None else total + penalty
        self.activity_penalty = total
        return x

    def forward(self, x):
        return self._through(x, self.layer_list)

    def forward_logits(self, x):
        """The output before the last layer's activation (that layer must have `logits`, and no
        activity regularizer: its penalty needs the activated output)."""
        return self.layer_list[-1].logits(self._through(x, self.layer_list[:-1]))


def all_keras_weights(module: KerasSequential) -> List[Tuple[KerasLayer, KerasWeight]]:
    """Every weight with the layer that holds it; a nested model's weights come with its inner
    layers (`conv1_conv/kernel`, as TF.js and Keras name them), in the nested model's order."""
    pairs: List[Tuple[KerasLayer, KerasWeight]] = []
    for layer in module.layer_list:
        if isinstance(layer, layers_graph.Functional):
            pairs += layer.inner_weights
        else:
            pairs += [(layer, w) for w in layer.keras_weights]
    return pairs


def keras_weights(module: KerasSequential) -> List[np.ndarray]:
    """The weights as Keras's model.get_weights() lists them: layer by layer, Keras shapes."""
    return [w.get().float().cpu().contiguous().numpy() for _, w in all_keras_weights(module)]


def load_keras_weights(module: KerasSequential, arrays: Sequence[np.ndarray], layers: Optional[int] = None) -> None:
    """The inverse of keras_weights (as Keras's model.set_weights); with `layers`, the arrays
    are the weights of the first `layers` layers only (a Pretrained model's part)."""
    chosen = module.layer_list if layers is None else module.layer_list[:layers]
    pairs = [(layer, w) for layer in chosen for w in layer.keras_weights]
    if len(arrays) != len(pairs):
        what = 'the model' if layers is None else f'its first {layers} layers'
        raise ValueError(f'expected {len(pairs)} weight arrays in Keras order for {what}, got {len(arrays)}')
    for (layer, w), value in zip(pairs, arrays):
        value = np.asarray(value, dtype=np.float32)
        if tuple(value.shape) != w.shape:
            if int(np.prod(value.shape)) != int(np.prod(w.shape)):
                raise ValueError(f"weight {layer.layer_name}/{w.name}: expected shape {w.shape}, "
                                 f"got {tuple(value.shape)}")
            value = value.reshape(w.shape)
        # A model may hold only buffers (an adapted Normalization): its device is theirs.
        device = next(itertools.chain(module.parameters(), module.buffers()), torch.zeros(0)).device
        w.set(torch.from_numpy(value).to(device))


def load_adapted_weights(module: KerasSequential, adapted: Sequence[AdaptedWeights]) -> None:
    """spec.adapted: each Normalization's mean, variance and count, computed from the training
    data by the run (training/data/adapt.ts), set by the layer's name."""
    for entry in adapted:
        layer = next((l for l in module.layer_list if l.layer_name == entry['layer']), None)
        weights = {w.name: w for w in layer.keras_weights} if layer is not None else {}
        if list(weights) != ['mean', 'variance', 'count']:
            raise ValueError(f"cannot set the adapted statistics of {entry['layer']}: the model has no "
                             f"Normalization of that name with adapt weights")
        shape = tuple(int(d) for d in entry['shape'])
        weights['mean'].set(torch.tensor(entry['mean'], dtype=torch.float64).reshape(shape))
        weights['variance'].set(torch.tensor(entry['variance'], dtype=torch.float64).reshape(shape))
        weights['count'].set(torch.tensor(float(entry['count'])))


def param_counts(module: KerasSequential) -> ParamCounts:
    trainable = sum(int(np.prod(w.shape)) for _, w in all_keras_weights(module) if w.trainable)
    total = sum(int(np.prod(w.shape)) for _, w in all_keras_weights(module))
    return {'total': total, 'trainable': trainable, 'nonTrainable': total - trainable}


def describe(module: KerasSequential) -> Dict[str, Any]:
    """Per-layer output shapes and parameter counts, as Keras's model.summary() shows them."""
    layers = []
    for layer, shape in zip(module.layer_list, module.output_shapes):
        total = sum(int(np.prod(w.shape)) for w in layer.keras_weights)
        trainable = sum(int(np.prod(w.shape)) for w in layer.keras_weights if w.trainable)
        layers.append({
            'name': layer.layer_name,
            'className': layer.class_name,
            'outputShape': [None, *shape],
            'params': total,
            'trainable': trainable,
            'nonTrainable': total - trainable,
            'weights': [{'name': w.name, 'shape': list(w.shape), 'trainable': w.trainable}
                        for w in layer.keras_weights],
        })
    return {'inputShape': [None, *module.input_shape], 'outputShape': [None, *module.output_shape],
            'layers': layers, **param_counts(module)}


def trainable_parameters(module: nn.Module) -> List[nn.Parameter]:
    return [p for p in module.parameters() if p.requires_grad]
