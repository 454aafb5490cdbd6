"""The runs list and the side-by-side comparison of two runs."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.factories import PASSWORD
from tests.scheduling_review.conftest import World, build_world
from tests.scheduling_review.test_review import make_draft


@pytest.fixture
def organiser(client, world):
    login(client, world.organiser_email, PASSWORD)
    return client


def test_runs_list_newest_first_with_options_and_figures(app, organiser, world):
    older = make_draft(
        app,
        world,
        figures={
            "scheduled_count": 4,
            "scheduled_weight": 4,
            "best_bound": 5,
            "breaks_total": 3,
            "breaks_max": 1,
            "wall_time": 2.0,
        },
    )
    newer = make_draft(
        app, world, solver_status="FEASIBLE", options={"time_limit": 90, "fairness_cap": 2}
    )
    html = organiser.get(f"/events/{world.slug}/manage/schedule/runs").get_data(as_text=True)
    assert html.index(f"#{newer}") < html.index(f"#{older}")
    assert "time limit: 90" in html
    assert "fairness cap: 2" in html
    assert "4 / 5" in html
    assert "3 (1)" in html
    assert "2.0 s" in html
    assert "good, not proven optimal" in html
    assert f"/events/{world.slug}/manage/schedule/runs/{older}/review" in html
    assert f'href="/events/{world.slug}/manage/schedule"' in html


def test_compare_shows_both_runs_figures_and_the_diff(app, organiser, world):
    first = make_draft(app, world)
    second = make_draft(
        app, world, placements=[("ab", 0, 3), ("ac", 4, 3), ("bc", 3, 1), ("ad", 6, 3)]
    )
    url = f"/events/{world.slug}/manage/schedule/compare?a={first}&b={second}"
    html = organiser.get(url).get_data(as_text=True)
    assert f"From run #{first} to run #{second}" in html
    assert "1 added" in html
    assert "1 moved" in html
    assert "1 removed" in html
    assert "2 unchanged" in html
    assert "09:50 · booth B1" in html  # moved from
    assert "10:40 · booth B1" in html  # to
    assert html.count("Scheduled meetings") == 2
    assert 'id="histogram-a-title"' in html
    assert 'id="histogram-b-title"' in html


def test_compare_refuses_bad_and_foreign_ids(app, organiser, world):
    run = make_draft(app, world)
    other = build_world(app)
    foreign = make_draft(app, other)
    base = f"/events/{world.slug}/manage/schedule/compare"
    assert organiser.get(base).status_code == 200  # the form to choose two runs
    assert organiser.get(f"{base}?a={run}").status_code == 400
    assert organiser.get(f"{base}?a={run}&b=abc").status_code == 400
    assert organiser.get(f"{base}?a={run}&b={foreign}").status_code == 404
    assert organiser.get(f"{base}?a={run}&b=987654").status_code == 404
    assert organiser.get(f"/events/{other.slug}/manage/schedule/compare").status_code == 403
    assert organiser.get(f"/events/{other.slug}/manage/schedule/runs").status_code == 403


def test_participants_may_not_see_runs(app, client, world: World):
    make_draft(app, world)
    login(client, world.emails["b"], PASSWORD)
    assert client.get(f"/events/{world.slug}/manage/schedule/runs").status_code == 403
    assert client.get(f"/events/{world.slug}/manage/schedule/compare").status_code == 403
