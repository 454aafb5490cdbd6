"""Running CP-SAT: one call in a worker thread, or a race of several at once, with
progress forwarded to the caller (throttled) and should_stop honoured on the caller's
thread.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from brokerage.scheduling.solver.model import BuiltModel, solution_of
from brokerage.scheduling.solver.problem import Problem, Progress, SolveOptions

# Minimum seconds between two progress reports, so a UI is not flooded.
PROGRESS_INTERVAL = 0.5
# How often the caller's thread checks should_stop and forwards progress.
POLL_INTERVAL = 0.05
# Workers for the objective searches when the caller leaves the count to us (workers=0):
# CP-SAT would use one per core, and with two cores its portfolio has no neighbourhood
# search at all; eight workers bring its LNS subsolvers, which find low-break schedules far
# faster even time-sliced on two cores (ticf-13crafc, 20 s: 13 breaks with 8, 23 with 2).
# The probes keep one worker per core: there the full-problem worker matters most.
OBJECTIVE_SEARCH_WORKERS = 8


class _Callback(cp_model.CpSolverSolutionCallback):
    """Records progress snapshots for the caller's thread to forward (throttled there)."""

    def __init__(self, built: BuiltModel, phase: str, started: float, inbox: queue.Queue):
        super().__init__()
        self.built = built
        self.phase = phase
        self.started = started
        self.inbox = inbox

    def on_solution_callback(self) -> None:
        breaks = self.built.breaks_total
        self.inbox.put(
            Progress(
                phase=self.phase,
                elapsed=time.monotonic() - self.started,
                scheduled_count=int(self.Value(self.built.count)),
                scheduled_weight=int(self.Value(self.built.weight)),
                breaks_total=int(self.Value(breaks)) if not isinstance(breaks, int) else breaks,
                best_bound=self.BestObjectiveBound(),
            )
        )


class ProgressGate:
    """Forwards progress to the caller at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, on_progress: Callable[[Progress], None] | None):
        self.on_progress = on_progress
        self.last_sent = -1e9
        self.pending: Progress | None = None

    def offer(self, progress: Progress, force: bool = False) -> None:
        if self.on_progress is None:
            return
        self.pending = progress
        now = time.monotonic()
        if force or now - self.last_sent >= PROGRESS_INTERVAL:
            self.flush(now)

    def drain(self, inbox: queue.Queue) -> None:
        """Offer everything a solver thread has put in `inbox` so far."""
        while not inbox.empty():
            self.offer(inbox.get_nowait())

    def flush(self, now: float | None = None) -> None:
        if self.pending is not None and self.on_progress is not None:
            progress, self.pending = self.pending, None
            self.last_sent = time.monotonic() if now is None else now
            self.on_progress(progress)


def _run_solver(
    solver: cp_model.CpSolver,
    built: BuiltModel,
    model: cp_model.CpModel,
    phase: str,
    started: float,
    options: SolveOptions,
    gate: ProgressGate,
) -> tuple[int, bool]:
    """Solve in a worker thread so should_stop and on_progress run on the caller's thread."""
    inbox: queue.Queue = queue.Queue()
    callback = _Callback(built, phase, started, inbox)
    outcome: dict[str, int] = {}
    failure: list[BaseException] = []

    def work() -> None:
        try:
            outcome["status"] = solver.Solve(model, callback)
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)

    worker = threading.Thread(target=work, name=f"cp-sat-{phase}", daemon=True)
    worker.start()
    stopped = False
    try:
        while worker.is_alive():
            worker.join(POLL_INTERVAL)
            gate.drain(inbox)
            if not stopped and options.should_stop is not None and options.should_stop():
                stopped = True
                solver.StopSearch()
    except BaseException:
        solver.StopSearch()
        worker.join()
        raise
    gate.drain(inbox)
    gate.flush()
    if failure:
        raise failure[0]
    return outcome["status"], stopped


