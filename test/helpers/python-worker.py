"""A warm Python for test snippets (test/helpers/python-worker.ts starts it).

    python3 python-worker.py MODULE...
    python3 python-worker.py --listen SOCKET MODULE...

The second form is the test run's shared worker (scripts/test.mjs starts it once): it listens,
prints {"ready", "loaded"} (what of MODULE... is installed), imports those, and then serves each
connection (those made meanwhile waited in the socket's queue) to the Unix
socket SOCKET as the first form serves its stdin and stdout, in a child forked for that connection
(so the test processes share the imports, not a process). A connection first sends one line
{"cwd", "env"}: its snippets' working folder and environment. The server ends when its stdin ends.

Imports MODULE... once (torch costs about 1.5 s of CPU per import), then reads requests, one JSON
object a line on stdin: {"id", "code", "input", "args", "timeout"}. Each snippet runs in a child
forked from this warm process, as `python3 -c code args...` would run it: a fresh __main__, its
own stdin (`input`), stdout and stderr (files, so C-level writes are caught too), exit status as
Python's (an uncaught exception prints its traceback, from the snippet's own frames, and exits 1).
Nothing a snippet does reaches the next one: each child ends, and this process runs no snippet
code. The answer is one JSON line on stdout: {"id", "status", "signal", "stdout", "stderr",
"timedOut"}. A child past its timeout is killed (SIGKILL) and answered with timedOut. When stdin
ends (the test process closed it or died), the running child is killed and this process exits;
children also get SIGKILL if this process dies (PR_SET_PDEATHSIG).

Fork safety: this process never runs a torch operation, so no OpenMP or intra-op thread pool
exists when it forks; each child sets torch's thread count to what a fresh process would use.
"""

