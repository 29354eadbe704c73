"""The engine's fork server: Python, torch and the engine imported once, then one forked child per
engine command, so a command starts in milliseconds instead of the second or two that importing
torch takes. `modelspec tune` runs its trials through one (each trial is an engine start), and so
do the tests (scripts/test.mjs).

    python3 -E -u -c BOOTSTRAP python/ modelspec_torch.server SOCKET

listens on the Unix socket SOCKET (its folder must be private to this user: 0700) until its stdin
ends (the process that started it went away) or it is idle for MODELSPEC_SERVER_IDLE seconds
(default 600). modelspec_start.py is the other end: a command started as usual
(engines/python-command.ts) with MODELSPEC_TORCH_SERVER=SOCKET in its environment hands its
stdin, stdout and stderr (the file descriptors themselves, SCM_RIGHTS), arguments, working folder
and environment to this server and waits; the forked child takes them over and runs the module
exactly as the cold start would (runpy, `__main__`). Its exit status goes back to the waiting
process, which exits the same way, so whoever started that process sees an engine process as
ever: the same pipes, exit codes and signals (SIGINT, SIGTERM and SIGHUP are passed on; if the
waiting process is killed outright, the child is killed too).

A request is refused, and the command starts cold, when it asks for another interpreter or
module, or when its environment differs from this server's in a variable read while torch and
its libraries load (OpenMP, BLAS, the loader: IMPORT_ENV_PREFIXES): the child could not honour it.
"""
from __future__ import annotations

import atexit
import gc
import json
import os
import runpy
import select
import signal
import socket
import struct
import sys
import threading
import time
from typing import Dict, List, Optional, Tuple

# Variables read when Python, torch, OpenMP, BLAS or the dynamic loader start (not later): a child
# of this server has started under the server's values (the locale: Python's stdio encoding).
# CUDA reads its variables when CUDA starts, which the server never does, so CUDA_VISIBLE_DEVICES
# (a tune trial's GPU) may differ.
IMPORT_ENV_PREFIXES = (
    'OMP_', 'KMP_', 'GOMP_', 'MKL_', 'OPENBLAS_', 'GOTO', 'LD_', 'PYTORCH_', 'TORCH_', 'MALLOC_', 'LC_', 'LANG',
)

READY = 'modelspec-server-ready'  # engines/torch-server.ts waits for this line on stderr
MAX_REQUEST = 4 * 1024 * 1024  # the environment and arguments of one command
REQUEST_SECONDS = 10.0  # a request not whole by then is dropped (modelspec_start.py sends it at once)


def import_env(env: Dict[str, str]) -> Dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith(IMPORT_ENV_PREFIXES)}


def served_module(module: str) -> bool:
    return module == 'modelspec_torch' or (module.startswith('modelspec_torch.') and module != 'modelspec_torch.server')


class Request:
    def __init__(self, header: Dict[str, object], fds: List[int]) -> None:
        self.executable = str(header.get('executable', ''))
        self.module = str(header.get('module', ''))
        argv = header.get('argv')
        self.argv = [str(a) for a in argv] if isinstance(argv, list) else []
        self.cwd = str(header.get('cwd', ''))
        umask = header.get('umask')
        self.umask = umask if isinstance(umask, int) else None
        env = header.get('env')
        self.env = {str(k): str(v) for k, v in env.items()} if isinstance(env, dict) else {}
        self.fds = fds


