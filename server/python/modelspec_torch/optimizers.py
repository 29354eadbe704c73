"""Keras 3 optimizers (update rules and defaults) as torch optimizers.

torch's built-ins differ from Keras in small ways that matter for parity: Adam's epsilon
placement, RMSprop's epsilon inside the square root, SGD momentum's learning-rate placement,
Adagrad's initial accumulator, Adadelta's learning-rate scaling. So every rule is written
out here, following keras/src/optimizers/*.py. `iterations` counts updates from 1 as Keras's
local_step does.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Iterable

import torch


class KerasOptimizer(torch.optim.Optimizer):
    defaults_keras: Dict[str, Any] = {}

    def __init__(self, params: Iterable[torch.nn.Parameter], **args: Any):
        options = dict(self.defaults_keras)
        for key, value in args.items():
            if key == 'lr':  # Keras 2 spelling
                key = 'learning_rate'
            options[key] = value
        self.options = options
        self.iterations = 0
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
        for p in params:
            if o.get('clipnorm'):
                norm = p.grad.norm()
                p.grad.mul_(float(o['clipnorm']) / torch.clamp(norm, min=float(o['clipnorm'])))
            if o.get('clipvalue'):
                p.grad.clamp_(-float(o['clipvalue']), float(o['clipvalue']))

    @torch.no_grad()
    def step(self, closure=None):
        self.iterations += 1
        lr = self.learning_rate
        params = [p for g in self.param_groups for p in g['params'] if p.grad is not None]
        self._clip(params)
        wd = float(self.options.get('weight_decay') or 0.0)
        for p in params:
            if wd:  # Keras 3: decoupled weight decay applied before the update
                p.sub_(p * (wd * lr))
            self.update(p, p.grad, self.state[p], lr, self.iterations)
        return None

    def update(self, p, g, state, lr: float, t: int) -> None:
        raise NotImplementedError


class SGD(KerasOptimizer):
    defaults_keras = {'learning_rate': 0.01, 'momentum': 0.0, 'nesterov': False}

    def update(self, p, g, state, lr, t):
        momentum = float(self.options['momentum'])
        if momentum == 0:
            p.sub_(g * lr)
            return
        m = state.setdefault('m', torch.zeros_like(p))
        m.mul_(momentum).sub_(g * lr)
        if self.options['nesterov']:
            p.add_(m * momentum - g * lr)
        else:
            p.add_(m)


class Adam(KerasOptimizer):
    defaults_keras = {'learning_rate': 0.001, 'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': 1e-7, 'amsgrad': False}

    def update(self, p, g, state, lr, t):
        b1, b2, eps = float(self.options['beta_1']), float(self.options['beta_2']), float(self.options['epsilon'])
        m = state.setdefault('m', torch.zeros_like(p))
        v = state.setdefault('v', torch.zeros_like(p))
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        m.add_((g - m) * (1 - b1))
        v.add_((g * g - v) * (1 - b2))
        if self.options['amsgrad']:
            v_hat = state.setdefault('v_hat', torch.zeros_like(p))
            torch.maximum(v_hat, v, out=v_hat)
            v = v_hat
        p.sub_(m * alpha / (v.sqrt() + eps))


class Adamax(KerasOptimizer):
    defaults_keras = {'learning_rate': 0.001, 'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': 1e-7}

    def update(self, p, g, state, lr, t):
        b1, b2, eps = float(self.options['beta_1']), float(self.options['beta_2']), float(self.options['epsilon'])
        m = state.setdefault('m', torch.zeros_like(p))
        u = state.setdefault('u', torch.zeros_like(p))
        m.add_((g - m) * (1 - b1))
        torch.maximum(u * b2, g.abs(), out=u)
        p.sub_(m * (lr / (1 - b1 ** t)) / (u + eps))


class Nadam(KerasOptimizer):
    defaults_keras = {'learning_rate': 0.001, 'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': 1e-7}

    def step(self, closure=None):
        # Keras keeps one running momentum-decay product for the whole optimizer.
        t = self.iterations + 1
        b1 = float(self.options['beta_1'])
        self._u_t = b1 * (1.0 - 0.5 * 0.96 ** t)  # Keras 3 dropped Keras 2's 0.004 factor
        self._u_t1 = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        self._u_prod = getattr(self, '_u_prod', 1.0) * self._u_t
        return super().step(closure)

    def update(self, p, g, state, lr, t):
        b1, b2, eps = float(self.options['beta_1']), float(self.options['beta_2']), float(self.options['epsilon'])
        u_t, u_t1, u_prod = self._u_t, self._u_t1, self._u_prod
        m = state.setdefault('m', torch.zeros_like(p))
        v = state.setdefault('v', torch.zeros_like(p))
        m.add_((g - m) * (1 - b1))
        v.add_((g * g - v) * (1 - b2))
        m_hat = m * (u_t1 / (1 - u_prod * u_t1)) + g * ((1 - u_t) / (1 - u_prod))
        v_hat = v / (1 - b2 ** t)
        p.sub_(m_hat * lr / (v_hat.sqrt() + eps))


class RMSprop(KerasOptimizer):
    defaults_keras = {'learning_rate': 0.001, 'rho': 0.9, 'momentum': 0.0, 'epsilon': 1e-7, 'centered': False}

    def update(self, p, g, state, lr, t):
        rho, eps, momentum = float(self.options['rho']), float(self.options['epsilon']), float(self.options['momentum'])
        v = state.setdefault('v', torch.zeros_like(p))
        v.mul_(rho).add_(g * g * (1 - rho))
        if self.options['centered']:
            a = state.setdefault('a', torch.zeros_like(p))
            a.mul_(rho).add_(g * (1 - rho))
            denominator = v - a * a + eps
        else:
            denominator = v + eps
        increment = g * lr / denominator.sqrt()  # Keras: epsilon inside the square root
        if momentum > 0:
            m = state.setdefault('m', torch.zeros_like(p))
            m.mul_(momentum).add_(increment)
            p.sub_(m)
        else:
            p.sub_(increment)


class Adagrad(KerasOptimizer):
    defaults_keras = {'learning_rate': 0.001, 'initial_accumulator_value': 0.1, 'epsilon': 1e-7}

    def update(self, p, g, state, lr, t):
        eps = float(self.options['epsilon'])
        acc = state.setdefault('acc', torch.full_like(p, float(self.options['initial_accumulator_value'])))
        acc.add_(g * g)
        p.sub_(g * lr / (acc + eps).sqrt())


class Adadelta(KerasOptimizer):
    defaults_keras = {'learning_rate': 0.001, 'rho': 0.95, 'epsilon': 1e-7}

    def update(self, p, g, state, lr, t):
        rho, eps = float(self.options['rho']), float(self.options['epsilon'])
        acc_g = state.setdefault('acc_grad', torch.zeros_like(p))
        acc_d = state.setdefault('acc_delta', torch.zeros_like(p))
        acc_g.mul_(rho).add_(g * g * (1 - rho))
        delta = -((acc_d + eps).sqrt() / (acc_g + eps).sqrt()) * g
        acc_d.mul_(rho).add_(delta * delta * (1 - rho))
        p.add_(delta * lr)


OPTIMIZERS = {cls.__name__.lower(): cls for cls in (SGD, Adam, Adamax, Nadam, RMSprop, Adagrad, Adadelta)}


def make_optimizer(name: str, args: Dict[str, Any], params) -> KerasOptimizer:
    cls = OPTIMIZERS.get(name.lower())
    if cls is None:
        raise ValueError(f"unknown optimizer '{name}' (known: {', '.join(c.__name__ for c in OPTIMIZERS.values())})")
    known = set(cls.defaults_keras) | {'lr', 'clipnorm', 'clipvalue', 'global_clipnorm', 'weight_decay', 'name',
                                       'use_ema', 'ema_momentum', 'ema_overwrite_frequency', 'loss_scale_factor',
                                       'gradient_accumulation_steps'}
    unknown = [k for k in args if k not in known]
    if unknown:
        raise ValueError(f"{cls.__name__} has no argument {', '.join(unknown)}")
    return cls(params, **args)
