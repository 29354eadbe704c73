"""The messages between training/tune/optuna-sampler.ts and this process (mirrored there as
OptunaRequest/OptunaResponse)."""
from typing import Dict, List, Literal, NotRequired, Optional, TypedDict, Union

HyperValue = Union[float, int, str, bool]


class SearchParam(TypedDict):
    name: str
    kind: Literal['choice', 'int', 'float', 'boolean']
    values: NotRequired[List[HyperValue]]
    min: NotRequired[float]
    max: NotRequired[float]
    step: NotRequired[float]
    sampling: NotRequired[Literal['linear', 'log']]
    # The grid search's points of this parameter (training/tune/space.ts gridValues).
    grid: NotRequired[List[HyperValue]]


class OpenRequest(TypedDict):
    op: Literal['open']
    storage: str
    study: str
    direction: Literal['minimize', 'maximize']
    algorithm: Literal['random', 'grid', 'bayesian', 'hyperband']
    pruning: bool
    seed: Optional[int]
    space: List[SearchParam]
    steps: int
    startup: int


class Response(TypedDict, total=False):
    ok: bool
    error: str
    missing: str
    # open
    optuna: str
    sampler: str
    pruner: str
    previous: int
    # ask
    number: int
    params: Dict[str, HyperValue]
    # report
    prune: bool
