"""Saving a trained model: torch state dict, Keras-ordered weights, and ONNX when possible."""
from __future__ import annotations

import inspect
import json
import os
import warnings
from typing import Optional

import numpy as np
import torch

from .files import DiskError, make_dirs, write_atomic, write_atomic_with
from .model import KerasSequential, all_keras_weights, keras_weights


def save_model(model: KerasSequential, directory: str) -> str:
    """Writes model.pt (state dict), keras_weights.npz (arr_0, arr_1, ... in Keras's
    get_weights() order) and keras_weights.json (layer/weight names, shapes). Returns the
    model.pt path."""
    make_dirs(directory)
    pt_path = os.path.join(directory, 'model.pt')
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    # Serialized in memory, then written by write_atomic: torch's own file writer aborts the
    # process (SIGABRT) when the disk fills, and a direct write could leave a truncated file.
    write_atomic_with(pt_path, lambda f: torch.save(state, f))
    arrays = keras_weights(model)
    write_atomic_with(os.path.join(directory, 'keras_weights.npz'), lambda f: np.savez(f, *arrays))
    manifest = [{'layer': layer.layer_name, 'className': layer.class_name, 'name': w.name,
                 'shape': list(w.shape), 'trainable': w.trainable} for layer, w in all_keras_weights(model)]
    write_atomic(os.path.join(directory, 'keras_weights.json'), json.dumps({'weights': manifest}, indent=1).encode())
    _save_tfjs_layers_model(model, arrays, manifest, directory)
    return pt_path


def _save_tfjs_layers_model(model: KerasSequential, arrays, manifest, directory: str) -> None:
    """model.json + weights.bin in TF.js's layers format (the format the TF.js engine saves, and
    that TF.js and Keras's tensorflowjs converter load): Keras's model config as the topology
    (the launcher rewrites it into TF.js's dialect) and the weights in Keras order as float32."""
    weights = [{'name': f"{w['layer']}/{w['name']}", 'shape': w['shape'], 'dtype': 'float32'} for w in manifest]
    doc = {'modelTopology': model.model_json, 'format': 'layers-model', 'generatedBy': 'ModelSpec PyTorch engine',
           'convertedBy': None, 'weightsManifest': [{'paths': ['weights.bin'], 'weights': weights}]}
    write_atomic(os.path.join(directory, 'weights.bin'),
                 b''.join(np.ascontiguousarray(a, dtype='<f4').tobytes() for a in arrays))
    write_atomic(os.path.join(directory, 'model.json'), json.dumps(doc).encode())


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
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter('ignore')  # exporter chatter (RNN batch-size notes) is not actionable here
            write_atomic_with(path, lambda f: torch.onnx.export(model, dummy, f, **kwargs))
        model.train(was_training)
        return None
    except DiskError as e:
        return str(e)
    except Exception as e:  # noqa: BLE001 - any exporter problem is reported, never fatal
        return f'{type(e).__name__}: {e}'.splitlines()[0][:300]
