"""Organiser decisions at the service level: capacity on re-approval, cancelled stays."""

from __future__ import annotations

import pytest

from brokerage.registration import services
from brokerage.registration.models import ParticipantStatus
from tests.factories import make_event, make_participant, make_user


def test_re_approving_a_rejected_person_respects_capacity(app_ctx):
    event = make_event("fair", capacity=1)
    organiser = make_user()
    make_participant(event, status=ParticipantStatus.APPROVED)
    rejected = make_participant(event, status=ParticipantStatus.REJECTED)
    with pytest.raises(services.RegistrationError, match="full"):
        services.decide(rejected, True, organiser)
    assert rejected.status is ParticipantStatus.REJECTED


def test_a_cancelled_registration_cannot_be_decided(app_ctx):
    event = make_event("fair")
    cancelled = make_participant(event, status=ParticipantStatus.CANCELLED)
    with pytest.raises(services.RegistrationError, match="cancelled"):
        services.decide(cancelled, True, make_user())


def test_only_the_owner_or_an_organiser_may_update(app_ctx):
    event = make_event("fair")
    participant = make_participant(event)
    data = services.RegistrationData.from_participant(participant)
    with pytest.raises(services.RegistrationError, match="your own"):
        services.update_registration(participant, data, make_user())
    with pytest.raises(services.RegistrationError, match="your own"):
        services.cancel_registration(participant, make_user())


def test_register_refuses_without_terms_and_ids_of_other_events(app_ctx):
    event = make_event("fair")
    other = make_event("other")
    user = make_user()
    data = services.RegistrationData(
        first_name="A",
        last_name="B",
        organisation_name="O",
        type_id=event.participant_types[0].id,
        country="BE",
        terms_accepted=False,
    )
    with pytest.raises(services.RegistrationError, match="terms"):
        services.register(event, user, data)
    data.terms_accepted = True
    data.type_id = other.participant_types[0].id
    with pytest.raises(services.InvalidReference):
        services.register(event, user, data)
    data.type_id = event.participant_types[0].id
    data.topic_ids = [other.topics[0].id]
    with pytest.raises(services.InvalidReference):
        services.register(event, user, data)
