"""channels_last weights for 2-D convolutions on CUDA.

The layers already pass activations in channels_last memory format (layers_base: the
channels_first view of a Keras NHWC tensor is torch's channels_last layout), which cuDNN runs
natively. A conv weight stored in the default (OIHW-contiguous) layout is then converted to
channels_last inside every convolution call, forward and backward; storing it channels_last
once removes those copies. On the CPU, oneDNN reorders weights into its own blocked layout
either way, so nothing is changed there; MPS's channels_last support is incomplete in the
torches this engine runs on. MODELSPEC_TORCH_CHANNELS_LAST=0 turns it off.
"""
from __future__ import annotations

import os
from typing import Mapping, Optional, Tuple

import torch

ENV = 'MODELSPEC_TORCH_CHANNELS_LAST'


def conv2d_weights(model: torch.nn.Module):
    """The 4-D parameters (Conv2D, SeparableConv2D, DepthwiseConv2D, Conv2DTranspose kernels)."""
    return [p for p in model.parameters() if p.dim() == 4]


def channels_last_decision(device_type: str, conv2d_count: int,
                           env: Optional[Mapping[str, str]] = None) -> Tuple[bool, str]:
    """(whether to store the conv weights channels_last, why) for a model on `device_type`."""
    variables = os.environ if env is None else env
    if variables.get(ENV) == '0':
        return False, f'{ENV}=0'
    if device_type != 'cuda':
        return False, f'not on CUDA ({device_type})'
    if conv2d_count == 0:
        return False, 'no 2-D convolution'
    return True, f'{conv2d_count} convolution kernel{"s" if conv2d_count != 1 else ""} stored channels_last for cuDNN'


def apply_channels_last(model: torch.nn.Module, device_type: str) -> Optional[str]:
    """Stores the conv weights channels_last where channels_last_decision says so; returns the
    log line, or None when nothing changed. Call before the optimizer is made (its slots copy
    each weight's layout)."""
    weights = conv2d_weights(model)
    use, why = channels_last_decision(device_type, len(weights))
    if not use:
        return None
    with torch.no_grad():
        for p in weights:
            # In place on the Parameter (the layers and the Keras weight mapping keep their references).
            p.data = p.data.contiguous(memory_format=torch.channels_last)
    return f'memory format: {why}'
