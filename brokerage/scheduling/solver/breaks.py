"""The breaks phase: minimise total breaks with the weight held.

When every meeting is required, the breaks each person's own meetings force become cuts
(owners.py), then a race on "no break at all" between the full model and a gapless model
(see model.build_gapless_model), and if that is refuted a search over who takes the one
break (owners.search_extra_break); then the probe ladder asks "total breaks <= lower bound"
from the bound upwards, each refutation raising it, until a schedule at the bound is found.
What the ladder leaves open goes to objective search, probes raced by the split-window
model, and search again.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict

from ortools.sat.python import cp_model

from brokerage.scheduling.solver import owners
from brokerage.scheduling.solver.model import (
    BuiltModel,
    build_gapless_model,
    candidate_slots,
    gapless_applies,
    hint,
    label,
    solution_of,
)
from brokerage.scheduling.solver.problem import Problem, SolveOptions
from brokerage.scheduling.solver.search import (
    ProgressGate,
    Step,
    make_solver,
    solve_race,
    solve_step,
)

# Breaks phase: share of its budget for the first objective search, and for each probe
# "breaks <= bound" of what is left then.
FIRST_SEARCH_SHARE = 0.3
PROBE_SHARE = 0.5
# Share of the breaks phase (at most HEURISTIC_START_MAX seconds) for a local-search start
# when no earlier phase gave one.
HEURISTIC_START_SHARE = 0.1
HEURISTIC_START_MAX = 5.0
# Share of what is left of the breaks phase for a probe "breaks <= lower bound" when the
# gapless or split-window model (see build_gapless_model) races the full model on it: a
# schedule at the bound is the whole proof, so it gets most of the time.
GAPLESS_PROBE_SHARE = 0.8
# Share of the breaks phase for the first such race, before any other search; there the
# full model's probe stops after a few seconds (its LP refutes "breaks <= 0" in under one
# second when it can), leaving both cores to the gapless search.
GAPLESS_START_SHARE = 0.35
GAPLESS_START_FULL_PROBE_MAX = 4.0
# The gapless search restarts with the next seed after this many seconds, then after slices
# growing by this factor.
GAPLESS_FIRST_SLICE = 10.0
GAPLESS_SLICE_GROWTH = 1.5
# The probe "everyone at their forced breaks" (owners.py) is refuted only by the full LP
# (linearization level 2), and then in a seed lottery: forumt-14crafe, 13 seeds, 4 refuted
# in 5.0-6.0 s, the others not in 8-30 s; at level 1 none of 4 in 20 s (the default, which
# the probes used before). So it restarts with the next seed after a short slice.
CAPPED_PROBE_FIRST_SLICE = 7.0
# Share of what is left of the breaks phase for the search over who takes the one break
# above the forced ones (see owners.py), when the lower bound is there; and of the whole
# phase for a first, short go right after "no break at all" is refuted, before any other
# search (forum-13crafc: settled in 3 s; on instances whose optimum is higher, all it costs).
OWNER_SEARCH_SHARE = 0.7
OWNER_EARLY_SHARE = 0.25
# Share of the breaks phase for the probe ladder ("breaks <= lower bound", the bound raised
# by each refutation), before any objective search; what is left (9 s of 60) is for the
# heuristic start and the searches below, so that a good schedule comes back even when the
# ladder does not settle the question. Its search without LP restarts with the next seed
# after LADDER_FIRST_SLICE seconds, then after slices growing by GAPLESS_SLICE_GROWTH: its
# refutations take 0.3-8 s on the research instances, its finds up to 25 s or more.
LADDER_SHARE = 0.85
LADDER_FIRST_SLICE = 12.0
# The split-window finder's time to a schedule is spread rather than heavy-tailed
# (ticf-13crafb "<= 3", 7 seeds standalone: 5.1-17.1 s), and a thread of a three-thread
# race runs at two thirds of a core or less (a first slice of 25 s failed on a seed that
# took 16.2 s standalone), so it rarely restarts.
LADDER_SPLIT_FIRST_SLICE = 40.0


def _restarting_solvers(
    options: SolveOptions,
    seconds: float,
    first_seed: int = 0,
    seed_step: int = 1,
    linearization: int = 0,
    first_slice: float = GAPLESS_FIRST_SLICE,
) -> list[cp_model.CpSolver]:
    """Single-worker solvers run one after the other within `seconds`, each with the next
    seed and a longer slice. By default for the gapless and split-window models: without
    LP, deciding the window starts first (they come first in the model), which finds
    gapless schedules in seconds where LP-based workers do not. Its run time is heavy-tailed
    in the seed (ticf-14crafa, loaded machine: 4-15 s with 4 seeds of 7, none in 25 s with
    3), hence the restarts. They serve a probe refuted by the full LP (`linearization` 2)
    too, whose run time is as heavy-tailed."""
    solvers = []
    slice_seconds, total = first_slice, 0.0
    while total < seconds:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, min(slice_seconds, seconds - total))
        solver.parameters.random_seed = options.seed + first_seed + seed_step * len(solvers)
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = linearization
        solver.parameters.log_search_progress = options.log_search
        solvers.append(solver)
        total += slice_seconds
        slice_seconds *= GAPLESS_SLICE_GROWTH
    return solvers


def _probe_model(
    built: BuiltModel, bound: int, forced: dict[int, int] | None = None
) -> cp_model.CpModel:
    """The feasibility question "total breaks <= bound" on a copy of the full model. No
    hint: the incumbent breaks the cap, and following it misleads the search (tic-14crafc:
    the unhinted probe finds a gapless schedule, the hinted one did not).

    When the bound is the sum of the `forced` breaks (see owners.py), the same question is
    "everyone at exactly their forced breaks": capped person by person, which the LP can
    refute where the total alone is too weak (forumt-14crafe, bound 4: refuted in about 5 s,
    where the plain probe ran 30 s without an answer)."""
    if forced and bound == sum(forced.values()):
        return owners.capped_model(built.model, built.breaks_of, forced)
    probe = built.model.Clone()
    probe.ClearObjective()
    probe.ClearHints()
    probe.Add(
        sum(probe.GetIntVarFromProtoIndex(v.Index()) for v in built.breaks_of.values()) <= bound
    )
    return probe


def _probe_solver(options: SolveOptions, seconds: float) -> cp_model.CpSolver:
    """The full model's probe in a race: one thread each on a two-core machine, unless the
    caller asked for a worker count."""
    solver = make_solver(options, seconds)
    if options.workers <= 0:
        solver.parameters.num_workers = 1
    return solver


def _window_race(
    built: BuiltModel,
    probe: cp_model.CpModel,
    probe_solvers: list[cp_model.CpSolver],
    windowed: BuiltModel,
    problem: Problem,
    options: SolveOptions,
    gate: ProgressGate,
    started: float,
    seconds: float,
    first_seed: int,
    refutes: bool,
) -> tuple[Step, list[Step], int]:
    """The full model's `probe` raced by two searches of a window model (gapless or split),
    with different seeds, one per core: two draws of their lottery. `refutes`: whether the
    window model's "infeasible" settles the question (not for a restriction). Returns the
    probe's step, the window searches' steps, and the number of window seeds used."""
    even = _restarting_solvers(options, seconds, first_seed, 2)
    odd = _restarting_solvers(options, seconds, first_seed + 1, 2)
    full, *fast = solve_race(
        [
            (built, probe, probe_solvers),
            (windowed, windowed.model, even),
            (windowed, windowed.model, odd),
        ],
        problem,
        options,
        gate,
        started,
        "breaks",
        refutes=[True, refutes, refutes],
    )
    return full, fast, len(even) + len(odd)


def _gapless_race(
    built: BuiltModel,
    gapless: BuiltModel,
    problem: Problem,
    options: SolveOptions,
    gate: ProgressGate,
    started: float,
    seconds: float,
    first_seed: int,
    full_probe_seconds: float | None = None,
) -> tuple[Step, int]:
    """ "Breaks <= 0" asked of the full model (its LP refutes it in under a second on the
    research instances where it is false) and of the gapless model (which finds the gapless
    schedules), at once. Returns the deciding step and the number of gapless seeds used."""
    full_solver = _probe_solver(options, min(seconds, full_probe_seconds or seconds))
    full, fast, used = _window_race(
        built,
        _probe_model(built, 0),
        [full_solver],
        gapless,
        problem,
        options,
        gate,
        started,
        seconds,
        first_seed,
        refutes=True,
    )
    decided = [step for step in fast if step.status != cp_model.UNKNOWN]
    step = decided[0] if decided else full
    step.log = [
        "probe breaks <= 0: " + full.log[0].split(": ", 1)[1],
        *("gapless probe: " + one.log[0].split(": ", 1)[1] for one in fast),
    ]
    return step, used


def _split_race(
    built: BuiltModel,
    split: BuiltModel,
    problem: Problem,
    options: SolveOptions,
    gate: ProgressGate,
    started: float,
    seconds: float,
    bound: int,
    first_seed: int,
    forced: dict[int, int],
) -> tuple[Step, int]:
    """The probe "breaks <= bound" on the full model, raced by two searches (different
    seeds) of the split-window model: at most `bound` people with one break each (forum-14,
    optimum 2: found in 8-18 s with 3 seeds of 4 on the loaded machine, where the full
    probe found none in 20 s). Only the full probe can refute.

    At the sum of the forced breaks the question is "everyone at their forced breaks",
    which the LP refutes where it is false (forumt-14crafe), so there the full probe is one
    worker with the full LP, restarted with the next seed after a short slice."""
    if forced and bound == sum(forced.values()) and options.workers <= 0:
        full_solvers = _restarting_solvers(
            options, seconds, first_seed, 1, linearization=2, first_slice=CAPPED_PROBE_FIRST_SLICE
        )
    else:
        full_solvers = [_probe_solver(options, seconds)]
    full, fast, used = _window_race(
        built,
        _probe_model(built, bound, forced),
        full_solvers,
        split,
        problem,
        options,
        gate,
        started,
        seconds,
        first_seed,
        refutes=False,
    )
    found = [step for step in fast if step.slot_of is not None]
    step = found[0] if found else full
    step.log = [
        f"probe breaks <= {bound}: " + full.log[0].split(": ", 1)[1],
        *(f"split-window probe <= {bound}: " + one.log[0].split(": ", 1)[1] for one in fast),
    ]
    return step, used


def _probe_ladder(
    built: BuiltModel,
    problem: Problem,
    options: SolveOptions,
    gate: ProgressGate,
    started: float,
    seconds: float,
    lower: int,
    forced: dict[int, int],
    log: list[str],
) -> tuple[Step | None, int, bool]:
    """Ask "breaks <= lower" from the known lower bound upwards, as SAT-based MaxSAT solvers
    do: each refutation raises the bound (kept as a cut), and a schedule at the bound is
    optimal. Each question is raced by three single-worker searches:
    - the full model without LP, which with the implied "two people per table" on the busy
      bools settles most research instances in about a second, and the crafb ones, which
      nothing else here settled in 60 s, in 2-8 s (refuted) and 14-25 s (found);
    - objective search with the full LP, whose bound refutes what only the LP can: on
      tic-13crafc it passes 3 in 2-9 s (8 seeds), where the LP on the question "<= 3"
      itself took 21-35 s (the objective steers its cuts);
    - the split-window model (at most `lower` people with one break each), which finds such
      schedules sooner (forum-13crafb "<= 6": 4-12 s with 4 seeds of 4).
    Returns the step that settled it (a schedule at the bound, or INFEASIBLE when there is
    no schedule at all; None if the time ran out first), the lower bound reached, and
    whether the caller asked to stop."""
    deadline = time.monotonic() + seconds
    built.model.Minimize(built.breaks_total)  # the LP thread's objective (as in the phase)
    while (remaining := deadline - time.monotonic()) > 0.5:
        probe = _probe_model(built, lower, forced)
        bounding = _probe_solver(options, remaining)
        bounding.parameters.num_workers = 1  # one thread of the race, whatever was asked
        bounding.parameters.linearization_level = 2
        bounding.parameters.random_seed = options.seed + 1
        past = float(lower) + 1e-6

        def stop_once_past(
            bound: float, solver: cp_model.CpSolver = bounding, past: float = past
        ) -> None:
            if bound > past:
                solver.StopSearch()

        bounding.best_bound_callback = stop_once_past
        runs = [
            (
                built,
                probe,
                _restarting_solvers(
                    options, remaining, 0, 2, linearization=0, first_slice=LADDER_FIRST_SLICE
                ),
            ),
            (built, built.model, [bounding]),
        ]
        split = build_gapless_model(problem, options, lower, frozenset(forced)) if lower else None
        if split is not None:
            runs.append(
                (
                    split,
                    split.model,
                    _restarting_solvers(
                        options, remaining, 1, 2, first_slice=LADDER_SPLIT_FIRST_SLICE
                    ),
                )
            )
        steps = solve_race(
            runs,
            problem,
            options,
            gate,
            started,
            "breaks",
            refutes=[True, True, False],
            settles=[
                None,
                lambda solver, status, past=past: (
                    status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
                    or solver.BestObjectiveBound() > past
                ),
                None,
            ],
        )
        probed, bounded, *window = steps
        bound = bounding.BestObjectiveBound()
        # What the LP proved: a valid bound once past the question, else nothing new.
        proven = math.ceil(bound - 1e-6) if math.isfinite(bound) and bound > past else lower
        log.append(
            f"probe ladder, breaks <= {lower} (wall={probed.wall:.2f}s): "
            f"without LP {probed.status_name}, LP objective search {bounded.status_name}"
            + (f" bound={proven}" if proven > lower else "")
            + (f", split-window {window[0].status_name}" if window else "")
        )
        if bounded.status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
            # Proven optimal as a whole, or no schedule at all (every meeting is required
            # and there is no weight phase before this one to have said so).
            return bounded, proven, False
        found = [step for step in (probed, *window) if step.slot_of is not None]
        if found:
            return found[0], lower, False
        reached = max(lower + (probed.status == cp_model.INFEASIBLE), proven)
        if probed.stopped or reached <= lower:
            return None, lower, probed.stopped
        lower = reached
        built.model.Add(built.breaks_total >= lower)
    return None, lower, False


def _owner_search(
    built: BuiltModel,
    problem: Problem,
    options: SolveOptions,
    forced: dict[int, int],
    candidates: list[int],
    seconds: float,
    log: list[str],
    lp_tested: frozenset[int] = frozenset(),
) -> owners.OwnerSearch:
    """`owners.search_extra_break` on the full model, with a line for the log."""
    search_started = time.monotonic()
    search = owners.search_extra_break(
        built.model,
        built.breaks_of,
        forced,
        candidates,
        lambda solver: solution_of(solver, built, problem),
        seconds,
        options.seed,
        options.should_stop,
        lp_tested,
    )
    if search.owner is not None:
        found = f"a schedule with {label(problem, problem.participants[search.owner].id)}"
    elif search.slot_of is not None:
        found = "a schedule"
    else:
        found = f"{len(search.refuted)} refuted, none found"
        if search.hopeless:
            found += " (given up: the LP refutes none of the first candidates)"
    log.append(
        f"breaks <= {sum(forced.values()) + 1}, who takes the one extra break: "
        f"{len(candidates)} candidates, {found} wall={time.monotonic() - search_started:.2f}s"
    )
    return search


def breaks_phase(
    built: BuiltModel,
    problem: Problem,
    options: SolveOptions,
    gate: ProgressGate,
    started: float,
    phase_deadline: float,
    slot_of: dict[str, str] | None,
) -> Step:
    """Minimise breaks: objective search, then probes "breaks <= lower bound", then more search.

    Plain objective search finds good schedules through its neighbourhood search, and the
    window view gives it strong lower bounds, but closing the last gap is often faster as a
    feasibility question: with the total capped at the bound, propagation fixes most block
    starts at once. An infeasible probe raises the bound by one (kept as a cut); a feasible
    one is optimal.
    """
    log: list[str] = []
    phase_started = time.monotonic()
    built.model.Minimize(built.breaks_total)

    def objective_search(seconds: float) -> Step:
        return solve_step(
            built,
            built.model,
            problem,
            options,
            gate,
            started,
            "breaks",
            seconds,
            breaks_search=True,
        )

    # Every meeting required, one session per person: first ask for a schedule without any
    # break (not with one worker: that is the reproducible mode, and a race is decided by
    # the clock). Found: optimal at once. Refuted: a cut "breaks >= 1" for what follows.
    gapless = None
    seeds_used = 0
    windows_apply = slot_of is None and options.workers != 1 and gapless_applies(problem)
    forced: dict[int, int] = {}
    owner_order: list[int] = []  # who may take the one break above the forced ones
    owners_left: list[int] = []  # those a first search left undecided, for a second go
    owners_tested: frozenset[int] = frozenset()  # and those it already asked the LP about
    known_lower = 0  # proven so far, each raise kept as a cut
    if windows_apply:
        # The breaks each person's own meetings force: valid cuts, and the base level for
        # the search over who takes one break more (owners.py).
        cands = candidate_slots(problem)
        windows = owners.gapless_windows(problem, cands.slots_of)
        forced = {
            p: count
            for p, count in owners.forced_breaks(problem, cands.slots_of, windows).items()
            if p in built.breaks_of  # always, unless the problem is infeasible anyway
        }
        for p, count in forced.items():
            built.model.Add(built.breaks_of[p] >= count)
        known_lower = sum(forced.values())
        if forced:
            people = "1 person" if len(forced) == 1 else f"{len(forced)} people"
            log.append(f"breaks: at least {sum(forced.values())}, forced on {people} alone")
        # Likeliest to take a break first: the fewest gapless windows of their own.
        owner_order = sorted(built.breaks_of, key=lambda p: (windows.get(p, len(problem.slots)), p))
        if not forced:
            gapless = build_gapless_model(problem, options)
    if gapless is not None:
        step, seeds_used = _gapless_race(
            built,
            gapless,
            problem,
            options,
            gate,
            started,
            (phase_deadline - phase_started) * GAPLESS_START_SHARE,
            0,
            GAPLESS_START_FULL_PROBE_MAX,
        )
        log.extend(step.log)
        if step.slot_of is not None:
            return Step(
                cp_model.OPTIMAL,
                "OPTIMAL",
                step.slot_of,
                0.0,
                0.0,
                time.monotonic() - phase_started,
                step.stopped,
                log,
            )
        if step.stopped:
            step.log, step.wall = log, time.monotonic() - phase_started
            return step
        if step.status == cp_model.INFEASIBLE:
            built.model.Add(built.breaks_total >= 1)
            known_lower = 1
            gapless = None  # settled: no later probe "breaks <= 0"
            # A first, short go at "breaks <= 1" by naming who breaks (the rest of the
            # candidates get their turn after the objective search, if the bound stays 1).
            search = _owner_search(
                built,
                problem,
                options,
                forced,
                owner_order,
                (phase_deadline - phase_started) * OWNER_EARLY_SHARE,
                log,
            )
            if search.slot_of is not None or search.stopped:
                found = search.slot_of is not None
                return Step(
                    cp_model.OPTIMAL if found else cp_model.UNKNOWN,
                    "OPTIMAL" if found else "UNKNOWN",
                    search.slot_of,
                    float(_breaks_of_solution(built, problem, search.slot_of)) if found else None,
                    1.0,
                    time.monotonic() - phase_started,
                    search.stopped,
                    log,
                )
            if not search.hopeless:  # else not the tool for this instance: no second go
                owners_left = [p for p in owner_order if p not in search.refuted]
                owners_tested = search.lp_tested
                if not owners_left:  # nobody can take the one break: at least two
                    built.model.Add(built.breaks_total >= 2)
                    known_lower = 2
    if windows_apply and gapless is None:
        found, known_lower, stopped = _probe_ladder(
            built,
            problem,
            options,
            gate,
            started,
            (phase_deadline - phase_started) * LADDER_SHARE - (time.monotonic() - phase_started),
            known_lower,
            forced,
            log,
        )
        if found is not None and found.slot_of is None:  # no schedule at all
            found.log, found.wall = log, time.monotonic() - phase_started
            return found
        if found is not None or stopped:
            breaks = _breaks_of_solution(built, problem, found.slot_of) if found else None
            return Step(
                cp_model.OPTIMAL if found else cp_model.UNKNOWN,
                "OPTIMAL" if found else "UNKNOWN",
                found.slot_of if found else None,
                float(breaks) if breaks is not None else None,
                float(breaks if breaks is not None else known_lower),
                time.monotonic() - phase_started,
                stopped,
                log,
            )
    if slot_of is not None:
        hint(built, problem, slot_of)
    elif options.workers != 1:
        # No earlier phase to start from (every meeting is mandatory): the large-event local
        # search finds schedules with few breaks fast, a much better start than CP-SAT's own.
        # Not with one worker: that is the reproducible mode, and this start is cut by time.
        from brokerage.scheduling.solver import large

        budget = phase_deadline - phase_started
        seconds = min(HEURISTIC_START_MAX, budget * HEURISTIC_START_SHARE)
        try:
            start = large.solve_large(problem, options, time.monotonic() + seconds)
        except Exception as error:  # only a hint: a failing heuristic must not fail the solve
            log.append(f"breaks: heuristic start failed ({error!r}), none used")
        else:
            log.append(
                f"breaks: heuristic start with {start.breaks_total} breaks, "
                f"{len(start.unscheduled_mandatory)} required meetings left out"
            )
            if start.slot_of and not start.stopped:
                hint(built, problem, start.slot_of, complete=not start.unscheduled_mandatory)
    first = objective_search(max(0.1, phase_deadline - time.monotonic()) * FIRST_SEARCH_SHARE)
    log.extend(first.log)
    if (
        first.slot_of is None
        and first.status != cp_model.INFEASIBLE
        and not first.stopped
        and phase_deadline - time.monotonic() > 0.5
    ):
        # Nothing found yet: keep searching with the rest of the time rather than give up.
        first = objective_search(phase_deadline - time.monotonic())
        log.extend(first.log)
    best, stopped = first.slot_of or slot_of, first.stopped
    upper = first.objective
    lower = first.bound
    status = first.status
    if status in (cp_model.INFEASIBLE, cp_model.OPTIMAL) or stopped or upper is None:
        first.log, first.wall = log, time.monotonic() - phase_started
        return first
    lower = max(math.ceil(lower - 1e-6), known_lower)
    proven = False
    while lower < upper and not stopped:
        remaining = phase_deadline - time.monotonic()
        if remaining < 0.5:
            break
        if owners_left and lower == sum(forced.values()) + 1:
            search = _owner_search(
                built,
                problem,
                options,
                forced,
                owners_left,
                remaining * OWNER_SEARCH_SHARE,
                log,
                owners_tested,
            )
            stopped = search.stopped
            if search.slot_of is not None:
                best = search.slot_of
                upper = _breaks_of_solution(built, problem, best)
                proven = True
                break
            if all(p in search.refuted for p in owners_left):  # nobody can take it
                lower += 1
                built.model.Add(built.breaks_total >= lower)
            owners_left = []  # one go here: the probes below get what is left
            continue
        if lower == 0 and gapless is not None:
            step, used = _gapless_race(
                built,
                gapless,
                problem,
                options,
                gate,
                started,
                remaining * GAPLESS_PROBE_SHARE,
                seeds_used,
            )
            seeds_used += used
            log.extend(step.log)
        elif (
            lower > 0
            and windows_apply
            and (split := build_gapless_model(problem, options, lower, frozenset(forced)))
        ):
            step, used = _split_race(
                built,
                split,
                problem,
                options,
                gate,
                started,
                remaining * GAPLESS_PROBE_SHARE,
                lower,
                seeds_used,
                forced,
            )
            seeds_used += used
            log.extend(step.log)
        else:
            step = solve_step(
                built,
                _probe_model(built, lower, forced),
                problem,
                options,
                gate,
                started,
                "breaks",
                remaining * PROBE_SHARE,
            )
            log.append(f"probe breaks <= {lower}: " + step.log[0].split(": ", 1)[1])
        stopped = step.stopped
        if step.status == cp_model.INFEASIBLE:
            lower += 1
            built.model.Add(built.breaks_total >= lower)  # a valid cut from now on
        elif step.status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = step.slot_of
            upper = _breaks_of_solution(built, problem, best)
            proven = True
            break
        else:
            break
    if lower >= upper:
        proven = True
    if not proven and not stopped and phase_deadline - time.monotonic() > 0.5:
        hint(built, problem, best)
        last = objective_search(phase_deadline - time.monotonic())
        log.extend(last.log)
        stopped = last.stopped
        if last.slot_of is not None and last.objective is not None and last.objective <= upper:
            best, upper = last.slot_of, last.objective
        lower = max(lower, math.ceil((last.bound or 0) - 1e-6))
        proven = last.status == cp_model.OPTIMAL or lower >= upper
    status = cp_model.OPTIMAL if proven else cp_model.FEASIBLE
    return Step(
        status,
        "OPTIMAL" if proven else "FEASIBLE",
        best,
        float(upper),
        float(lower),
        time.monotonic() - phase_started,
        stopped,
        log,
    )


def _breaks_of_solution(built: BuiltModel, problem: Problem, slot_of: dict[str, str]) -> int:
    """Total breaks of a schedule, recounted from slots (a probe has no objective value)."""
    sessions = {slot.id: slot.session for slot in problem.slots}
    seen_in_session: dict[str, int] = defaultdict(int)
    position: dict[str, int] = {}
    for slot in problem.slots:
        position[slot.id] = seen_in_session[slot.session]
        seen_in_session[slot.session] += 1
    busy: dict[tuple[str, str], list[int]] = defaultdict(list)
    for meeting in problem.meetings:
        if meeting.id in slot_of:
            slot = slot_of[meeting.id]
            for person in (meeting.a, meeting.b):
                busy[person, sessions[slot]].append(position[slot])
    total = 0
    for used in busy.values():
        used.sort()
        total += sum(1 for before, after in itertools.pairwise(used) if after - before > 1)
    return total
