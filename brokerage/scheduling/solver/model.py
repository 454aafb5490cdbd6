"""The CP-SAT model of the meeting scheduling problem and its lexicographic phases.

Only `solve()` imports this module, lazily, so ortools is imported at the top here.

Variables
    x[m, t]      meeting m takes place in slot t (only for the slots m may use at all)
    y[p, t]      participant p is busy in slot t; y[p, t] = sum of x over p's meetings,
                 which also enforces "at most one meeting per participant and slot"
    start[p, t]  a block of consecutive meetings of p starts at t (y[p, t] and not y[p, t-1])
    breaks[p]    blocks of p - (1 if p meets at all), per session, summed; an integer in
                 [0, ...] so that a cap on the total propagates to every participant
Breaks count block starts rather than idle runs: tighter, and exact, which the fairness cap
needs. Redundant views that make the solver much stronger on tight instances:
    - sum_t y[p, t] = meetings of p; sum_p y[p, t] = 2 x meetings in slot t
    - hole links: "busy before and after t but idle at t" implies a break, and back
    - gapless windows (participants whose meetings all take place in one session): one
      literal per window of n_p consecutive slots; "no break" = one window chosen, with
      y[p, t] >= sum of the windows covering t. Its linear relaxation proves the break lower
      bounds that table capacity forces (see `_add_gapless_windows`).

Phases (each hinted with the previous solution, all within one wall budget):
    weight     maximise the scheduled weight (skipped when every meeting is mandatory)
    breaks     minimise total breaks with the weight held: when every meeting is required,
               the breaks each person's own meetings force become cuts (owners.py), then a
               race on "no break at all" between the full model and a gapless model (see
               build_gapless_model), and if that is refuted a search over who takes the one
               break (owners.search_extra_break); then objective search, probes "total
               breaks <= lower bound" as feasibility problems, and search again
    stability  maximise meetings kept in their previous slot with breaks held
Progress reports carry the current phase's objective bound as `best_bound`.
"""

from __future__ import annotations

import itertools
import math
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from brokerage.scheduling.solver import owners
from brokerage.scheduling.solver.problem import Problem, Progress, SolveOptions

# Minimum seconds between two progress reports, so a UI is not flooded.
PROGRESS_INTERVAL = 0.5
# How often the caller's thread checks should_stop and forwards progress.
POLL_INTERVAL = 0.05
# Breaks phase: share of its budget for the first objective search, and for each probe
# "breaks <= bound" of what is left then.
FIRST_SEARCH_SHARE = 0.3
PROBE_SHARE = 0.5
# Share of the breaks phase (at most HEURISTIC_START_MAX seconds) for a local-search start
# when no earlier phase gave one.
HEURISTIC_START_SHARE = 0.1
HEURISTIC_START_MAX = 5.0
# Workers for the objective searches when the caller leaves the count to us (workers=0):
# CP-SAT would use one per core, and with two cores its portfolio has no neighbourhood
# search at all; eight workers bring its LNS subsolvers, which find low-break schedules far
# faster even time-sliced on two cores (ticf-13crafc, 20 s: 13 breaks with 8, 23 with 2).
# The probes keep one worker per core: there the full-problem worker matters most.
OBJECTIVE_SEARCH_WORKERS = 8
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


@dataclass(slots=True)
class Candidates:
    """Where each meeting may go at all, before any interaction between meetings."""

    slots_of: list[list[int]]  # per meeting index: slot indices it may use
    at_booth: list[bool]  # per meeting index: uses a booth, not a shared table


def meeting_booth(problem_participants: dict, a: str, b: str) -> str | None:
    """The booth a meeting takes place at: a's booth, else b's, else None (a shared table)."""
    pa, pb = problem_participants.get(a), problem_participants.get(b)
    if pa is not None and pa.booth:
        return pa.booth
    if pb is not None and pb.booth:
        return pb.booth
    return None


def candidate_slots(problem: Problem, respect_fixed: bool = True) -> Candidates:
    participants = {p.id: p for p in problem.participants}
    slot_ids = [s.id for s in problem.slots]
    slots_of: list[list[int]] = []
    at_booth: list[bool] = []
    for meeting in problem.meetings:
        pa, pb = participants.get(meeting.a), participants.get(meeting.b)
        booth = meeting_booth(participants, meeting.a, meeting.b)
        at_booth.append(booth is not None)
        allowed: list[int] = []
        if pa is not None and pb is not None and meeting.a != meeting.b:
            for t, slot_id in enumerate(slot_ids):
                if slot_id in pa.unavailable or slot_id in pb.unavailable:
                    continue
                if meeting.allowed_slots is not None and slot_id not in meeting.allowed_slots:
                    continue
                if booth is None and problem.tables_in(slot_id) <= 0:
                    continue
                if (
                    respect_fixed
                    and meeting.fixed_slot is not None
                    and slot_id != meeting.fixed_slot
                ):
                    continue
                allowed.append(t)
        slots_of.append(allowed)
    return Candidates(slots_of=slots_of, at_booth=at_booth)


