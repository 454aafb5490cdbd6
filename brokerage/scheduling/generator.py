"""Realistic random brokerage events, for benchmarks, demos and tests.

Pure and seeded: the same arguments give the same `Problem`. The shape follows real events:
two sessions a day (09:00-12:30 and 14:00-17:30) of 20-minute meetings with 5 minutes to
change over (8 slots a session), about nine accepted meetings per participant on average,
with a heavy-tailed popularity so that the most wanted participants receive far more
requests than they have slots. Some participants skip a day or a session or block a few
slots, about 5% host at their own booth, some cap their meetings, and a few meetings are
mandatory. Shared tables are sized tight but sufficient (participants / 2 x 0.6).
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from datetime import date, datetime, timedelta

from brokerage.scheduling.solver.problem import Meeting, Participant, Problem, Slot

SESSIONS = (("am", "09:00", "12:30"), ("pm", "14:00", "17:30"))
MEETING_MINUTES = 20
CHANGEOVER_MINUTES = 5
FIRST_DAY = date(2026, 3, 10)
UTC_OFFSET = "+01:00"  # a Central European event in winter time


def event_slots(days: int, first_day: date = FIRST_DAY) -> tuple[Slot, ...]:
    """The slots of `days` days with two sessions each, in time order."""
    slots = []
    step = timedelta(minutes=MEETING_MINUTES + CHANGEOVER_MINUTES)
    length = timedelta(minutes=MEETING_MINUTES)
    for day_number in range(days):
        day = first_day + timedelta(days=day_number)
        for session_name, opens, closes in SESSIONS:
            start = datetime.fromisoformat(f"{day.isoformat()}T{opens}")
            end_of_session = datetime.fromisoformat(f"{day.isoformat()}T{closes}")
            number = 1
            while start + length <= end_of_session:
                slots.append(
                    Slot(
                        id=f"d{day_number + 1}-{session_name}-{number}",
                        session=f"d{day_number + 1}-{session_name}",
                        start=start.isoformat(timespec="minutes") + UTC_OFFSET,
                        end=(start + length).isoformat(timespec="minutes") + UTC_OFFSET,
                    )
                )
                start += step
                number += 1
    return tuple(slots)


def generate(
    participants: int,
    days: int = 2,
    seed: int = 0,
    *,
    meetings_per_participant: float = 9.0,
    booth_share: float = 0.05,
    capped_share: float = 0.10,
    mandatory_share: float = 0.005,
    table_factor: float = 0.6,
) -> Problem:
    """A random event with `participants` people over `days` days (seeded, deterministic)."""
    if participants < 2:
        raise ValueError("an event needs at least two participants")
    if days < 1:
        raise ValueError("an event needs at least one day")
    rng = random.Random(seed)
    slots = event_slots(days)
    sessions = sorted({slot.session for slot in slots}, key=[s.session for s in slots].index)
    width = len(str(participants))
    ids = [f"p{number:0{width}d}" for number in range(1, participants + 1)]

    # Heavy-tailed popularity (Pareto), milder activity (who asks).
    popularity = [rng.paretovariate(1.2) for _ in ids]
    activity = [rng.lognormvariate(0.0, 0.5) for _ in ids]
    popularity_cumulative = list(itertools.accumulate(popularity))
    activity_cumulative = list(itertools.accumulate(activity))

    def pick(cumulative: list[float]) -> int:
        return bisect.bisect_left(cumulative, rng.random() * cumulative[-1])

    target = round(participants * meetings_per_participant / 2)
    target = min(target, participants * (participants - 1) // 2)
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    attempts = 0
    while len(pairs) < target and attempts < 20 * target:
        attempts += 1
        asker, wanted = pick(activity_cumulative), pick(popularity_cumulative)
        key = (min(asker, wanted), max(asker, wanted))
        if asker == wanted or key in seen:
            continue
        seen.add(key)
        pairs.append((asker, wanted))

    requests = [0] * participants
    for asker, wanted in pairs:
        requests[asker] += 1
        requests[wanted] += 1

    # Availability: skip a day, skip a session, block a few slots.
    unavailable: list[set[str]] = [set() for _ in ids]
    partial = [False] * participants
    for index in range(participants):
        roll = rng.random()
        if days > 1 and roll < 0.15:
            skipped_day = f"d{rng.randrange(days) + 1}-"
            unavailable[index].update(s.id for s in slots if s.session.startswith(skipped_day))
            partial[index] = True
        elif roll < 0.30:
            skipped_session = rng.choice(sessions)
            unavailable[index].update(s.id for s in slots if s.session == skipped_session)
            partial[index] = True
        if rng.random() < 0.30:
            unavailable[index].update(s.id for s in rng.sample(slots, rng.randint(1, 3)))

    # Mandatory meetings: few, between lightly requested and fully present participants.
    mandatory_pairs: set[int] = set()
    has_mandatory = [False] * participants
    for pair_index, (asker, wanted) in enumerate(pairs):
        if rng.random() >= mandatory_share * 4:
            continue
        if len(mandatory_pairs) >= max(1, round(mandatory_share * len(pairs))):
            break
        if any(partial[p] or requests[p] > 12 or has_mandatory[p] for p in (asker, wanted)):
            continue
        mandatory_pairs.add(pair_index)
        has_mandatory[asker] = has_mandatory[wanted] = True

    booth_count = round(participants * booth_share)
    booth_owners = set(rng.sample(range(participants), booth_count))
    people = []
    for index, participant_id in enumerate(ids):
        max_meetings = None
        if not has_mandatory[index] and rng.random() < capped_share:
            max_meetings = rng.randint(4, 12)
        people.append(
            Participant(
                id=participant_id,
                max_meetings=max_meetings,
                booth=f"B{participant_id[1:]}" if index in booth_owners else None,
                unavailable=frozenset(unavailable[index]),
            )
        )

    meetings = []
    for pair_index, (asker, wanted) in enumerate(pairs):
        roll = rng.random()
        weight = 3 if roll < 0.10 else 2 if roll < 0.35 else 1  # must-meet, mutual, plain
        meetings.append(
            Meeting(
                id=f"m{pair_index + 1}",
                a=ids[asker],
                b=ids[wanted],
                weight=weight,
                mandatory=pair_index in mandatory_pairs,
            )
        )

    seated = participants - booth_count
    shared_tables = max(1, math.ceil(seated / 2 * table_factor))
    # The hall closes early on the last afternoon: half the tables in its last slot.
    tables_per_slot = {slots[-1].id: max(1, shared_tables // 2)}
    return Problem(
        slots=slots,
        participants=tuple(people),
        meetings=tuple(meetings),
        shared_tables=shared_tables,
        tables_per_slot=tables_per_slot,
    )
