"""Problem and solution files.

- `brokerage-problem/1`: a scheduling problem as JSON (see docs/scheduling.md).
- `brokerage-solution/1`: a solver result as JSON.
- MiniZinc `.dzn` instances of the B2B meeting scheduling problem (Bofill et al., JAIR 2022).

Every reader validates what it reads and raises `FormatError` with the path of the offending
field and the reason, e.g. ``meetings[3].b: unknown participant 'p9'``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from brokerage.scheduling.solver.problem import (
    Assignment,
    Figures,
    Meeting,
    Participant,
    ParticipantFigures,
    Problem,
    Result,
    Slot,
    Status,
    Unscheduled,
)

PROBLEM_FORMAT = "brokerage-problem/1"
SOLUTION_FORMAT = "brokerage-solution/1"


class FormatError(ValueError):
    """A file that cannot be read as the format it claims; the message says where and why."""


# --- small validation helpers -------------------------------------------------------------


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _object(value: object, path: str, fields: Sequence[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError(f"{path}: expected an object, got {_kind(value)}")
    for key in value:
        if key not in fields:
            raise FormatError(f"{_join(path, key)}: unknown field")
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _required(data: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in data:
        raise FormatError(f"{_join(path, key)}: missing")
    return data[key]


def _string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise FormatError(f"{path}: expected a string, got {_kind(value)}")
    if not value:
        raise FormatError(f"{path}: must not be empty")
    return value


def _optional_string(value: object, path: str) -> str | None:
    return None if value is None else _string(value, path)


def _integer(value: object, path: str, minimum: int | None = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(f"{path}: expected an integer, got {_kind(value)}")
    if minimum is not None and value < minimum:
        raise FormatError(f"{path}: must be at least {minimum}, got {value}")
    return value


def _boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise FormatError(f"{path}: expected true or false, got {_kind(value)}")
    return value


def _list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise FormatError(f"{path}: expected a list, got {_kind(value)}")
    return value


def _known_ids(
    value: object, path: str, known: Mapping[str, Any] | set[str], what: str
) -> list[str]:
    ids = []
    for index, item in enumerate(_list(value, path)):
        item_path = f"{path}[{index}]"
        item = _string(item, item_path)
        if item not in known:
            raise FormatError(f"{item_path}: unknown {what} {item!r}")
        ids.append(item)
    return ids


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None


def _check_format(data: Mapping[str, Any], expected: str) -> None:
    found = _required(data, "format", "")
    if found != expected:
        raise FormatError(f"format: expected {expected!r}, got {found!r}")


def _dumps(document: Mapping[str, Any]) -> str:
    """JSON with one line per top-level field and per entry of a list or map of objects:
    readable in a diff and an editor, and far shorter than fully indented JSON."""

    def entries(value: Any) -> list[str] | None:
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            return [json.dumps(item, ensure_ascii=False) for item in value]
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            return [
                f"{json.dumps(key, ensure_ascii=False)}: {json.dumps(item, ensure_ascii=False)}"
                for key, item in value.items()
            ]
        return None

    fields = []
    for key, value in document.items():
        lines = entries(value)
        name = json.dumps(key)
        if lines is None:
            fields.append(f" {name}: {json.dumps(value, ensure_ascii=False)}")
        else:
            opening, closing = ("[", "]") if isinstance(value, list) else ("{", "}")
            body = ",\n".join(f"  {line}" for line in lines)
            fields.append(f" {name}: {opening}\n{body}\n {closing}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


# --- problems -----------------------------------------------------------------------------

_PROBLEM_FIELDS = (
    "format",
    "slots",
    "shared_tables",
    "tables_per_slot",
    "table_labels",
    "participants",
    "meetings",
    "fairness_max_break_spread",
)
_SLOT_FIELDS = ("id", "session", "start", "end")
_PARTICIPANT_FIELDS = ("id", "max_meetings", "booth", "unavailable", "name")
_MEETING_FIELDS = ("id", "a", "b", "weight", "mandatory", "allowed_slots", "fixed_slot", "after")


def problem_from_dict(data: object) -> Problem:
    """Validate a decoded `brokerage-problem/1` document and build the `Problem`."""
    data = _object(data, "", _PROBLEM_FIELDS)
    _check_format(data, PROBLEM_FORMAT)

    slots: list[Slot] = []
    slot_ids: set[str] = set()
    for index, raw in enumerate(_list(_required(data, "slots", ""), "slots")):
        path = f"slots[{index}]"
        raw = _object(raw, path, _SLOT_FIELDS)
        slot_id = _string(_required(raw, "id", path), f"{path}.id")
        if slot_id in slot_ids:
            raise FormatError(f"{path}.id: duplicate slot id {slot_id!r}")
        slot_ids.add(slot_id)
        slots.append(
            Slot(
                id=slot_id,
                session=_string(_required(raw, "session", path), f"{path}.session"),
                start=_optional_string(raw.get("start"), f"{path}.start"),
                end=_optional_string(raw.get("end"), f"{path}.end"),
            )
        )

    shared_tables = _integer(_required(data, "shared_tables", ""), "shared_tables")
    tables_per_slot: dict[str, int] = {}
    raw_tables = data.get("tables_per_slot") or {}
    if not isinstance(raw_tables, dict):
        raise FormatError(f"tables_per_slot: expected an object, got {_kind(raw_tables)}")
    for slot_id, count in raw_tables.items():
        if slot_id not in slot_ids:
            raise FormatError(f"tables_per_slot.{slot_id}: unknown slot {slot_id!r}")
        tables_per_slot[slot_id] = _integer(count, f"tables_per_slot.{slot_id}")

    table_labels = None
    if data.get("table_labels") is not None:
        labels = [
            _string(label, f"table_labels[{index}]")
            for index, label in enumerate(_list(data["table_labels"], "table_labels"))
        ]
        if len(set(labels)) != len(labels):
            raise FormatError("table_labels: labels must be unique")
        most = max([shared_tables, *tables_per_slot.values()])
        if len(labels) < most:
            raise FormatError(f"table_labels: {len(labels)} labels for up to {most} tables")
        table_labels = tuple(labels)

    participants: dict[str, Participant] = {}
    for index, raw in enumerate(_list(_required(data, "participants", ""), "participants")):
        path = f"participants[{index}]"
        raw = _object(raw, path, _PARTICIPANT_FIELDS)
        participant_id = _string(_required(raw, "id", path), f"{path}.id")
        if participant_id in participants:
            raise FormatError(f"{path}.id: duplicate participant id {participant_id!r}")
        max_meetings = raw.get("max_meetings")
        participants[participant_id] = Participant(
            id=participant_id,
            max_meetings=None
            if max_meetings is None
            else _integer(max_meetings, f"{path}.max_meetings"),
            booth=_optional_string(raw.get("booth"), f"{path}.booth"),
            unavailable=frozenset(
                _known_ids(raw.get("unavailable", []), f"{path}.unavailable", slot_ids, "slot")
            ),
            name=_optional_string(raw.get("name"), f"{path}.name"),
        )

    raw_meetings = _list(_required(data, "meetings", ""), "meetings")
    meeting_ids: set[str] = set()
    for index, raw in enumerate(raw_meetings):
        path = f"meetings[{index}]"
        raw = _object(raw, path, _MEETING_FIELDS)
        meeting_id = _string(_required(raw, "id", path), f"{path}.id")
        if meeting_id in meeting_ids:
            raise FormatError(f"{path}.id: duplicate meeting id {meeting_id!r}")
        meeting_ids.add(meeting_id)

    meetings: list[Meeting] = []
    for index, raw in enumerate(raw_meetings):
        path = f"meetings[{index}]"
        people = []
        for side in ("a", "b"):
            person = _string(_required(raw, side, path), f"{path}.{side}")
            if person not in participants:
                raise FormatError(f"{path}.{side}: unknown participant {person!r}")
            people.append(person)
        if people[0] == people[1]:
            raise FormatError(f"{path}.b: a participant cannot meet themselves ({people[0]!r})")
        allowed = raw.get("allowed_slots")
        fixed = raw.get("fixed_slot")
        if fixed is not None:
            fixed = _string(fixed, f"{path}.fixed_slot")
            if fixed not in slot_ids:
                raise FormatError(f"{path}.fixed_slot: unknown slot {fixed!r}")
        after = _known_ids(raw.get("after", []), f"{path}.after", meeting_ids, "meeting")
        if raw["id"] in after:
            raise FormatError(f"{path}.after: a meeting cannot come after itself")
        meetings.append(
            Meeting(
                id=raw["id"],
                a=people[0],
                b=people[1],
                weight=_integer(raw.get("weight", 1), f"{path}.weight"),
                mandatory=_boolean(raw.get("mandatory", False), f"{path}.mandatory"),
                allowed_slots=None
                if allowed is None
                else frozenset(_known_ids(allowed, f"{path}.allowed_slots", slot_ids, "slot")),
                fixed_slot=fixed,
                after=tuple(after),
            )
        )

    spread = data.get("fairness_max_break_spread")
    return Problem(
        slots=tuple(slots),
        participants=tuple(participants.values()),
        meetings=tuple(meetings),
        shared_tables=shared_tables,
        tables_per_slot=tables_per_slot,
        fairness_max_break_spread=None
        if spread is None
        else _integer(spread, "fairness_max_break_spread"),
        table_labels=table_labels,
    )


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The `brokerage-problem/1` document of a problem; optional fields only when set."""
    participants = []
    for participant in problem.participants:
        entry: dict[str, Any] = {"id": participant.id}
        if participant.name is not None:
            entry["name"] = participant.name
        if participant.max_meetings is not None:
            entry["max_meetings"] = participant.max_meetings
        if participant.booth is not None:
            entry["booth"] = participant.booth
        if participant.unavailable:
            entry["unavailable"] = _in_slot_order(problem, participant.unavailable)
        participants.append(entry)
    meetings = []
    for meeting in problem.meetings:
        entry = {"id": meeting.id, "a": meeting.a, "b": meeting.b}
        if meeting.weight != 1:
            entry["weight"] = meeting.weight
        if meeting.mandatory:
            entry["mandatory"] = True
        if meeting.allowed_slots is not None:
            entry["allowed_slots"] = _in_slot_order(problem, meeting.allowed_slots)
        if meeting.fixed_slot is not None:
            entry["fixed_slot"] = meeting.fixed_slot
        if meeting.after:
            entry["after"] = list(meeting.after)
        meetings.append(entry)
    document: dict[str, Any] = {
        "format": PROBLEM_FORMAT,
        "slots": [
            {"id": slot.id, "session": slot.session, "start": slot.start, "end": slot.end}
            for slot in problem.slots
        ],
        "shared_tables": problem.shared_tables,
    }
    if problem.tables_per_slot:
        document["tables_per_slot"] = dict(problem.tables_per_slot)
    if problem.table_labels is not None:
        document["table_labels"] = list(problem.table_labels)
    document["participants"] = participants
    document["meetings"] = meetings
    if problem.fairness_max_break_spread is not None:
        document["fairness_max_break_spread"] = problem.fairness_max_break_spread
    return document


