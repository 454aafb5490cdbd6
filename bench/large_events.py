"""Benchmark solve() on large generated events against a proven bound and the greedy baseline.

    .venv/bin/python bench/large_events.py [--sizes 300 1000 3000 10000] [--time-limit S]
                                           [--days 2] [--seed 1] [--workers 0] [--markdown]

For each size this generates a realistic event (seeded, see brokerage/scheduling/generator.py)
and reports:

- bound: a proven upper bound on the scheduled weight, from the LP relaxation of the
  assignment model (x[m, t] in [0, 1] over the slots m may use; one meeting per participant
  and slot, shared tables per slot, max_meetings, each meeting at most once) solved with GLOP.
  The bound is not the LP value as the solver reports it: it is recomputed from the dual
  values as a Lagrangian bound, which is valid for any nonnegative duals, so solver
  tolerances cannot make it wrong. It is also capped by the trivial bound (the weight of the
  meetings that have a usable slot at all) and rounded down (weights are integers).
- the greedy baseline and solve(), each checked with the independent checker: weight (% of
  the bound), breaks, wall time; solve() runs in a child process so that its peak memory
  (VmHWM) is its own.

Targets: weight >= 99.5% of the bound, breaks <= half the greedy's, within 60 s (300 s at
10,000 participants), memory < 4 GB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brokerage.scheduling.generator import generate
from brokerage.scheduling.solver.checker import check, evaluate
from brokerage.scheduling.solver.greedy import greedy_schedule
from brokerage.scheduling.solver.problem import Problem

DEFAULT_SIZES = (300, 1000, 3000, 10000)
WEIGHT_TARGET = 0.995
MEMORY_TARGET_MB = 4096


def default_time_limit(participants: int) -> float:
    return 300.0 if participants >= 10000 else 60.0


def usable_slots(problem: Problem) -> dict[str, list[str]]:
    """meeting id -> the slots it may take (availability, allowed and fixed slots)."""
    people = {participant.id: participant for participant in problem.participants}
    slot_ids = [slot.id for slot in problem.slots]
    usable = {}
    for meeting in problem.meetings:
        blocked = people[meeting.a].unavailable | people[meeting.b].unavailable
        usable[meeting.id] = [
            slot_id
            for slot_id in slot_ids
            if slot_id not in blocked
            and (meeting.allowed_slots is None or slot_id in meeting.allowed_slots)
            and (meeting.fixed_slot is None or slot_id == meeting.fixed_slot)
        ]
    return usable


@dataclass(frozen=True)
class Bound:
    value: int  # proven: no schedule has more weight
    lp_value: float | None  # as GLOP reported it (None if it did not finish)
    trivial: int
    seconds: float


def weight_bound(problem: Problem, time_limit: float = 600.0) -> Bound:
    """A proven upper bound on the scheduled weight (see the module docstring)."""
    from ortools.linear_solver import pywraplp

    started = time.monotonic()
    usable = usable_slots(problem)
    trivial = sum(meeting.weight for meeting in problem.meetings if usable[meeting.id])
    people = {participant.id: participant for participant in problem.participants}

    solver = pywraplp.Solver.CreateSolver("GLOP")
    objective = solver.Objective()
    objective.SetMaximization()
    # Which constraint rows each variable is in, kept to recompute the Lagrangian bound:
    # entry k says variable entry_variable[k] is in row entry_row[k].
    entry_variable: list[int] = []
    entry_row: list[int] = []
    variables_of_meeting: list[tuple[int, list[int]]] = []  # (weight, variable indices)
    variables = []
    pair_slot: dict[tuple[str, str], list[int]] = defaultdict(list)
    slot_shared: dict[str, list[int]] = defaultdict(list)
    of_participant: dict[str, list[int]] = defaultdict(list)
    for meeting in problem.meetings:
        slots = usable[meeting.id]
        if not slots:
            continue
        shared = not (people[meeting.a].booth or people[meeting.b].booth)
        indices = []
        for slot_id in slots:
            index = len(variables)
            variable = solver.NumVar(0.0, 1.0, "")
            objective.SetCoefficient(variable, meeting.weight)
            variables.append(variable)
            indices.append(index)
            for person in (meeting.a, meeting.b):
                pair_slot[person, slot_id].append(index)
                of_participant[person].append(index)
            if shared:
                slot_shared[slot_id].append(index)
        variables_of_meeting.append((meeting.weight, indices))

    constraints = []
    capacities: list[float] = []

    def add_row(members: list[int], capacity: float) -> None:
        row = solver.Constraint(-solver.infinity(), capacity)
        row_index = len(constraints)
        for index in members:
            row.SetCoefficient(variables[index], 1.0)
            entry_variable.append(index)
            entry_row.append(row_index)
        constraints.append(row)
        capacities.append(capacity)

    for _weight, indices in variables_of_meeting:
        if len(indices) > 1:
            add_row(indices, 1.0)
    for members in pair_slot.values():
        if len(members) > 1:  # a single meeting there is already bounded by its own row
            add_row(members, 1.0)
    for slot_id, members in slot_shared.items():
        if len(members) > problem.tables_in(slot_id):
            add_row(members, float(problem.tables_in(slot_id)))
    for person, members in of_participant.items():
        limit = people[person].max_meetings
        if limit is not None and len(members) > limit:
            add_row(members, float(limit))

    solver.SetTimeLimit(int(time_limit * 1000))
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return Bound(trivial, None, trivial, time.monotonic() - started)
    lp_value = objective.Value()
    duals = [row.dual_value() for row in constraints]

    import numpy as np

    weights = np.array(
        [weight for weight, indices in variables_of_meeting for _ in indices], dtype=float
    )
    starts = np.cumsum([0] + [len(indices) for _, indices in variables_of_meeting[:-1]])
    entry_variables = np.array(entry_variable, dtype=np.int64)
    entry_rows = np.array(entry_row, dtype=np.int64)
    capacity = np.array(capacities, dtype=float)

    def lagrangian(multipliers: list[float]) -> float:
        # For y >= 0: weight <= sum(capacity * y) + sum over meetings of the best reduced
        # profit of one of its slots (or 0), as each meeting takes at most one slot.
        y = np.array(multipliers, dtype=float)
        charged = np.bincount(entry_variables, weights=y[entry_rows], minlength=len(weights))
        profit = weights - charged
        best = np.maximum.reduceat(profit, starts) if len(profit) else np.zeros(0)
        return float(capacity @ y + np.maximum(best, 0.0).sum())

    candidates = [
        lagrangian([max(0.0, dual) for dual in duals]),
        lagrangian([max(0.0, -dual) for dual in duals]),
    ]
    proven = math.floor(min(candidates) + 1e-6)
    return Bound(min(proven, trivial), lp_value, trivial, time.monotonic() - started)


def run_greedy(problem: Problem) -> dict[str, object]:
    started = time.monotonic()
    assignments = greedy_schedule(problem)
    seconds = time.monotonic() - started
    figures, _ = evaluate(problem, assignments)
    return {
        "weight": figures.scheduled_weight,
        "count": figures.scheduled_count,
        "breaks": figures.breaks_total,
        "breaks_max": figures.breaks_max,
        "table_changes": figures.table_changes,
        "violations": check(problem, assignments),
        "seconds": seconds,
    }


def peak_memory_mb() -> float:
    """This process's own peak resident memory.

    VmHWM belongs to the process's memory map, which exec replaces; ru_maxrss does not do
    that: Linux carries it over from the parent through fork and exec, so a child started by
    a parent that had just solved a large LP would report the parent's peak.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: best effort