import ctypes
import gc
import io
import json
import os
import select
import signal
import socket
import sys
import tempfile
import time
import traceback
import types

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """SIGKILL this process when its parent goes (Linux; elsewhere stdin's end still ends it)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def preload(names):
    """Imports the heavy modules once; returns the thread count a fresh torch process would use."""
    for name in names:
        __import__(name)
    torch = sys.modules.get('torch')
    # get_num_threads reads OpenMP's setting; it starts no thread.
    return torch.get_num_threads() if torch is not None else None


def run_child(request, threads, out_path, err_path, in_path):
    """In the forked child: runs the snippet as `python -c` would; never returns."""
    code = 1
    try:
        die_with_parent()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for fd, path, flags in (
            (0, in_path, os.O_RDONLY),
            (1, out_path, os.O_WRONLY),
            (2, err_path, os.O_WRONLY),
        ):
            opened = os.open(path, flags)
            os.dup2(opened, fd)
            os.close(opened)
        # Fresh text streams over the new descriptors: nothing buffered in the parent's streams
        # (its requests, its answers) can reach the snippet or its output.
        sys.stdin = sys.__stdin__ = io.TextIOWrapper(
            io.FileIO(0, 'r', closefd=False), encoding='utf-8'
        )
        sys.stdout = sys.__stdout__ = io.TextIOWrapper(
            io.FileIO(1, 'w', closefd=False), encoding='utf-8', write_through=True
        )
        sys.stderr = sys.__stderr__ = io.TextIOWrapper(
            io.FileIO(2, 'w', closefd=False),
            encoding='utf-8',
            errors='backslashreplace',
            write_through=True,
        )
        if threads is not None:
            sys.modules['torch'].set_num_threads(threads)
        sys.argv = ['-c', *request.get('args', [])]
        # `python -c` puts '' (the working folder) first on sys.path, where this process has its
        # own folder.
        sys.path[0] = ''
        main = types.ModuleType('__main__')
        main.__dict__['__builtins__'] = __builtins__
        sys.modules['__main__'] = main
        try:
            exec(compile(request['code'], '<string>', 'exec'), main.__dict__)
            code = 0
        except SystemExit as e:
            code = exit_code(e)
        except (
            BaseException
        ) as e:  # as Python's own top level: the traceback, then status 1
            traceback.print_exception(
                type(e), e, e.__traceback__.tb_next if e.__traceback__ else None
            )
            code = 1
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                code = code or 120  # as Python does when flushing at exit fails
    finally:
        os._exit(code)


def exit_code(e):
    """The status `python -c` exits with after `raise SystemExit(e.code)`."""
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code & 0xFF
    print(e.code, file=sys.stderr)
    return 1


class Requests:
    """Request lines read straight from a descriptor (unbuffered, so a forked child inherits none)."""

    def __init__(self, fd=0):
        self.fd = fd
        self.pending = b''
        self.ended = False

    def read_some(self):
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            self.ended = True
        self.pending += chunk

    def next_line(self):
        while b'\n' not in self.pending:
            if self.ended:
                return None
            self.read_some()
        line, self.pending = self.pending.split(b'\n', 1)
        return line


def serve(requests, request, threads, answer):
    """Runs one request in a forked child; writes its answer. False when stdin ended meanwhile."""
    with tempfile.TemporaryDirectory(prefix='modelspec-python-worker-') as tmp:
        paths = [os.path.join(tmp, name) for name in ('stdout', 'stderr', 'stdin')]
        for path in paths[:2]:
            open(path, 'wb').close()
        with open(paths[2], 'wb') as f:
            f.write(request.get('input', '').encode('utf-8'))
        # Objects the parent made so far are left out of the child's garbage collections, which
        # would otherwise write to every one of them and so copy their pages (copy-on-write).
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            run_child(request, threads, *paths)
        pidfd = os.pidfd_open(pid)
        timed_out = False
        deadline = time.monotonic() + request.get('timeout', 60.0)
        try:
            while True:
                watched = [pidfd] if requests.ended else [pidfd, requests.fd]
                ready, _, _ = select.select(
                    watched, [], [], max(0.0, deadline - time.monotonic())
                )
                if pidfd in ready:
                    break
                if requests.fd in ready:
                    requests.read_some()
                    if requests.ended:  # the test process is gone: so is the snippet
                        os.kill(pid, signal.SIGKILL)
                        os.waitpid(pid, 0)
                        return False
                    continue
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                break
        finally:
            os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        outputs = []
        for path in paths[:2]:
            with open(path, 'rb') as f:
                outputs.append(f.read().decode('utf-8', errors='replace'))
    answer(
        {
            'id': request['id'],
            'status': os.waitstatus_to_exitcode(status)
            if os.WIFEXITED(status)
            else None,
            'signal': signal.Signals(os.WTERMSIG(status)).name
            if os.WIFSIGNALED(status)
            else None,
            'stdout': outputs[0],
            'stderr': outputs[1],
            'timedOut': timed_out,
        }
    )
    return True


def serve_requests(requests, threads, answer):
    """Answers requests until their stream ends."""
    while True:
        line = requests.next_line()
        if line is None:
            return 0
        if line.strip() and not serve(requests, json.loads(line), threads, answer):
            return 0


def main():
    if sys.argv[1:2] == ['--listen']:
        return listen(sys.argv[2], sys.argv[3:])
    die_with_parent()
    # Answers go out through a descriptor of their own; fd 1 is never written by this process.
    answers = os.fdopen(os.dup(1), 'w', encoding='utf-8')
    threads = preload(sys.argv[1:])

    def answer(message):
        answers.write(json.dumps(message) + '\n')
        answers.flush()

    answer({'ready': True})
    return serve_requests(Requests(), threads, answer)


def listen(path, names):
    """The shared worker: one forked child per connection, each a worker as main()'s."""
    die_with_parent()
    # Which of them are installed, found without importing them, and the socket listening: said
    # before the imports, so the test processes start (their connections queue) while torch loads.
    import importlib.util

    loaded = [name for name in names if importlib.util.find_spec(name) is not None]
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(64)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # connection children are reaped by the kernel
    print(json.dumps({'ready': True, 'loaded': loaded}), flush=True)
    for name in loaded:
        try:
            __import__(name)
        except ImportError:
            pass  # a snippet that imports it fails as in a fresh Python
    threads = preload([name for name in loaded if name in sys.modules])
    while True:
        ready, _, _ = select.select([server, 0], [], [])
        if 0 in ready and not os.read(0, 4096):
            server.close()
            os.unlink(path)
            return 0
        if server in ready:
            conn, _ = server.accept()
            if os.fork() == 0:
                server.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os._exit(serve_connection(conn, threads))
            conn.close()


def serve_connection(conn, threads):
    """In a connection's child: its {"cwd", "env"} line, then its requests, until it closes."""
    fd = conn.fileno()
    requests = Requests(fd)
    hello = requests.next_line()
    if hello is None:
        return 0
    setup = json.loads(hello)
    os.chdir(setup['cwd'])
    os.environ.clear()
    os.environ.update(setup['env'])
    # The child's end of the connection dies with it; the test process closing it ends this child.

    def answer(message):
        conn.sendall((json.dumps(message) + '\n').encode('utf-8'))

    answer({'ready': True})
    try:
        return serve_requests(requests, threads, answer)
    except (BrokenPipeError, ConnectionResetError):
        return 0


if __name__ == '__main__':
    sys.exit(main())
