"""Thread policies of the engine on a busy machine, measured.

    node --import tsx test/bench/bench-models.ts /tmp/bench-models.json   # in the repository root
    python3 -m modelspec_torch.contention --models /tmp/bench-models.json [--model mlp|cnn|both] [--rounds 3]

The models come lowered from the examples through the catalog (the engine holds no Keras default).

For each policy (torch's intra-op thread count, OpenMP's wait policy) a fresh process runs the
engine's own training loop (bench.Runner) quiet, then next to a busy neighbour (a process that
spins on one core, as a browser tab or the language server would), interleaved so that the
machine's other load falls on every policy alike. Prints one JSON line per model and policy:
median samples/s quiet and contended, and contended/quiet. OMP_WAIT_POLICY is read when OpenMP
starts, so every policy gets its own process (environment set before torch is imported).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from typing import Dict, List

POLICIES: Dict[str, Dict[str, str]] = {
    'all cores, OpenMP active (torch default)': {'MODELSPEC_TORCH_THREADS': 'all', 'OMP_WAIT_POLICY': 'ACTIVE'},
    'all cores, OMP_WAIT_POLICY=PASSIVE': {'MODELSPEC_TORCH_THREADS': 'all', 'OMP_WAIT_POLICY': 'PASSIVE'},
    '1 thread': {'MODELSPEC_TORCH_THREADS': '1', 'OMP_WAIT_POLICY': 'ACTIVE'},
    '1 thread, OMP_WAIT_POLICY=PASSIVE': {'MODELSPEC_TORCH_THREADS': '1', 'OMP_WAIT_POLICY': 'PASSIVE'},
}

SPIN = 'while True:\n    pass\n'


def _engine_env(policy: Dict[str, str]) -> Dict[str, str]:
    env = dict(os.environ)
    for k, v in policy.items():
        if k == 'MODELSPEC_TORCH_THREADS' and v == 'all':
            env.pop(k, None)
            env['MODELSPEC_TORCH_THREADS'] = str(len(os.sched_getaffinity(0)))
        else:
            env[k] = v
    return env


def measure(kind: str, policy: Dict[str, str], samples: int, epochs: int, busy: bool, models: str) -> float:
    """Median samples/s of `epochs` engine epochs in a fresh process (after one warm-up)."""
    neighbour = subprocess.Popen([sys.executable, '-c', SPIN]) if busy else None
    try:
        main = os.path.join(os.path.dirname(os.path.abspath(__file__)), '__main__.py')
        code = ('import sys; sys.argv = [sys.argv[0]]; '
                'from modelspec_torch.contention import worker; worker(%r, %d, %d, %r)' % (kind, samples, epochs, models))
        r = subprocess.run([sys.executable, '-E', '-c', code], env={**_engine_env(policy), 'PYTHONPATH': ''},
                           cwd=os.path.dirname(os.path.dirname(main)), capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            raise RuntimeError(r.stderr[-2000:])
        return float(r.stdout.strip().splitlines()[-1])
    finally:
        if neighbour is not None:
            neighbour.kill()
            neighbour.wait()


def worker(kind: str, samples: int, epochs: int, models_file: str) -> None:
    from .bench import INPUTS, Runner, load_models, synthetic
    from .device import configure_allocator, configure_threads
    configure_threads()
    configure_allocator()
    x, y = synthetic(samples, INPUTS[kind])
    runner = Runner(kind, x, y, 128, 'torch:cpu', load_models(models_file))
    runner.epoch()  # warm-up
    print(statistics.median(runner.epoch() for _ in range(epochs)))


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--models', required=True, help='the models file test/bench/bench-models.ts writes')
    parser.add_argument('--model', default='both', choices=['mlp', 'cnn', 'both'])
    parser.add_argument('--rounds', type=int, default=3, help='measurements of each policy and condition, interleaved')
    parser.add_argument('--epochs', type=int, default=2, help='timed epochs per measurement')
    parser.add_argument('--samples', type=int, default=0, help='samples per epoch (default: 6400 MLP, 1280 CNN)')
    args = parser.parse_args(argv)
    for kind in (['mlp', 'cnn'] if args.model == 'both' else [args.model]):
        n = args.samples or {'mlp': 6400, 'cnn': 1280}[kind]
        quiet: Dict[str, List[float]] = {p: [] for p in POLICIES}
        busy: Dict[str, List[float]] = {p: [] for p in POLICIES}
        for r in range(args.rounds):
            names = list(POLICIES) if r % 2 == 0 else list(reversed(POLICIES))
            for name in names:
                quiet[name].append(measure(kind, POLICIES[name], n, args.epochs, busy=False, models=args.models))
                busy[name].append(measure(kind, POLICIES[name], n, args.epochs, busy=True, models=args.models))
                sys.stderr.write(f'{kind} round {r + 1}: {name}: quiet {quiet[name][-1]:.0f}, busy {busy[name][-1]:.0f} samples/s\n')
        for name in POLICIES:
            q, b = statistics.median(quiet[name]), statistics.median(busy[name])
            print(json.dumps({'model': f'mnist_{kind}', 'policy': name, 'quietSamplesPerSec': round(q, 1),
                              'contendedSamplesPerSec': round(b, 1), 'contendedOverQuiet': round(b / q, 3)}))
            sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