class Incoming:
    """A connection whose request is still arriving: a 4-byte length, then that much JSON; the three
    descriptors come with the first bytes. Read as it arrives, in the server's loop, so a client
    that sends part of its request and stalls holds up no one (it is dropped after
    MODELSPEC_SERVER_REQUEST_SECONDS, default REQUEST_SECONDS)."""

    def __init__(self, conn: socket.socket, seconds: float) -> None:
        conn.setblocking(False)
        self.conn = conn
        self.data = bytearray()
        self.fds: List[int] = []
        self.deadline = time.monotonic() + seconds

    def receive(self) -> Optional[bool]:
        """Reads what has arrived: True once the request is whole, False while more is to come,
        None for a connection to drop (closed, no descriptors, too long)."""
        try:
            if self.data:
                data = self.conn.recv(65536)
            else:
                data, fds, _flags, _addr = socket.recv_fds(self.conn, 65536, 3)
                self.fds = list(fds)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return None
        if not data or len(self.fds) != 3:
            return None
        self.data += data
        if len(self.data) < 4:
            return False
        (length,) = struct.unpack('>I', self.data[:4])
        if length > MAX_REQUEST:
            return None
        return len(self.data) >= 4 + length

    def request(self) -> Optional[Request]:
        """The whole request (after receive() said True), or None if it is not a JSON object."""
        (length,) = struct.unpack('>I', self.data[:4])
        try:
            header = json.loads(bytes(self.data[4 : 4 + length]).decode('utf-8'))
        except ValueError:
            return None
        if not isinstance(header, dict):
            return None
        self.conn.setblocking(True)
        fds, self.fds = self.fds, []
        return Request(header, fds)

    def drop(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []
        self.conn.close()


def _refusal(request: Request, own_env: Dict[str, str]) -> Optional[str]:
    if os.path.realpath(request.executable) != os.path.realpath(sys.executable):
        return f'another interpreter ({request.executable})'
    if not served_module(request.module):
        return f'module {request.module} is not the engine'
    if request.argv[:1] == ['--warm']:
        return 'a warm engine waits for its run: it gains nothing from a fork'
    wanted = dict(request.env)
    wanted.setdefault('OMP_WAIT_POLICY', 'PASSIVE')  # as modelspec_torch/__main__.py does
    if import_env(wanted) != own_env:
        return 'its environment differs in a variable read when torch loads'
    return None


def _send(conn: socket.socket, line: str) -> None:
    try:
        conn.sendall((line + '\n').encode('utf-8'))
    except OSError:
        pass  # the waiting process is gone: its child was killed with it


def serve(path: str) -> Optional[Request]:
    """Serves until stdin ends or the server is idle too long (returns None), or returns the
    request a forked child is to run (in that child)."""
    # Listening before the imports below, and saying so: a command sent meanwhile waits in the
    # queue for them (a second or two), where without the socket it would import torch itself.
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    server_pid = os.getpid()
    # Ctrl+C in a terminal reaches the whole process group, this server included: it is for the
    # runs (each stops and saves); the server ends when its starter does (stdin), after them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, 'SIGHUP'):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    sys.stderr.write(READY + '\n')
    sys.stderr.flush()
    try:
        return _serve(listener)
    finally:
        if os.getpid() == server_pid:
            try:
                os.unlink(path)
            except OSError:
                pass


def _serve(listener: socket.socket) -> Optional[Request]:
    # What a run imports, paid once here (modelspec_torch/__main__ sets OMP_WAIT_POLICY first).
    import modelspec_torch.__main__  # noqa: F401
    import modelspec_torch.train  # noqa: F401
    import modelspec_torch.launcher  # noqa: F401
    # Each child runs __main__ afresh, as `python -m` does (runpy warns about a module it finds loaded).
    del sys.modules['modelspec_torch.__main__']
    # What is loaded now is never freed: kept out of the collector's way, a child's collections
    # do not touch (and so copy) the pages it lies in.
    gc.freeze()
    own_env = import_env(dict(os.environ))
    idle = _seconds('MODELSPEC_SERVER_IDLE', 600.0)
    request_seconds = _seconds('MODELSPEC_SERVER_REQUEST_SECONDS', REQUEST_SECONDS)
    # SIGCHLD wakes the select below through this pipe (a child ended: report it at once).
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: Dict[int, socket.socket] = {}  # child pid -> the waiting process's connection
    pending: List[Incoming] = []  # connections whose request has not come whole yet
    stdin_open = True
    while stdin_open or children:
        watched: List[object] = [wake_r, *children.values(), *(p.conn for p in pending)]
        if stdin_open:
            watched += [listener, 0]
        ready, _, _ = select.select(watched, [], [], idle if not (children or pending) else 1.0)
        if not ready and not children and not pending:
            break  # idle
        if 0 in ready:
            if not os.read(0, 4096):
                stdin_open = False  # the starter went away: finish the running children, then end
                listener.close()
        if wake_r in ready:
            try:
                while os.read(wake_r, 512):
                    pass
            except BlockingIOError:
                pass
        _reap(children)
        for conn in [c for c in children.values() if c in ready]:
            # The waiting process ended (or wrote, which it never does): its child goes too.
            if not _peek_alive(conn):
                for pid, c in list(children.items()):
                    if c is conn:
                        _kill(pid)
        if listener in ready and stdin_open:
            try:
                conn, _ = listener.accept()
                pending.append(Incoming(conn, request_seconds))
            except OSError:
                pass
        now = time.monotonic()
        for incoming in list(pending):
            whole = incoming.receive() if incoming.conn in ready else (False if now < incoming.deadline else None)
            if whole is False:
                continue
            pending.remove(incoming)
            request = incoming.request() if whole else None
            if request is None:
                incoming.drop()
                continue
            others = [listener, *(p.conn for p in pending), *children.values()]
            # A child keeps none of them, nor the descriptors of requests still arriving.
            other_fds = [wake_r, wake_w, *(fd for p in pending for fd in p.fds)]
            forked = _start(incoming.conn, request, own_env, children, others, other_fds)
            if forked is not None:
                return forked  # in the child
    return None


def _seconds(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


def _start(
    conn: socket.socket,
    request: Request,
    own_env: Dict[str, str],
    children: Dict[int, socket.socket],
    server_sockets: List[socket.socket],
    other_fds: List[int],
) -> Optional[Request]:
    refusal = _refusal(request, own_env)
    if refusal is not None:
        _send(conn, 'refused ' + refusal)
        for fd in request.fds:
            os.close(fd)
        conn.close()
        return None
    pid = os.fork()
    if pid == 0:
        # The child: none of the server's sockets, signal handlers or wake-up pipe.
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if hasattr(signal, 'SIGHUP'):
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
        for s in [conn, *server_sockets]:
            s.close()
        for fd in other_fds:
            os.close(fd)
        return request
    for fd in request.fds:
        os.close(fd)
    children[pid] = conn
    _send(conn, f'pid {pid}')
    return None


def _reap(children: Dict[int, socket.socket]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = children.pop(pid, None)
        if conn is None:
            continue
        if os.WIFSIGNALED(status):
            _send(conn, f'signal {os.WTERMSIG(status)}')
        else:
            _send(conn, f'exit {os.waitstatus_to_exitcode(status)}')
        conn.close()


def _peek_alive(conn: socket.socket) -> bool:
    try:
        return conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b''
    except BlockingIOError:
        return True
    except OSError:
        return False


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def become(request: Request) -> int:
    """In the forked child: take over the waiting process's descriptors, folder, environment and
    arguments, then run the module as `python -m` would; its exit code."""
    for target, fd in enumerate(request.fds):
        os.dup2(fd, target)
    for fd in request.fds:
        if fd > 2:
            os.close(fd)
    os.chdir(request.cwd)
    if request.umask is not None:
        os.umask(request.umask)
    os.environ.clear()
    os.environ.update(request.env)
    os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
    # A fresh process draws its seeds from the OS; forked children would all share the server's.
    import random
    random.seed()
    import numpy
    numpy.random.seed()
    sys.argv = [sys.argv[0], *request.argv]
    try:
        runpy.run_module(request.module, run_name='__main__', alter_sys=True)
        return 0
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            return e.code or 0
        sys.stderr.write(f'{e.code}\n')
        return 1
    except KeyboardInterrupt:
        sys.excepthook(*sys.exc_info())
        return -signal.SIGINT
    except BaseException:  # noqa: BLE001 - reported as the interpreter reports it
        sys.excepthook(*sys.exc_info())
        return 1


def end_child(code: int) -> None:
    """Ends the child as the interpreter ends a process (non-daemon threads joined, atexit
    handlers run, output flushed) but without tearing down every object: in a forked child that
    writes to every page torch's import left behind, copying each (measured: 0.7 s of CPU)."""
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    if code < 0:  # died of a signal, as an uncaught KeyboardInterrupt makes Python do
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF)


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write('usage: python3 -m modelspec_torch.server SOCKET\n')
        return 2
    request = serve(argv[0])
    if request is None:
        # Nothing to flush or close: skip tearing down torch's modules (0.4 s of CPU).
        sys.stderr.flush()
        os._exit(0)
    end_child(become(request))
    return 0  # not reached: end_child ends the process


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
