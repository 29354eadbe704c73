"""One Optuna study in SQLite, driven by ask-and-tell: TPESampler for 'bayesian', RandomSampler
for 'random', GridSampler for 'grid', TPESampler with HyperbandPruner for 'hyperband';
MedianPruner when pruning is on. Opening a study that exists (--resume) continues it: trial
numbers go on, and trials a killed search left running are marked failed."""
import math
from typing import Any, Dict, List, Optional, cast

import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState
from sqlalchemy.engine import URL

from .protocol import HyperValue, OpenRequest, Response, SearchParam


def distribution(p: SearchParam, grid: bool) -> BaseDistribution:
    if grid:
        return CategoricalDistribution(p['grid'])
    kind = p['kind']
    if kind == 'choice':
        return CategoricalDistribution(p['values'])
    if kind == 'boolean':
        return CategoricalDistribution([False, True])
    log = p.get('sampling') == 'log'
    step = p.get('step')
    if kind == 'int':
        # Optuna takes log or a step, not both: a log Int is drawn on whole numbers.
        return IntDistribution(int(p['min']), int(p['max']), log=log, step=1 if log or step is None else int(step))
    return FloatDistribution(p['min'], p['max'], log=log, step=None if log else step)


class StudyServer:
    def __init__(self) -> None:
        self.study: Optional[optuna.Study] = None
        self.distributions: Dict[str, BaseDistribution] = {}
        self.trials: Dict[int, optuna.Trial] = {}
        self.grid = False

    def handle(self, request: Dict[str, Any]) -> Response:
        op = request.get('op')
        if op == 'open':
            return self.open(cast(OpenRequest, request))
        if self.study is None:
            return {'ok': False, 'error': f"'{op}' before 'open'"}
        if op == 'ask':
            return self.ask(self.study)
        if op == 'report':
            trial = self.trials[int(request['number'])]
            value = request.get('value')
            trial.report(math.nan if value is None else float(value), int(request['step']))
            return {'ok': True, 'prune': bool(trial.should_prune())}
        if op == 'tell':
            return self.tell(self.study, int(request['number']), str(request['state']), request.get('value'))
        return {'ok': False, 'error': f'unknown op {op!r}'}

    def open(self, r: OpenRequest) -> Response:
        self.grid = r['algorithm'] == 'grid'
        self.distributions = {p['name']: distribution(p, self.grid) for p in r['space']}
        url = URL.create('sqlite', database=r['storage']).render_as_string(hide_password=False)
        storage = optuna.storages.RDBStorage(url)
        existing = [s for s in storage.get_all_studies() if s.study_name == r['study']]
        previous = len(storage.get_all_trials(existing[0]._study_id)) if existing else 0
        # A seeded sampler restarted on a resumed study would repeat its first draws: offset it.
        seed = None if r['seed'] is None else r['seed'] + previous
        sampler: optuna.samplers.BaseSampler
        if self.grid:
            space: Dict[str, List[HyperValue]] = {p['name']: p['grid'] for p in r['space']}
            sampler = optuna.samplers.GridSampler(cast(Any, space), seed=seed)
        elif r['algorithm'] == 'random':
            sampler = optuna.samplers.RandomSampler(seed=seed)
        else:
            sampler = optuna.samplers.TPESampler(seed=seed)
        pruner: optuna.pruners.BasePruner
        if r['algorithm'] == 'hyperband':
            pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=max(1, r['steps']))
        elif r['pruning']:
            pruner = optuna.pruners.MedianPruner(n_startup_trials=r['startup'], n_warmup_steps=0)
        else:
            pruner = optuna.pruners.NopPruner()
        study = optuna.create_study(
            storage=storage,
            study_name=r['study'],
            direction=r['direction'],
            sampler=sampler,
            pruner=pruner,
            load_if_exists=True,
        )
        for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING, TrialState.WAITING)):
            self._tell(study, t.number, state=TrialState.FAIL)
        self.study = study
        return {
            'ok': True,
            'optuna': optuna.__version__,
            'sampler': type(sampler).__name__,
            'pruner': type(pruner).__name__,
            'previous': previous,
        }

    def ask(self, study: optuna.Study) -> Response:
        # A grid's size caps the trials on the TypeScript side (training/tune/tune-session.ts).
        trial = study.ask(fixed_distributions=self.distributions)
        self.trials[trial.number] = trial
        return {'ok': True, 'number': trial.number, 'params': cast(Dict[str, HyperValue], trial.params)}

    def tell(self, study: optuna.Study, number: int, state: str, value: Optional[float]) -> Response:
        if state == 'complete' and value is not None and math.isfinite(value):
            self._tell(study, number, values=value)
        elif state == 'pruned':
            self._tell(study, number, state=TrialState.PRUNED)
        else:
            self._tell(study, number, state=TrialState.FAIL)
        self.trials.pop(number, None)
        return {'ok': True}

    def _tell(self, study: optuna.Study, number: int, **outcome: Any) -> None:
        try:
            study.tell(number, **outcome)
        except RuntimeError as e:
            # Once the grid is covered, GridSampler.after_trial calls study.stop(), which Optuna
            # refuses outside optimize(). The trial's state is stored before that (a `finally`),
            # and the grid's size caps the trials on the TypeScript side: nothing is lost.
            if not (self.grid and 'Study.stop' in str(e)):
                raise
