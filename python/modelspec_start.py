"""How every Python command of ModelSpec starts (engines/python-command.ts runs it): `python -m
MODULE ARGS`, with the module run as `__main__`. Nothing here imports torch.

With MODELSPEC_TORCH_SERVER set to the socket of an engine fork server (modelspec_torch/server.py)
and an engine module asked for, the command is handed to that server, which forks a child with
torch already loaded to run it on this process's own stdin, stdout and stderr; this process then
only waits, passes on SIGINT, SIGTERM and SIGHUP, and ends as the child ended (its exit code, or
the same signal). Where there is no server, or it refuses the command, the module runs here, cold.
"""
from __future__ import annotations

import json
import os
import runpy
import select
import signal
import socket
import struct
import sys
import time
from typing import List, Optional

SERVER_ENV = 'MODELSPEC_TORCH_SERVER'
FORWARDED = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, 'SIGHUP') else [])


def _served(module: str) -> bool:
    # The engine's modules, but not the server itself (modelspec_torch/server.py's served_module).
    return module == 'modelspec_torch' or (module.startswith('modelspec_torch.') and module != 'modelspec_torch.server')


def _connect(path: str) -> Optional[socket.socket]:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:
        conn.close()
        return None
    return conn


def _lines(conn: socket.socket):
    buffer = b''
    while True:
        while b'\n' not in buffer:
            try:
                chunk = conn.recv(4096)
            except InterruptedError:
                continue
            if not chunk:
                return
            buffer += chunk
        line, buffer = buffer.split(b'\n', 1)
        yield line.decode('utf-8', 'replace')


def _wait_for(pid: int) -> None:
    """Waits for a process that is not this one's child to end."""
    try:
        fd = os.pidfd_open(pid)  # Linux 5.3+: readable once the process has ended
    except (AttributeError, OSError):
        while True:  # elsewhere: poll
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
    try:
        select.select([fd], [], [])
    finally:
        os.close(fd)


def run_on_server(path: str, module: str, argv: List[str]) -> Optional[int]:
    """The child's exit code (negative: the signal it died of), or None when the server is not
    there or refused (the caller runs the module itself)."""
    conn = _connect(path)
    if conn is None:
        return None
    umask = os.umask(0o022)  # read it (the only way), then put it back
    os.umask(umask)
    header = json.dumps(
        {
            'executable': sys.executable,
            'module': module,
            'argv': argv,
            'cwd': os.getcwd(),
            'env': dict(os.environ),
            'umask': umask,
        }
    ).encode('utf-8')
    child: List[int] = []
    pending: List[int] = []

    def forward(signum, _frame):
        if child:
            try:
                os.kill(child[0], signum)
            except ProcessLookupError:
                pass
        else:
            pending.append(signum)

    previous = {s: signal.signal(s, forward) for s in FORWARDED}
    try:
        try:
            socket.send_fds(conn, [struct.pack('>I', len(header)) + header], [0, 1, 2])
        except OSError:
            return None
        for line in _lines(conn):
            word, _, rest = line.partition(' ')
            if word == 'refused':
                if os.environ.get('MODELSPEC_DEBUG_SERVER') == '1':
                    sys.stderr.write(f'modelspec: the engine server did not take this command: {rest}\n')
                return None
            if word == 'pid':
                child.append(int(rest))
                for signum in pending:
                    forward(signum, None)
            elif word == 'exit':
                return int(rest)
            elif word == 'signal':
                return -int(rest)
        if not child:
            return None  # the server ended before taking the command
        # The server went (killed) while its child runs on: end after it, so that whoever started
        # this process still reads all of its output before seeing it end.
        _wait_for(child[0])
        sys.stderr.write('modelspec: the engine server ended while it ran this command (its exit status is lost)\n')
        return 1
    finally:
        conn.close()
        for s, handler in previous.items():
            signal.signal(s, handler)


def main() -> None:
    module = sys.argv.pop(1)
    server = os.environ.get(SERVER_ENV)
    if server and _served(module):
        code = run_on_server(server, module, sys.argv[1:])
        if code is not None:
            if code < 0:
                signal.signal(-code, signal.SIG_DFL)
                os.kill(os.getpid(), -code)
            sys.exit(code)
    runpy.run_module(module, run_name='__main__', alter_sys=True)


if __name__ == '__main__':
    main()
