"""Reads a Keras weights file (HDF5) layer by layer: `weights='path.h5'` of a layer-graph
application (ResNet50, …), which both engines load by layer name.

    python -m modelspec_torch.keras_h5 FILE OUTDIR

Layouts read:
- Keras 2 (the official application files, model.save_weights('x.h5'), and the `model_weights`
  group of a whole-model .h5): the attribute `layer_names`, one group per layer with the attribute
  `weight_names` ('conv1_conv/kernel:0'), each a dataset at that path inside the group.
- Keras 3 (`x.weights.h5`): `layers/<layer>/vars/<i>` in the layer's weight order; a nested model's
  layers under `layers/<model>/layers/<layer>/vars`.
Each weight is written to OUTDIR as raw little-endian float32, and one JSON line is printed:
{"format": "keras2", "layers": {"conv1_conv": [{"name": "kernel", "shape": [7, 7, 3, 64],
"file": "w0.bin"}, ...]}}. A problem prints {"error": "..."} (naming the file) and exits 2.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Tuple

import numpy as np

Weights = Dict[str, List[Tuple[str, Any]]]  # layer name -> [(weight name, dataset)]


def _text(value: Any) -> str:
    return value.decode('utf8') if isinstance(value, bytes) else str(value)


def _keras2(group: Any) -> Weights:
    layers: Weights = {}
    for layer_name in (_text(n) for n in group.attrs['layer_names']):
        layer = group[layer_name]
        names = [_text(n) for n in layer.attrs.get('weight_names', [])]
        # 'conv1_conv/kernel:0' -> 'kernel'; the dataset sits at that path inside the layer's group.
        layers[layer_name] = [(n.split('/')[-1].split(':')[0], layer[n]) for n in names]
    return layers


def _keras3(group: Any, layers: Weights) -> None:
    for name, child in group.items():
        if not hasattr(child, 'items'):
            continue
        if 'vars' in child and len(child['vars']) > 0:
            variables = child['vars']
            layers[name] = [(str(i), variables[str(i)]) for i in range(len(variables))]
        if 'layers' in child:
            _keras3(child['layers'], layers)


def read(path: str) -> Tuple[str, Weights, Any]:
    import h5py  # type: ignore[import]  # only this reader needs it; main() says how to get it

    try:
        f = h5py.File(path, 'r')
    except OSError as e:
        raise ValueError(f'{path}: not an HDF5 file h5py can open ({e}); weights= takes a Keras weights file (.h5)')
    if 'layer_names' in f.attrs:
        return 'keras2', _keras2(f), f
    if 'model_weights' in f and 'layer_names' in f['model_weights'].attrs:
        return 'keras2', _keras2(f['model_weights']), f
    if 'layers' in f:
        layers: Weights = {}
        _keras3(f['layers'], layers)
        return 'keras3', layers, f
    f.close()
    raise ValueError(f'{path}: an HDF5 file without Keras weights (no layer_names attribute, no layers group)')


def main(argv: List[str]) -> int:
    if len(argv) != 2:
        print('usage: python -m modelspec_torch.keras_h5 FILE OUTDIR', file=sys.stderr)
        return 2
    path, out = argv
    try:
        fmt, layers, f = read(path)
    except ImportError:
        print(json.dumps({'error': f'reading {path} needs the Python package h5py: install it '
                                   '(pip install h5py, or apt install python3-h5py)'}))
        return 2
    except ValueError as e:
        print(json.dumps({'error': str(e)}))
        return 2
    os.makedirs(out, exist_ok=True)
    manifest: Dict[str, List[Dict[str, Any]]] = {}
    n = 0
    with f:
        for layer, weights in layers.items():
            entries = []
            for name, dataset in weights:
                array = np.asarray(dataset, dtype='<f4')
                file = f'w{n}.bin'
                n += 1
                with open(os.path.join(out, file), 'wb') as fh:
                    fh.write(np.ascontiguousarray(array).tobytes())
                entries.append({'name': name, 'shape': [int(d) for d in array.shape], 'file': file})
            manifest[layer] = entries
    print(json.dumps({'format': fmt, 'layers': manifest}))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
