"""Starts and supervises the worker processes of a data-parallel run (`devices` > 1, or several
machines), as torchrun would: each worker gets torchrun's environment (RANK, LOCAL_RANK,
WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT) and runs the same engine.

The launcher owns the run's events: global rank 0 prints its events to its stdout and the
launcher writes them to <runDir>/events.jsonl and its own stdout, so the events come from one
rank. A worker that dies ends the run: the others are killed (no orphans) and one `failed` event
names the rank that ended first, how it ended and its last output. A stop request (a stop line
on stdin, SIGINT, SIGTERM, SIGHUP, the end of stdin) is passed to every worker, and the workers
agree on the batch to stop after (distributed.Replicas.agree), so rank 0 saves once.

A worker that hangs without dying (stopped, frozen, deadlocked) would keep the others waiting in
their next collective for torch's 300 s timeout. Each worker beats on a pipe of its own
(heartbeat.py); one silent for the hang timeout (MODELSPEC_DDP_HANG_TIMEOUT seconds, default 30)
ends the run the same way, named as the rank that stopped responding.
"""
from __future__ import annotations

import collections
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Deque, Dict, List, Mapping, Optional, cast

from .device import cpu_threads
from .files import DiskError
from .protocol import EventSink, FailedEvent, RunEvent, RunSpec, now_iso

FINAL = ('finished', 'stopped', 'failed')
TAIL_LINES = 8
HANG_TIMEOUT_ENV = 'MODELSPEC_DDP_HANG_TIMEOUT'
DEFAULT_HANG_TIMEOUT = 30.0
# Until its first heartbeat a worker is starting (Python, torch's import, the process group);
# that may take this long on a busy machine before it counts as hung.
STARTUP_LIMIT = 180.0


def hang_timeout(env: Optional[Mapping[str, str]] = None) -> float:
    """Seconds without a heartbeat after which a worker counts as hung."""
    text = (os.environ if env is None else env).get(HANG_TIMEOUT_ENV, '')
    if not text:
        return DEFAULT_HANG_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f'{HANG_TIMEOUT_ENV}={text!r} is not a number of seconds (e.g. 30)')
    if value <= 0:
        raise ValueError(f'{HANG_TIMEOUT_ENV}={text!r} must be more than 0 seconds')
    return value


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return int(s.getsockname()[1])


@dataclass
class Worker:
    rank: int
    local_rank: int
    process: subprocess.Popen
    tail: Deque[str] = field(default_factory=lambda: collections.deque(maxlen=TAIL_LINES))
    final: Optional[RunEvent] = None
    final_at: float = 0.0
    exited_at: float = 0.0
    killed_by_launcher: bool = False
    started_at: float = 0.0  # time.monotonic() at its start
    last_beat: float = 0.0  # time.monotonic() of its last heartbeat; 0 until the first
    hung_for: float = 0.0  # seconds without a heartbeat when it was found hung


def plan_from_spec(spec: RunSpec):
    """(devices per machine, machines, this machine's rank, master host, master port) from the
    spec's fit settings; the port is a free one when one machine trains alone."""
    fit = spec['fit']
    devices = int(fit['devices'])
    nnodes = int(fit['nnodes'])
    node_rank = int(fit.get('nodeRank') or 0)
    master = str(fit.get('master') or '')
    if nnodes > 1 and not master:
        raise ValueError('training on several machines needs --master HOST:PORT (the machine of node rank 0)')
    if not 0 <= node_rank < nnodes:
        raise ValueError(f'--node-rank {node_rank} is outside 0..{nnodes - 1} (--nnodes {nnodes})')
    if master:
        host, _, port = master.rpartition(':')
        if not host or not port.isdigit():
            raise ValueError(f"--master '{master}' is not HOST:PORT (e.g. node01:29500)")
        return devices, nnodes, node_rank, host, int(port)
    return devices, nnodes, node_rank, '127.0.0.1', free_port()


def worker_command(spec_path: str) -> List[str]:
    """The engine again, by file: -E and no working-directory entry on sys.path (see
    python-command.ts); __main__.py puts the engine's own folder on sys.path."""
    main = os.path.join(os.path.dirname(os.path.abspath(__file__)), '__main__.py')
    return [sys.executable, '-E', '-u', main, spec_path]


