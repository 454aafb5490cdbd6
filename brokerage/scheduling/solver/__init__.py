"""The meeting scheduler: `solve(problem, options) -> Result`.

Pure Python and ortools (imported lazily, on the first solve). The hard constraints and the
lexicographic objectives are described in `model.py`; choices worth knowing:

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


def solve(problem: Problem, options: SolveOptions | None = None) -> Result:
    """Schedule as much weight as possible, then as few breaks, then as little change."""
    from brokerage.scheduling.solver import model, reasons
    from brokerage.scheduling.solver.checker import evaluate
    from brokerage.scheduling.solver.tables import assign_tables

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

    outcome = model.run_phases(problem, options, started)
    log = list(outcome.log)
    if outcome.status == "INFEASIBLE":
        seconds = min(EXPLAIN_SECONDS, max(1.0, started + options.time_limit - time.monotonic()))
        core = model.infeasible_core(problem, options, seconds)
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

    assignments, _table_changes = assign_tables(problem, outcome.slot_of)
    figures, per_participant = evaluate(
        problem, assignments, dict(options.previous) if options.previous else None
    )
    wall = time.monotonic() - started
    figures = dataclasses.replace(figures, best_bound=outcome.weight_bound, wall_time=wall)
    if options.on_progress is not None:
        options.on_progress(
            Progress(
                phase="tables",
                elapsed=wall,
                scheduled_count=figures.scheduled_count,
                scheduled_weight=figures.scheduled_weight,
                breaks_total=figures.breaks_total,
                best_bound=outcome.weight_bound,
            )
        )
    status = Status.OPTIMAL if outcome.status == "OPTIMAL" else Status.FEASIBLE
    why_not = reasons.unscheduled_reasons(problem, outcome.slot_of, status == Status.OPTIMAL)
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