@dataclass(slots=True)
class BuiltModel:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    scheduled: list[cp_model.LinearExprT]  # per meeting: 1 if scheduled
    weight: cp_model.LinearExprT
    count: cp_model.LinearExprT
    breaks_total: cp_model.LinearExprT
    breaks_of: dict[int, cp_model.LinearExprT]  # participant index -> breaks expression
    kept: cp_model.LinearExprT | None
    busy: dict[tuple[int, int], cp_model.IntVar]
    # Explanation mode: assumption literal index -> the requirement it switches on, in words.
    assumption_text: dict[int, str] = field(default_factory=dict)


def _label(problem: Problem, participant_id: str) -> str:
    for p in problem.participants:
        if p.id == participant_id and p.name:
            return f"{p.name} ({p.id})"
    return participant_id


def build_model(
    problem: Problem,
    options: SolveOptions,
    explain: bool = False,
    gapless: bool = False,
    split_windows: int = 0,
    must_break: frozenset[int] = frozenset(),
) -> BuiltModel:
    """Build the full model; with `explain`, the requirements that can clash are switched on
    by assumption literals so that an infeasible core can be read back in words. With
    `gapless` (see `build_gapless_model`), the break machinery is replaced by windows of
    back-to-back meetings: a model of the schedules without any break."""
    model = cp_model.CpModel()
    meetings = problem.meetings
    slot_ids = [s.id for s in problem.slots]
    slot_index = {s: t for t, s in enumerate(slot_ids)}
    meeting_index = {m.id: i for i, m in enumerate(meetings)}
    participant_index = {p.id: i for i, p in enumerate(problem.participants)}
    cands = candidate_slots(problem, respect_fixed=not explain)
    assumption_text: dict[int, str] = {}

    def requirement(text: str) -> cp_model.IntVar:
        literal = model.NewBoolVar(text)
        model.AddAssumption(literal)
        assumption_text[literal.Index()] = text
        return literal

    # Gapless mode: the window starts come first in the model, so the solver decides them
    # before any meeting (a search on the meetings first was far slower; see
    # build_gapless_model).
    sessions: dict[str, list[int]] = defaultdict(list)
    for t, slot in enumerate(problem.slots):
        sessions[slot.session].append(t)
    busy: dict[tuple[int, int], cp_model.IntVar] = {}
    windows = {}
    if gapless and split_windows:
        _split_windows(model, problem, cands, sessions, busy, split_windows, must_break)
    elif gapless:
        windows = _gapless_window_literals(model, problem, cands, sessions, busy)

    x: dict[tuple[int, int], cp_model.IntVar] = {}
    scheduled: list[cp_model.LinearExprT] = []
    meetings_of_participant: dict[int, list[int]] = defaultdict(list)
    for i, meeting in enumerate(meetings):
        for t in cands.slots_of[i]:
            x[i, t] = model.NewBoolVar(f"x[{meeting.id},{slot_ids[t]}]")
        row = [x[i, t] for t in cands.slots_of[i]]
        if len(row) > 1:
            model.AddAtMostOne(row)
        scheduled.append(sum(row) if row else 0)
        # A locked meeting is scheduled in its slot: a lock is an organiser's decision.
        must_schedule = meeting.mandatory or meeting.fixed_slot is not None
        if must_schedule:
            if explain:
                literal = requirement(
                    f"meeting {meeting.id} ({meeting.a}–{meeting.b}) must be scheduled"
                )
                if row:
                    model.AddBoolOr(row).OnlyEnforceIf(literal)
                else:
                    model.Add(literal == 0)
            elif row:
                model.AddExactlyOne(row)
            else:
                model.AddBoolOr([])  # always false; the pre-checks explain it in words
        if explain and meeting.fixed_slot is not None:
            t = slot_index.get(meeting.fixed_slot)
            literal = requirement(f"meeting {meeting.id} is locked to slot {meeting.fixed_slot}")
            if t is not None and (i, t) in x:
                model.AddImplication(literal, x[i, t])
            else:
                model.Add(literal == 0)
        for pid in (meeting.a, meeting.b):
            if pid in participant_index:
                meetings_of_participant[participant_index[pid]].append(i)

    # Busy bools; their definition is also the one-meeting-per-slot constraint.
    for p, own in meetings_of_participant.items():
        by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for i in own:
            for t in cands.slots_of[i]:
                by_slot[t].append(x[i, t])
        for t, terms in sorted(by_slot.items()):
            y = busy.get((p, t))
            if y is None:
                y = model.NewBoolVar(f"y[{problem.participants[p].id},{slot_ids[t]}]")
            model.Add(y == sum(terms))
            busy[p, t] = y
        # Implied: the slots p is busy in are exactly p's scheduled meetings.
        model.Add(sum(busy[p, t] for t in by_slot) == sum(scheduled[i] for i in own))
        limit = problem.participants[p].max_meetings
        if limit is not None and limit < len(own):
            if explain:
                literal = requirement(
                    f"{_label(problem, problem.participants[p].id)} has at most {limit} meetings"
                )
                model.Add(sum(busy[p, t] for t in by_slot) <= limit).OnlyEnforceIf(literal)
            else:
                model.Add(sum(busy[p, t] for t in by_slot) <= limit)

    # Shared tables per slot, and implied: busy participants in a slot = 2 x its meetings.
    for t, slot_id in enumerate(slot_ids):
        in_slot = [(i, x[i, t]) for i in range(len(meetings)) if (i, t) in x]
        if not in_slot:
            continue
        shared = [var for i, var in in_slot if not cands.at_booth[i]]
        if len(shared) > problem.tables_in(slot_id):
            model.Add(sum(shared) <= problem.tables_in(slot_id))
        busy_here = [busy[p, t] for p in meetings_of_participant if (p, t) in busy]
        model.Add(sum(busy_here) == 2 * sum(var for _, var in in_slot))

    # Two participants sharing one booth label cannot both host there in the same slot.
    participants_by_id = {p.id: p for p in problem.participants}
    booth_meetings: dict[str, list[int]] = defaultdict(list)
    for i, meeting in enumerate(meetings):
        booth = meeting_booth(participants_by_id, meeting.a, meeting.b)
        if booth is not None:
            booth_meetings[booth].append(i)
    hosts_by_booth: dict[str, set[str]] = defaultdict(set)
    for p in problem.participants:
        if p.booth:
            hosts_by_booth[p.booth].add(p.id)
    for booth, own in booth_meetings.items():
        if len(hosts_by_booth[booth]) < 2:
            continue  # one host: already at most one meeting per slot
        for t in range(len(slot_ids)):
            terms = [x[i, t] for i in own if (i, t) in x]
            if len(terms) > 1:
                model.AddAtMostOne(terms)

    # Precedences: when both are scheduled, the predecessor is strictly earlier. If either
    # is unscheduled the precedence is void (a mandatory successor does not force it in).
    for i, meeting in enumerate(meetings):
        for before_id in meeting.after:
            j = meeting_index.get(before_id)
            if j is None or j == i:
                continue
            literal = None
            if explain:
                literal = requirement(f"meeting {before_id} must come before meeting {meeting.id}")
            for t in cands.slots_of[i]:
                clash = [x[j, u] for u in cands.slots_of[j] if u >= t]
                if not clash:
                    continue
                constraint = model.AddAtMostOne([x[i, t], *clash])
                if literal is not None:
                    constraint.OnlyEnforceIf(literal)

    # Breaks, per session, via block starts: breaks = blocks - (1 if p meets in the session).
    breaks_of: dict[int, cp_model.LinearExprT] = {}
    for p, (row, length, started) in windows.items():
        _link_gapless_window(model, row, length, started, [busy.get((p, t)) for t in row])
    for p in range(len(problem.participants)) if not gapless else ():
        own = meetings_of_participant.get(p, [])
        parts: list[cp_model.LinearExprT] = []
        for session_slots in sessions.values():
            used = [t for t in session_slots if (p, t) in busy]
            if len(used) < 2:
                continue  # a break needs two meetings in the session
            in_session = set(session_slots)
            starts = []
            previous = None
            for t in session_slots[
                session_slots.index(used[0]) : session_slots.index(used[-1]) + 1
            ]:
                current = busy.get((p, t))
                if current is None:
                    previous = None  # p can never meet here: the next busy slot starts a block
                    continue
                if previous is None:
                    starts.append(current)
                else:
                    start = model.NewBoolVar("")
                    # Exact definition (the fairness cap needs exact counts, not bounds).
                    model.AddImplication(start, current)
                    model.AddImplication(start, previous.Not())
                    model.AddBoolOr([start, current.Not(), previous])
                    starts.append(start)
                previous = current
            # Meets in the session at all? Certain when a required meeting can only be there.
            # (Not when explaining: there "mandatory" is itself an assumption.)
            certain = not explain and any(
                (meetings[i].mandatory or meetings[i].fixed_slot is not None)
                and cands.slots_of[i]
                and set(cands.slots_of[i]) <= in_session
                for i in own
            )
            # Each term below is >= 0, but the solver only knows it if told: without the
            # "some block starts" clause a sum of breaks can look negative to propagation.
            if certain:
                model.AddBoolOr(starts)
                part = sum(starts) - 1
            else:
                active = model.NewBoolVar("")
                used_vars = [busy[p, t] for t in used]
                for var in used_vars:
                    model.AddImplication(var, active)
                model.AddBoolOr([*used_vars, active.Not()])
                model.AddBoolOr([*starts, active.Not()])
                part = sum(starts) - active
            _add_hole_links(model, [busy.get((p, t)) for t in session_slots], part)
            parts.append(part)
        if parts:
            # A variable with domain [0, ...], not the bare expression: then a cap on the
            # total propagates to every participant (sum of starts - 1 can look negative).
            breaks_var = model.NewIntVar(0, len(problem.slots), f"breaks[{p}]")
            model.Add(breaks_var == sum(parts))
            breaks_of[p] = breaks_var
    for p, breaks_var in breaks_of.items():
        if explain or gapless:
            break  # these windows take "mandatory" for granted
        _add_gapless_windows(model, problem, cands, meetings_of_participant[p], p, busy, breaks_var)
    breaks_total = sum(breaks_of.values())

    spread = problem.fairness_max_break_spread
    if spread is not None and breaks_of:
        literal = None
        if explain:
            literal = requirement(f"the fairness cap: breaks may differ by at most {spread}")
        # Someone who can never have a break pins the minimum at 0.
        if len(breaks_of) < len(problem.participants):
            minimum: cp_model.LinearExprT = 0
        else:
            minimum = model.NewIntVar(0, len(problem.slots), "min_breaks")
            for b in breaks_of.values():
                model.Add(minimum <= b)
        for b in breaks_of.values():
            constraint = model.Add(b <= minimum + spread)
            if literal is not None:
                constraint.OnlyEnforceIf(literal)

    weight = sum(m.weight * scheduled[i] for i, m in enumerate(meetings))
    count = sum(scheduled)
    kept = None
    if options.previous:
        kept_terms = []
        for meeting_id, slot_id in options.previous.items():
            i, t = meeting_index.get(meeting_id), slot_index.get(slot_id)
            if i is not None and t is not None and (i, t) in x:
                kept_terms.append(x[i, t])
        kept = sum(kept_terms)

    # Search on the busy bools first: they decide breaks; meetings follow by propagation.
    return BuiltModel(
        model=model,
        x=x,
        scheduled=scheduled,
        weight=weight,
        count=count,
        breaks_total=breaks_total,
        breaks_of=breaks_of,
        kept=kept,
        busy=busy,
        assumption_text=assumption_text,
    )


