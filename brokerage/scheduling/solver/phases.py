"""The lexicographic phases of a solve, each hinted with the previous solution, all within
one wall budget:
    weight     maximise the scheduled weight (skipped when every meeting is mandatory)
    breaks     minimise total breaks with the weight held (breaks.py)
    stability  maximise meetings kept in their previous slot with breaks held
Progress reports carry the current phase's objective bound as `best_bound`. Also the
explanation of an infeasible problem, from a core of assumption literals.

Only `solve()` imports this module, lazily, so ortools is imported at the top here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from brokerage.scheduling.solver.breaks import breaks_phase
from brokerage.scheduling.solver.model import build_model, hint, is_constant
from brokerage.scheduling.solver.problem import Problem, SolveOptions
from brokerage.scheduling.solver.search import ProgressGate, solve_step


@dataclass(slots=True)
class PhaseResult:
    name: str
    status: str  # cp_model status name
    objective: float | None
    bound: float | None
    wall: float
    stopped: bool


@dataclass(slots=True)
class Outcome:
    status: str  # "OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN"
    slot_of: dict[str, str]  # meeting id -> slot id
    weight_bound: float | None
    phases: list[PhaseResult]
    log: list[str]
    stopped: bool = False


def run_phases(problem: Problem, options: SolveOptions, started: float) -> Outcome:
    """Weight, then breaks, then stability; the whole within options.time_limit."""
    deadline = started + options.time_limit
    built = build_model(problem, options)
    gate = ProgressGate(options.on_progress)
    log: list[str] = []
    phases: list[PhaseResult] = []
    slot_of: dict[str, str] | None = None
    weight_bound: float | None = None
    all_proven = True

    all_mandatory = all(m.mandatory or m.fixed_slot is not None for m in problem.meetings)
    has_breaks = bool(built.breaks_of)
    has_stability = built.kept is not None and not is_constant(built.kept)
    plan: list[str] = []
    if not all_mandatory:
        plan.append("weight")
    if has_breaks:
        plan.append("breaks")
    if has_stability:
        plan.append("stability")
    if not plan:
        plan.append("feasibility")

    stopped = False
    for position, phase in enumerate(plan):
        remaining = deadline - time.monotonic()
        if remaining <= 0 and slot_of is not None:
            all_proven = False
            log.append(f"{phase}: skipped, no time left")
            break
        # Later phases keep a share of the budget, so a hard first phase cannot starve them.
        later = len(plan) - position - 1
        share = 1.0 if later == 0 else 0.7 if later == 1 else 0.6
        phase_deadline = time.monotonic() + remaining * share
        if phase == "breaks":
            step = breaks_phase(built, problem, options, gate, started, phase_deadline, slot_of)
        else:
            if phase == "weight":
                built.model.Maximize(built.weight)
            elif phase == "stability":
                built.model.Maximize(built.kept)
            else:
                built.model.ClearObjective()
            if slot_of is not None:
                hint(built, problem, slot_of)
            step = solve_step(
                built,
                built.model,
                problem,
                options,
                gate,
                started,
                phase,
                phase_deadline - time.monotonic(),
            )
        status, stopped = step.status, step.stopped
        if step.slot_of is not None:
            slot_of = step.slot_of
        phases.append(
            PhaseResult(phase, step.status_name, step.objective, step.bound, step.wall, stopped)
        )
        log.extend(step.log)
        if status == cp_model.INFEASIBLE:
            return Outcome("INFEASIBLE", {}, None, phases, log)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if slot_of is None:
                return Outcome("UNKNOWN", {}, None, phases, log, stopped=stopped)
            all_proven = False
            break
        if status != cp_model.OPTIMAL:
            all_proven = False
        # Hold this phase's value while the next phase optimises the next objective.
        if phase == "weight":
            weight_bound = step.bound
            built.model.Add(built.weight >= round(step.objective))
        elif phase == "breaks":
            built.model.Add(built.breaks_total <= round(step.objective))
        if stopped:
            break

    if weight_bound is None and slot_of is not None:
        # The weight was not optimised (all mandatory): it is fixed, hence its own bound.
        weight_bound = float(sum(m.weight for m in problem.meetings if m.id in slot_of))
    status = "OPTIMAL" if all_proven and not stopped else "FEASIBLE"
    return Outcome(status, slot_of or {}, weight_bound, phases, log, stopped=stopped)


def infeasible_core(problem: Problem, options: SolveOptions, seconds: float) -> list[str]:
    """The requirements that clash, in words, from a core of assumption literals."""
    built = build_model(problem, options, explain=True)
    if not built.assumption_text:
        return []
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = 1  # cores from assumptions need the sequential search
    solver.parameters.random_seed = options.seed
    status = solver.Solve(built.model)
    if status != cp_model.INFEASIBLE:
        return []
    core = solver.SufficientAssumptionsForInfeasibility()
    return [built.assumption_text[index] for index in core if index in built.assumption_text]
