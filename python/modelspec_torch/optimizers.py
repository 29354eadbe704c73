"""Keras 3 optimizers (update rules and defaults) as torch optimizers.

torch's built-ins differ from Keras in small ways that matter for parity: Adam's epsilon
placement, RMSprop's epsilon inside the square root, SGD momentum's learning-rate placement,
Adagrad's initial accumulator, Adadelta's learning-rate scaling. So every rule is written
out here, following keras/src/optimizers/*.py. `iterations` counts updates from 1 as Keras's
local_step does.

Each rule updates all parameters at once: `p`, `g` and the slots (`m`, `v`...) are
TensorGroups, whose arithmetic runs as one fused kernel launch over every tensor. The hot
rules use in-place addcmul_/addcdiv_ to avoid temporaries; the Keras formula is in the
comment beside each line.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Iterable, Tuple

import torch

from .args import arg
from .tensor_group import TensorGroup


class KerasOptimizer(torch.optim.Optimizer):
    # The Keras arguments the rule reads. The RunSpec carries each one (the catalog's
    # optimizerArgs fills them), so none has a default here.
    arguments: Tuple[str, ...] = ('learning_rate',)

    def __init__(self, params: Iterable[torch.nn.Parameter], **args: Any):
        options: Dict[str, Any] = {}
        for key, value in args.items():
            if key == 'lr':  # Keras 2 spelling
                key = 'learning_rate'
            options[key] = value
        for key in self.arguments:
            arg(options, key, f'optimizer {type(self).__name__}')
        self.options = options
        self.iterations = 0
        self.slots: Dict[str, TensorGroup] = {}
        super().__init__(params, {'lr': float(options['learning_rate'])})

    @property
    def learning_rate(self) -> float:
        return float(self.param_groups[0]['lr'])

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        for group in self.param_groups:
            group['lr'] = float(value)

    def _clip(self, params) -> None:
        o = self.options
        if o.get('global_clipnorm'):
            torch.nn.utils.clip_grad_norm_(params, float(o['global_clipnorm']))
        if not (o.get('clipnorm') or o.get('clipvalue')):
            return
        for p in params:  # Keras clips each variable on its own
            if o.get('clipnorm'):
                norm = p.grad.norm()
                p.grad.mul_(float(o['clipnorm']) / torch.clamp(norm, min=float(o['clipnorm'])))
            if o.get('clipvalue'):
                p.grad.clamp_(-float(o['clipvalue']), float(o['clipvalue']))

    def slot(self, name: str, like: TensorGroup, fill: float = 0.0) -> TensorGroup:
        """Per-parameter optimizer state (Keras's momentums, velocities...), created on first use."""
        if name not in self.slots:
            self.slots[name] = TensorGroup.zeros_like(like, fill)
        return self.slots[name]

    @torch.no_grad()
    def step(self, closure=None):
        self.iterations += 1
        lr = self.learning_rate
        params = [p for g in self.param_groups for p in g['params']]
        for p in params:
            if p.grad is None:  # a parameter the loss does not reach: a zero gradient, as in Keras
                p.grad = torch.zeros_like(p)
        self._clip(params)
        p, g = TensorGroup(params), TensorGroup([q.grad for q in params])
        wd = float(self.options.get('weight_decay') or 0.0)
        if wd:  # Keras 3: decoupled weight decay applied before the update
            p.sub_(p * (wd * lr))
        self.update(p, g, lr, self.iterations)
        return None

    def update(self, p: TensorGroup, g: TensorGroup, lr: float, t: int) -> None:
        raise NotImplementedError


class SGD(KerasOptimizer):
    arguments = ('learning_rate', 'momentum', 'nesterov')

    def update(self, p, g, lr, t):
        momentum = float(self.options['momentum'])
        if momentum == 0:
            p.add_(g, alpha=-lr)  # w -= lr * g
            return
        m = self.slot('m', p)
        m.mul_(momentum).add_(g, alpha=-lr)  # m = momentum * m - lr * g
        if self.options['nesterov']:
            p.add_(m, alpha=momentum).add_(g, alpha=-lr)  # w += momentum * m - lr * g
        else:
            p.add_(m)  # w += m


class Adam(KerasOptimizer):
    arguments = ('learning_rate', 'beta_1', 'beta_2', 'epsilon', 'amsgrad')

    def update(self, p, g, lr, t):
        b1, b2, eps = float(self.options['beta_1']), float(self.options['beta_2']), float(self.options['epsilon'])
        m, v = self.slot('m', p), self.slot('v', p)
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        m.mul_(b1).add_(g, alpha=1 - b1)  # m += (g - m) * (1 - b1)
        v.mul_(b2).addcmul_(g, g, value=1 - b2)  # v += (g^2 - v) * (1 - b2)
        if self.options['amsgrad']:
            v_hat = self.slot('v_hat', p)
            v = v_hat.copy_(v_hat.maximum(v))
        p.addcdiv_(m, v.sqrt().add_(eps), value=-alpha)  # w -= alpha * m / (sqrt(v) + eps)


class Adamax(KerasOptimizer):
    arguments = ('learning_rate', 'beta_1', 'beta_2', 'epsilon')

    def update(self, p, g, lr, t):
        b1, b2, eps = float(self.options['beta_1']), float(self.options['beta_2']), float(self.options['epsilon'])
        m, u = self.slot('m', p), self.slot('u', p)
        m.add_((g - m) * (1 - b1))
        u.copy_((u * b2).maximum(g.abs()))
        p.sub_(m * (lr / (1 - b1 ** t)) / (u + eps))


class Nadam(KerasOptimizer):
    arguments = ('learning_rate', 'beta_1', 'beta_2', 'epsilon')

    def update(self, p, g, lr, t):
        b1, b2, eps = float(self.options['beta_1']), float(self.options['beta_2']), float(self.options['epsilon'])
        # Keras keeps one running product of the momentum schedule for the whole optimizer
        # (Keras 3 dropped Keras 2's 0.004 factor in the exponent).
        u_t = b1 * (1.0 - 0.5 * 0.96 ** t)
        u_t1 = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        self.u_product = getattr(self, 'u_product', 1.0) * u_t
        m, v = self.slot('m', p), self.slot('v', p)
        m.add_((g - m) * (1 - b1))
        v.add_((g * g - v) * (1 - b2))
        m_hat = m * (u_t1 / (1 - self.u_product * u_t1)) + g * ((1 - u_t) / (1 - self.u_product))
        v_hat = v * (1 / (1 - b2 ** t))
        p.sub_(m_hat * lr / (v_hat.sqrt() + eps))


class RMSprop(KerasOptimizer):
    arguments = ('learning_rate', 'rho', 'momentum', 'epsilon', 'centered')

    def update(self, p, g, lr, t):
        rho, eps, momentum = float(self.options['rho']), float(self.options['epsilon']), float(self.options['momentum'])
        v = self.slot('v', p)
        v.mul_(rho).addcmul_(g, g, value=1 - rho)  # v = rho * v + (1 - rho) * g^2
        if self.options['centered']:
            a = self.slot('a', p)
            a.mul_(rho).add_(g, alpha=1 - rho)  # a = rho * a + (1 - rho) * g
            denominator = (v - a * a + eps).sqrt_()
        else:
            denominator = (v + eps).sqrt_()  # Keras: epsilon inside the square root
        if momentum > 0:
            m = self.slot('m', p)
            m.mul_(momentum).addcdiv_(g, denominator, value=lr)  # m = momentum * m + lr * g / denominator
            p.sub_(m)
        else:
            p.addcdiv_(g, denominator, value=-lr)  # w -= lr * g / denominator


class Adagrad(KerasOptimizer):
    arguments = ('learning_rate', 'initial_accumulator_value', 'epsilon')

    def update(self, p, g, lr, t):
        eps = float(self.options['epsilon'])
        acc = self.slot('acc', p, fill=float(self.options['initial_accumulator_value']))
        acc.add_(g * g)
        p.sub_(g * lr / (acc + eps).sqrt())


class Adadelta(KerasOptimizer):
    arguments = ('learning_rate', 'rho', 'epsilon')

    def update(self, p, g, lr, t):
        rho, eps = float(self.options['rho']), float(self.options['epsilon'])
        acc_g, acc_d = self.slot('acc_grad', p), self.slot('acc_delta', p)
        acc_g.mul_(rho).addcmul_(g, g, value=1 - rho)  # acc_g = rho * acc_g + (1 - rho) * g^2
        # step = sqrt(acc_d + eps) / sqrt(acc_g + eps) * g   (Keras's delta is -step)
        step = (acc_d + eps).sqrt_().div_((acc_g + eps).sqrt_()).mul_(g)
        acc_d.mul_(rho).addcmul_(step, step, value=1 - rho)  # acc_d = rho * acc_d + (1 - rho) * delta^2
        p.add_(step, alpha=-lr)  # w += lr * delta


OPTIMIZERS = {cls.__name__.lower(): cls for cls in (SGD, Adam, Adamax, Nadam, RMSprop, Adagrad, Adadelta)}


def make_optimizer(name: str, args: Dict[str, Any], params) -> KerasOptimizer:
    cls = OPTIMIZERS.get(name.lower())
    if cls is None:
        raise ValueError(f"unknown optimizer '{name}' (known: {', '.join(c.__name__ for c in OPTIMIZERS.values())})")
    known = set(cls.arguments) | {'lr', 'clipnorm', 'clipvalue', 'global_clipnorm', 'weight_decay', 'name',
                                       'use_ema', 'ema_momentum', 'ema_overwrite_frequency', 'loss_scale_factor',
                                       'gradient_accumulation_steps'}
    unknown = [k for k in args if k not in known]
    if unknown:
        raise ValueError(f"{cls.__name__} has no argument {', '.join(unknown)}")
    return cls(params, **args)
