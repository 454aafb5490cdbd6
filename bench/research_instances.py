"""Benchmark solve() on the 20 industrial instances of Bofill et al. (JAIR 2022).

    .venv/bin/python bench/research_instances.py [--time-limit 60] [--workers N] [names...]

The instances are read from /work/shared/benchmarks/b2b-jair (or --folder), never copied
into the project. For each one this prints our total breaks, whether it was proven optimal,
our wall time, the published optimum and the published MaxSAT time, and it checks every
schedule with the independent checker.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from brokerage.scheduling.solver import SolveOptions, Status, solve
from brokerage.scheduling.solver.checker import check
from brokerage.scheduling.solver.problem import Meeting, Participant, Problem, Slot

DEFAULT_FOLDER = Path("/work/shared/benchmarks/b2b-jair")

# From the README of the instance folder: (optimum breaks, best MaxSAT seconds).
PUBLISHED: dict[str, tuple[int, float]] = {
    "forum-13": (0, 2.5),
    "forum-13crafb": (6, 23.3),
    "forum-13crafc": (1, 2.3),
    "forum-14": (2, 5.1),
    "forumt-14": (5, 0.5),
    "forumt-14crafc": (5, 0.9),
    "forumt-14crafd": (4, 0.4),
    "forumt-14crafe": (5, 0.6),
    "tic-12": (0, 0.1),
    "tic-12crafc": (0, 0.3),
    "tic-13": (0, 0.4),
    "tic-13crafb": (0, 0.4),
    "tic-13crafc": (4, 5.8),
    "tic-14crafa": (0, 1.0),
    "tic-14crafc": (0, 0.8),
    "tic-14crafd": (0, 0.8),
    "ticf-13crafa": (0, 2.2),
    "ticf-13crafb": (3, 22.3),
    "ticf-13crafc": (1, 3.7),
    "ticf-14crafa": (0, 7.6),
}


def _read_dzn_fallback(text: str) -> Problem:
    """A minimal reader for these instances, used only while formats.read_dzn is missing."""
    text = re.sub(r"%.*", "", text)
    values = dict(re.findall(r"(\w+)\s*=\s*(.*?);", text, flags=re.S))

    def integer(name: str) -> int:
        return int(values[name].strip())

    def sets(name: str) -> list[set[int]]:
        return [
            {int(v) for v in body.split(",") if v.strip()}
            for body in re.findall(r"\{(.*?)\}", values[name], flags=re.S)
        ]

    slots_total, morning = integer("nTotalSlots"), integer("nMorningSlots")
    slots = tuple(Slot(id=str(t), session="day") for t in range(1, slots_total + 1))
    forbidden = sets("forbidden")
    participants = tuple(
        Participant(id=str(p), unavailable=frozenset(str(t) for t in forbidden[p - 1] if t))
        for p in range(1, integer("nBusiness") + 1)
    )
    rows = [
        [int(v) for v in row.split(",") if v.strip()]
        for row in values["requested"].strip()[2:-2].split("|")
    ]
    fixed = [int(v) for v in values["fixed"].strip(" []\n").split(",") if v.strip()]
    precedences = sets("precedences") if "precedences" in values else [set()] * len(rows)
    morning_ids = frozenset(str(t) for t in range(1, morning + 1))
    afternoon_ids = frozenset(str(t) for t in range(morning + 1, slots_total + 1))
    meetings = tuple(
        Meeting(
            id=str(k + 1),
            a=str(a),
            b=str(b),
            mandatory=True,
            allowed_slots={1: morning_ids, 2: afternoon_ids}.get(s),
            fixed_slot=str(fixed[k]) if fixed and fixed[k] else None,
            after=tuple(str(j) for j in sorted(precedences[k])),
        )
        for k, (a, b, s) in enumerate(rows)
    )
    return Problem(
        slots=slots,
        participants=participants,
        meetings=meetings,
        shared_tables=integer("nTables"),
        fairness_max_break_spread=2,
    )


def read_instance(path: Path) -> Problem:
    try:
        from brokerage.scheduling.formats import read_dzn
    except ImportError:
        return _read_dzn_fallback(path.read_text())
    return read_dzn(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="instance names (default: all 20)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--log", action="store_true", help="print the CP-SAT search log")
    parser.add_argument("--verbose", action="store_true", help="print the phases of each solve")
    arguments = parser.parse_args()

    names = arguments.names or sorted(PUBLISHED)
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M %Z')}, {platform.processor() or platform.machine()}, "
        f"python {platform.python_version()}, time limit {arguments.time_limit:g} s, "
        f"workers {arguments.workers or 'default'}"
    )
    print("| instance | our breaks | proven optimal | our seconds | optimum | MaxSAT seconds |")
    print("|---|---|---|---|---|---|")
    proven = matched = 0
    for name in names:
        problem = read_instance(arguments.folder / f"{name}.original.dzn")
        options = SolveOptions(
            time_limit=arguments.time_limit,
            workers=arguments.workers,
            seed=arguments.seed,
            log_search=arguments.log,
        )
        started = time.monotonic()
        result = solve(problem, options)
        wall = time.monotonic() - started
        violations = check(problem, result.assignments) if result.assignments else []
        optimum, maxsat = PUBLISHED.get(name, (None, None))
        breaks = result.figures.breaks_total if result.assignments else "-"
        if violations:
            breaks = f"{breaks} (INVALID: {len(violations)} violations)"
        is_proven = result.status == Status.OPTIMAL and not violations
        proven += is_proven
        matched += breaks == optimum
        print(
            f"| {name} | {breaks} | {'yes' if is_proven else result.status.lower()} "
            f"| {wall:.1f} | {optimum} | {maxsat} |",
            flush=True,
        )
        if arguments.verbose:
            for line in result.log:
                print(f"    {line}", file=sys.stderr)
        for line in violations[:5]:
            print(f"    violation: {line}", file=sys.stderr)
    print(f"\nproven optimal: {proven}/{len(names)}; optimum value reached: {matched}/{len(names)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
