"""Data-parallel training: one process per device, torch.distributed with DistributedDataParallel.

A worker learns its place from torchrun's environment contract (RANK, LOCAL_RANK, WORLD_SIZE,
LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), or from srun's (SLURM_PROCID, SLURM_LOCALID,
SLURM_NTASKS, SLURM_NNODES, SLURM_NODEID), so the engine runs unchanged under torchrun and srun.
When the spec asks for several devices and no launcher set that environment, launcher.py starts
the workers itself (Debian's torch 1.13 `torch.distributed.run` crashes on Python 3.11).

Batches follow DistributedSampler's contract: every rank draws the same seeded permutation per
epoch (set_epoch), and each global batch of `batch_size` samples is split between the ranks.
Each rank's loss is weighted by its share of the global batch, so DDP's gradient average is the
gradient of the global batch's mean loss: the same step as one process on the same batch.
"""
from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import List, Optional, Tuple

import torch
import torch.distributed as dist

DEFAULT_TIMEOUT_S = 300  # a rank that hangs in a collective fails the run after this long


@dataclass(frozen=True)
class Placement:
    """Where this process stands in a data-parallel run."""
    rank: int
    local_rank: int
    world_size: int
    local_world_size: int
    node_rank: int
    nnodes: int
    master_addr: str
    master_port: int
    launcher: str  # 'modelspec', 'torchrun' or 'srun'

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def _int(env, name: str, default: Optional[int] = None) -> int:
    value = env.get(name)
    if value is None or value == '':
        if default is None:
            raise ValueError(f'{name} is not set; a data-parallel worker needs RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT')
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name}='{value}' is not a whole number") from None