def make_solver(
    options: SolveOptions, seconds: float, breaks_search: bool = False
) -> cp_model.CpSolver:
    """A solver for `seconds`; `breaks_search` tunes it for the breaks objective search."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    solver.parameters.random_seed = options.seed
    if options.workers > 0:
        solver.parameters.num_workers = options.workers
    elif breaks_search:
        solver.parameters.num_workers = OBJECTIVE_SEARCH_WORKERS
    if breaks_search:
        # Measured on the research instances: without symmetry detection the search finds
        # low-break schedules much sooner (forum-13crafc, 20 s, same seed: 6 breaks, not 13;
        # ticf-13crafc, 25 s: 5, not 16). The bounds come from the window view, not symmetry.
        solver.parameters.symmetry_level = 0
    solver.parameters.log_search_progress = options.log_search
    return solver


def solve_race(
    runs: list[tuple[BuiltModel, cp_model.CpModel, list[cp_model.CpSolver]]],
    problem: Problem,
    options: SolveOptions,
    gate: ProgressGate,
    started: float,
    phase: str,
    refutes: list[bool] | None = None,
    settles: list[Callable[[cp_model.CpSolver, int], bool] | None] | None = None,
) -> list[Step]:
    """Several CP-SAT searches at once, each in its own thread, on equivalent questions: the
    first that settles it (a schedule, or a proof that there is none) stops the others. A
    search is a list of solvers run one after the other until one settles it. With
    `refutes`, a search marked False only settles by a schedule (it searches a restriction,
    so its "infeasible" proves nothing). With `settles`, a search's own test (its solver and
    final status) replaces those rules, e.g. for an objective search whose bound answers the
    question."""
    refutes = refutes or [True] * len(runs)
    own_tests = settles or [None] * len(runs)
    inbox: queue.Queue = queue.Queue()
    statuses: list[int] = [cp_model.UNKNOWN] * len(runs)
    current: list[cp_model.CpSolver] = [solvers[0] for _, _, solvers in runs]
    failure: list[BaseException] = []
    halt = threading.Event()
    decisive = (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE)

    def settled(k: int) -> bool:
        test = own_tests[k]
        if test is not None:
            return test(current[k], statuses[k])
        return statuses[k] in decisive and (refutes[k] or statuses[k] != cp_model.INFEASIBLE)

    def work(k: int, built: BuiltModel, model: cp_model.CpModel, solvers) -> None:
        try:
            for solver in solvers:
                if halt.is_set():
                    break
                current[k] = solver
                statuses[k] = solver.Solve(model, _Callback(built, phase, started, inbox))
                test = own_tests[k]
                if test(solver, statuses[k]) if test else statuses[k] in decisive:
                    break  # (infeasible is infeasible with any seed)
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)

    threads = [
        threading.Thread(target=work, args=(k, *run), name=f"cp-sat-{phase}-{k}", daemon=True)
        for k, run in enumerate(runs)
    ]
    race_started = time.monotonic()
    for thread in threads:
        thread.start()
    stopped = False

    def stop_all() -> None:
        halt.set()
        for solver in current:
            solver.StopSearch()

    try:
        while any(thread.is_alive() for thread in threads):
            time.sleep(POLL_INTERVAL)
            gate.drain(inbox)
            if not halt.is_set() and any(
                not thread.is_alive() and settled(k) for k, thread in enumerate(threads)
            ):
                stop_all()
            if not stopped and options.should_stop is not None and options.should_stop():
                stopped = True
                stop_all()
            if halt.is_set():
                for solver in current:  # a solver started just before the halt
                    solver.StopSearch()
    except BaseException:
        stop_all()
        for thread in threads:
            thread.join()
        raise
    gate.drain(inbox)
    gate.flush()
    if failure:
        raise failure[0]
    wall = time.monotonic() - race_started
    steps = []
    for k, (built, _, solvers) in enumerate(runs):
        status, solver = statuses[k], current[k]
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        name = solver.StatusName(status)
        tries = solvers.index(solver) + 1
        steps.append(
            Step(
                status,
                name,
                solution_of(solver, built, problem) if found else None,
                None,
                None,
                wall,
                stopped,
                [
                    f"{phase}: {name} wall={wall:.2f}s"
                    + (f" ({tries} seeds)" if len(solvers) > 1 else "")
                    + (" (stopped)" if stopped else "")
                ],
            )
        )
    return steps


@dataclass(slots=True)
class Step:
    """What one phase (one or several CP-SAT calls) produced."""

    status: int  # a cp_model status
    status_name: str
    slot_of: dict[str, str] | None
    objective: float | None
    bound: float | None
    wall: float
    stopped: bool
    log: list[str]


def solve_step(
    built: BuiltModel,
    model: cp_model.CpModel,
    problem: Problem,
    options: SolveOptions,
    gate: ProgressGate,
    started: float,
    phase: str,
    seconds: float,
    breaks_search: bool = False,
) -> Step:
    """One CP-SAT call on `model` (the built model or a clone of it)."""
    solver = make_solver(options, seconds, breaks_search)
    phase_started = time.monotonic()
    status, stopped = _run_solver(solver, built, model, phase, started, options, gate)
    wall = time.monotonic() - phase_started
    slot_of = objective = bound = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        slot_of = solution_of(solver, built, problem)
        if model.HasObjective():
            objective, bound = solver.ObjectiveValue(), solver.BestObjectiveBound()
    name = solver.StatusName(status)
    line = f"{phase}: {name} objective={objective} bound={bound} wall={wall:.2f}s"
    return Step(
        status,
        name,
        slot_of,
        objective,
        bound,
        wall,
        stopped,
        [line + (" (stopped)" if stopped else "")],
    )
