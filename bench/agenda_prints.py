"""Benchmark the organiser's print-outs: schedule export, table sheets, reprint selection.

    .venv/bin/python bench/agenda_prints.py [--participants 1000] [--time-limit 10] [--seed 1]

Builds the event of bench/schedule_pipeline.py in a temporary SQLite file (1,000 approved
participants, about 9 accepted requests each, two days of two sessions, 150 shared tables and
20 booths), solves it (--time-limit) and makes that run the published schedule. Then it times,
with the SQL statements each step sends:

- the full schedule export: rows + CSV bytes, and rows + XLSX bytes;
- the table sheets PDF (one page or more per table), with the peak memory of the process;
- the reprint selection (fingerprints of every agenda, as the print-outs page computes it);
- recording every agenda as printed (the bookkeeping of "Download all agendas");
- after one hand move of a published meeting: the selection again (it must find exactly
  two agendas) and the PDF of those two.

The all-agendas PDF itself is timed by bench/agendas.py.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from schedule_pipeline import build_event, counting  # noqa: E402 - after the path set-up

from brokerage import create_app  # noqa: E402
from brokerage.agendas.documents import agendas_pdf  # noqa: E402
from brokerage.agendas.exports import schedule_csv, schedule_rows, schedule_xlsx  # noqa: E402
from brokerage.agendas.reprint import record_printed, reprint_status  # noqa: E402
from brokerage.agendas.table_sheets import table_sheets, table_sheets_pdf  # noqa: E402
from brokerage.auth.models import User  # noqa: E402
from brokerage.db_types import utcnow  # noqa: E402
from brokerage.events.models import Event  # noqa: E402
from brokerage.extensions import db  # noqa: E402
from brokerage.mail import discard_queued_mail  # noqa: E402
from brokerage.scheduling import editing  # noqa: E402
from brokerage.scheduling.models import RunState, ScheduledMeeting, ScheduleRun  # noqa: E402
from brokerage.scheduling.review import event_slots, is_active  # noqa: E402
from brokerage.scheduling.services import build_problem, save_result  # noqa: E402
from brokerage.scheduling.solver import SolveOptions, solve  # noqa: E402
from config import TestConfig  # noqa: E402


def memory_mib(field: str) -> float:
    """VmHWM (peak resident set) or VmRSS of this process, in MiB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def publish(event_id: int, time_limit: float) -> int:
    """Solve and make the run the published schedule (no e-mails); the run id."""
    event = db.session.get(Event, event_id)
    build = build_problem(event)
    result = solve(build.problem, SolveOptions(time_limit=time_limit))
    run = ScheduleRun(event_id=event_id, state=RunState.RUNNING, options={})
    db.session.add(run)
    db.session.flush()
    save_result(run, build, result)
    event.published_run_id = run.id
    run.published_at = utcnow()
    db.session.commit()
    return run.id


def move_one_meeting(event: Event, run_id: int) -> ScheduledMeeting:
    """The first published meeting that can move to another slot, moved there by hand."""
    organiser = User(email="bench-organiser@example.org")
    organiser.set_password("bench-organiser")
    db.session.add(organiser)
    db.session.flush()
    slots = event_slots(event)
    meetings = db.session.scalars(
        db.select(ScheduledMeeting).where(ScheduledMeeting.run_id == run_id)
    ).all()
    for meeting in meetings:
        if not is_active(meeting):
            continue
        for slot in reversed(slots):
            if slot.id == meeting.slot_id:
                continue
            try:
                editing.move_meeting(meeting, slot, None, locked=False, user=organiser)
            except editing.EditError:
                continue
            discard_queued_mail()  # the move's notices to both participants
            db.session.commit()
            return meeting
    raise RuntimeError("no meeting could be moved")


@dataclass
class Timing:
    wall: float = 0.0
    cpu: float = 0.0  # this process's CPU time: less disturbed by a busy machine
    statements: int = 0