def gapless_applies(problem: Problem) -> bool:
    """Whether `build_gapless_model` is exact: every meeting is required (so each person's
    meeting count is known) and nobody's meetings can fall in two sessions."""
    if not problem.meetings or not all(
        m.mandatory or m.fixed_slot is not None for m in problem.meetings
    ):
        return False
    cands = candidate_slots(problem)
    session_of: dict[str, set[str]] = defaultdict(set)
    for i, meeting in enumerate(problem.meetings):
        for t in cands.slots_of[i]:
            session_of[meeting.a].add(problem.slots[t].session)
            session_of[meeting.b].add(problem.slots[t].session)
    return all(len(sessions) <= 1 for sessions in session_of.values())


def build_gapless_model(
    problem: Problem,
    options: SolveOptions,
    breaks: int = 0,
    must_break: frozenset[int] = frozenset(),
) -> BuiltModel | None:
    """The schedules without any break, or None when that model would not be exact.

    With `breaks` > 0: schedules where at most that many participants have one break each
    (two windows with an idle gap) and everyone else none. A restriction, not a relaxation:
    what it finds is a valid schedule with at most `breaks` breaks, but "none found" proves
    nothing. None when the fairness cap forbids one person a break while others have none.

    Each participant's meetings fill one window of n_p consecutive slots, its start in order
    encoding (F[k]: "the window starts at or before the k-th slot of the session"), and busy
    at slot k is exactly "F[k] and not F[k - n_p]". Searched without LP like a SAT problem,
    this finds gapless schedules that the full model's probe "breaks <= 0" does not
    (measured on the research instances, see docs/benchmarks.md), and refutes them as well:
    "no gapless schedule" is "breaks >= 1".
    """
    if not gapless_applies(problem):
        return None
    spread = problem.fairness_max_break_spread
    if breaks > 0 and spread is not None and spread < 1:
        return None
    return build_model(problem, options, gapless=True, split_windows=breaks, must_break=must_break)


