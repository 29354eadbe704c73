"""The run protocol, mirrored from training/protocol.ts.

The engine reads a RunSpec (JSON file) and writes RunEvents: one JSON object per line on
stdout, and the same line appended to <runDir>/events.jsonl. Each line is flushed as it is
written so a process killed with SIGKILL leaves only complete lines behind.

The TypedDicts below mirror protocol.ts field for field (NotRequired = `?` there);
test/architecture/protocol-parity.test.ts fails, naming the field, when the two differ.
"""
import datetime
import json
import math
import os
import sys
import threading
# No `from __future__ import annotations` here: NotRequired[...] must be evaluated for
# __required_keys__ to be right (the parity test and runtime readers rely on it).
from typing import Any, Dict, List, Literal, NotRequired, Optional, Tuple, TypedDict, Union, get_args

from .files import DiskError, append_line, disk_error, make_dirs


Task = Literal['binary', 'multiclass', 'multilabel', 'regression', 'image-to-image']

# Bounds on an `evaluated` event, as EVALUATION_LIMITS in protocol.ts (evaluate.py applies them).
EVALUATION_LIMITS: Dict[str, int] = {'labels': 256, 'points': 500, 'images': 8, 'imageSide': 64}


class TensorFile(TypedDict):
    path: str
    dtype: Literal['uint8', 'float32', 'int32']
    shape: List[int]
    offset: NotRequired[int]


class InitialWeights(TypedDict):
    tensors: List[TensorFile]
    layers: NotRequired[int]
    source: NotRequired[str]


class LayerWeights(TypedDict):
    layer: str
    tensors: List[TensorFile]
    source: str


class AdaptedWeights(TypedDict):
    layer: str
    shape: List[int]
    mean: List[float]
    variance: List[float]
    count: float


class PreparedSplit(TypedDict):
    x: TensorFile
    y: TensorFile


class PreparedData(TypedDict):
    source: str
    train: PreparedSplit
    validation: NotRequired[PreparedSplit]
    test: NotRequired[PreparedSplit]
    validationSplit: float
    rescale: float
    classes: NotRequired[List[str]]  # class names; multi-label csv: the label columns
    task: NotRequired[Task]
    classMode: NotRequired[Literal['input']]  # targets are the inputs (autoencoders)
    vocabulary: NotRequired[List[str]]  # csv(text=...): the token ids' vocabulary (0 padding, 1 '[UNK]')
    labelEncoding: Literal['onehot', 'index', 'raw']
    shuffle: bool
    augment: NotRequired[Dict[str, Union[float, bool, List[float]]]]
    isImage: bool
    imageShape: NotRequired[List[int]]  # [H, W, C] of an image source, also when x is flattened


class CallbackSpec(TypedDict):
    name: str
    args: Dict[str, Any]


class SequentialConfig(TypedDict):
    name: str
    layers: List[Dict[str, Any]]  # KerasLayerConfig: Keras's own layer JSON, read by model.py


class ModelJson(TypedDict):
    class_name: Literal['Sequential']
    config: SequentialConfig


class OptimizerSpec(TypedDict):
    name: str
    args: Dict[str, Union[float, bool]]


class CompileSpec(TypedDict):
    loss: str
    optimizer: OptimizerSpec
    metrics: List[str]


class FitSpec(TypedDict):
    epochs: int
    batchSize: int
    seed: NotRequired[int]
    callbacks: List[CallbackSpec]
    backend: str
    engineReason: NotRequired[str]
    mixedPrecision: bool
    precisionPolicy: NotRequired[Literal['mixed_float16', 'mixed_bfloat16']]
    devices: int
    nnodes: int
    nodeRank: NotRequired[int]
    master: NotRequired[str]


class ParamCounts(TypedDict):
    total: int
    trainable: int
    nonTrainable: int


class LrFindSettings(TypedDict):
    startLearningRate: float
    endLearningRate: float
    steps: int
    smoothing: float
    divergeFactor: float


class TrialSpec(TypedDict):
    number: int
    execution: int
    tuneDir: str
    hyperparameters: Dict[str, Union[float, str, bool]]


class RunSpec(TypedDict):
    model: ModelJson
    modelName: str
    sourceFile: str
    compile: CompileSpec
    data: PreparedData
    fit: FitSpec
    expectedParams: ParamCounts
    runDir: str
    mode: NotRequired[Literal['train', 'evaluate', 'lr-find']]
    lrFind: NotRequired[LrFindSettings]  # mode 'lr-find': the learning-rate range test (lr_find.py)
    initialWeights: NotRequired[InitialWeights]
    layerWeights: NotRequired[List[LayerWeights]]
    adapted: NotRequired[List[AdaptedWeights]]  # Normalization adapted on the training data, set after initialWeights
    summaryTable: NotRequired[str]  # the checker's summary table, for a run folder rebuilt later
    trial: NotRequired[TrialSpec]  # a tune trial's place in the search (TensorBoard's HParams); unused here


Metrics = Dict[str, float]


class SampleCounts(TypedDict):
    train: int
    validation: int
    test: int


class StartedEvent(TypedDict):
    type: Literal['started']
    time: str
    engine: Literal['tfjs', 'torch']
    backend: str
    device: str
    reason: str
    params: ParamCounts
    samples: SampleCounts
    epochs: int
    batchSize: int
    stepsPerEpoch: int
    runDir: str
    model: str
    worldSize: NotRequired[int]
    nodes: NotRequired[int]
    devices: NotRequired[List[str]]