def run_solver_here(participants: int, days: int, seed: int, time_limit: float, workers: int):
    """The child process: solve one generated event and report as one JSON line."""
    from brokerage.scheduling.solver import SolveOptions, solve

    problem = generate(participants, days=days, seed=seed)
    started = time.monotonic()
    result = solve(problem, SolveOptions(time_limit=time_limit, workers=workers, seed=seed))
    seconds = time.monotonic() - started
    peak_mb = peak_memory_mb()
    figures, _ = evaluate(problem, result.assignments)
    has_schedule = str(result.status) in ("OPTIMAL", "FEASIBLE")
    mismatches = [
        name
        for name in ("scheduled_count", "scheduled_weight", "breaks_total", "table_changes")
        if getattr(figures, name) != getattr(result.figures, name)
    ]
    report = {
        "status": str(result.status),
        "weight": figures.scheduled_weight,
        "count": figures.scheduled_count,
        "breaks": figures.breaks_total,
        "breaks_max": figures.breaks_max,
        "table_changes": figures.table_changes,
        "solver_bound": result.figures.best_bound,
        # An UNKNOWN or INFEASIBLE result carries no schedule to check.
        "violations": check(problem, result.assignments) if has_schedule else [],
        "figure_mismatches": mismatches,
        "seconds": seconds,
        "peak_mb": peak_mb,
    }
    print(json.dumps(report))