def _order_chain(model: cp_model.CpModel, size: int, rising: bool) -> list[cp_model.IntVar]:
    """Literals for "x <= k" (rising: once true, true onwards) or "x >= k" (falling)."""
    literals = [model.NewBoolVar("") for _ in range(size)]
    for k in range(size - 1):
        if rising:
            model.AddImplication(literals[k], literals[k + 1])
        else:
            model.AddImplication(literals[k + 1], literals[k])
    return literals


def _window_rows(
    model: cp_model.CpModel,
    problem: Problem,
    cands: Candidates,
    sessions: dict[str, list[int]],
) -> Iterator[tuple[int, list[int], list[int]]]:
    """(participant index, their meetings, the slots of their session) for everyone with two
    or more meetings, the people the window models give windows to."""
    for p, meetings in owners.meetings_by_participant(problem).items():
        if len(meetings) < 2:
            continue
        used = {problem.slots[t].session for i in meetings for t in cands.slots_of[i]}
        if len(used) != 1:
            model.AddBoolOr([])  # gapless_applies() rules this out; never a wrong schedule
            continue
        yield p, meetings, sessions[next(iter(used))]


def _split_windows(
    model: cp_model.CpModel,
    problem: Problem,
    cands: Candidates,
    sessions: dict[str, list[int]],
    busy: dict[tuple[int, int], cp_model.IntVar],
    limit: int,
    must_break: frozenset[int] = frozenset(),
) -> None:
    """Per participant with two or more meetings, two windows in order encoding (starts at
    or before k, ends at or after k); the second is empty unless the participant is
    "broken", and then starts at least two slots after the first ends: exactly one break.
    At most `limit` participants are broken. Created before the meetings, like the gapless
    windows, so that the search decides them first."""
    broken_literals = []
    for p, meetings, row in _window_rows(model, problem, cands, sessions):
        length = len(meetings)
        broken = model.NewBoolVar("")
        if p in must_break:
            model.AddBoolOr([broken])
        broken_literals.append(broken)

        first_start, first_end = (
            _order_chain(model, len(row), True),
            _order_chain(model, len(row), False),
        )
        second_start, second_end = (
            _order_chain(model, len(row), True),
            _order_chain(model, len(row), False),
        )
        possible = {t for i in meetings for t in cands.slots_of[i]}
        for t in row:
            if t in possible:
                busy[p, t] = model.NewBoolVar("")
        for k, t in enumerate(row):
            inside = []
            for start, end in ((first_start, first_end), (second_start, second_end)):
                literal = model.NewBoolVar("")
                model.AddBoolAnd([start[k], end[k]]).OnlyEnforceIf(literal)
                model.AddBoolOr([start[k].Not(), end[k].Not(), literal])
                inside.append(literal)
            var = busy.get((p, t))
            if var is None:
                for literal in inside:
                    model.AddBoolOr([literal.Not()])
            else:
                for literal in inside:
                    model.AddImplication(literal, var)
                model.AddBoolOr([var.Not(), *inside])
            if k == 0:
                model.AddBoolOr([second_start[0].Not()])
            else:  # an idle slot between the windows
                model.AddBoolOr([second_start[k].Not(), first_end[k - 1].Not()])
            model.AddImplication(broken.Not(), second_end[k].Not())
            if k >= length:  # not broken: one window of `length` slots
                model.AddBoolOr([broken, first_end[k].Not(), first_start[k - length].Not()])
                model.AddBoolOr([broken, first_end[k], first_start[k - length]])
        model.AddBoolOr([first_start[-1]])
        model.AddBoolOr([first_end[0]])
        model.AddImplication(broken, second_start[-1])
        model.AddImplication(broken, second_end[0])
    if broken_literals:
        model.Add(sum(broken_literals) <= limit)


