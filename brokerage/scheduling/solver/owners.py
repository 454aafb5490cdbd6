"""Who takes the breaks: the breaks each participant's own meetings force, and a search over
who takes one break more.

When every meeting is required and each person meets within one session, a schedule with
total breaks equal to the sum of the forced breaks gives everyone exactly their forced
count; one break more goes to exactly one person. Naming that person turns a hard
question ("total breaks <= B": which of 70 people breaks?) into many easy ones: with the
others capped, the search without LP finds a schedule in seconds, and the LP refutes most
candidates in less (forum-13crafc: 58 of 70 refuted in 1 s each; the search found a schedule
for 8 of the other 12 in 0.6-1.7 s, refuted 3, and left 1 open after 5 s).
The candidates together cover every schedule with that total, so refuting all of them
proves the bound one higher.

Pure CP-SAT and standard library, like the rest of the solver package.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from brokerage.scheduling.solver.problem import Problem

# A candidate's LP refutation attempt: presolve and the root LP settle it in well under a
# second when they can (measured on the research instances: 0.3-0.5 s).
REFUTE_SECONDS = 1.5
# The same for the whole question at once, which is larger (tic-13crafc, "breaks <= 1":
# refuted in 1.1-1.5 s standalone).
WHOLE_REFUTE_SECONDS = 4.0
# Before that, the whole question without LP, which with the implied "two people per
# table" refutes it where the LP cannot (ticf-13crafb: 5.1 s standalone, 7-8 s in a race;
# with 6 s here it failed for 4 seeds of 9, and the candidates then took 15 s).
WHOLE_SEARCH_SECONDS = 12.0
# The search without LP on a candidate restarts with a longer slice each round, so that no
# single unlucky candidate holds up the others (its run time is heavy-tailed in the seed:
# ticf-13crafc, participant 6, 3.3-9.6 s over 6 seeds). ticf-13crafc, 7 seeds each: first
# slice 4 s, 4.2-24.8 s to a schedule (mean 14.9); 6 s, 5.1-27.5 s (mean 12.4).
FIND_FIRST_SLICE = 6.0
FIND_SLICE_GROWTH = 1.5
# The finders cycle over this many unrefuted candidates at first, and this many more after
# each round.
FIND_WINDOW = 4
FIND_WINDOW_GROWTH = 2
# The LP refutes none of the first this many candidates and nothing is found: the capacity
# argument that makes naming who breaks easy is not there, so the search gives up its time
# (forumt-14crafe: none of 60 refuted or found in 27 s, where the split-window race finds
# the optimum).
HOPELESS_AFTER = 4
# How long the tiny per-person model may take to bound one person's forced breaks.
FORCED_SECONDS = 1.0


def _matching_exists(options_of: Sequence[Sequence[int]]) -> bool:
    """Whether each item can take a different option (Kuhn's augmenting paths)."""
    owner: dict[int, int] = {}

    def augment(item: int, seen: set[int]) -> bool:
        for option in options_of[item]:
            if option in seen:
                continue
            seen.add(option)
            if option not in owner or augment(owner[option], seen):
                owner[option] = item
                return True
        return False

    return all(augment(item, set()) for item in range(len(options_of)))


def _fewest_blocks(slot_options: list[list[int]], session_slots: list[int]) -> int:
    """A lower bound on the breaks of one person with these meetings (one session), alone:
    the tiny model's proven bound, at least 1 (the caller knows no gapless window fits)."""
    model = cp_model.CpModel()
    by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for options in slot_options:
        row = [model.NewBoolVar("") for _ in options]
        model.AddExactlyOne(row)
        for t, var in zip(options, row, strict=True):
            by_slot[t].append(var)
    starts = []
    previous = None
    for t in session_slots:
        terms = by_slot.get(t)
        if not terms:
            previous = None
            continue
        busy = model.NewBoolVar("")
        model.Add(busy == sum(terms))
        if previous is None:
            starts.append(busy)
        else:
            start = model.NewBoolVar("")
            model.AddImplication(start, busy)
            model.AddImplication(start, previous.Not())
            model.AddBoolOr([start, busy.Not(), previous])
            starts.append(start)
        previous = busy
    model.Minimize(sum(starts))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = FORCED_SECONDS
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        return 1  # the full model will say so; a bound of 1 is still true of nothing
    bound = math.ceil(solver.BestObjectiveBound() - 1e-6) if status != cp_model.UNKNOWN else 0
    return max(1, bound - 1)  # blocks - 1 = breaks


def meetings_by_participant(problem: Problem) -> dict[int, list[int]]:
    """Participant index -> the indices of their meetings."""
    index = {p.id: k for k, p in enumerate(problem.participants)}
    own: dict[int, list[int]] = defaultdict(list)
    for i, meeting in enumerate(problem.meetings):
        for pid in (meeting.a, meeting.b):
            if pid in index:
                own[index[pid]].append(i)
    return own


def gapless_windows(problem: Problem, slots_of: list[list[int]]) -> dict[int, int]:
    """Per participant index (with two or more meetings, all in one session): how many
    windows of n_p consecutive slots give each of p's meetings its own slot, looking at p
    alone. `slots_of` is each meeting's possible slots (both people available, allowed,
    fixed). Zero means p's own meetings force a break."""
    own = meetings_by_participant(problem)
    session_of = [slot.session for slot in problem.slots]
    counts: dict[int, int] = {}
    for p, meetings in own.items():
        if len(meetings) < 2 or any(not slots_of[i] for i in meetings):
            continue  # fewer than two meetings: no break; an unplaceable meeting: infeasible
        sessions = {session_of[t] for i in meetings for t in slots_of[i]}
        if len(sessions) != 1:
            continue
        (session,) = sessions
        row = [t for t, name in enumerate(session_of) if name == session]
        length = len(meetings)
        options = [set(slots_of[i]) for i in meetings]
        counts[p] = sum(
            _matching_exists([sorted(o & set(row[k : k + length])) for o in options])
            for k in range(len(row) - length + 1)
        )
    return counts


def forced_breaks(
    problem: Problem, slots_of: list[list[int]], windows: dict[int, int] | None = None
) -> dict[int, int]:
    """Per participant index: the fewest breaks their own meetings allow, whatever everyone
    else does, for those who have no gapless window (`gapless_windows`): the bound of a tiny
    model of p alone (e.g. an unavailable slot inside every window long enough). Their sum
    is a lower bound on the total."""
    if windows is None:
        windows = gapless_windows(problem, slots_of)
    own = meetings_by_participant(problem)
    forced = {}
    for p, count in windows.items():
        if count == 0:
            session = problem.slots[slots_of[own[p][0]][0]].session
            row = [t for t, slot in enumerate(problem.slots) if slot.session == session]
            forced[p] = _fewest_blocks([slots_of[i] for i in own[p]], row)
    return forced


def capped_model(
    model: cp_model.CpModel, breaks_of: dict[int, cp_model.LinearExprT], caps: dict[int, int]
) -> cp_model.CpModel:
    """A copy of `model` without objective or hints, where participant p has at most
    caps.get(p, 0) breaks."""
    capped = model.Clone()
    capped.ClearObjective()
    capped.ClearHints()
    for p, breaks in breaks_of.items():
        capped.Add(capped.GetIntVarFromProtoIndex(breaks.Index()) <= caps.get(p, 0))
    return capped


@dataclass(slots=True)
class OwnerSearch:
    """What the search over who takes the extra break settled."""

    slot_of: dict[str, str] | None = None  # a schedule with sum(forced) + 1 breaks
    owner: int | None = None  # who takes the extra break in it (None: found as a whole)
    refuted: frozenset[int] = frozenset()  # candidates without such a schedule
    lp_tested: frozenset[int] = frozenset()  # candidates the LP has been asked about
    hopeless: bool = False  # given up early: the LP refuted none of the first candidates
    stopped: bool = False


def search_extra_break(
    model: cp_model.CpModel,
    breaks_of: dict[int, cp_model.LinearExprT],
    forced: dict[int, int],
    candidates: Sequence[int],
    solution_of: Callable[[cp_model.CpSolver], dict[str, str]],
    seconds: float,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
    lp_tested: frozenset[int] = frozenset(),
    poll_interval: float = 0.05,
) -> OwnerSearch:
    """Look for a schedule in which at most one of `candidates` has one break more than
    forced and everyone else exactly their forced breaks.

    Two threads, one per core. The refuter asks the LP the whole question, then each
    candidate's capped model (most fall at the root), skipping those in `lp_tested` (asked
    in an earlier go). The finder searches the candidates without LP, in order and
    round-robin, each one's slice growing with its tries; a candidate the refuter refutes
    meanwhile is stopped and dropped. Once done, the refuter joins the finder. The first
    schedule ends the search."""
    deadline = time.monotonic() + seconds
    order = list(candidates)
    halt = threading.Event()
    hopeless = threading.Event()
    lock = threading.Lock()
    solving: dict[cp_model.CpSolver, int | None] = {}  # running solver -> its candidate
    found: list[tuple[int | None, dict[str, str]]] = []
    refuted: set[int] = set()
    tested: set[int] = set(lp_tested)
    tries: dict[int, int] = {}
    failure: list[BaseException] = []
    cursor = [0]  # the finders' round-robin position among the active candidates
    window = [FIND_WINDOW]  # how many unrefuted candidates the round-robin covers

    def question(p: int | None) -> cp_model.CpModel:
        if p is None:  # the whole question: total breaks <= forced + 1, anyone
            whole = model.Clone()
            whole.ClearObjective()
            whole.ClearHints()
            total = sum(whole.GetIntVarFromProtoIndex(b.Index()) for b in breaks_of.values())
            whole.Add(total <= sum(forced.values()) + 1)
            return whole
        caps = dict(forced)
        caps[p] = caps.get(p, 0) + 1
        return capped_model(model, breaks_of, caps)

    def solve(p: int | None, linearization: int, limit: float, attempt: int) -> int:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = linearization
        solver.parameters.random_seed = seed + attempt
        solver.parameters.max_time_in_seconds = max(0.01, min(limit, deadline - time.monotonic()))
        with lock:
            if halt.is_set() or (p is not None and p in refuted):
                return cp_model.UNKNOWN
            solving[solver] = p
        try:
            status = solver.Solve(question(p))
        finally:
            with lock:
                del solving[solver]
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            with lock:
                if not found:
                    found.append((p, solution_of(solver)))
            halt.set()
        elif status == cp_model.INFEASIBLE:
            with lock:
                newly = set(order) if p is None else {p}
                refuted.update(newly)
                for other, owner in solving.items():
                    if owner in newly:  # the finder need not look further
                        other.StopSearch()
            if p is None or refuted.issuperset(order):
                halt.set()
        return status

    def pick() -> int | None:
        """The next candidate for a finder, neither refuted nor being searched: round-robin
        over the first few unrefuted candidates (the likeliest), taking in two more after
        each round, so that the first ones get longer second tries soon (ticf-13crafc: most
        candidates have a schedule, found in 1-10 s depending on the seed)."""
        with lock:
            active = [p for p in order if p not in refuted][: window[0]]
            for _ in range(len(active) + 1):
                if cursor[0] >= len(active):
                    cursor[0] = 0
                    window[0] += FIND_WINDOW_GROWTH
                    active = [p for p in order if p not in refuted][: window[0]]
                p = active[cursor[0]] if active else None
                cursor[0] += 1
                if p is not None and p not in solving.values():
                    tries[p] = tries.get(p, 0) + 1
                    return p
        return None

    def find() -> None:
        try:
            while not halt.is_set() and time.monotonic() < deadline:
                p = pick()
                if p is None:  # all refuted, or all taken by the other thread
                    time.sleep(poll_interval)
                    continue
                attempt = tries[p]
                solve(p, 0, FIND_FIRST_SLICE * FIND_SLICE_GROWTH ** (attempt - 1), attempt)
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)
            halt.set()

    def refute() -> None:
        try:
            # First the whole question at once, without LP and then with the full LP:
            # where either refutes it (ticf-13crafb without LP in about 5 s, tic-13crafc
            # with LP in 3 s), no candidate needs asking.
            if not lp_tested and solve(None, 0, WHOLE_SEARCH_SECONDS, 0) != cp_model.INFEASIBLE:
                solve(None, 2, WHOLE_REFUTE_SECONDS, 0)
            fresh = 0
            for p in order:
                if halt.is_set() or time.monotonic() >= deadline:
                    break
                if p in tested or p in refuted:
                    continue
                tested.add(p)
                fresh += 1
                solve(p, 2, REFUTE_SECONDS, 0)
                if fresh == HOPELESS_AFTER and not refuted and not found:
                    hopeless.set()
                    halt.set()
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)
            halt.set()
        find()  # then help the finder: the core is free

    threads = [
        threading.Thread(target=refute, name="cp-sat-owners-refute", daemon=True),
        threading.Thread(target=find, name="cp-sat-owners-find", daemon=True),
    ]
    for thread in threads:
        thread.start()
    stopped = False

    def stop_all() -> None:
        halt.set()
        with lock:
            for solver in solving:
                solver.StopSearch()

    try:
        while any(thread.is_alive() for thread in threads):
            time.sleep(poll_interval)
            if not stopped and should_stop is not None and should_stop():
                stopped = True
            if stopped or halt.is_set() or time.monotonic() >= deadline:
                stop_all()
    except BaseException:
        stop_all()
        for thread in threads:
            thread.join()
        raise
    if failure:
        raise failure[0]
    return OwnerSearch(
        slot_of=found[0][1] if found else None,
        owner=found[0][0] if found else None,
        refuted=frozenset(refuted),
        lp_tested=frozenset(tested),
        hopeless=hopeless.is_set(),
        stopped=stopped,
    )