def run_solver(participants: int, days: int, seed: int, time_limit: float, workers: int):
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        f"--sizes={participants}",
        f"--days={days}",
        f"--seed={seed}",
        f"--time-limit={time_limit}",
        f"--workers={workers}",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        return {"error": f"exit {completed.returncode}: " + " | ".join(tail)}
    return json.loads(lines[-1])


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--time-limit", type=float, help="seconds (default 60, 300 at 10,000)")
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        size = args.sizes[0]
        limit = args.time_limit or default_time_limit(size)
        run_solver_here(size, args.days, args.seed, limit, args.workers)
        return 0

    print(
        f"# {platform.processor() or platform.machine()}, {platform.python_version()}, "
        f"{os.cpu_count()} cores, days={args.days}, seed={args.seed}, "
        f"workers={args.workers or 'all'}, load average {os.getloadavg()[0]:.1f} at start",
        flush=True,
    )
    rows = []
    failures = 0
    for size in args.sizes:
        limit = args.time_limit or default_time_limit(size)
        problem = generate(size, days=args.days, seed=args.seed)
        bound = weight_bound(problem)
        greedy = run_greedy(problem)
        ours = run_solver(size, args.days, args.seed, limit, args.workers)
        print(
            f"{size}: {len(problem.meetings)} meetings, {len(problem.slots)} slots, "
            f"{problem.shared_tables} tables; bound {bound.value} (LP {bound.lp_value}, "
            f"trivial {bound.trivial}, {bound.seconds:.1f} s); greedy {greedy}; ours {ours}",
            file=sys.stderr,
            flush=True,
        )
        if "error" in ours:
            rows.append((size, len(problem.meetings), bound, greedy, None, limit))
            failures += 1
            continue
        problems = []
        if greedy["violations"]:
            problems.append(f"greedy: {len(greedy['violations'])} violations")
        if ours["violations"]:
            problems.append(f"ours: {len(ours['violations'])} violations")
        if ours["figure_mismatches"]:
            problems.append(f"ours: figures differ from the checker's: {ours['figure_mismatches']}")
        for line in problems:
            print(f"  !! {size}: {line}", file=sys.stderr)
        failures += bool(problems)
        rows.append((size, len(problem.meetings), bound, greedy, ours, limit))

    header = (
        "| participants | meetings | bound | greedy weight | our weight | greedy breaks "
        "| our breaks (ratio) | status | time (limit) | peak memory | targets |"
    )
    print(header)
    print("|---" * 11 + "|")
    for size, meetings, bound, greedy, ours, limit in rows:
        if ours is None:
            print(
                f"| {size:,} | {meetings:,} | {bound.value:,} "
                f"| {greedy['weight']:,} ({percent(greedy['weight'], bound.value)}) "
                f"| solve() failed | {greedy['breaks']:,} | | | | | |"
            )
            continue
        met = []
        if ours["status"] not in ("OPTIMAL", "FEASIBLE"):
            met.append("NO SCHEDULE")
        else:
            weight_ok = ours["weight"] >= WEIGHT_TARGET * bound.value
            met.append("weight ok" if weight_ok else "WEIGHT LOW")
            met.append("breaks ok" if ours["breaks"] <= greedy["breaks"] / 2 else "BREAKS HIGH")
        met.append("time ok" if ours["seconds"] <= limit + 5 else "TIME OVER")
        met.append("memory ok" if ours["peak_mb"] < MEMORY_TARGET_MB else "MEMORY HIGH")
        ratio = f"{ours['breaks'] / greedy['breaks']:.2f}" if greedy["breaks"] else "n/a"
        print(
            f"| {size:,} | {meetings:,} | {bound.value:,} "
            f"| {greedy['weight']:,} ({percent(greedy['weight'], bound.value)}) "
            f"| {ours['weight']:,} ({percent(ours['weight'], bound.value)}) "
            f"| {greedy['breaks']:,} | {ours['breaks']:,} ({ratio}) | {ours['status']} "
            f"| {ours['seconds']:.0f} s ({limit:.0f} s) | {ours['peak_mb']:,.0f} MB "
            f"| {', '.join(met)} |"
        )
    print(f"# load average {os.getloadavg()[0]:.1f} at the end (other work slows the solver)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