def _gapless_window_literals(
    model: cp_model.CpModel,
    problem: Problem,
    cands: Candidates,
    sessions: dict[str, list[int]],
    busy: dict[tuple[int, int], cp_model.IntVar],
) -> dict[int, tuple[list[int], int, list[cp_model.IntVar]]]:
    """Per participant with two or more meetings: (session slots, meeting count, started),
    where started[k] means "the window starts at or before the k-th slot of the session".
    Also creates these participants' busy literals, right after their window, into `busy`."""
    unavailable = [
        {t for t, slot in enumerate(problem.slots) if slot.id in p.unavailable}
        for p in problem.participants
    ]
    windows = {}
    for p, meetings, row in _window_rows(model, problem, cands, sessions):
        length = len(meetings)
        # A window must be free for p and reach a possible slot of each of p's meetings.
        starts = [
            k
            for k in range(len(row) - length + 1)
            if not any(t in unavailable[p] for t in row[k : k + length])
            and all(set(row[k : k + length]) & set(cands.slots_of[i]) for i in meetings)
        ]
        if not starts:
            model.AddBoolOr([])  # no window long enough: no gapless schedule
            continue
        start = model.NewIntVarFromDomain(cp_model.Domain.FromValues(starts), "")
        started = [model.NewBoolVar("") for _ in row]
        for k, literal in enumerate(started):
            model.Add(start <= k).OnlyEnforceIf(literal)
            model.Add(start > k).OnlyEnforceIf(literal.Not())
        for k in range(len(row) - 1):
            model.AddImplication(started[k], started[k + 1])
        possible = {t for i in meetings for t in cands.slots_of[i]}
        for t in row:
            if t in possible:
                busy[p, t] = model.NewBoolVar("")
        windows[p] = (row, length, started)
    return windows


def _link_gapless_window(
    model: cp_model.CpModel,
    row: list[int],
    length: int,
    started: list[cp_model.IntVar],
    busy_row: list[cp_model.IntVar | None],
) -> None:
    """Busy at the k-th slot of the session exactly when started[k] and not
    started[k - length]: one window of `length` back-to-back slots."""
    for k in range(len(row)):
        inside = [started[k], *([started[k - length].Not()] if k >= length else [])]
        var = busy_row[k]
        if var is None:
            model.AddBoolOr([literal.Not() for literal in inside])
            continue
        for literal in inside:
            model.AddImplication(var, literal)
        model.AddBoolOr([var, *(literal.Not() for literal in inside)])


