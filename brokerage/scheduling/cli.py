"""The scheduler's command line, without Flask: solve, check and generate problem files.

    python -m brokerage.scheduling solve FILE [--time-limit S] [--workers N] [--seed K] [--json]
    python -m brokerage.scheduling greedy FILE [--json]
    python -m brokerage.scheduling check PROBLEM SOLUTION
    python -m brokerage.scheduling generate --participants N [--days D] [--seed K] [-o FILE]

FILE is a `brokerage-problem/1` JSON file or a MiniZinc `.dzn` instance. Exit status: 0 on
success, 1 when `check` finds violations (or `solve` finds no schedule), 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from brokerage.scheduling.formats import (
    FormatError,
    load_problem,
    load_solution,
    write_problem_json,
    write_solution_json,
)
from brokerage.scheduling.solver.problem import (
    Problem,
    Result,
    SolveOptions,
    Status,
    Unscheduled,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m brokerage.scheduling",
        description="Schedule brokerage meetings from a problem file, check or generate one.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    solve = commands.add_parser("solve", help="schedule a problem with the CP-SAT solver")
    solve.add_argument("file", type=Path, help="problem file (.json or .dzn)")
    solve.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="seconds")
    solve.add_argument("--workers", type=int, default=0, metavar="N", help="0: all cores")
    solve.add_argument("--seed", type=int, default=0, metavar="K")
    solve.add_argument("--json", action="store_true", help="print the solution as JSON")
    solve.add_argument("-o", "--output", type=Path, help="also write the solution JSON here")

    greedy = commands.add_parser("greedy", help="schedule with the simple greedy baseline")
    greedy.add_argument("file", type=Path, help="problem file (.json or .dzn)")
    greedy.add_argument("--json", action="store_true", help="print the solution as JSON")
    greedy.add_argument("-o", "--output", type=Path, help="also write the solution JSON here")

    check = commands.add_parser("check", help="verify a solution against its problem")
    check.add_argument("problem", type=Path, help="problem file (.json or .dzn)")
    check.add_argument("solution", type=Path, help="brokerage-solution/1 JSON file")

    generate = commands.add_parser("generate", help="write a realistic random problem")
    generate.add_argument("--participants", type=int, required=True, metavar="N")
    generate.add_argument("--days", type=int, default=2, metavar="D")
    generate.add_argument("--seed", type=int, default=0, metavar="K")
    generate.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        handler = {
            "solve": _solve,
            "greedy": _greedy,
            "check": _check,
            "generate": _generate,
        }[args.command]
        return handler(args)
    except FormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _load(path: Path) -> Problem:
    try:
        return load_problem(path)
    except FormatError as error:
        if str(error).startswith(str(path)):
            raise
        raise FormatError(f"{path}: {error}") from None


def _solve(args: argparse.Namespace) -> int:
    from brokerage.scheduling.solver import solve

    problem = _load(args.file)
    if args.time_limit <= 0:
        raise ValueError("--time-limit must be positive")
    if args.workers < 0:
        raise ValueError("--workers must be 0 or more")
    options = SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    result = solve(problem, options)
    _emit(problem, result, args)
    return EXIT_OK if result.status in (Status.OPTIMAL, Status.FEASIBLE) else EXIT_FAILED


def _greedy(args: argparse.Namespace) -> int:
    import dataclasses

    from brokerage.scheduling.solver.checker import evaluate
    from brokerage.scheduling.solver.greedy import greedy_schedule

    problem = _load(args.file)
    started = time.monotonic()
    assignments = greedy_schedule(problem)
    figures, per_participant = evaluate(problem, assignments)
    figures = dataclasses.replace(figures, wall_time=time.monotonic() - started)
    placed = {assignment.meeting for assignment in assignments}
    result = Result(
        status=Status.FEASIBLE,
        assignments=assignments,
        unscheduled=tuple(
            Unscheduled(meeting.id, "no free slot when the greedy baseline reached it")
            for meeting in problem.meetings
            if meeting.id not in placed
        ),
        figures=figures,
        per_participant=per_participant,
    )
    _emit(problem, result, args)
    return EXIT_OK


def _emit(problem: Problem, result: Result, args: argparse.Namespace) -> None:
    if args.output is not None:
        args.output.write_text(write_solution_json(result), encoding="utf-8")
    if args.json:
        sys.stdout.write(write_solution_json(result))
    else:
        sys.stdout.write(summary(problem, result))


def summary(problem: Problem, result: Result, unscheduled_shown: int = 20) -> str:
    """A readable account of a result: status, figures and why meetings were left out."""
    figures = result.figures
    total_weight = sum(meeting.weight for meeting in problem.meetings)
    lines = [
        f"status: {result.status}",
        f"meetings scheduled: {figures.scheduled_count} of {len(problem.meetings)}",
        f"weight scheduled: {figures.scheduled_weight} of {total_weight}"
        + (f" (proven bound {figures.best_bound:g})" if figures.best_bound is not None else ""),
        f"breaks: {figures.breaks_total} in all, at most {figures.breaks_max} for one person",
        f"table changes: {figures.table_changes}",
    ]
    if figures.kept_in_place is not None:
        lines.append(f"kept in place: {figures.kept_in_place}")
    lines.append(f"time: {figures.wall_time:.1f} s")
    if result.explanation:
        lines.append("explanation:")
        lines.extend(f"  {line}" for line in result.explanation)
    if result.unscheduled:
        lines.append(f"unscheduled ({len(result.unscheduled)}):")
        for item in result.unscheduled[:unscheduled_shown]:
            lines.append(f"  {item.meeting}: {item.reason}")
        if len(result.unscheduled) > unscheduled_shown:
            lines.append(f"  ... and {len(result.unscheduled) - unscheduled_shown} more")
    return "\n".join(lines) + "\n"


def _check(args: argparse.Namespace) -> int:
    from brokerage.scheduling.solver.checker import check, evaluate

    problem = _load(args.problem)
    try:
        solution = load_solution(args.solution)
    except FormatError as error:
        if str(error).startswith(str(args.solution)):
            raise
        raise FormatError(f"{args.solution}: {error}") from None
    violations = check(problem, solution.assignments)
    if violations:
        print(f"{len(violations)} violation(s):")
        for violation in violations:
            print(f"  {violation}")
        return EXIT_FAILED
    figures, _ = evaluate(problem, solution.assignments)
    print(
        f"valid: {figures.scheduled_count} meetings, weight {figures.scheduled_weight}, "
        f"{figures.breaks_total} breaks (at most {figures.breaks_max} for one person), "
        f"{figures.table_changes} table changes"
    )
    claimed = solution.figures
    if claimed.scheduled_count or claimed.scheduled_weight or claimed.breaks_total:
        mismatches = [
            f"{name}: the solution says {getattr(claimed, name)}, recomputed "
            f"{getattr(figures, name)}"
            for name in (
                "scheduled_count",
                "scheduled_weight",
                "breaks_total",
                "breaks_max",
                "table_changes",
            )
            if getattr(claimed, name) != getattr(figures, name)
        ]
        if mismatches:
            print("figures do not match:")
            for mismatch in mismatches:
                print(f"  {mismatch}")
            return EXIT_FAILED
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    from brokerage.scheduling.generator import generate

    problem = generate(args.participants, days=args.days, seed=args.seed)
    text = write_problem_json(problem)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(
            f"wrote {args.output}: {len(problem.participants)} participants, "
            f"{len(problem.meetings)} meetings, {len(problem.slots)} slots",
            file=sys.stderr,
        )
    return EXIT_OK
