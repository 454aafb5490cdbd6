"""The meeting scheduler: `solve(problem, options) -> Result`.

Pure Python and ortools (imported lazily, on the first solve). The hard constraints are
modelled in `model.py`, and the lexicographic objectives are solved in turn by `phases.py`
(the breaks phase in `breaks.py`); choices worth knowing:

- A meeting with `fixed_slot` (a lock) is scheduled, in that slot.
- A precedence (`after`) only binds when both meetings are scheduled: if the predecessor is
  left out, the successor may still take place, anywhere.
- `options.time_limit` is the wall budget of the whole solve, all phases together.
"""

from __future__ import annotations

import dataclasses
import time

from brokerage.scheduling.solver.problem import (
    Assignment,
    Figures,
    Meeting,
    Participant,
    ParticipantFigures,
    Problem,
    Progress,
    Result,
    Slot,
    SolveOptions,
    Status,
    Unscheduled,
)

__all__ = [
    "Assignment",
    "Figures",
    "Meeting",
    "Participant",
    "ParticipantFigures",
    "Problem",
    "Progress",
    "Result",
    "Slot",
    "SolveOptions",
    "Status",
    "Unscheduled",
    "solve",
]

# Seconds at most spent looking for an infeasible core to explain a clash.
EXPLAIN_SECONDS = 10.0


def _empty_result(
    problem: Problem,
    status: Status,
    started: float,
    reason: str,
    explanation: tuple[str, ...] = (),
    log: tuple[str, ...] = (),
) -> Result:
    from brokerage.scheduling.solver.checker import evaluate

    figures, per_participant = evaluate(problem, ())
    figures = dataclasses.replace(figures, wall_time=time.monotonic() - started)
    return Result(
        status=status,
        assignments=(),
        unscheduled=tuple(Unscheduled(meeting.id, reason) for meeting in problem.meetings),
        figures=figures,
        per_participant=per_participant,
        explanation=explanation,
        log=log,
    )


def _finish(
    problem: Problem,
    options: SolveOptions,
    started: float,
    slot_of: dict[str, str],
    status: Status,
    weight_bound: float | None,
    log: list[str],
) -> Result:
    """Seat the meetings, recompute the figures independently, and explain the left-outs."""
    from brokerage.scheduling.solver import reasons
    from brokerage.scheduling.solver.checker import evaluate
    from brokerage.scheduling.solver.tables import assign_tables

    kept_tables = {
        meeting_id: table
        for meeting_id, (slot_id, table) in options.previous_seats.items()
        if slot_of.get(meeting_id) == slot_id
    }
    assignments, _table_changes = assign_tables(problem, slot_of, kept_tables)
    figures, per_participant = evaluate(
        problem, assignments, dict(options.previous) if options.previous else None
    )
    wall = time.monotonic() - started
    figures = dataclasses.replace(figures, best_bound=weight_bound, wall_time=wall)
    if options.on_progress is not None:
        options.on_progress(
            Progress(
                phase="tables",
                elapsed=wall,
                scheduled_count=figures.scheduled_count,
                scheduled_weight=figures.scheduled_weight,
                breaks_total=figures.breaks_total,
                best_bound=weight_bound,
            )
        )
    why_not = reasons.unscheduled_reasons(problem, slot_of, status == Status.OPTIMAL)
    return Result(
        status=status,
        assignments=assignments,
        unscheduled=tuple(
            Unscheduled(meeting.id, why_not[meeting.id])
            for meeting in problem.meetings
            if meeting.id in why_not
        ),
        figures=figures,
        per_participant=per_participant,
        log=tuple(log),
    )


def _solve_large(problem: Problem, options: SolveOptions, started: float) -> Result:
    """Events too large for the exact model: large-neighbourhood search (large.py)."""
    from brokerage.scheduling.solver import large

    # Keep time for seating, figures and reasons after the search: about 1.6 s at 45,000
    # meetings on a quiet machine, measured; twice that is kept so a busy one stays in time.
    reserve = 0.5 + len(problem.meetings) / 5_000
    deadline = started + max(0.1, options.time_limit - reserve)
    found = large.solve_large(problem, options, deadline)
    log = ["large event: large-neighbourhood search", *found.log]
    problems = []
    if found.unscheduled_mandatory:
        problems.append(
            "no schedule found for the mandatory meetings " + ", ".join(found.unscheduled_mandatory)
        )
    if not found.fairness_met:
        problems.append("no schedule found that keeps the fairness cap on breaks")
    if problems:
        return _empty_result(
            problem,
            Status.UNKNOWN,
            started,
            "no complete schedule found",
            explanation=tuple(problems),
            log=tuple(log),
        )
    status = Status.OPTIMAL if found.optimal and not found.stopped else Status.FEASIBLE
    return _finish(problem, options, started, found.slot_of, status, found.best_bound, log)


def solve(problem: Problem, options: SolveOptions | None = None) -> Result:
    """Schedule as much weight as possible, then as few breaks, then as little change."""
    from brokerage.scheduling.solver import large, phases, reasons

    options = options or SolveOptions()
    started = time.monotonic()

    clashes = reasons.contradictions(problem)
    if clashes:
        return _empty_result(
            problem,
            Status.INFEASIBLE,
            started,
            "the problem has no schedule (see the explanation)",
            explanation=tuple(clashes),
            log=("pre-check found contradictory requirements",),
        )

    if large.is_large(problem):
        return _solve_large(problem, options, started)

    outcome = phases.run_phases(problem, options, started)
    log = list(outcome.log)
    if outcome.status == "INFEASIBLE":
        seconds = min(EXPLAIN_SECONDS, max(1.0, started + options.time_limit - time.monotonic()))
        core = phases.infeasible_core(problem, options, seconds)
        explanation = (
            ("These requirements cannot all hold together:", *core)
            if core
            else (
                "The mandatory and locked meetings, precedences and fairness cap cannot all "
                "hold together with the availabilities, tables and maximum meetings given.",
            )
        )
        return _empty_result(
            problem,
            Status.INFEASIBLE,
            started,
            "the problem has no schedule (see the explanation)",
            explanation=explanation,
            log=tuple(log),
        )
    if outcome.status == "UNKNOWN":
        why = "stopped" if outcome.stopped else f"within {options.time_limit:g} s"
        return _empty_result(
            problem, Status.UNKNOWN, started, f"no schedule found ({why})", log=tuple(log)
        )

    status = Status.OPTIMAL if outcome.status == "OPTIMAL" else Status.FEASIBLE
    return _finish(problem, options, started, outcome.slot_of, status, outcome.weight_bound, log)