class Launcher:
    def __init__(self, spec_path: str, spec: RunSpec, sink: EventSink, stop):
        self.spec_path, self.spec, self.sink, self.stop = spec_path, spec, sink, stop
        self.workers: List[Worker] = []
        self.lock = threading.Lock()
        self.last_event: Optional[RunEvent] = None
        self.stop_sent = False
        self.disk_problem: Optional[str] = None
        self.hang_timeout = DEFAULT_HANG_TIMEOUT

    def start(self) -> None:
        devices, nnodes, node_rank, host, port = plan_from_spec(self.spec)
        self.hang_timeout = hang_timeout()
        world = devices * nnodes
        # The cores are shared between the local workers (each would otherwise take them all).
        threads = os.environ.get('MODELSPEC_TORCH_THREADS') or str(max(1, cpu_threads() // devices))
        beat_every = min(1.0, self.hang_timeout / 5)  # several beats fit in the timeout
        for local in range(devices):
            rank = node_rank * devices + local
            env = dict(os.environ)
            env.update({'RANK': str(rank), 'LOCAL_RANK': str(local), 'WORLD_SIZE': str(world),
                        'LOCAL_WORLD_SIZE': str(devices), 'GROUP_RANK': str(node_rank), 'NODE_RANK': str(node_rank),
                        'MASTER_ADDR': host, 'MASTER_PORT': str(port), 'MODELSPEC_DDP_CHILD': '1',
                        'MODELSPEC_STOP_ON_EOF': '1', 'MODELSPEC_TORCH_THREADS': threads})
            beat_read, beat_write = os.pipe()
            env.update({'MODELSPEC_HEARTBEAT_FD': str(beat_write), 'MODELSPEC_HEARTBEAT_INTERVAL': str(beat_every)})
            try:
                process = subprocess.Popen(worker_command(self.spec_path), env=env, stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
                                           pass_fds=(beat_write,))
            finally:
                os.close(beat_write)  # the worker holds the only write end: its death closes the pipe
            worker = Worker(rank, local, process, started_at=time.monotonic())
            self.workers.append(worker)
            threading.Thread(target=self._read_beats, args=(worker, beat_read), daemon=True).start()
            threading.Thread(target=self._read_stdout, args=(worker,), daemon=True).start()
            threading.Thread(target=self._read_stderr, args=(worker,), daemon=True).start()

    # Reading the workers --------------------------------------------------------------------

    def _forwards(self, worker: Worker) -> bool:
        """Global rank 0's events are the run's; on another machine, its first local worker
        reports (logs and the final event, which its quiet sink lets through)."""
        return worker.rank == 0 or (worker.local_rank == 0 and not any(w.rank == 0 for w in self.workers))

    def _read_stdout(self, worker: Worker) -> None:
        assert worker.process.stdout is not None
        for line in worker.process.stdout:
            event = _parse(line)
            with self.lock:
                if event is None:
                    if line.strip():
                        worker.tail.append(line.rstrip('\n'))
                    continue
                if event['type'] in FINAL:
                    worker.final, worker.final_at = event, time.monotonic()
                    continue  # held until every worker has ended: the run's outcome is decided then
                if event['type'] == 'log':
                    worker.tail.append(str(event.get('message', '')))
                if self._forwards(worker) and self.disk_problem is None:
                    self.last_event = event
                    try:
                        self.sink.emit(event)
                    except DiskError as e:  # events.jsonl cannot be written: the run ends
                        self.disk_problem = str(e)

    def _read_beats(self, worker: Worker, fd: int) -> None:
        try:
            while os.read(fd, 64):
                worker.last_beat = time.monotonic()
        except OSError:
            pass
        finally:
            os.close(fd)

    def _read_stderr(self, worker: Worker) -> None:
        assert worker.process.stderr is not None
        for line in worker.process.stderr:
            with self.lock:
                if line.strip():
                    worker.tail.append(line.rstrip('\n'))
            try:
                sys.stderr.write(f'[rank {worker.rank}] {line}')
                sys.stderr.flush()
            except (OSError, ValueError):
                pass

    # Supervising ---------------------------------------------------------------------------

    def _send_stop(self) -> None:
        message = json.dumps({'type': 'stop', 'reason': self.stop.reason or 'stopped by the user'}) + '\n'
        for w in self.workers:
            try:
                assert w.process.stdin is not None
                w.process.stdin.write(message)
                w.process.stdin.flush()
            except (OSError, ValueError, AssertionError):
                pass

    def kill_all(self) -> None:
        for w in self.workers:
            if w.process.poll() is None:
                w.killed_by_launcher = True
                try:
                    w.process.kill()
                except OSError:
                    pass
        for w in self.workers:
            try:
                w.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def supervise(self) -> int:
        """Waits for the workers; returns the launcher's exit code after the run's final event."""
        failure: Optional[Worker] = None
        while True:
            if self.stop.requested and not self.stop_sent:
                self.stop_sent = True
                self._send_stop()
            running = 0
            now = time.monotonic()
            for w in self.workers:
                code = w.process.poll()
                if code is None:
                    running += 1
                    silent = now - (w.last_beat or w.started_at)
                    limit = self.hang_timeout if w.last_beat else max(self.hang_timeout, STARTUP_LIMIT)
                    if failure is None and silent > limit:
                        w.hung_for = silent  # alive but not responding: the run cannot go on
                        failure = w
                    continue
                if not w.exited_at:
                    w.exited_at = time.monotonic()
                    if failure is None and (code != 0 or w.final is None or w.final['type'] == 'failed'):
                        failure = w
            if failure is not None or running == 0 or self.disk_problem is not None:
                break
            time.sleep(0.05)
        if failure is not None or self.disk_problem is not None:
            # One worker is gone: the others would wait for it in the next collective.
            self.kill_all()
        for w in self.workers:
            w.process.wait()
        time.sleep(0.1)  # the reader threads take the last lines
        return self._finish(failure)

    def _finish(self, failure: Optional[Worker]) -> int:
        with self.lock:
            if self.disk_problem is not None:
                self.sink.emit({'type': 'failed', 'time': now_iso(), 'message': self.disk_problem})
                return 1
            if failure is None:
                main = next((w for w in self.workers if self._forwards(w)), self.workers[0])
                assert main.final is not None
                self.sink.emit(main.final)
                return 0
            first = self._first_failure(failure)
            self.sink.emit(self._failed_event(first))
            return 1

    def _first_failure(self, noticed: Worker) -> Worker:
        """The rank whose end set off the others. A hung rank (no heartbeat) is the cause. A
        rank that died without reporting a failure (killed, crashed) is the cause: its peers
        then fail on a broken connection. Otherwise the first rank to report a failure."""
        if noticed.hung_for:
            return noticed
        silent = [w for w in self.workers if not w.killed_by_launcher and w.process.returncode not in (0, None)
                  and (w.final is None or w.final['type'] != 'failed')]
        if silent:
            return min(silent, key=lambda w: w.exited_at or float('inf'))
        reported = [w for w in self.workers if w.final is not None and w.final['type'] == 'failed']
        if reported:
            return min(reported, key=lambda w: w.final_at)
        return noticed

    def _failed_event(self, w: Worker) -> FailedEvent:
        world = int(os.environ.get('WORLD_SIZE') or 0) or len(self.workers) * int(self.spec['fit'].get('nnodes') or 1)
        code = w.process.returncode
        if w.hung_for:
            how = (f'stopped responding: no heartbeat for {w.hung_for:.0f} s, though its process was alive '
                   f'(hung; {HANG_TIMEOUT_ENV} sets the limit, now {self.hang_timeout:g} s)' if w.last_beat else
                   f'did not start within {w.hung_for:.0f} s, though its process was alive (hung)')
        elif w.final is not None and w.final['type'] == 'failed':
            how = f"failed: {w.final.get('message', '')}"
        elif code is not None and code < 0:
            how = f'was killed by {_signal_name(-code)}'
        elif code:
            how = f'exited with code {code}'
        else:
            how = 'exited without finishing'
        tail = '\n'.join(w.tail)
        message = (f'rank {w.rank} of {world} (pid {w.process.pid}) {how}; the other ranks were stopped'
                   + (f". Its last output:\n{tail}" if tail and not how.startswith('failed') else ''))
        event: FailedEvent = {'type': 'failed', 'time': now_iso(), 'message': message}
        last = self.last_event
        if last is not None and last['type'] in ('batch', 'epoch'):
            event['epoch'] = int(last['epoch'])  # type: ignore[typeddict-item]
        if w.final is not None and w.final['type'] == 'failed':
            if 'epoch' in w.final:
                event['epoch'] = w.final['epoch']
            if 'batch' in w.final:
                event['batch'] = w.final['batch']
        return event


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f'signal {number}'


def _parse(line: str) -> Optional[RunEvent]:
    line = line.strip()
    if not line.startswith('{'):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    if not (isinstance(event, dict) and isinstance(event.get('type'), str)):
        return None
    return cast(RunEvent, event)  # a worker's own event line, written by protocol.EventSink


def launch(spec_path: str, spec: RunSpec, stop) -> int:
    """Runs a data-parallel run from its spec: the workers on this machine, supervised."""
    sink = EventSink(spec.get('runDir'))
    launcher = Launcher(spec_path, spec, sink, stop)
    try:
        try:
            launcher.start()
        except (OSError, ValueError) as e:
            launcher.kill_all()
            sink.emit({'type': 'failed', 'time': now_iso(), 'message': f'cannot start the data-parallel workers: {e}'})
            return 1
        return launcher.supervise()
    finally:
        launcher.kill_all()
        sink.close()


def needs_launcher(spec: RunSpec, env: Optional[Dict[str, str]] = None) -> bool:
    """Several devices or machines asked for, and no launcher (torchrun, srun, ours) set the
    workers' environment."""
    from .distributed import placement_from_env
    fit = spec['fit']
    wanted = int(fit['devices']) * int(fit['nnodes']) > 1
    if not wanted or spec.get('mode') == 'evaluate':  # `modelspec evaluate` of a data-parallel run: one process
        return False
    variables: Mapping[str, str] = os.environ if env is None else env
    if variables.get('WORLD_SIZE') and variables.get('RANK') is not None:
        return False  # a worker: of torchrun, or of this launcher
    if int(fit['nnodes']) > 1:
        return True  # `train --nnodes`: one launcher per machine, even inside an srun task
    return placement_from_env(variables) is None