def _in_slot_order(problem: Problem, slot_ids: frozenset[str]) -> list[str]:
    order = {slot.id: index for index, slot in enumerate(problem.slots)}
    return sorted(slot_ids, key=lambda slot_id: (order.get(slot_id, len(order)), slot_id))


def read_problem_json(text: str) -> Problem:
    return problem_from_dict(_parse_json(text))


def write_problem_json(problem: Problem) -> str:
    return _dumps(problem_to_dict(problem))


def load_problem(path: str | Path) -> Problem:
    """Read a problem file: `.dzn` as MiniZinc, anything else as `brokerage-problem/1` JSON."""
    path = Path(path)
    text = _read_text(path)
    if path.suffix.lower() == ".dzn":
        return parse_dzn(text)
    return read_problem_json(text)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise FormatError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not a UTF-8 text file") from None


# --- solutions ----------------------------------------------------------------------------

_SOLUTION_FIELDS = (
    "format",
    "status",
    "assignments",
    "unscheduled",
    "figures",
    "per_participant",
    "explanation",
)
_FIGURE_FIELDS = tuple(Figures.__dataclass_fields__)
_PARTICIPANT_FIGURE_FIELDS = tuple(ParticipantFigures.__dataclass_fields__)


def solution_to_dict(result: Result, *, per_participant: bool = False) -> dict[str, Any]:
    """The `brokerage-solution/1` document of a result."""
    document: dict[str, Any] = {
        "format": SOLUTION_FORMAT,
        "status": str(result.status),
        "assignments": [
            {"meeting": item.meeting, "slot": item.slot, "table": item.table}
            for item in result.assignments
        ],
        "unscheduled": [
            {"meeting": item.meeting, "reason": item.reason} for item in result.unscheduled
        ],
        "figures": asdict(result.figures),
    }
    if per_participant:
        document["per_participant"] = {
            participant_id: asdict(figures)
            for participant_id, figures in result.per_participant.items()
        }
    if result.explanation:
        document["explanation"] = list(result.explanation)
    return document


