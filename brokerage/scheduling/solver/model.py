"""The CP-SAT model of the meeting scheduling problem: variables, constraints and the
redundant views that make it strong. Running it is `search.py`'s job, and the phases
`phases.py`'s.

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
The gapless and split-window models (`build_gapless_model`) are restrictions of it that the
breaks phase races against it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from brokerage.scheduling.solver import owners
from brokerage.scheduling.solver.problem import Problem, SolveOptions


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


def label(problem: Problem, participant_id: str) -> str:
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
                    f"{label(problem, problem.participants[p].id)} has at most {limit} meetings"
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
        # Implied again, on the busy bools alone: at most two people per shared table (plus
        # the booth meetings). The two constraints above imply it, but only the LP combines
        # them; stated directly, conflicts are learnt about people rather than meetings.
        # Without it, "breaks <= 2" on ticf-13crafb ran 30 s without an answer at any LP
        # level; with it, the search without LP refutes it in 2.5-3.4 s (5 seeds).
        if len(busy_here) > 2 * problem.tables_in(slot_id):
            at_booths = [var for i, var in in_slot if cands.at_booth[i]]
            model.Add(sum(busy_here) - 2 * sum(at_booths) <= 2 * problem.tables_in(slot_id))

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


def solution_of(solver: cp_model.CpSolver, built: BuiltModel, problem: Problem) -> dict[str, str]:
    slot_of = {}
    for (i, t), var in built.x.items():
        if solver.BooleanValue(var):
            slot_of[problem.meetings[i].id] = problem.slots[t].id
    return slot_of


def hint(
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


def is_constant(expr: cp_model.LinearExprT) -> bool:
    return isinstance(expr, int)