def _add_gapless_windows(
    model: cp_model.CpModel,
    problem: Problem,
    cands: Candidates,
    own: list[int],
    p: int,
    busy: dict[tuple[int, int], cp_model.IntVar],
    breaks_var: cp_model.IntVar,
) -> None:
    """Redundant "no break = one window" view, for participants with a known meeting count.

    When all of p's meetings are required and fall in one session, p has no break exactly
    when p is busy in one window of n_p consecutive slots. One literal per possible window,
    with busy[p, t] >= sum of the windows covering t, gives the linear relaxation what block
    starts cannot: e.g. every window of 6 of 10 slots covers slots 5 and 6, so table capacity
    there bounds how many participants can go without a break. This is what proves the
    optimum on the tight research instances.
    """
    if not own or not all(
        problem.meetings[i].mandatory or problem.meetings[i].fixed_slot is not None for i in own
    ):
        return
    sessions = {problem.slots[t].session for i in own for t in cands.slots_of[i]}
    if len(sessions) != 1:
        return
    (session,) = sessions
    session_slots = [t for t, slot in enumerate(problem.slots) if slot.session == session]
    length = len(own)
    windows: dict[int, list[int]] = {}
    for k in range(len(session_slots) - length + 1):
        covered = session_slots[k : k + length]
        if all((p, t) in busy for t in covered):
            windows[k] = covered
    gapless = model.NewBoolVar("")
    model.Add(breaks_var >= 1 - gapless)
    if not windows:
        model.Add(gapless == 0)
        return
    chosen = {k: model.NewBoolVar("") for k in windows}
    model.Add(sum(chosen.values()) == gapless)
    for t in session_slots:
        if (p, t) not in busy:
            continue
        covering = [chosen[k] for k, covered in windows.items() if t in covered]
        others = [chosen[k] for k, covered in windows.items() if t not in covered]
        if covering:
            model.Add(busy[p, t] >= sum(covering))
        if others:
            model.Add(busy[p, t] <= 1 - sum(others))


def _add_hole_links(
    model: cp_model.CpModel,
    busy_row: list[cp_model.IntVar | None],
    breaks: cp_model.LinearExprT,
) -> None:
    """Redundant window view of one participant's session, for stronger propagation.

    started[k]: busy somewhere at or before k; pending[k]: busy somewhere at or after k;
    hole[k]: idle at k strictly inside the window. Then a hole means at least one break and
    every break holds a hole. Block starts alone propagate weakly: with the breaks held at 0
    and meetings at slots 3 and 7, only this view fills slots 4 to 6 at once.
    """
    first = next((k for k, var in enumerate(busy_row) if var is not None), None)
    last = next((k for k in reversed(range(len(busy_row))) if busy_row[k] is not None), None)
    if first is None or last is None or last - first < 2:
        return
    row = busy_row[first : last + 1]

    def chain(order: list[int]) -> dict[int, cp_model.IntVar]:
        reached: dict[int, cp_model.IntVar] = {}
        before = None
        for k in order:
            current = row[k]
            if before is None:
                reached[k] = current  # the first slot of the row is always a busy var
            else:
                var = model.NewBoolVar("")
                model.AddImplication(before, var)
                if current is not None:
                    model.AddImplication(current, var)
                    model.AddBoolOr([var.Not(), before, current])
                else:
                    model.Add(var == before)
                reached[k] = var
            before = reached[k]
        return reached

    started = chain(list(range(len(row))))
    pending = chain(list(reversed(range(len(row)))))
    holes = []
    for k in range(1, len(row) - 1):
        hole = model.NewBoolVar("")
        model.AddImplication(hole, started[k])
        model.AddImplication(hole, pending[k])
        if row[k] is not None:
            model.AddImplication(hole, row[k].Not())
            model.AddBoolOr([hole, started[k].Not(), pending[k].Not(), row[k]])
        else:
            model.AddBoolOr([hole, started[k].Not(), pending[k].Not()])
        model.Add(breaks >= hole)
        holes.append(hole)
    model.Add(breaks <= sum(holes))


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


class _ProgressGate:
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
    gate: _ProgressGate,
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
            while not inbox.empty():
                gate.offer(inbox.get_nowait())
            if not stopped and options.should_stop is not None and options.should_stop():
                stopped = True
                solver.StopSearch()
    except BaseException:
        solver.StopSearch()
        worker.join()
        raise
    while not inbox.empty():
        gate.offer(inbox.get_nowait())
    gate.flush()
    if failure:
        raise failure[0]
    return outcome["status"], stopped


