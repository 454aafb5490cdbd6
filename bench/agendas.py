"""Benchmark personal agendas: one PDF, all PDFs in one document, one iCalendar feed request.

    .venv/bin/python bench/agendas.py [--participants 1000] [--time-limit 10] [--seed 1]
                                      [--repeat 7] [--profile]

Builds the event of bench/schedule_pipeline.py in a temporary SQLite file (1,000 approved
participants, about 9 accepted requests each, two days of two sessions, 150 shared tables and
20 booths), solves it (--time-limit) and makes that run the published schedule. Then it times:

- one agenda PDF: agenda_for + agenda_pdf for --repeat random participants (median);
- the all-agendas PDF: agendas_for(event) + agendas_pdf, one document, with the peak memory
  of the process (VmHWM) and what it was before;
- one feed request: GET /calendar/<token>.ics through the app (median of 25).

Wall-clock times are the figures; the CPU time of the process is printed too, as it suffers
less from other programs on a busy machine.
Targets: one PDF under 0.5 s; all agendas of 1,000 participants under 60 s; a feed under 50 ms.
--profile prints where the time of one PDF and of the all-agendas PDF goes (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from schedule_pipeline import build_event  # noqa: E402 - after the path set-up

from brokerage import create_app  # noqa: E402
from brokerage.agendas import feeds  # noqa: E402
from brokerage.agendas.documents import agenda_pdf, agendas_pdf  # noqa: E402
from brokerage.agendas.services import agenda_for, agendas_for  # noqa: E402
from brokerage.db_types import utcnow  # noqa: E402
from brokerage.events.models import Event  # noqa: E402
from brokerage.extensions import db  # noqa: E402
from brokerage.registration.models import Participant  # noqa: E402
from brokerage.scheduling.models import RunState, ScheduleRun  # noqa: E402
from brokerage.scheduling.services import build_problem, save_result  # noqa: E402
from brokerage.scheduling.solver import SolveOptions, solve  # noqa: E402
from config import TestConfig  # noqa: E402


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the PDF render workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def worker_peak_kib() -> int:
    """The largest peak resident set of a finished child process (a render worker), in KiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def memory_kib(field: str) -> int:
    """VmHWM (peak resident set) or VmRSS of this process, in KiB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def publish_schedule(event_id: int, time_limit: float) -> tuple[int, int]:
    """Solve and make the run the published schedule (no e-mails); (meetings, requests)."""
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
    return result.figures.scheduled_count, len(build.problem.meetings)


def profiled(action, label: str) -> None:
    profile = cProfile.Profile()
    profile.enable()
    action()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(18)
    print(f"\n--- profile: {label} ---")
    print("\n".join(out.getvalue().splitlines()[:45]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'agendas.sqlite'}"
        config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
        app = create_app(config)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            event_id = build_event(options.participants, options.seed)
            scheduled, requested = publish_schedule(event_id, options.time_limit)
            setup_seconds = time.perf_counter() - started
            ids = list(db.session.scalars(db.select(Participant.id).order_by(Participant.id)))
            # A feed for one participant, as the agenda page would create it.
            feed_owner = db.session.get(Participant, ids[len(ids) // 2])
            feed, _ = feeds.ensure_feed(feed_owner)
            token = feeds.feed_token(feed)
            db.session.commit()
            db.session.remove()

        rng = random.Random(options.seed)
        sample = rng.sample(ids, options.repeat)
        with app.test_request_context():
            event = db.session.get(Event, event_id)
            # Warm-up: the first PDF loads WeasyPrint and the fonts.
            warm_started = time.perf_counter()
            agenda_pdf(agenda_for(event, db.session.get(Participant, sample[0])))
            first_seconds = time.perf_counter() - warm_started
            single_times = []
            single_cpu = []
            pages = []
            for participant_id in sample:
                db.session.expire_all()
                event = db.session.get(Event, event_id)
                participant = db.session.get(Participant, participant_id)
                started = time.perf_counter()
                cpu_started = time.process_time()
                document = agenda_pdf(agenda_for(event, participant))
                single_times.append(time.perf_counter() - started)
                single_cpu.append(time.process_time() - cpu_started)
                pages.append(document.count(b"/Type /Page\n") or document.count(b"/Type /Page"))
            if options.profile:
                participant = db.session.get(Participant, sample[1])
                profiled(lambda: agenda_pdf(agenda_for(event, participant)), "one agenda PDF")

            db.session.expire_all()
            event = db.session.get(Event, event_id)
            rss_before = memory_kib("VmRSS")
            peak_before = memory_kib("VmHWM")
            started = time.perf_counter()
            cpu_started = cpu_seconds()
            agendas = agendas_for(event)
            load_seconds = time.perf_counter() - started
            everything = agendas_pdf(agendas)
            all_seconds = time.perf_counter() - started
            all_cpu_seconds = cpu_seconds() - cpu_started
            peak_after = memory_kib("VmHWM")
            if options.profile:
                profiled(lambda: agendas_pdf(agendas[:100]), "all-agendas PDF, first 100")
            from pypdf import PdfReader

            all_pages = len(PdfReader(io.BytesIO(everything)).pages)
            db.session.remove()

        client = app.test_client()
        feed_url = f"/calendar/{token}.ics"
        for _ in range(3):
            response = client.get(feed_url)
            assert response.status_code == 200, response.status_code
        feed_times = []
        feed_cpu = []
        for _ in range(25):
            started = time.perf_counter()
            cpu_started = time.process_time()
            response = client.get(feed_url)
            feed_times.append(time.perf_counter() - started)
            feed_cpu.append(time.process_time() - cpu_started)
        events_in_feed = response.data.count(b"BEGIN:VEVENT")
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()

    load = os.getloadavg()
    print(
        f"sqlite: {len(ids)} approved participants, {scheduled} of {requested} accepted requests "
        f"scheduled and published (event built and solved in {setup_seconds:.1f} s)"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        f"one agenda PDF      median {statistics.median(single_times):6.3f} s "
        f"(min {min(single_times):.3f}, max {max(single_times):.3f}, n={len(single_times)}, "
        f"first call {first_seconds:.2f} s incl. WeasyPrint start-up)   target < 0.5 s"
    )
    print(f"  CPU time of this process: median {statistics.median(single_cpu):.3f} s")
    print(
        f"all-agendas PDF     {all_seconds:6.1f} s for {len(agendas)} agendas, {all_pages} pages, "
        f"{len(everything) / 1e6:.1f} MB (loading the agendas: {load_seconds:.2f} s)"
        f"   target < 60 s"
    )
    print(f"  CPU time of this process and its render workers: {all_cpu_seconds:.1f} s")
    print(
        f"  peak memory (VmHWM) {peak_after / 1024:.0f} MiB; before the all-agendas PDF: "
        f"peak {peak_before / 1024:.0f} MiB, resident {rss_before / 1024:.0f} MiB; "
        f"each render worker at most {worker_peak_kib() / 1024:.0f} MiB"
    )
    print(
        f"one ICS feed        median {statistics.median(feed_times) * 1000:6.1f} ms "
        f"(min {min(feed_times) * 1000:.1f}, max {max(feed_times) * 1000:.1f}, n=25, "
        f"{events_in_feed} events)   target < 50 ms"
    )
    print(f"  CPU time of this process: median {statistics.median(feed_cpu) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