def placement_from_env(env=None) -> Optional[Placement]:
    """The placement that torchrun, srun or modelspec's launcher set; None for a single process."""
    env = os.environ if env is None else env
    if env.get('WORLD_SIZE') and env.get('RANK') is not None:
        world = _int(env, 'WORLD_SIZE')
        if world <= 1:
            return None
        rank = _int(env, 'RANK')
        local_world = _int(env, 'LOCAL_WORLD_SIZE', world)
        launcher = 'modelspec' if env.get('MODELSPEC_DDP_CHILD') == '1' else 'torchrun'
        return Placement(rank, _int(env, 'LOCAL_RANK', rank % local_world), world, local_world,
                         _int(env, 'GROUP_RANK', _int(env, 'NODE_RANK', rank // local_world)),
                         max(1, world // local_world), env.get('MASTER_ADDR') or '127.0.0.1',
                         _int(env, 'MASTER_PORT', 29500), launcher)
    if env.get('SLURM_NTASKS') and env.get('SLURM_PROCID') is not None:
        world = _int(env, 'SLURM_NTASKS')
        if world <= 1:
            return None
        nnodes = _int(env, 'SLURM_NNODES', 1)
        if not env.get('MASTER_ADDR'):
            raise ValueError('started by srun with SLURM_NTASKS > 1 but MASTER_ADDR is not set: export MASTER_ADDR '
                             '(the first host of the job, e.g. $(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n1)) '
                             'before srun, as the script from `modelspec export FILE --to slurm` does')
        return Placement(_int(env, 'SLURM_PROCID'), _int(env, 'SLURM_LOCALID', 0), world,
                         max(1, world // nnodes), _int(env, 'SLURM_NODEID', 0), nnodes,
                         env['MASTER_ADDR'], _int(env, 'MASTER_PORT', 29500), 'srun')
    return None


class Replicas:
    """The process group of a data-parallel run (or a stand-in for one process)."""

    def __init__(self, placement: Optional[Placement]):
        self.placement = placement
        self.world_size = placement.world_size if placement else 1
        self.rank = placement.rank if placement else 0
        self.is_main = self.rank == 0
        self.active = placement is not None
        self.device: Optional[torch.device] = None

    def start(self, device: torch.device) -> torch.device:
        """Joins the group (NCCL on CUDA, gloo on CPU); returns this rank's device."""
        if not self.active:
            self.device = device
            return device
        p = self.placement
        assert p is not None
        if device.type == 'cuda':
            count = torch.cuda.device_count()
            if p.local_rank >= count:
                raise ValueError(f'rank {p.rank} needs GPU {p.local_rank} but this machine has {count}; '
                                 f'set devices to {count} or fewer per machine')
            device = torch.device('cuda', p.local_rank)
            torch.cuda.set_device(device)
        elif device.type != 'cpu':
            raise ValueError(f"data-parallel training runs on CUDA GPUs or the CPU, not on '{device.type}'")
        seconds = int(os.environ.get('MODELSPEC_DDP_TIMEOUT') or DEFAULT_TIMEOUT_S)
        dist.init_process_group('nccl' if device.type == 'cuda' else 'gloo',
                                init_method=f'tcp://{p.master_addr}:{p.master_port}',
                                rank=p.rank, world_size=p.world_size,
                                timeout=datetime.timedelta(seconds=seconds))
        self.device = device
        return device

    def broadcast_int(self, value: int) -> int:
        """rank 0's value on every rank (a seed drawn at random must be the same everywhere)."""
        if not self.active:
            return value
        t = torch.tensor([value], dtype=torch.int64, device=self._comm_device())
        dist.broadcast(t, 0)
        return int(t.item())

    def _comm_device(self) -> torch.device:
        assert self.device is not None
        return self.device if self.device.type == 'cuda' else torch.device('cpu')

    def agree(self, flags: List[bool]) -> List[bool]:
        """Each flag true on every rank when it is true on any (stop requests, rank 0's clock
        deciding when to report): every rank then takes the same path through the collectives."""
        if not self.active:
            return flags
        t = torch.tensor([1.0 if f else 0.0 for f in flags], device=self._comm_device())
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return [bool(v) for v in t.tolist()]

    def sum_(self, t: torch.Tensor) -> torch.Tensor:
        """Sums a tensor over the ranks (a new tensor; `t` is left alone)."""
        if not self.active:
            return t
        out = t.detach().clone().to(self._comm_device())
        dist.all_reduce(out, op=dist.ReduceOp.SUM)
        return out.to(t.device)

    def shard(self, index: torch.Tensor) -> Tuple[torch.Tensor, float]:
        """This rank's part of one global batch, and the weight of its mean loss (its share of
        the batch times the number of ranks: DDP averages the ranks' gradients)."""
        if not self.active:
            return index, 1.0
        n = int(index.numel())
        part = torch.tensor_split(index, self.world_size)[self.rank]
        return part, (part.numel() * self.world_size / n) if n else 0.0

    def wrap(self, module: torch.nn.Module) -> torch.nn.Module:
        if not self.active:
            return module
        from torch.nn.parallel import DistributedDataParallel
        assert self.device is not None
        if self.device.type == 'cuda':
            return DistributedDataParallel(module, device_ids=[self.device.index], output_device=self.device.index)
        return DistributedDataParallel(module)

    def close(self) -> None:
        if self.active and dist.is_initialized():
            dist.destroy_process_group()


class Forward(torch.nn.Module):
    """The model's forward pass (or its logits, for the fused softmax loss) as one module, so
    DistributedDataParallel wraps a single forward that both paths go through."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x, logits: bool = False):
        return self.model.forward_logits(x) if logits else self.model(x)


def synchronized_batch_norms(model) -> List[str]:
    """Names of the BatchNormalization layers that asked for synchronized=True (Keras's argument)."""
    names = []
    for layer in getattr(model, 'layer_list', []):
        if getattr(layer, 'class_name', '') == 'BatchNormalization' and getattr(layer, 'config', {}).get('synchronized'):
            names.append(str(layer.config.get('name', 'batch_normalization')))
    return names


def quiet_sink():
    """The sink of a rank other than 0: its logs and final event on stdout (the launcher keeps
    them for a failure message), no per-batch events and no file."""
    from .protocol import EventSink, RunEvent

    class QuietSink(EventSink):
        def emit(self, event: RunEvent) -> None:
            if event.get('type') in ('log', 'finished', 'stopped', 'failed'):
                super().emit(event)
    return QuietSink(None)


def replicas_active() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def synchronized_batch_norm(layer, x: torch.Tensor) -> torch.Tensor:
    """Keras's BatchNormalization(synchronized=True) in training: the statistics of the whole
    global batch, summed over the replicas with an all-reduce that autograd differentiates
    through (torch 1.13's SyncBatchNorm runs on CUDA only; this runs on gloo and NCCL alike).
    x is channels-last; the moving averages follow Keras (toward the biased batch variance)."""
    from torch.distributed.nn.functional import all_reduce
    c = int(x.shape[-1])
    flat = x.reshape(-1, c).float()
    count = torch.full((1,), float(flat.shape[0]), device=x.device)
    stats = all_reduce(torch.cat([flat.sum(0), (flat * flat).sum(0), count]))
    n = stats[-1]
    mean = stats[:c] / n
    var = (stats[c:2 * c] / n - mean * mean).clamp_min(0.0)
    y = (flat - mean) * torch.rsqrt(var + layer.eps)
    if layer.gamma is not None:
        y = y * layer.gamma
    if layer.beta is not None:
        y = y + layer.beta
    with torch.no_grad():
        m = layer.momentum  # torch's convention: the weight of the new batch
        layer.moving_mean.mul_(1.0 - m).add_(mean.detach() * m)
        layer.moving_variance.mul_(1.0 - m).add_(var.detach() * m)
    return y.reshape(x.shape).to(x.dtype)
