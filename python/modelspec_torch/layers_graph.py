"""Layer graphs: a Keras Application that is not a plain stack (ResNet50, MobileNetV2, …) is one
nested `Functional` layer of the Sequential model. Its config lists each node with the nodes it
reads (`inbound_nodes`, Keras 2's layout); each node is built with the engine's own layer table
and the nodes run in the config's order (Keras's layer order: every node after its inputs).
The merge ops Keras Applications use (language/catalog/graph/graph-ops.ts) are defined here."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence, Tuple

import torch
from torch import nn

from .layers_base import KerasLayer, KerasWeight, Shape, identity


class _Merge(KerasLayer):
    """A layer that takes a list of tensors."""

    def forward(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        return self.merge(list(inputs))

    def merge(self, xs: List[torch.Tensor]) -> torch.Tensor:
        raise NotImplementedError


class Add(_Merge):
    def merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class Multiply(_Merge):
    """Broadcasts size-1 axes: a squeeze-and-excitation gate (N, 1, 1, C) over (N, H, W, C)."""

    def merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        return out


class Concatenate(_Merge):
    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.axis = int(self.arg('axis'))  # Keras's axis counts the batch axis, as torch's dim does

    def merge(self, xs):
        return torch.cat(xs, dim=self.axis)


class CustomScaleLayer(_Merge):
    """InceptionResNetV2's residual: inputs[0] + inputs[1] * scale."""

    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        self.scale = float(self.arg('scale'))

    def merge(self, xs):
        if len(xs) != 2:
            raise ValueError(f"CustomScaleLayer '{self.layer_name}' takes two inputs, got {len(xs)}")
        return xs[0] + xs[1] * self.scale


class LayerScale(KerasLayer):
    """ConvNeXt's per-channel scale: x * gamma, gamma initialised to init_values."""

    def __init__(self, config, input_shape):
        super().__init__(config, input_shape)
        dim = int(self.arg('projection_dim'))
        self.gamma = self.new_param(dim)
        self.add_weight('gamma', (dim,), self.gamma, identity, identity,
                        {'class_name': 'Constant', 'config': {'value': float(self.arg('init_values'))}})

    def forward(self, x):
        return x * self.gamma


GRAPH_OPS: Dict[str, Any] = {
    'Add': Add, 'Multiply': Multiply, 'Concatenate': Concatenate,
    'CustomScaleLayer': CustomScaleLayer, 'LayerScale': LayerScale,
}

Builder = Callable[[Dict[str, Any], Shape], KerasLayer]


def _inbound_names(entry: Dict[str, Any]) -> List[str]:
    """The node names a layer reads: Keras 2's [[[name, node, tensor, kwargs], ...]]."""
    nodes = entry.get('inbound_nodes') or []
    if len(nodes) != 1:
        raise ValueError(f"layer '{entry.get('name')}' must be called once in the graph, "
                         f"its config has {len(nodes)} calls")
    return [str(ref[0]) for ref in nodes[0]]


class Functional(KerasLayer):
    """A nested Keras Functional model: its nodes built with `build` and run in config order.
    Its Keras weights are its layers' weights, layer by layer (Keras's get_weights() order);
    `inner_weights` keeps which layer each belongs to, for saved files that name them."""

    def __init__(self, config: Dict[str, Any], input_shape: Shape, build: Builder):
        super().__init__(config, input_shape)
        entries = self.arg('layers')
        inputs = self.arg('input_layers')
        outputs = self.arg('output_layers')
        if len(inputs) != 1 or len(outputs) != 1:
            raise ValueError(f"model '{self.layer_name}' must have one input and one output")
        self.input_name = str(inputs[0][0])
        self.output_name = str(outputs[0][0])
        self.nodes = nn.ModuleList()
        self.node_names: List[str] = []
        self.node_inputs: List[List[str]] = []
        shapes: Dict[str, Shape] = {}
        probes: Dict[str, torch.Tensor] = {}
        for entry in entries:
            name = str(entry.get('name') or (entry.get('config') or {}).get('name'))
            if entry.get('class_name') == 'InputLayer':
                if name != self.input_name:
                    raise ValueError(f"model '{self.layer_name}': input layer '{name}' is not its input")
                shapes[name] = tuple(input_shape)
                probes[name] = torch.zeros((2,) + tuple(input_shape))
                continue
            reads = _inbound_names(entry)
            missing = [r for r in reads if r not in shapes]
            if missing:
                raise ValueError(f"model '{self.layer_name}': layer '{name}' reads {missing[0]}, "
                                 f"which is not an earlier layer")
            cls = entry.get('class_name')
            layer_cfg = {'class_name': cls, 'config': entry.get('config') or {}}
            first = shapes[reads[0]]
            if cls in GRAPH_OPS:
                node: KerasLayer = GRAPH_OPS[cls](layer_cfg['config'], first)
                node.class_name = cls  # as build_layer sets it
            else:
                if len(reads) != 1:
                    raise ValueError(f"model '{self.layer_name}': layer '{name}' ({cls}) takes one input")
                node = build(layer_cfg, first)
            node.eval()
            args = [probes[r] for r in reads]
            try:
                with torch.no_grad():  # shapes from a 2-sample forward, as KerasSequential does
                    probe = node(args if isinstance(node, _Merge) else args[0])
            except RuntimeError as e:
                raise ValueError(f"model '{self.layer_name}': {cls} '{name}' cannot take its inputs "
                                 f"{[tuple(a.shape[1:]) for a in args]}: {str(e).splitlines()[0]}") from e
            shapes[name] = tuple(probe.shape[1:])
            probes[name] = probe
            self.nodes.append(node)
            self.node_names.append(name)
            self.node_inputs.append(reads)
        if self.output_name not in shapes:
            raise ValueError(f"model '{self.layer_name}': its output '{self.output_name}' is not a layer")
        self.output_shape: Shape = shapes[self.output_name]
        # A value is dropped after its last reader, so only live activations stay referenced.
        last_use: Dict[str, int] = {}
        for i, reads in enumerate(self.node_inputs):
            for r in reads:
                last_use[r] = i
        self.release: List[List[str]] = [[] for _ in self.node_inputs]
        for name, i in last_use.items():
            if name != self.output_name:
                self.release[i].append(name)
        if not self.trainable_layer:  # base_model.trainable = False freezes every layer inside
            for node in self.nodes:
                node.trainable_layer = False
                for w in node.keras_weights:
                    w.trainable = False
                for p in node.parameters():
                    p.requires_grad_(False)
        self.inner_weights: List[Tuple[KerasLayer, KerasWeight]] = [
            (node, w) for node in self.nodes for w in node.keras_weights]
        self.keras_weights = [w for _, w in self.inner_weights]

    def forward(self, x):
        values: Dict[str, torch.Tensor] = {self.input_name: x}
        for node, name, reads, release in zip(self.nodes, self.node_names, self.node_inputs, self.release):
            if isinstance(node, _Merge):
                values[name] = node([values[r] for r in reads])
            else:
                values[name] = node(values[reads[0]])
            for r in release:
                values.pop(r, None)
        return values[self.output_name]


def inner_layers(layer: KerasLayer) -> Sequence[KerasLayer]:
    """A nested model's layers, else the layer itself (for per-layer walks of the weights)."""
    return list(layer.nodes) if isinstance(layer, Functional) else [layer]