def write_solution_json(result: Result, *, per_participant: bool = False) -> str:
    return _dumps(solution_to_dict(result, per_participant=per_participant))


def solution_from_dict(data: object) -> Result:
    """Validate a decoded `brokerage-solution/1` document and build the `Result`.

    Only `format` and `assignments` are required; a missing `figures` reads as zeros (use
    `checker.evaluate` to recompute them against the problem).
    """
    data = _object(data, "", _SOLUTION_FIELDS)
    _check_format(data, SOLUTION_FORMAT)
    status_text = data.get("status", Status.UNKNOWN.value)
    try:
        status = Status(status_text)
    except ValueError:
        choices = ", ".join(status.value for status in Status)
        raise FormatError(f"status: expected one of {choices}, got {status_text!r}") from None

    assignments = []
    for index, raw in enumerate(_list(_required(data, "assignments", ""), "assignments")):
        path = f"assignments[{index}]"
        raw = _object(raw, path, ("meeting", "slot", "table"))
        assignments.append(
            Assignment(
                meeting=_string(_required(raw, "meeting", path), f"{path}.meeting"),
                slot=_string(_required(raw, "slot", path), f"{path}.slot"),
                table=_string(_required(raw, "table", path), f"{path}.table"),
            )
        )
    unscheduled = []
    for index, raw in enumerate(_list(data.get("unscheduled", []), "unscheduled")):
        path = f"unscheduled[{index}]"
        raw = _object(raw, path, ("meeting", "reason"))
        reason = raw.get("reason", "")
        if not isinstance(reason, str):
            raise FormatError(f"{path}.reason: expected a string, got {_kind(reason)}")
        unscheduled.append(
            Unscheduled(
                meeting=_string(_required(raw, "meeting", path), f"{path}.meeting"), reason=reason
            )
        )

    figures = Figures(0, 0, 0, 0, 0, None, 0.0)
    if "figures" in data:
        raw = _object(data["figures"], "figures", _FIGURE_FIELDS)
        values: dict[str, Any] = {}
        for key in _FIGURE_FIELDS:
            value = raw.get(key)
            if key in ("best_bound", "wall_time"):
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, int | float)
                ):
                    raise FormatError(f"figures.{key}: expected a number, got {_kind(value)}")
                values[key] = value
            elif key == "kept_in_place":
                values[key] = None if value is None else _integer(value, f"figures.{key}")
            else:
                values[key] = _integer(_required(raw, key, "figures"), f"figures.{key}")
        values["wall_time"] = float(values["wall_time"] or 0.0)
        figures = Figures(**values)

    per_participant: dict[str, ParticipantFigures] = {}
    raw_people = data.get("per_participant") or {}
    if not isinstance(raw_people, dict):
        raise FormatError(f"per_participant: expected an object, got {_kind(raw_people)}")
    for participant_id, raw in raw_people.items():
        path = f"per_participant.{participant_id}"
        raw = _object(raw, path, _PARTICIPANT_FIGURE_FIELDS)
        per_participant[participant_id] = ParticipantFigures(
            meetings=_integer(_required(raw, "meetings", path), f"{path}.meetings"),
            breaks=_integer(_required(raw, "breaks", path), f"{path}.breaks"),
            table_changes=_integer(_required(raw, "table_changes", path), f"{path}.table_changes"),
            first_slot=_optional_string(raw.get("first_slot"), f"{path}.first_slot"),
            last_slot=_optional_string(raw.get("last_slot"), f"{path}.last_slot"),
        )
    explanation = [
        _string(line, f"explanation[{index}]")
        for index, line in enumerate(_list(data.get("explanation", []), "explanation"))
    ]
    return Result(
        status=status,
        assignments=tuple(assignments),
        unscheduled=tuple(unscheduled),
        figures=figures,
        per_participant=per_participant,
        explanation=tuple(explanation),
    )


