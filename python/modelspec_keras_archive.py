"""Writes a Keras 3 `.keras` archive (a zip of metadata.json, config.json and model.weights.h5, as
Keras's saving_lib writes it) from a job file that `modelspec export --to keras-model` prepares.

    python3 modelspec_keras_archive.py JOB.json

JOB.json: {"out": path, "config": {...}, "metadata": {...},
           "groups": [{"path": "layers/dense/vars", "name": "dense",
                       "vars": [{"path": weights.bin, "offset": bytes, "shape": [...]}]}]}
Each var is float32 little-endian at `offset` in `path`; the group's datasets are named 0, 1, …
in the order given (Keras's trainable-then-non-trainable variable order). Needs h5py and numpy.
Prints one JSON line: {"path"} or {"error"}.
"""
from __future__ import annotations

import io
import json
import sys
import zipfile


def read_var(var) -> 'np.ndarray':
    import numpy as np
    shape = tuple(int(d) for d in var['shape'])
    count = int(np.prod(shape)) if shape else 1
    with open(var['path'], 'rb') as f:
        f.seek(int(var.get('offset') or 0))
        data = f.read(count * 4)
    if len(data) != count * 4:
        raise ValueError(f"{var['path']}: too short for float32 {list(shape)} at byte {var.get('offset') or 0}")
    return np.frombuffer(data, dtype='<f4').reshape(shape).astype('float32')


def weights_h5(model_name: str, groups) -> bytes:
    import h5py
    buffer = io.BytesIO()
    with h5py.File(buffer, 'w') as h5:
        # saving_lib makes a `vars` group for every named object it visits, the model included.
        h5.create_group('vars').attrs['name'] = model_name
        for group in groups:
            g = h5.create_group(group['path'])
            g.attrs['name'] = group['name']
            for i, var in enumerate(group.get('vars') or []):
                g[str(i)] = read_var(var)
    return buffer.getvalue()


def write_archive(job) -> None:
    h5 = weights_h5(str(job['config'].get('config', {}).get('name', 'sequential')), job['groups'])
    with zipfile.ZipFile(job['out'], 'w', compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr('metadata.json', json.dumps(job['metadata']))
        zf.writestr('config.json', json.dumps(job['config']))
        zf.writestr('model.weights.h5', h5)


def main(argv) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    try:
        with open(argv[0]) as f:
            job = json.load(f)
        write_archive(job)
    except ImportError as e:
        print(json.dumps({'error': f'{e.name or e} is not installed for {sys.executable}; install h5py (pip install h5py, or apt-get install python3-h5py)'}))
        return 1
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(json.dumps({'error': f'{type(e).__name__}: {e}'}))
        return 1
    print(json.dumps({'path': job['out']}))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
