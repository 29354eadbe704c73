"""Saving a trained model: torch state dict, Keras-ordered weights, and ONNX when possible."""
from __future__ import annotations

import inspect
import json
import os
import warnings
from typing import Optional

import numpy as np
import torch

from .model import KerasSequential, all_keras_weights, keras_weights


def save_model(model: KerasSequential, directory: str) -> str:
    """Writes model.pt (state dict), keras_weights.npz (arr_0, arr_1, ... in Keras's
    get_weights() order) and keras_weights.json (layer/weight names, shapes). Returns the
    model.pt path."""
    os.makedirs(directory, exist_ok=True)
    pt_path = os.path.join(directory, 'model.pt')
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    _atomic(pt_path, lambda p: torch.save(state, p))
    arrays = keras_weights(model)
    _atomic(os.path.join(directory, 'keras_weights.npz'), lambda p: np.savez(p, *arrays), suffix='.npz')
    manifest = [{'layer': layer.layer_name, 'className': layer.class_name, 'name': w.name,
                 'shape': list(w.shape), 'trainable': w.trainable} for layer, w in all_keras_weights(model)]
    with open(os.path.join(directory, 'keras_weights.json'), 'w') as f:
        json.dump({'weights': manifest}, f, indent=1)
    _save_tfjs_layers_model(model, arrays, manifest, directory)
    return pt_path


def _save_tfjs_layers_model(model: KerasSequential, arrays, manifest, directory: str) -> None:
    """model.json + weights.bin in TF.js's layers format (the format the TF.js engine saves, and
    that TF.js and Keras's tensorflowjs converter load): Keras's model config as the topology
    (the launcher rewrites it into TF.js's dialect) and the weights in Keras order as float32."""
    weights = [{'name': f"{w['layer']}/{w['name']}", 'shape': w['shape'], 'dtype': 'float32'} for w in manifest]
    doc = {'modelTopology': model.model_json, 'format': 'layers-model', 'generatedBy': 'ModelSpec PyTorch engine',
           'convertedBy': None, 'weightsManifest': [{'paths': ['weights.bin'], 'weights': weights}]}
    _atomic(os.path.join(directory, 'weights.bin'),
            lambda p: _write(p, b''.join(np.ascontiguousarray(a, dtype='<f4').tobytes() for a in arrays)))
    _atomic(os.path.join(directory, 'model.json'), lambda p: _write(p, json.dumps(doc).encode()))


def _write(path: str, data: bytes) -> None:
    with open(path, 'wb') as f:
        f.write(data)


def _atomic(path: str, write, suffix: str = '') -> None:
    """Write to a temporary name and rename, so a kill never leaves a half-written file."""
    tmp = path[:-len(suffix)] + '.tmp' + suffix if suffix else path + '.tmp'
    write(tmp)
    os.replace(tmp, path)


def onnx_opset() -> int:
    """The newest opset the installed torch's TorchScript exporter supports (17 for torch 1.13);
    newer opsets carry fewer decompositions, and ONNX Runtime reads all of them."""
    try:
        from torch.onnx import _constants
        return int(_constants.ONNX_MAX_OPSET)
    except (ImportError, AttributeError, ValueError):
        return 13  # supported by every torch this engine runs on


def export_onnx(model: KerasSequential, path: str) -> Optional[str]:
    """Writes the model as ONNX (input `input`, output `output`, a dynamic batch axis) through a
    temporary name. Returns None on success, else why it failed (the run does not fail for this)."""
    try:
        was_training = model.training
        model.eval()
        device = next(model.parameters()).device
        dummy = torch.zeros((1,) + tuple(model.input_shape), device=device)
        kwargs = dict(input_names=['input'], output_names=['output'],
                      dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}}, opset_version=onnx_opset())
        if 'dynamo' in inspect.signature(torch.onnx.export).parameters:
            kwargs['dynamo'] = False  # the TorchScript exporter needs no onnx/onnxscript packages
        tmp = path + '.tmp'
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter('ignore')  # exporter chatter (RNN batch-size notes) is not actionable here
            torch.onnx.export(model, dummy, tmp, **kwargs)
        os.replace(tmp, path)
        model.train(was_training)
        return None
    except Exception as e:  # noqa: BLE001 - any exporter problem is reported, never fatal
        try:
            os.remove(path + '.tmp')
        except OSError:
            pass
        return f'{type(e).__name__}: {e}'.splitlines()[0][:300]