class BatchEvent(TypedDict):
    type: Literal['batch']
    epoch: int
    batch: int
    batches: int
    loss: float
    metrics: Metrics
    samplesPerSec: float
    time: float


class EpochEvent(TypedDict):
    type: Literal['epoch']
    epoch: int
    epochs: int
    loss: float
    metrics: Metrics
    valLoss: NotRequired[float]
    valMetrics: NotRequired[Metrics]
    learningRate: float
    seconds: float
    samplesPerSec: float


class CheckpointEvent(TypedDict):
    type: Literal['checkpoint']
    epoch: int
    path: str
    monitor: NotRequired[str]
    value: NotRequired[float]
    best: bool


class PredictionSample(TypedDict):
    index: int
    label: str
    predicted: str
    confidence: float
    image: NotRequired[str]


class LabelScore(TypedDict):
    name: str
    precision: float
    recall: float
    f1: float
    support: int


class MultiLabelReport(TypedDict):
    threshold: float
    exactMatch: float
    labelCount: int
    labels: List[LabelScore]


class RegressionReport(TypedDict):
    mae: float
    rmse: float
    r2: float
    outputs: int
    output: int
    count: int
    trueValues: List[float]
    predicted: List[float]


class ImageTriple(TypedDict):
    index: int
    input: NotRequired[str]
    target: str
    output: str
    mse: float


class ImageReport(TypedDict):
    mse: float
    psnr: NotRequired[float]
    peak: float
    triples: List[ImageTriple]


class EvaluatedEvent(TypedDict):
    type: Literal['evaluated']
    loss: float
    metrics: Metrics
    confusionMatrix: NotRequired[List[List[int]]]
    classes: NotRequired[List[str]]
    samples: NotRequired[List[PredictionSample]]
    task: NotRequired[Task]
    multiLabel: NotRequired[MultiLabelReport]
    regression: NotRequired[RegressionReport]
    images: NotRequired[ImageReport]


class LogEvent(TypedDict):
    type: Literal['log']
    level: Literal['info', 'warning']
    message: str


class LrPointEvent(TypedDict):
    """One batch of the learning-rate range test (mode 'lr-find'), step 1-based."""
    type: Literal['lr_point']
    step: int
    learningRate: float
    loss: float
    smoothedLoss: float


class CallbackEvent(TypedDict):
    """A callback acted: facts only; training/callback-events.ts words them."""
    type: Literal['callback']
    callback: Literal['EarlyStopping', 'ReduceLROnPlateau']
    action: Literal['stopTraining', 'reduceLearningRate']
    epoch: int
    monitor: str
    wait: int
    best: NotRequired[float]
    bestEpoch: NotRequired[int]
    restoredEpoch: NotRequired[int]
    oldLearningRate: NotRequired[float]
    newLearningRate: NotRequired[float]


class FinishedEvent(TypedDict):
    type: Literal['finished']
    time: str
    epochs: int
    seconds: float
    modelPath: str


class StoppedEvent(TypedDict):
    type: Literal['stopped']
    time: str
    reason: str
    epoch: int
    modelPath: NotRequired[str]


class FailedEvent(TypedDict):
    type: Literal['failed']
    time: str
    message: str
    epoch: NotRequired[int]
    batch: NotRequired[int]


RunEvent = Union[StartedEvent, BatchEvent, EpochEvent, CheckpointEvent, EvaluatedEvent, LogEvent,
                 LrPointEvent, CallbackEvent, FinishedEvent, StoppedEvent, FailedEvent]

EVENT_TYPES: Tuple[str, ...] = tuple(get_args(t.__annotations__['type'])[0] for t in get_args(RunEvent))


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
        self._orphan = False  # writing the file because the launcher that did is gone
        if run_dir:
            make_dirs(run_dir)
            self._path = os.path.join(run_dir, 'events.jsonl')
            try:
                self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            except OSError as e:
                raise disk_error(e, self._path) from e

    def write_file_too(self, run_dir: str) -> None:
        """From now on also append to <run_dir>/events.jsonl: rank 0 of a data-parallel run whose
        launcher (which wrote its events there) died, so the run folder still gets its final
        event. A final event is not appended when the file already ends with one (the process
        that started the launcher records its death as `failed`)."""
        with self._lock:
            if self._fd is not None:
                return
            path = os.path.join(run_dir, 'events.jsonl')
            try:
                self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                self._path = path
                self._orphan = True
            except OSError:
                pass  # nowhere to record: the runs table then tells the run killed

    def _file_has_final(self) -> bool:
        try:
            with open(self._path, 'rb') as f:
                f.seek(max(0, os.fstat(f.fileno()).st_size - 65536))
                tail = f.read().decode('utf-8', 'replace')
        except OSError:
            return False
        return any(f'"type":"{t}"' in tail for t in FINAL_TYPES)

    def emit(self, event: RunEvent) -> None:
        assert event.get('type') in EVENT_TYPES, event.get('type')
        line = json.dumps(_clean(event), separators=(',', ':'), allow_nan=False) + '\n'
        problem: Optional[DiskError] = None
        with self._lock:
            if self._fd is not None and not (self._orphan and event.get('type') in FINAL_TYPES and self._file_has_final()):
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

    def log(self, message: str, level: Literal['info', 'warning'] = 'info') -> None:
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
