"""Problem and solution files: round-trips, clear messages for malformed input, .dzn."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from brokerage.scheduling.formats import (
    FormatError,
    load_problem,
    parse_dzn,
    problem_to_dict,
    read_dzn,
    read_problem_json,
    read_solution_json,
    write_problem_json,
    write_solution_json,
)
from brokerage.scheduling.generator import generate
from brokerage.scheduling.solver.checker import evaluate
from brokerage.scheduling.solver.problem import (
    Assignment,
    Meeting,
    Participant,
    Problem,
    Result,
    Slot,
    Status,
    Unscheduled,
)

REPO = Path(__file__).resolve().parents[2]

FULL = Problem(
    slots=(
        Slot("s1", "day1-am", "2026-03-10T09:00+01:00", "2026-03-10T09:20+01:00"),
        Slot("s2", "day1-am"),
        Slot("s3", "day1-pm"),
    ),
    participants=(
        Participant("p1", max_meetings=2, name="Ada"),
        Participant("p2", booth="Stand 4", unavailable=frozenset({"s1", "s3"})),
        Participant("p3"),
    ),
    meetings=(
        Meeting("m1", "p1", "p2", weight=3, mandatory=True),
        Meeting("m2", "p1", "p3", allowed_slots=frozenset({"s2", "s3"}), after=("m1",)),
        Meeting("m3", "p2", "p3", fixed_slot="s2"),
    ),
    shared_tables=2,
    tables_per_slot={"s3": 1},
    fairness_max_break_spread=1,
    table_labels=("A", "B"),
)


def test_problem_round_trip_with_every_field() -> None:
    assert read_problem_json(write_problem_json(FULL)) == FULL


def test_generated_problem_round_trip(tmp_path: Path) -> None:
    problem = generate(120, days=3, seed=5)
    path = tmp_path / "event.json"
    path.write_text(write_problem_json(problem), encoding="utf-8")
    assert load_problem(path) == problem


def test_solution_round_trip() -> None:
    assignments = (Assignment("m1", "s2", "Stand 4"), Assignment("m2", "s3", "A"))
    figures, per_participant = evaluate(FULL, assignments)
    result = Result(
        status=Status.FEASIBLE,
        assignments=assignments,
        unscheduled=(Unscheduled("m3", "p2 is busy"),),
        figures=figures,
        per_participant=per_participant,
        explanation=("just so",),
    )
    text = write_solution_json(result, per_participant=True)
    assert json.loads(text)["format"] == "brokerage-solution/1"
    assert read_solution_json(text) == result


def test_minimal_solution_reads() -> None:
    text = json.dumps(
        {
            "format": "brokerage-solution/1",
            "assignments": [{"meeting": "m1", "slot": "s1", "table": "1"}],
        }
    )
    result = read_solution_json(text)
    assert result.assignments == (Assignment("m1", "s1", "1"),)
    assert result.status == Status.UNKNOWN


def broken(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(problem_to_dict(FULL))
    change(document)
    return document


MALFORMED = [
    (lambda d: d.pop("slots"), "slots: missing"),
    (lambda d: d.update(format="brokerage-problem/9"), "format: expected 'brokerage-problem/1'"),
    (lambda d: d.pop("format"), "format: missing"),
    (lambda d: d.update(shared_tables="3"), "shared_tables: expected an integer, got a string"),
    (lambda d: d.update(shared_tables=-1), "shared_tables: must be at least 0"),
    (lambda d: d.update(participants={}), "participants: expected a list, got an object"),
    (lambda d: d["slots"][1].update(id="s1"), "slots[1].id: duplicate slot id 's1'"),
    (lambda d: d["slots"][0].pop("session"), "slots[0].session: missing"),
    (lambda d: d["participants"][1].update(id="p1"), "participants[1].id: duplicate participant"),
    (lambda d: d["participants"][0].update(max_meetings=True), "participants[0].max_meetings:"),
    (
        lambda d: d["participants"][1].update(unavailable=["s9"]),
        "participants[1].unavailable[0]: unknown slot 's9'",
    ),
    (lambda d: d["meetings"][2].update(id="m1"), "meetings[2].id: duplicate meeting id 'm1'"),
    (lambda d: d["meetings"][1].update(b="p9"), "meetings[1].b: unknown participant 'p9'"),
    (
        lambda d: d["meetings"][1].update(b="p1"),
        "meetings[1].b: a participant cannot meet themselves",
    ),
    (lambda d: d["meetings"][0].pop("a"), "meetings[0].a: missing"),
    (
        lambda d: d["meetings"][0].update(weight=1.5),
        "meetings[0].weight: expected an integer, got a number",
    ),
    (
        lambda d: d["meetings"][0].update(mandatory="yes"),
        "meetings[0].mandatory: expected true or false",
    ),
    (lambda d: d["meetings"][1].update(after=["m7"]), "meetings[1].after[0]: unknown meeting 'm7'"),
    (
        lambda d: d["meetings"][2].update(fixed_slot="s9"),
        "meetings[2].fixed_slot: unknown slot 's9'",
    ),
    (lambda d: d["meetings"][0].update(wieght=2), "meetings[0].wieght: unknown field"),
    (lambda d: d.update(tables_per_slot={"zz": 1}), "tables_per_slot.zz: unknown slot 'zz'"),
    (lambda d: d.update(table_labels=["A"]), "table_labels: 1 labels for up to 2 tables"),
    (
        lambda d: d.update(fairness_max_break_spread="2"),
        "fairness_max_break_spread: expected an integer",
    ),
]


@pytest.mark.parametrize(("change", "message"), MALFORMED)
def test_malformed_problem_names_the_field_and_reason(change: Any, message: str) -> None:
    with pytest.raises(FormatError) as raised:
        read_problem_json(json.dumps(broken(change)))
    assert message in str(raised.value)


def test_bad_json_says_where() -> None:
    with pytest.raises(FormatError, match=r"not valid JSON: .* line 1 column"):
        read_problem_json('{"format": ')


def test_top_level_must_be_an_object() -> None:
    with pytest.raises(FormatError, match="expected an object, got a list"):
        read_problem_json("[]")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"format": "brokerage-solution/1"}, "assignments: missing"),
        (
            {"format": "brokerage-solution/1", "assignments": [{"meeting": "m1", "slot": "s1"}]},
            "assignments[0].table: missing",
        ),
        (
            {"format": "brokerage-solution/1", "assignments": [], "status": "GREAT"},
            "status: expected one of",
        ),
        (
            {
                "format": "brokerage-solution/1",
                "assignments": [],
                "figures": {"scheduled_count": 1},
            },
            "figures.scheduled_weight: missing",
        ),
    ],
)
def test_malformed_solution(document: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError) as raised:
        read_solution_json(json.dumps(document))
    assert message in str(raised.value)


TINY_DZN = """\
% a hand-written instance in the format of Bofill et al.
nBusiness = 4;
nMeetings = 4;
nTables = 2;
nTotalSlots = 4;
nMorningSlots = 2;
requested = [|1, 2, 3
|1, 3, 1
|2, 4, 2
|3, 4, 3|];
meetingsxBusiness = [{1,2},{1,3},{2,4},{3,4}];
nMeetingsBusiness = [2,2,2,2];
forbidden = [{0}, {3..4}, {0}, {1}];
fixed = [0, 0, 0, 2];
precedences = [{}, {1}, {}, {1, 2}];
"""


def test_read_dzn_maps_every_field() -> None:
    problem = read_dzn(TINY_DZN)
    assert [slot.id for slot in problem.slots] == ["1", "2", "3", "4"]
    assert {slot.session for slot in problem.slots} == {"day"}
    assert [p.id for p in problem.participants] == ["1", "2", "3", "4"]
    assert problem.participants[0].unavailable == frozenset()
    assert problem.participants[1].unavailable == frozenset({"3", "4"})
    assert problem.participants[3].unavailable == frozenset({"1"})
    assert problem.shared_tables == 2
    assert problem.fairness_max_break_spread == 2
    first, second, third, fourth = problem.meetings
    assert (first.id, first.a, first.b) == ("1", "1", "2")
    assert all(meeting.mandatory and meeting.weight == 1 for meeting in problem.meetings)
    assert first.allowed_slots is None
    assert second.allowed_slots == frozenset({"1", "2"})
    assert third.allowed_slots == frozenset({"3", "4"})
    assert fourth.fixed_slot == "2"
    assert first.fixed_slot is None
    assert second.after == ("1",)
    assert fourth.after == ("1", "2")
    assert first.after == ()


def test_read_dzn_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "tiny.dzn"
    path.write_text(TINY_DZN, encoding="utf-8")
    assert read_dzn(path) == read_dzn(str(path)) == load_problem(path) == parse_dzn(TINY_DZN)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("nBusiness = 4;", ""), "nBusiness: missing"),
        (lambda t: t.replace("|3, 4, 3|]", "|3, 9, 3|]"), "requested[4]: unknown participant 9"),
        (lambda t: t.replace("|1, 3, 1", "|1, 3, 5"), "requested[2]: s must be 1"),
        (
            lambda t: t.replace("fixed = [0, 0, 0, 2]", "fixed = [0, 0, 2]"),
            "fixed: expected 4 entries, got 3",
        ),
        (lambda t: t.replace("{3..4}", "{3..7}"), "forbidden[2]: slot 5 is not in 1..4"),
        (lambda t: t.replace("nTables = 2;", "nTables = two;"), "nTables: cannot read"),
    ],
)
def test_malformed_dzn(change: Any, message: str) -> None:
    with pytest.raises(FormatError) as raised:
        parse_dzn(change(TINY_DZN))
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ('{"format": "brokerage-problem/1", "slots": [', ".json", "not valid JSON"),
        (
            json.dumps(
                {
                    "format": "brokerage-problem/1",
                    "slots": [],
                    "shared_tables": 1,
                    "participants": [],
                    "meetings": [{"id": "m", "a": "x", "b": "y"}],
                }
            ),
            ".json",
            "meetings[0].a: unknown participant 'x'",
        ),
        ("nBusiness = 1;", ".dzn", "nMeetings: missing"),
    ],
)
def test_cli_on_malformed_input_exits_2_without_traceback(
    tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(content, encoding="utf-8")
    completed = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "brokerage.scheduling", "solve", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert message in completed.stderr
    assert completed.stderr.count("\n") == 1