def _solver(
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


def _gapless_solvers(
    options: SolveOptions,
    seconds: float,
    first_seed: int = 0,
    seed_step: int = 1,
    linearization: int = 0,
    first_slice: float = GAPLESS_FIRST_SLICE,
) -> list[cp_model.CpSolver]:
    """Solvers for the gapless model, run one after the other within `seconds`: one worker
    without LP, which decides the window starts first (they come first in the model) and
    finds gapless schedules in seconds where LP-based workers do not. Its run time is
    heavy-tailed in the seed (ticf-14crafa, loaded machine: 4-15 s with 4 seeds of 7, none
    in 25 s with 3), so it restarts with the next seed after a growing slice. The same
    restarts serve a probe refuted by the LP (`linearization` 2), heavy-tailed too."""
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


def _solve_race(
    runs: list[tuple[BuiltModel, cp_model.CpModel, list[cp_model.CpSolver]]],
    problem: Problem,
    options: SolveOptions,
    gate: _ProgressGate,
    started: float,
    phase: str,
    refutes: list[bool] | None = None,
) -> list[Step]:
    """Several CP-SAT searches at once, each in its own thread, on equivalent questions: the
    first that settles it (a schedule, or a proof that there is none) stops the others. A
    search is a list of solvers run one after the other until one settles it. With
    `refutes`, a search marked False only settles by a schedule (it searches a restriction,
    so its "infeasible" proves nothing)."""
    refutes = refutes or [True] * len(runs)
    inbox: queue.Queue = queue.Queue()
    statuses: list[int] = [cp_model.UNKNOWN] * len(runs)
    current: list[cp_model.CpSolver] = [solvers[0] for _, _, solvers in runs]
    failure: list[BaseException] = []
    halt = threading.Event()
    decisive = (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE)

    def settled(k: int) -> bool:
        return statuses[k] in decisive and (refutes[k] or statuses[k] != cp_model.INFEASIBLE)

    def work(k: int, built: BuiltModel, model: cp_model.CpModel, solvers) -> None:
        try:
            for solver in solvers:
                if halt.is_set():
                    break
                current[k] = solver
                statuses[k] = solver.Solve(model, _Callback(built, phase, started, inbox))
                if statuses[k] in decisive:  # infeasible is infeasible with any seed
                    break
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
            while not inbox.empty():
                gate.offer(inbox.get_nowait())
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
    while not inbox.empty():
        gate.offer(inbox.get_nowait())
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
                _solution(solver, built, problem) if found else None,
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


def _gapless_race(
    built: BuiltModel,
    gapless: BuiltModel,
    problem: Problem,
    options: SolveOptions,
    gate: _ProgressGate,
    started: float,
    seconds: float,
    first_seed: int,
    full_probe_seconds: float | None = None,
) -> tuple[Step, int]:
    """ "Breaks <= 0" asked of the full model (its LP refutes it in under a second on the
    research instances where it is false) and of the gapless model (which finds the gapless
    schedules), at once. Returns the deciding step and the number of gapless seeds used."""
    full_solver = _solver(options, min(seconds, full_probe_seconds or seconds))
    if options.workers <= 0:
        full_solver.parameters.num_workers = 1  # one thread each on a two-core machine
    # Two gapless searches with different seeds, one per core: two draws of the lottery.
    even = _gapless_solvers(options, seconds, first_seed, 2)
    odd = _gapless_solvers(options, seconds, first_seed + 1, 2)
    full, *fast = _solve_race(
        [
            (built, _probe_model(built, 0), [full_solver]),
            (gapless, gapless.model, even),
            (gapless, gapless.model, odd),
        ],
        problem,
        options,
        gate,
        started,
        "breaks",
    )
    decided = [step for step in fast if step.status != cp_model.UNKNOWN]
    step = decided[0] if decided else full
    step.log = [
        "probe breaks <= 0: " + full.log[0].split(": ", 1)[1],
        *("gapless probe: " + one.log[0].split(": ", 1)[1] for one in fast),
    ]
    return step, len(even) + len(odd)


def _split_race(
    built: BuiltModel,
    split: BuiltModel,
    problem: Problem,
    options: SolveOptions,
    gate: _ProgressGate,
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
        full_solvers = _gapless_solvers(
            options, seconds, first_seed, 1, linearization=2, first_slice=CAPPED_PROBE_FIRST_SLICE
        )
    else:
        full_solvers = [_solver(options, seconds)]
        if options.workers <= 0:
            full_solvers[0].parameters.num_workers = 1  # one thread each on a two-core machine
    even = _gapless_solvers(options, seconds, first_seed, 2)
    odd = _gapless_solvers(options, seconds, first_seed + 1, 2)
    full, *fast = _solve_race(
        [
            (built, _probe_model(built, bound, forced), full_solvers),
            (split, split.model, even),
            (split, split.model, odd),
        ],
        problem,
        options,
        gate,
        started,
        "breaks",
        refutes=[True, False, False],
    )
    found = [step for step in fast if step.slot_of is not None]
    step = found[0] if found else full
    step.log = [
        f"probe breaks <= {bound}: " + full.log[0].split(": ", 1)[1],
        *(f"split-window probe <= {bound}: " + one.log[0].split(": ", 1)[1] for one in fast),
    ]
    return step, len(even) + len(odd)


def _solution(solver: cp_model.CpSolver, built: BuiltModel, problem: Problem) -> dict[str, str]:
    slot_of = {}
    for (i, t), var in built.x.items():
        if solver.BooleanValue(var):
            slot_of[problem.meetings[i].id] = problem.slots[t].id
    return slot_of


def _hint(
    built: BuiltModel, problem: Problem, slot_of: dict[str, str], complete: bool = True
) -> None:
    """Hint a schedule. A `complete=False` hint (a heuristic start that left some required
    meetings out) only hints the meetings it placed, and the solver fills in the rest."""
    built.model.ClearHints()
    slot_index = {s.id: t for t, s in enumerate(problem.slots)}
    chosen = {
        (i, slot_index[slot_of[m.id]]) for i, m in enumerate(problem.meetings) if m.id in slot_of
    }
    placed = {i for i, _ in chosen}
    for key, var in built.x.items():
        if complete or key[0] in placed:
            built.model.AddHint(var, key in chosen)
    if not complete:
        return
    busy_at = set()
    participant_index = {p.id: k for k, p in enumerate(problem.participants)}
    for i, t in chosen:
        meeting = problem.meetings[i]
        for pid in (meeting.a, meeting.b):
            if pid in participant_index:
                busy_at.add((participant_index[pid], t))
    for key, var in built.busy.items():
        built.model.AddHint(var, key in busy_at)


def _is_constant(expr: cp_model.LinearExprT) -> bool:
    return isinstance(expr, int)


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


def _solve_step(
    built: BuiltModel,
    model: cp_model.CpModel,
    problem: Problem,
    options: SolveOptions,
    gate: _ProgressGate,
    started: float,
    phase: str,
    seconds: float,
    breaks_search: bool = False,
) -> Step:
    """One CP-SAT call on `model` (the built model or a clone of it)."""
    solver = _solver(options, seconds, breaks_search)
    phase_started = time.monotonic()
    status, stopped = _run_solver(solver, built, model, phase, started, options, gate)
    wall = time.monotonic() - phase_started
    slot_of = objective = bound = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        slot_of = _solution(solver, built, problem)
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
        lambda solver: _solution(solver, built, problem),
        seconds,
        options.seed,
        options.should_stop,
        lp_tested,
    )
    if search.owner is not None:
        found = f"a schedule with {_label(problem, problem.participants[search.owner].id)}"
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


def _breaks_phase(
    built: BuiltModel,
    problem: Problem,
    options: SolveOptions,
    gate: _ProgressGate,
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
    if slot_of is not None:
        _hint(built, problem, slot_of)
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
                _hint(built, problem, start.slot_of, complete=not start.unscheduled_mandatory)
    first = _solve_step(
        built,
        built.model,
        problem,
        options,
        gate,
        started,
        "breaks",
        max(0.1, phase_deadline - time.monotonic()) * FIRST_SEARCH_SHARE,
        breaks_search=True,
    )
    log.extend(first.log)
    if (
        first.slot_of is None
        and first.status != cp_model.INFEASIBLE
        and not first.stopped
        and phase_deadline - time.monotonic() > 0.5
    ):
        # Nothing found yet: keep searching with the rest of the time rather than give up.
        first = _solve_step(
            built,
            built.model,
            problem,
            options,
            gate,
            started,
            "breaks",
            phase_deadline - time.monotonic(),
            breaks_search=True,
        )
        log.extend(first.log)
    best, stopped = first.slot_of or slot_of, first.stopped
    upper = first.objective
    lower = first.bound
    status = first.status
    if status in (cp_model.INFEASIBLE, cp_model.OPTIMAL) or stopped or upper is None:
        first.log, first.wall = log, time.monotonic() - phase_started
        return first
    lower = max(math.ceil(lower - 1e-6), sum(forced.values()))
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
            step = _solve_step(
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
        _hint(built, problem, best)
        last = _solve_step(
            built,
            built.model,
            problem,
            options,
            gate,
            started,
            "breaks",
            phase_deadline - time.monotonic(),
            breaks_search=True,
        )
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


def run_phases(problem: Problem, options: SolveOptions, started: float) -> Outcome:
    """Weight, then breaks, then stability; the whole within options.time_limit."""
    deadline = started + options.time_limit
    built = build_model(problem, options)
    gate = _ProgressGate(options.on_progress)
    log: list[str] = []
    phases: list[PhaseResult] = []
    slot_of: dict[str, str] | None = None
    weight_bound: float | None = None
    all_proven = True

    all_mandatory = all(m.mandatory or m.fixed_slot is not None for m in problem.meetings)
    has_breaks = bool(built.breaks_of)
    has_stability = built.kept is not None and not _is_constant(built.kept)
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
            step = _breaks_phase(built, problem, options, gate, started, phase_deadline, slot_of)
        else:
            if phase == "weight":
                built.model.Maximize(built.weight)
            elif phase == "stability":
                built.model.Maximize(built.kept)
            else:
                built.model.ClearObjective()
            if slot_of is not None:
                _hint(built, problem, slot_of)
            step = _solve_step(
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
