"""The scheduling problem and its result, as plain immutable values.

These dataclasses are the solver's whole public vocabulary: the web app builds a
`Problem` from its database, the file formats read and write them, and `solve()`
turns one into a `Result`. Nothing here knows about Flask or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Slot:
    """One meeting time. `Problem.slots` is in time order."""

    id: str
    session: str
    start: str | None = None  # ISO 8601, informative only: the solver uses the order
    end: str | None = None


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    max_meetings: int | None = None
    booth: str | None = None  # label of the participant's own table, where they host
    unavailable: frozenset[str] = frozenset()  # slot ids
    name: str | None = None  # for human-readable reasons only


@dataclass(frozen=True, slots=True)
class Meeting:
    """An accepted request between participants `a` and `b`."""

    id: str
    a: str
    b: str
    weight: int = 1
    mandatory: bool = False
    allowed_slots: frozenset[str] | None = None  # None: any slot
    fixed_slot: str | None = None  # a locked meeting
    after: tuple[str, ...] = ()  # meetings that must take place strictly earlier


@dataclass(frozen=True, slots=True)
class Problem:
    slots: tuple[Slot, ...]
    participants: tuple[Participant, ...]
    meetings: tuple[Meeting, ...]
    shared_tables: int
    tables_per_slot: Mapping[str, int] = field(default_factory=dict)  # per-slot override
    fairness_max_break_spread: int | None = None  # the cap d; None: no fairness constraint
    # Labels for the shared tables, in order; default "1".."N" up to the largest count.
    table_labels: tuple[str, ...] | None = None

    def tables_in(self, slot_id: str) -> int:
        return self.tables_per_slot.get(slot_id, self.shared_tables)


class Status(StrEnum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class Progress:
    """A snapshot reported while solving, for live progress displays."""

    phase: str  # "weight", "breaks", "stability", "tables"
    elapsed: float
    scheduled_count: int
    scheduled_weight: int
    breaks_total: int | None
    # The bound of the current phase's objective: on weight in the "weight" phase, on breaks
    # in the "breaks" phase, and so on.
    best_bound: float | None


@dataclass(frozen=True, slots=True)
class SolveOptions:
    time_limit: float = 60.0  # seconds of wall time for the whole solve
    workers: int = 0  # 0: as many as the machine has
    seed: int = 0
    # Stability: meeting id -> slot id of a previous schedule to stay close to.
    previous: Mapping[str, str] = field(default_factory=dict)
    # Where meetings sat before: meeting id -> (slot id, table label). A meeting that lands in
    # the same slot again keeps its table when it can, so published tables do not reshuffle.
    previous_seats: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # Called with each improving solution; must be cheap. Exceptions are not swallowed.
    on_progress: Callable[[Progress], None] | None = None
    # Polled during the solve; returning True stops it and keeps the best schedule so far.
    should_stop: Callable[[], bool] | None = None
    log_search: bool = False


@dataclass(frozen=True, slots=True)
class Assignment:
    meeting: str
    slot: str
    table: str


@dataclass(frozen=True, slots=True)
class Unscheduled:
    meeting: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParticipantFigures:
    meetings: int
    breaks: int
    table_changes: int
    first_slot: str | None
    last_slot: str | None


@dataclass(frozen=True, slots=True)
class Figures:
    scheduled_count: int
    scheduled_weight: int
    breaks_total: int
    breaks_max: int
    table_changes: int
    best_bound: float | None  # proven upper bound on the scheduled weight
    wall_time: float
    kept_in_place: int | None = None  # stability: meetings left in their previous slot


@dataclass(frozen=True, slots=True)
class Result:
    status: Status
    assignments: tuple[Assignment, ...]
    unscheduled: tuple[Unscheduled, ...]
    figures: Figures
    per_participant: Mapping[str, ParticipantFigures]
    # For INFEASIBLE: which constraints clash, in words. Empty otherwise.
    explanation: tuple[str, ...] = ()
    log: tuple[str, ...] = ()
