"""The tally behind the organiser's page: verdicts, rates, per-participant counts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from brokerage.attendance.figures import HeldMeeting, Report, Verdict, tally, verdict_of
from brokerage.attendance.models import MeetingOutcome

TOOK_PLACE = MeetingOutcome.TOOK_PLACE
NO_SHOW = MeetingOutcome.PARTNER_NO_SHOW


def test_verdicts():
    assert verdict_of([]) is Verdict.UNREPORTED
    assert verdict_of([TOOK_PLACE]) is Verdict.KEPT
    assert verdict_of([TOOK_PLACE, TOOK_PLACE]) is Verdict.KEPT
    assert verdict_of([NO_SHOW]) is Verdict.NO_SHOW
    assert verdict_of([NO_SHOW, NO_SHOW]) is Verdict.NO_SHOW
    assert verdict_of([TOOK_PLACE, NO_SHOW]) is Verdict.DISPUTED


def test_a_small_event_by_hand():
    meetings = [HeldMeeting(1, 10, 20), HeldMeeting(2, 10, 30), HeldMeeting(3, 20, 30)]
    reports = [
        Report(1, 10, TOOK_PLACE, 5),
        Report(1, 20, TOOK_PLACE, 3),
        Report(2, 10, NO_SHOW, None),  # 30 stood 10 up
        Report(3, 20, NO_SHOW),  # 20 says 30 did not come; 30 says it took place
        Report(3, 30, TOOK_PLACE, 1),
        Report(99, 10, TOOK_PLACE, 4),  # not a held meeting: ignored
        Report(1, 30, NO_SHOW),  # not a side: ignored
    ]
    result = tally(meetings, reports)
    assert result.held == 3
    assert result.verdicts == {1: Verdict.KEPT, 2: Verdict.NO_SHOW, 3: Verdict.DISPUTED}
    assert result.reports_per_meeting == (0, 1, 2)
    assert result.reported == 3
    assert result.kept_rate == result.no_show_rate == result.disputed_rate == 1 / 3
    assert result.rating_counts == (1, 0, 1, 0, 1)
    assert result.average_rating == 3
    thirty = result.participants[30]
    assert (thirty.meetings, thirty.kept, thirty.no_shows_against, thirty.disputed_against) == (
        2,
        0,
        2,
        1,
    )
    assert thirty.absent_for == {10, 20}
    assert [row.participant_id for row in result.repeat_no_shows()] == [30]
    # 10 received a 3 from 20; 20 received a 5 from 10 and a 1 from 30.
    assert result.participants[10].ratings_received == [3]
    assert sorted(result.participants[20].ratings_received) == [1, 5]
    assert result.participants[20].average_rating == 3
    assert result.participants[10].feedback_given == 2


def test_one_partner_twice_is_not_a_repeat_no_show():
    # The same partner can only report once per meeting; two meetings are impossible (one
    # request per pair), so a single reporter never makes a repeat no-show.
    result = tally([HeldMeeting(1, 1, 2)], [Report(1, 1, NO_SHOW)])
    assert result.repeat_no_shows() == []
    assert result.participants[2].no_shows_against == 1


def test_nothing_reported_means_no_rates():
    result = tally([HeldMeeting(1, 1, 2)], [])
    assert result.kept_rate is None
    assert result.no_show_rate is None
    assert result.average_rating is None
    assert result.counts[Verdict.UNREPORTED] == 1


@st.composite
def events(draw):
    people = draw(st.integers(min_value=2, max_value=8))
    pairs = [(low, high) for low in range(people) for high in range(low + 1, people)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    meetings = [HeldMeeting(index, low, high) for index, (low, high) in enumerate(chosen)]
    reports = []
    for meeting in meetings:
        for side in (meeting.sender_id, meeting.recipient_id):
            if draw(st.booleans()):
                outcome = draw(st.sampled_from(list(MeetingOutcome)))
                rating = draw(st.one_of(st.none(), st.integers(1, 5)))
                reports.append(Report(meeting.request_id, side, outcome, rating))
    # Noise that must not count: other meetings, other people.
    reports += draw(
        st.lists(
            st.builds(
                Report,
                st.integers(1000, 1010),
                st.integers(0, 10),
                st.sampled_from(list(MeetingOutcome)),
                st.one_of(st.none(), st.integers(1, 5)),
            ),
            max_size=3,
        )
    )
    return meetings, reports


@settings(max_examples=200, deadline=None)
@given(events())
def test_invariants(data):
    meetings, reports = data
    result = tally(meetings, reports)
    assert result.held == len(meetings)
    assert sum(result.counts.values()) == result.held  # kept + no-show + disputed + unreported
    assert sum(result.reports_per_meeting) == result.held
    assert result.reports_per_meeting[0] == result.counts[Verdict.UNREPORTED]
    for rate in (result.kept_rate, result.no_show_rate, result.disputed_rate):
        assert rate is None or 0 <= rate <= 1
    if result.reported:
        assert abs(result.kept_rate + result.no_show_rate + result.disputed_rate - 1) < 1e-9
    if result.average_rating is not None:
        assert 1 <= result.average_rating <= 5
    rows = result.participants.values()
    assert sum(row.meetings for row in rows) == 2 * result.held
    assert sum(row.kept for row in rows) == 2 * result.counts[Verdict.KEPT]
    assert sum(len(row.ratings_received) for row in rows) == result.ratings
    assert sum(row.feedback_given for row in rows) == sum(
        count * sides for sides, count in enumerate(result.reports_per_meeting)
    )
    for row in rows:
        assert 0 <= row.kept <= row.meetings
        assert row.no_shows_against == len(row.absent_for) <= row.meetings
        assert row.disputed_against <= row.no_shows_against
        assert row.average_rating is None or 1 <= row.average_rating <= 5
    repeat = {row.participant_id for row in result.repeat_no_shows()}
    assert repeat == {pid for pid, row in result.participants.items() if len(row.absent_for) >= 2}
