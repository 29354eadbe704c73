"""The run protocol, mirrored from server/src/training/protocol.ts (keep the two in step).

The engine reads a RunSpec (JSON file) and writes RunEvents: one JSON object per line on
stdout, and the same line appended to <runDir>/events.jsonl. Each line is flushed as it is
written so a process killed with SIGKILL leaves only complete lines behind.
"""
from __future__ import annotations

import datetime
import json
import math
import os
import sys
import threading
from typing import Any, Dict, List, Literal, Optional, TypedDict

from .files import DiskError, append_line, disk_error, make_dirs


class TensorFile(TypedDict):
    path: str
    dtype: Literal['uint8', 'float32', 'int32']
    shape: List[int]


class PreparedSplit(TypedDict):
    x: TensorFile
    y: TensorFile


class CallbackSpec(TypedDict):
    name: str
    args: Dict[str, Any]


# RunSpec is used as a plain dict (json.load); these aliases document its keys.
RunSpec = Dict[str, Any]  # model, modelName, sourceFile, compile, data, fit, expectedParams, runDir, initialWeights?, summaryTable? (not used here)
RunEvent = Dict[str, Any]  # {"type": "started" | "batch" | "epoch" | "checkpoint" | "evaluated" | "log" | ...}

EVENT_TYPES = ('started', 'batch', 'epoch', 'checkpoint', 'evaluated', 'log', 'finished', 'stopped', 'failed')


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace('+00:00', 'Z')


def _clean(value: Any) -> Any:
    """JSON has no NaN/Infinity: write them as null so every line stays valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


FINAL_TYPES = ('finished', 'stopped', 'failed')


class EventSink:
    """Writes events to stdout and <runDir>/events.jsonl, one complete line at a time.

    If events.jsonl cannot be written (full or read-only disk), the line still goes to stdout
    and emit raises a DiskError naming the file and the cause, which ends the run with a
    `failed` event; final events never raise, so that one always reaches the launcher. Once the
    launcher is gone (stdout is a broken pipe) events go to the file only."""

    def __init__(self, run_dir: Optional[str]):
        self._lock = threading.Lock()
        self._fd: Optional[int] = None
        self._path = ''
        self._stdout_ok = True
        if run_dir:
            make_dirs(run_dir)
            self._path = os.path.join(run_dir, 'events.jsonl')
            try:
                self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            except OSError as e:
                raise disk_error(e, self._path) from e

    def emit(self, event: RunEvent) -> None:
        assert event.get('type') in EVENT_TYPES, event.get('type')
        line = json.dumps(_clean(event), separators=(',', ':'), allow_nan=False) + '\n'
        problem: Optional[DiskError] = None
        with self._lock:
            if self._fd is not None:
                try:
                    # One write() per line: a kill -9 or a full disk cannot leave half a line.
                    append_line(self._fd, self._path, line.encode('utf-8'))
                except DiskError as e:
                    problem = e
            self._write_stdout(line)
        if problem is not None and event.get('type') not in FINAL_TYPES:
            raise problem

    def _write_stdout(self, line: str) -> None:
        if not self._stdout_ok:
            return
        try:
            sys.stdout.write(line)
            sys.stdout.flush()
        except (BrokenPipeError, OSError, ValueError):
            # The launcher died: keep training into events.jsonl; silence stdout for good so
            # the interpreter's exit flush does not complain either.
            self._stdout_ok = False
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                os.close(devnull)
            except (OSError, ValueError):
                pass

    def log(self, message: str, level: str = 'info') -> None:
        self.emit({'type': 'log', 'level': level, 'message': message})

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None


_default_sink: Optional[EventSink] = None


def set_sink(sink: EventSink) -> None:
    global _default_sink
    _default_sink = sink


def emit(event: RunEvent) -> None:
    """Emit through the current run's sink (stdout only when no run is open)."""
    global _default_sink
    if _default_sink is None:
        _default_sink = EventSink(None)
    _default_sink.emit(event)
