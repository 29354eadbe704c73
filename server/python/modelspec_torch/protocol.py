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
RunSpec = Dict[str, Any]  # model, modelName, sourceFile, compile, data, fit, expectedParams, runDir, initialWeights?
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


class EventSink:
    """Writes events to stdout and <runDir>/events.jsonl, one complete line at a time."""

    def __init__(self, run_dir: Optional[str]):
        self._lock = threading.Lock()
        self._file = None
        if run_dir:
            os.makedirs(run_dir, exist_ok=True)
            # Unbuffered binary append: each write() is one system call, so a kill -9 cannot
            # leave half a line in the file.
            self._file = open(os.path.join(run_dir, 'events.jsonl'), 'ab', buffering=0)

    def emit(self, event: RunEvent) -> None:
        assert event.get('type') in EVENT_TYPES, event.get('type')
        line = json.dumps(_clean(event), separators=(',', ':'), allow_nan=False) + '\n'
        with self._lock:
            if self._file is not None:
                self._file.write(line.encode('utf-8'))
            sys.stdout.write(line)
            sys.stdout.flush()

    def log(self, message: str, level: str = 'info') -> None:
        self.emit({'type': 'log', 'level': level, 'message': message})

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


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
