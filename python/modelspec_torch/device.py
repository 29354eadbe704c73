"""Which device to train on, how many CPU threads, and what the machine offers (--probe)."""
from __future__ import annotations

import os
import sys
from typing import Any, Dict, Tuple

import torch


def cpu_threads() -> int:
    env = os.environ.get('MODELSPEC_TORCH_THREADS')
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def configure_threads() -> int:
    n = cpu_threads()
    torch.set_num_threads(n)
    return n


def configure_allocator() -> bool:
    """Keeps freed host memory in the process instead of handing it back to the OS after
    every batch. glibc serves big blocks (a conv layer's activations) with fresh mmaps, or
    trims them off the heap when freed, so each training step page-faults its activations
    in again: measured on a 2-core Linux VM, that was over half the CPU time of a mnist_cnn
    step. Raising the mmap threshold to glibc's maximum (32 MiB) and the trim threshold to
    1 GiB lets the next step reuse the same pages. Process-wide, so the engine calls it once
    at start (MODELSPEC_TORCH_MALLOC=default leaves glibc's defaults). True when applied."""
    if os.environ.get('MODELSPEC_TORCH_MALLOC') == 'default' or not sys.platform.startswith('linux'):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL('libc.so.6')
        m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
        return bool(libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024)) and bool(libc.mallopt(m_trim_threshold, 1 << 30))
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        return False


def mps_available() -> bool:
    mps = getattr(torch.backends, 'mps', None)
    return bool(mps is not None and mps.is_available())


def probe() -> Dict[str, Any]:
    cuda = torch.cuda.is_available()
    return {
        # The interpreter's absolute path: runs start it by this path, never by a name that a
        # PATH search could resolve in the user's folder.
        'executable': sys.executable,
        'torch': torch.__version__,
        'cuda': cuda,
        'cudaDevice': torch.cuda.get_device_name(0) if cuda else None,
        'cudaCount': torch.cuda.device_count() if cuda else 0,
        'mps': mps_available(),
        'threads': cpu_threads(),
        'ompWaitPolicy': os.environ.get('OMP_WAIT_POLICY', ''),
    }


def choose_device(backend: str) -> Tuple[torch.device, str, str]:
    """(device, description, reason) for fit.backend: 'auto', 'torch' or 'torch:<device>'."""
    requested = backend.split(':', 1)[1] if ':' in backend else 'auto'
    if backend not in ('auto', 'torch') and not backend.startswith('torch'):
        requested = 'auto'
    if requested == 'cuda' or (requested == 'auto' and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise RuntimeError("backend 'torch:cuda' was requested but PyTorch sees no CUDA GPU")
        reason = 'requested torch:cuda' if requested == 'cuda' else 'auto: CUDA GPU found'
        return torch.device('cuda'), torch.cuda.get_device_name(0), reason
    if requested == 'mps' or (requested == 'auto' and mps_available()):
        if not mps_available():
            raise RuntimeError("backend 'torch:mps' was requested but PyTorch sees no Apple MPS device")
        reason = 'requested torch:mps' if requested == 'mps' else 'auto: Apple GPU (MPS) found'
        return torch.device('mps'), 'Apple GPU (MPS)', reason
    if requested not in ('auto', 'cpu'):
        raise RuntimeError(f"unknown torch device '{requested}' (expected cuda, mps or cpu)")
    threads = torch.get_num_threads()
    reason = 'requested torch:cpu' if requested == 'cpu' else 'auto: no GPU found, using the CPU'
    return torch.device('cpu'), f'CPU ({threads} thread{"s" if threads != 1 else ""})', reason


def cuda_grad_scaler() -> Any:
    """float16's loss scaler on CUDA: torch.amp's (torch 2.3+; torch.cuda.amp's warns there), else the old one."""
    amp: Any = getattr(torch, 'amp', None)
    return amp.GradScaler('cuda') if hasattr(amp, 'GradScaler') else torch.cuda.amp.GradScaler()
