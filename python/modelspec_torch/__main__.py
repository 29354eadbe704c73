"""Command line of the PyTorch engine.

    python3 -m modelspec_torch RUNSPEC.json             train; events on stdout + <runDir>/events.jsonl
    python3 -m modelspec_torch --warm                   imports everything, then waits (MODELSPEC_WARM_IDLE
                                                        seconds, default 300) for one RUNSPEC.json path
                                                        on stdin and trains it as above: a run's first
                                                        point without Python's and torch's start
    python3 -m modelspec_torch --probe                  one JSON line: torch version, CUDA, MPS, threads
    python3 -m modelspec_torch --describe SPEC.json     per-layer output shapes and parameter counts
                                                        (a JSON list of models gives a list)
    python3 -m modelspec_torch --first-batch-loss SPEC.json   loss on the first batch, no update
    python3 -m modelspec_torch --export-onnx SPEC.json OUT.onnx
                                                        the model of a RunSpec with its initialWeights
                                                        as ONNX; one JSON line {"opset"} or {"error"}

SPEC.json for --describe may be a RunSpec or just the Keras model JSON. During training a
line {"type": "stop"} on stdin, SIGINT, SIGTERM or SIGHUP stops within one batch and still saves
the model; so does the end of stdin when MODELSPEC_STOP_ON_EOF=1 (set by the launcher, whose
death closes that pipe).
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import traceback

if __package__ in (None, ''):  # run as a file: python/modelspec_torch/__main__.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = 'modelspec_torch'

# OpenMP reads its wait policy once, when torch loads it: set before the import below. PASSIVE
# keeps every core's thread but lets it sleep instead of spinning between parallel regions, so a
# busy neighbour (an editor, a browser, another build) does not make the threads wait for each
# other's time slices. Measured (modelspec_torch/contention.py, and the hand-written CNN
# loop next to one busy process: 2 threads 530 samples/s, 1 thread 859, 2 threads PASSIVE 874),
# it holds up best under contention without giving up the cores on a quiet machine.
# A user's own OMP_WAIT_POLICY wins.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

from modelspec_torch.device import configure_allocator, configure_threads, probe  # noqa: E402


def _load(path: str):
    with open(path) as f:
        return json.load(f)


def _print(obj) -> None:
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def _listen_for_stop(stop, on_eof=None) -> None:
    def handler(signum, frame):
        if signum == signal.SIGINT:
            stop.request('stopped by the user (SIGINT)')
        else:
            stop.request(f'stopped ({signal.Signals(signum).name})')
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    if hasattr(signal, 'SIGHUP'):  # not on Windows
        signal.signal(signal.SIGHUP, handler)
    stop_on_eof = os.environ.get('MODELSPEC_STOP_ON_EOF') == '1'

    def read_stdin():
        try:
            for line in sys.stdin:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if isinstance(message, dict) and message.get('type') == 'stop':
                    stop.request(str(message.get('reason') or 'stopped by the user'))
        except (OSError, ValueError):
            pass
        if stop_on_eof:
            if on_eof is not None:
                on_eof()
            stop.request('stopped: the process that started the run ended (its pipe to the engine closed)')
    threading.Thread(target=read_stdin, name='stdin-stop', daemon=True).start()


def run(spec_path: str) -> int:
    from modelspec_torch.files import DiskError
    from modelspec_torch.protocol import EventSink, FailedEvent, now_iso, set_sink
    from modelspec_torch.train import RunFailed, StopRequest, Trainer
    from modelspec_torch.distributed import placement_from_env, quiet_sink
    from modelspec_torch.launcher import launch, needs_launcher
    spec = _load(spec_path)
    stop = StopRequest()
    try:
        if needs_launcher(spec):
            _listen_for_stop(stop)
            return launch(spec_path, spec, stop)
        placement = placement_from_env()
    except (ValueError, DiskError) as e:
        sys.stderr.write(f'modelspec_torch: {e}\n')
        return 1
    try:
        if placement is not None and not placement.is_main:
            sink = quiet_sink()
        else:
            # Under modelspec's launcher, rank 0's events go to the launcher, which writes the file.
            child = placement is not None and placement.launcher == 'modelspec'
            sink = EventSink(None if child else spec.get('runDir'))
    except DiskError as e:
        sys.stderr.write(f'{e}\n')
        return 1
    set_sink(sink)
    # Rank 0 under modelspec's launcher: if the launcher dies, its events go to events.jsonl
    # itself, so the run folder ends with the `stopped` event of the save that follows.
    orphaned = None
    if placement is not None and placement.is_main and placement.launcher == 'modelspec' and spec.get('runDir'):
        orphaned = lambda: sink.write_file_too(spec['runDir'])  # noqa: E731
    _listen_for_stop(stop, orphaned)
    # A data-parallel worker tells its launcher it is alive from here on (launcher.py's hang
    # detection). Not earlier: loading torch's libraries holds the interpreter for seconds.
    from modelspec_torch.heartbeat import start_heartbeat
    start_heartbeat()
    trainer = Trainer(spec, sink, stop, placement)
    try:
        return trainer.run()
    except RunFailed as e:
        event: FailedEvent = {'type': 'failed', 'time': now_iso(), 'message': str(e)}
        if e.epoch is not None:
            event['epoch'] = e.epoch
        if e.batch is not None:
            event['batch'] = e.batch
        sink.emit(event)
        return 1
    except DiskError as e:
        # A full or read-only disk: the path and the cause are the whole story, no traceback.
        event = {'type': 'failed', 'time': now_iso(), 'message': str(e)}
        if trainer.current_epoch is not None:
            event['epoch'] = trainer.current_epoch
        sink.emit(event)
        return 1
    except Exception as e:  # noqa: BLE001 - every failure becomes a `failed` event
        detail = traceback.format_exc()
        sys.stderr.write(detail)
        if spec.get('runDir'):
            try:
                with open(os.path.join(spec['runDir'], 'error.log'), 'w') as f:
                    f.write(detail)
            except OSError:
                pass  # the traceback is on stderr already
        sink.emit({'type': 'failed', 'time': now_iso(), 'message': f'{type(e).__name__}: {e}'})
        return 1
    finally:
        trainer.replicas.close()
        sink.close()


def main(argv) -> int:
    configure_threads()
    configure_allocator()
    if not argv or argv[0] in ('-h', '--help'):
        print(__doc__)
        return 0 if argv else 2
    if argv[0] == '--probe':
        _print(probe())
        return 0
    if argv[0] == '--describe':
        from modelspec_torch.model import KerasSequential, describe
        spec = _load(argv[1])

        def one(model_json):
            try:
                return describe(KerasSequential(model_json.get('model', model_json)))
            except (ValueError, KeyError, TypeError) as e:
                return {'error': str(e)}
        # A list of models gives a list of descriptions: one process for many checks.
        result = [one(m) for m in spec] if isinstance(spec, list) else one(spec)
        _print(result)
        return 0 if isinstance(spec, list) or 'error' not in result else 1
    if argv[0] in ('--first-batch-loss', '--loss-on-first-batch'):
        from modelspec_torch.train import first_batch_loss
        _print(first_batch_loss(_load(argv[1])))
        return 0
    if argv[0] == '--export-onnx':
        return export_onnx_command(argv[1:])
    if argv[0] == '--warm':
        return warm()
    return run(argv[0])


WARM_READY = 'modelspec-warm-ready'  # training/warm-engine.ts waits for this line on stderr


def warm() -> int:
    """A pre-started engine (training/warm-engine.ts): the imports a run needs are done now, then
    the first stdin line names the RunSpec to train. One run per process, so every run has its own
    state; the next run gets a new warm process. Exits when idle too long or when stdin ends."""
    import modelspec_torch.train  # noqa: F401 - the run's imports, paid before it is asked for
    import modelspec_torch.launcher  # noqa: F401
    try:
        idle = float(os.environ.get('MODELSPEC_WARM_IDLE') or 300)
    except ValueError:
        idle = 300.0
    timer = threading.Timer(idle, lambda: os._exit(0))  # nothing started yet: nothing to clean up
    timer.daemon = True
    timer.start()
    sys.stderr.write(WARM_READY + '\n')
    sys.stderr.flush()
    line = sys.stdin.readline()
    timer.cancel()
    spec_path = line.strip()
    if not spec_path:
        return 0  # the parent went away (or sent nothing) before a run
    return run(spec_path)


def export_onnx_command(args) -> int:
    """`modelspec export RUN_DIR --to onnx`: any run's model (whichever engine trained it), built
    from its spec with the saved weights loaded as `evaluate` loads them."""
    from modelspec_torch.export import export_onnx, onnx_opset
    from modelspec_torch.train import RunFailed, build_checked_model
    if len(args) != 2:
        _print({'error': 'usage: --export-onnx SPEC.json OUT.onnx'})
        return 2
    try:
        model = build_checked_model(_load(args[0]))
    except (RunFailed, ValueError, KeyError, TypeError, OSError) as e:
        _print({'error': str(e)})
        return 1
    problem = export_onnx(model, args[1])
    _print({'error': problem} if problem else {'opset': onnx_opset(), 'path': args[1]})
    return 1 if problem else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