def read_solution_json(text: str) -> Result:
    return solution_from_dict(_parse_json(text))


def load_solution(path: str | Path) -> Result:
    return read_solution_json(_read_text(Path(path)))


# --- MiniZinc .dzn (Bofill et al., JAIR 2022) ---------------------------------------------

_DZN_TOKEN = re.compile(r"\s*(?:(-?\d+)|(\.\.)|(\[\||\|\]|[\[\]{}|,]))")


def _parse_dzn_value(text: str, name: str) -> Any:
    """Parse one right-hand side: an int, a set, a 1-D array, or a 2-D array `[| .. |]`."""
    tokens: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _DZN_TOKEN.match(text, position)
        if match is None:
            rest = text[position:].strip()
            if not rest:
                break
            raise FormatError(f"{name}: cannot read {rest[:20]!r}")
        tokens.append(match.group(match.lastindex or 0))
        position = match.end()

    index = 0

    def peek() -> str | None:
        return tokens[index] if index < len(tokens) else None

    def take(expected: str | None = None) -> str:
        nonlocal index
        token = peek()
        if token is None or (expected is not None and token != expected):
            raise FormatError(f"{name}: expected {expected or 'a value'}, got {token or 'the end'}")
        index += 1
        return token

    def number() -> int:
        token = take()
        if not re.fullmatch(r"-?\d+", token):
            raise FormatError(f"{name}: expected a number, got {token!r}")
        return int(token)

    def value() -> Any:
        opening = peek()
        if opening == "{":
            take("{")
            members: set[int] = set()
            while peek() != "}":
                low = number()
                if peek() == "..":
                    take("..")
                    members.update(range(low, number() + 1))
                else:
                    members.add(low)
                if peek() == ",":
                    take(",")
            take("}")
            return members
        if opening == "[|":
            take("[|")
            rows: list[list[int]] = [[]]
            while peek() != "|]":
                if peek() == "|":
                    take("|")
                    rows.append([])
                    continue
                rows[-1].append(number())
                if peek() == ",":
                    take(",")
            take("|]")
            return [row for row in rows if row]
        if opening == "[":
            take("[")
            items = []
            while peek() != "]":
                items.append(value())
                if peek() == ",":
                    take(",")
            take("]")
            return items
        return number()

    result = value()
    if index != len(tokens):
        raise FormatError(f"{name}: unexpected {tokens[index]!r} after the value")
    return result