def timed(action: Callable[[], Any]) -> tuple[Any, Timing]:
    with counting() as statements:
        wall, cpu = time.perf_counter(), time.process_time()
        value = action()
        timing = Timing(time.perf_counter() - wall, time.process_time() - cpu)
    timing.statements = len(statements)
    return value, timing


def line(label: str, timing: Timing, note: str = "") -> None:
    print(
        f"{label:<34} {timing.wall:7.2f} s wall {timing.cpu:7.2f} s CPU "
        f"{timing.statements:4d} statements  {note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'prints.sqlite'}"
        config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
        app = create_app(config)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            event_id = build_event(options.participants, options.seed)
            run_id = publish(event_id, options.time_limit)
            setup_seconds = time.perf_counter() - started
            db.session.remove()

        with app.test_request_context():
            event = db.session.get(Event, event_id)
            # Warm-up: the first PDF loads WeasyPrint and the fonts.
            table_sheets_pdf(event, table_sheets(event)[:1])

            def fresh_event() -> Event:
                db.session.expire_all()
                return db.session.get(Event, event_id)

            event = fresh_event()
            rows, csv_timing = timed(lambda: schedule_csv(schedule_rows(event)))
            event = fresh_event()
            workbook, xlsx_timing = timed(lambda: schedule_xlsx(schedule_rows(event), event))
            meeting_rows = len(schedule_rows(event))

            event = fresh_event()
            peak_before = memory_mib("VmHWM")
            rss_before = memory_mib("VmRSS")
            sheets, sheets_timing = timed(lambda: table_sheets(event))
            sheets_document, sheets_pdf_timing = timed(lambda: table_sheets_pdf(event, sheets))
            peak_after = memory_mib("VmHWM")
            from pypdf import PdfReader

            sheet_pages = len(PdfReader(io.BytesIO(sheets_document)).pages)

            event = fresh_event()
            status, status_timing = timed(lambda: reprint_status(event))
            never_printed = len(status.changed)

            def print_all() -> None:
                record_printed(status.statuses)
                db.session.commit()

            _, record_timing = timed(print_all)

            event = fresh_event()
            moved = move_one_meeting(event, run_id)
            event = fresh_event()
            after_move, move_timing = timed(lambda: reprint_status(event))
            changed = after_move.changed
            changed_document, changed_pdf_timing = timed(
                lambda: agendas_pdf([item.agenda for item in changed])
            )
            pair = {moved.request.sender_id, moved.request.recipient_id}
            exactly = {item.participant.id for item in changed} == pair
            db.session.remove()

        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()

    load = os.getloadavg()
    print(
        f"sqlite: {len(status.statuses)} approved participants, {meeting_rows} meetings in the "
        f"published run, {len(sheets)} tables and booths (built and solved in "
        f"{setup_seconds:.1f} s)"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    line("schedule export, CSV", csv_timing, f"{len(rows) / 1e6:.2f} MB")
    line("schedule export, XLSX", xlsx_timing, f"{len(workbook) / 1e6:.2f} MB")
    line("table sheets: data", sheets_timing)
    line(
        "table sheets: PDF",
        sheets_pdf_timing,
        f"{sheet_pages} pages, {len(sheets_document) / 1e6:.1f} MB; peak memory "
        f"{peak_after:.0f} MiB (before: peak {peak_before:.0f}, resident {rss_before:.0f})",
    )
    line(
        "reprint selection (every agenda)",
        status_timing,
        f"{never_printed} never printed with meetings",
    )
    line("record all as printed + commit", record_timing)
    line(
        "selection after one hand move",
        move_timing,
        f"{len(changed)} changed; exactly the moved meeting's two: {'yes' if exactly else 'NO'}",
    )
    line(
        "PDF of the changed agendas",
        changed_pdf_timing,
        f"{len(changed_document) / 1e3:.0f} kB",
    )


if __name__ == "__main__":
    main()
