"""Build the visual tour (docs/tour.md, docs/tour/*.png) from the browser suite's screenshots.

    make e2e && .venv/bin/python -m tests.e2e.tour

Takes the screenshots named below from build/e2e-screenshots/, scales them to 1000 px wide
as palette PNGs (small enough to keep in git), renders the first page of the agenda and badge
PDFs with pdftoppm (poppler-utils) when it is installed, and writes the page that shows them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from tests.e2e.conftest import ROOT, SCREENSHOT_DIR

TOUR_DIR = ROOT / "docs" / "tour"
TOUR_PAGE = ROOT / "docs" / "tour.md"
WIDTH = 1000
MAX_BYTES = 250_000

# (screenshot name without its number, caption), in the order of the journey.
PICTURES: list[tuple[str, str]] = [
    (
        "organiser-dashboard",
        "The organiser's overview of a new event: registration window, sessions, slots and tables.",
    ),
    (
        "organiser-sessions",
        "Sessions: blocks of meeting time; the slots follow from the meeting length.",
    ),
    ("event-page", "The public event page with its sessions, in the event's time zone."),
    ("registration-form", "Registering: the person, the organisation, topics and an opportunity."),
    ("organiser-participants", "The organiser approves registrations."),
    (
        "marketplace-search",
        "The marketplace: full-text search over people, organisations and opportunities.",
    ),
    ("meeting-request", "Requesting a meeting, optionally about an opportunity, with a priority."),
    ("request-accepted", "The other participant accepts."),
    ("schedule-readiness", "Before a run: what the scheduler will place, and the run's options."),
    ("schedule-run-finished", "A run after its live progress ended: figures and the solver's log."),
    (
        "schedule-review",
        "Reviewing a run before publishing it: totals, changes, heat map, histogram.",
    ),
    (
        "agenda",
        "A participant's agenda: meetings, free slots, PDF, calendar file and a private feed.",
    ),
    ("agenda-pdf", "The agenda as a PDF."),
    ("move-meeting", "The organiser moves a published meeting by hand."),
    ("agenda-after-move", "The agenda (and the calendar feed) show the new time."),
    ("badges", "Badges: filters, settings, logo, and a preview at printed size."),
    ("badge-pdf", "A printed badge with its check-in QR code."),
    ("checkin-desk", "The check-in desk after a badge scan."),
    ("checkin-overview", "The organiser's check-in figures."),
]
PDF_PAGES = {"agenda-pdf": "agenda-ana.pdf", "badge-pdf": "badges.pdf"}


def source_for(name: str, workdir: Path) -> Path | None:
    if name in PDF_PAGES:
        pdf = SCREENSHOT_DIR / PDF_PAGES[name]
        if not pdf.exists() or shutil.which("pdftoppm") is None:
            return None
        prefix = workdir / name
        command = ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile"]
        subprocess.run([*command, str(pdf), str(prefix)], check=True)  # noqa: S603
        return prefix.with_suffix(".png")
    matches = sorted(SCREENSHOT_DIR.glob(f"[0-9][0-9]-{name}.png"))
    return matches[0] if matches else None


def save_small(source: Path, target: Path) -> int:
    with Image.open(source) as image:
        image = image.convert("RGB")
        if image.width > WIDTH:
            height = round(image.height * WIDTH / image.width)
            image = image.resize((WIDTH, height), Image.Resampling.LANCZOS)
        # Octree keeps the rare colours (a type's colour dot); median cut greys them out.
        for colours in (256, 128, 64):
            palette = image.quantize(colours, method=Image.Quantize.FASTOCTREE)
            palette.save(target, optimize=True)
            if target.stat().st_size <= MAX_BYTES:
                break
    return target.stat().st_size


def main() -> int:
    if not SCREENSHOT_DIR.exists():
        print(f"no screenshots in {SCREENSHOT_DIR}: run `make e2e` first", file=sys.stderr)
        return 1
    if TOUR_DIR.exists():
        shutil.rmtree(TOUR_DIR)
    TOUR_DIR.mkdir(parents=True)
    lines = [
        "# A visual tour",
        "",
        "One event from set-up to check-in, as the browser suite (`make e2e`) walks through it.",
        "The pictures are its screenshots; `.venv/bin/python -m tests.e2e.tour` refreshes them.",
        "",
    ]
    with tempfile.TemporaryDirectory() as workdir:
        for number, (name, caption) in enumerate(PICTURES, start=1):
            source = source_for(name, Path(workdir))
            if source is None:
                print(f"skipped {name}: no screenshot", file=sys.stderr)
                continue
            target = TOUR_DIR / f"{number:02d}-{name}.png"
            size = save_small(source, target)
            print(f"{target.relative_to(ROOT)}: {size // 1000} KB")
            lines.append(f"{number}. {caption}<br>![{caption}](tour/{target.name})")
            lines.append("")
    TOUR_PAGE.write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
