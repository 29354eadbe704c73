"""python -m modelspec_tune: an Optuna study served over JSON lines on stdin/stdout.

Started by training/tune/optuna-sampler.ts through engines/python-command.ts (python -E, the
working folder off sys.path). Each request line gets exactly one response line, in order; the
end of stdin ends the process. Where Optuna cannot be imported, the first line says so
({"ok": false, "missing": "optuna", ...}) and the process exits 3: the tune then samples in
TypeScript.
"""
import json
import sys
import warnings
from typing import Any, Dict

from .protocol import Response


def write(response: Response) -> None:
    sys.stdout.write(json.dumps(response) + '\n')
    sys.stdout.flush()


def main() -> int:
    try:
        import optuna  # noqa: F401
    except ImportError as e:
        write({'ok': False, 'missing': 'optuna', 'error': f'{sys.executable}: {e}'})
        return 3
    # Optuna's per-trial INFO lines and experimental-feature warnings go to stderr: keep it quiet.
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter('ignore')
    from .study import StudyServer

    server = StudyServer()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request: Dict[str, Any] = json.loads(line)
            write(server.handle(request))
        except Exception as e:  # an error answers this request; the study goes on
            write({'ok': False, 'error': f'{type(e).__name__}: {e}'})
    return 0


if __name__ == '__main__':
    sys.exit(main())