def _dzn_assignments(text: str) -> dict[str, Any]:
    text = re.sub(r"%[^\n]*", "", text)  # comments
    values: dict[str, Any] = {}
    for statement in text.split(";"):
        if not statement.strip():
            continue
        name, equals, right = statement.partition("=")
        name = name.strip()
        if not equals or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise FormatError(f"expected 'name = value;', got {statement.strip()[:30]!r}")
        values[name] = _parse_dzn_value(right, name)
    return values


def read_dzn(text_or_path: str | Path) -> Problem:
    """Read a B2B instance of Bofill et al. (JAIR 2022) from .dzn text or a file path.

    All meetings are mandatory with weight 1, the slots "1".."T" form one session "day"
    (breaks count over the whole day), fairness d = 2, `s` (1 morning, 2 afternoon, 3
    either) becomes `allowed_slots`, `forbidden` becomes `unavailable` ({0}: none), `fixed`
    (0: free) becomes `fixed_slot`, and `precedences` becomes `after`.
    """
    if isinstance(text_or_path, Path) or ("=" not in text_or_path and "\n" not in text_or_path):
        return parse_dzn(_read_text(Path(text_or_path)))
    return parse_dzn(text_or_path)


def parse_dzn(text: str) -> Problem:
    values = _dzn_assignments(text)

    def scalar(name: str) -> int:
        if name not in values:
            raise FormatError(f"{name}: missing")
        if not isinstance(values[name], int):
            raise FormatError(f"{name}: expected a number")
        return values[name]

    n, m, tables, total, morning = (
        scalar(name)
        for name in ("nBusiness", "nMeetings", "nTables", "nTotalSlots", "nMorningSlots")
    )
    if not 0 <= morning <= total:
        raise FormatError(f"nMorningSlots: must be between 0 and nTotalSlots ({total})")

    def array(name: str, length: int, default: Any = None) -> list[Any]:
        if name not in values:
            if default is not None:
                return [default() for _ in range(length)]
            raise FormatError(f"{name}: missing")
        found = values[name]
        if not isinstance(found, list) or len(found) != length:
            size = len(found) if isinstance(found, list) else "not a list"
            raise FormatError(f"{name}: expected {length} entries, got {size}")
        return found

    requested = array("requested", m)
    forbidden = array("forbidden", n, default=set)
    fixed = array("fixed", m, default=int)
    precedences = array("precedences", m, default=set)

    slot_ids = [str(number) for number in range(1, total + 1)]
    morning_slots = frozenset(slot_ids[:morning])
    afternoon_slots = frozenset(slot_ids[morning:])

    def slot_set(raw: Any, path: str) -> frozenset[str]:
        if not isinstance(raw, set):
            raise FormatError(f"{path}: expected a set")
        chosen = set()
        for number in raw - {0}:
            if not 1 <= number <= total:
                raise FormatError(f"{path}: slot {number} is not in 1..{total}")
            chosen.add(str(number))
        return frozenset(chosen)

    participants = tuple(
        Participant(
            id=str(number), unavailable=slot_set(forbidden[number - 1], f"forbidden[{number}]")
        )
        for number in range(1, n + 1)
    )
    meetings = []
    for number, row in enumerate(requested, start=1):
        path = f"requested[{number}]"
        if not isinstance(row, list) or len(row) != 3:
            raise FormatError(f"{path}: expected a row 'a, b, s'")
        a, b, when = row
        for person in (a, b):
            if not 1 <= person <= n:
                raise FormatError(f"{path}: unknown participant {person} (not in 1..{n})")
        if when not in (1, 2, 3):
            raise FormatError(f"{path}: s must be 1 (morning), 2 (afternoon) or 3, got {when}")
        fixed_slot = fixed[number - 1]
        if not isinstance(fixed_slot, int) or not 0 <= fixed_slot <= total:
            raise FormatError(f"fixed[{number}]: expected 0 or a slot in 1..{total}")
        before = precedences[number - 1]
        if not isinstance(before, set) or not before <= set(range(1, m + 1)):
            raise FormatError(f"precedences[{number}]: expected a set of meetings in 1..{m}")
        meetings.append(
            Meeting(
                id=str(number),
                a=str(a),
                b=str(b),
                weight=1,
                mandatory=True,
                allowed_slots={1: morning_slots, 2: afternoon_slots, 3: None}[when],
                fixed_slot=str(fixed_slot) if fixed_slot else None,
                after=tuple(str(earlier) for earlier in sorted(before)),
            )
        )
    return Problem(
        slots=tuple(Slot(id=slot_id, session="day") for slot_id in slot_ids),
        participants=participants,
        meetings=tuple(meetings),
        shared_tables=tables,
        fairness_max_break_spread=2,
    )
