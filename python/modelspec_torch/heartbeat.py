"""The worker side of the launcher's hang detection (launcher.py): a thread that writes one byte
to the pipe the launcher passed (MODELSPEC_HEARTBEAT_FD) every MODELSPEC_HEARTBEAT_INTERVAL
seconds. A worker that is alive but stuck (stopped, frozen, a deadlock that holds the
interpreter) stops beating, and the launcher ends the run naming it within its hang timeout,
instead of the other ranks waiting out the 300 s collective timeout.

__main__ starts it once torch is imported: loading torch's libraries holds the interpreter (and
so this thread) for seconds on a busy machine; the launcher allows a longer start for that.
"""
from __future__ import annotations

import os
import threading
import time

FD_ENV = 'MODELSPEC_HEARTBEAT_FD'
INTERVAL_ENV = 'MODELSPEC_HEARTBEAT_INTERVAL'


def start_heartbeat() -> bool:
    """Starts beating when the launcher asked for it; True when started."""
    fd_text = os.environ.pop(FD_ENV, '')  # not inherited by anything this worker starts
    if not fd_text.isdigit():
        return False
    fd = int(fd_text)
    try:
        interval = max(0.05, float(os.environ.get(INTERVAL_ENV) or 1.0))
    except ValueError:
        interval = 1.0

    def beat() -> None:
        while True:
            try:
                os.write(fd, b'.')
            except OSError:  # the launcher is gone: nobody to tell
                return
            time.sleep(interval)
    threading.Thread(target=beat, name='heartbeat', daemon=True).start()
    return True
