"""The command line: solve, greedy, check and generate, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from brokerage.scheduling.cli import main
from brokerage.scheduling.formats import read_problem_json, write_problem_json
from brokerage.scheduling.generator import generate
from brokerage.scheduling.solver.problem import Meeting, Participant, Problem, Slot

REPO = Path(__file__).resolve().parents[2]

SMALL = Problem(
    slots=(Slot("1", "am"), Slot("2", "am"), Slot("3", "am")),
    participants=(Participant("a"), Participant("b"), Participant("c"), Participant("d")),
    meetings=(
        Meeting("m1", "a", "b", weight=2),
        Meeting("m2", "a", "c"),
        Meeting("m3", "c", "d", mandatory=True),
        Meeting("m4", "b", "d"),
    ),
    shared_tables=2,
)


@pytest.fixture
def problem_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.json"
    path.write_text(write_problem_json(SMALL), encoding="utf-8")
    return path


def test_generate_writes_a_readable_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "event.json"
    assert (
        main(["generate", "--participants", "40", "--days", "1", "--seed", "4", "-o", str(path)])
        == 0
    )
    assert read_problem_json(path.read_text(encoding="utf-8")) == generate(40, days=1, seed=4)
    assert "40 participants" in capsys.readouterr().err


def test_generate_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--participants", "10"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "brokerage-problem/1"


def test_solve_prints_a_summary(problem_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(problem_file), "--time-limit", "10", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "status: OPTIMAL" in out
    assert "meetings scheduled: 4 of 4" in out
    assert "breaks: 0" in out


def test_solve_json_then_check(
    problem_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["solve", str(problem_file), "--json", "--time-limit", "10", "--seed", "3"]) == 0
    solution = json.loads(capsys.readouterr().out)
    assert solution["format"] == "brokerage-solution/1"
    assert len(solution["assignments"]) == 4
    path = tmp_path / "solution.json"
    path.write_text(json.dumps(solution), encoding="utf-8")
    assert main(["check", str(problem_file), str(path)]) == 0
    assert "valid: 4 meetings" in capsys.readouterr().out


def test_check_lists_violations(
    problem_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "format": "brokerage-solution/1",
                "assignments": [
                    {"meeting": "m1", "slot": "1", "table": "1"},
                    {"meeting": "m2", "slot": "1", "table": "2"},
                ],
            }
        ),
        encoding="utf-8",
    )
    assert main(["check", str(problem_file), str(path)]) == 1
    out = capsys.readouterr().out
    assert "participant 'a' has 2 meetings in slot '1'" in out
    assert "mandatory meeting 'm3' is not scheduled" in out


def test_check_catches_false_figures(
    problem_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "liar.json"
    figures = {
        "scheduled_count": 1,
        "scheduled_weight": 99,
        "breaks_total": 0,
        "breaks_max": 0,
        "table_changes": 0,
        "best_bound": None,
        "wall_time": 1.0,
    }
    path.write_text(
        json.dumps(
            {
                "format": "brokerage-solution/1",
                "assignments": [{"meeting": "m3", "slot": "1", "table": "1"}],
                "figures": figures,
            }
        ),
        encoding="utf-8",
    )
    assert main(["check", str(problem_file), str(path)]) == 1
    assert "scheduled_weight: the solution says 99, recomputed 1" in capsys.readouterr().out


def test_greedy_command(
    problem_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "greedy.json"
    assert main(["greedy", str(problem_file), "-o", str(output)]) == 0
    assert "status: FEASIBLE" in capsys.readouterr().out
    assert main(["check", str(problem_file), str(output)]) == 0


def test_solve_reads_dzn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tiny.dzn"
    path.write_text(
        "nBusiness = 3; nMeetings = 2; nTables = 1; nTotalSlots = 3; nMorningSlots = 2;\n"
        "requested = [| 1, 2, 3 | 1, 3, 2 |];\n"
        "forbidden = [{0}, {0}, {0}]; fixed = [0, 0]; precedences = [{}, {}];\n",
        encoding="utf-8",
    )
    assert main(["solve", str(path), "--time-limit", "10"]) == 0
    out = capsys.readouterr().out
    assert "meetings scheduled: 2 of 2" in out
    assert "breaks: 0" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", "/nonexistent/problem.json"],
        ["check", "/nonexistent/problem.json", "/nonexistent/solution.json"],
        ["generate", "--participants", "1"],
    ],
)
def test_errors_are_one_line_with_status_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert err.count("\n") == 1


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as raised:
        main(["solve"])
    assert raised.value.code == 2


def test_module_entry_point(problem_file: Path) -> None:
    completed = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "brokerage.scheduling", "greedy", str(problem_file), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["status"] == "FEASIBLE"


def test_solve_explains_an_infeasible_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clash = Problem(
        slots=(Slot("1", "am"),),
        participants=(Participant("a"), Participant("b"), Participant("c")),
        meetings=(Meeting("m1", "a", "b", fixed_slot="1"), Meeting("m2", "a", "c", mandatory=True)),
        shared_tables=1,
    )
    path = tmp_path / "clash.json"
    path.write_text(write_problem_json(clash), encoding="utf-8")
    assert main(["solve", str(path), "--time-limit", "10"]) == 1
    out = capsys.readouterr().out
    assert "status: INFEASIBLE" in out
    assert "explanation:" in out
