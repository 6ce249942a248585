"""Status computation at every boundary: expiry day, due-soon window, induction deadline,
role change, policy change, exemptions and unpublished modules (pure: no app, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training_app.compliance.policy import (
    DEFAULT_POLICY,
    PolicyError,
    Requirement,
    TrainingPolicy,
    parse_policy,
    policy_to_dict,
)
from training_app.compliance.status import (
    COMPLIANT,
    DUE_SOON,
    EXEMPT,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    UNAVAILABLE,
    Assignment,
    Done,
    Exemption,
    Timeline,
    evaluate,
    uk_date,
)

STAFF = Requirement("first-responder", frozenset({"staff", "dsl"}), frozenset(), 12)
DSL = Requirement("dsl-walkthrough", frozenset({"dsl"}), frozenset(), 24)
LONG_AGO = date(2020, 1, 6)
DONE_ON = date(2026, 3, 1)


def status(requirement=STAFF, *, today, start=LONG_AGO, since=None, done=None, **kw):
    return evaluate(requirement, today=today, start=start, since=since, done=done, **kw)


def done(on=DONE_ON, score=90):
    return Done(1, on, score)


def test_a_completion_counts_for_365_days_and_is_due_on_its_last_day():
    expiry = DONE_ON + timedelta(days=365)
    assert expiry == date(2027, 3, 1)
    on_the_day = status(today=expiry, done=done())
    assert (on_the_day.state, on_the_day.due, on_the_day.valid_until) == (DUE_SOON, expiry, expiry)
    assert on_the_day.covered
    day_after = status(today=expiry + timedelta(days=1), done=done())
    assert (day_after.state, day_after.due, day_after.valid_until) == (OVERDUE, expiry, None)
    assert not day_after.covered


def test_due_soon_window_starts_exactly_due_soon_days_before():
    expiry = DONE_ON + timedelta(days=365)
    before = status(today=expiry - timedelta(days=31), done=done())
    inside = status(today=expiry - timedelta(days=30), done=done())
    assert before.state == COMPLIANT and before.valid_until == expiry
    assert inside.state == DUE_SOON
    narrow = status(today=expiry - timedelta(days=8), done=done(), due_soon_days=7)
    assert narrow.state == COMPLIANT
    assert status(today=expiry - timedelta(days=7), done=done(), due_soon_days=7).state == DUE_SOON


def test_dsl_modules_count_for_two_years():
    result = status(DSL, today=DONE_ON + timedelta(days=699), done=done())
    assert result.state == COMPLIANT
    assert result.valid_until == DONE_ON + timedelta(days=730)


def test_induction_deadline_is_start_plus_induction_days():
    start = date(2026, 9, 1)
    kw = {"start": start, "due_soon_days": 10, "induction_days": 28}
    assert status(today=start, **kw).state == NOT_STARTED
    assert status(today=start, **kw).due == date(2026, 9, 29)
    assert status(today=date(2026, 9, 18), **kw).state == NOT_STARTED
    assert status(today=date(2026, 9, 19), **kw).state == DUE_SOON
    assert status(today=date(2026, 9, 29), **kw).state == DUE_SOON
    assert status(today=date(2026, 9, 30), **kw).state == OVERDUE
    assert status(today=start, in_progress=True, **kw).state == IN_PROGRESS


def test_a_future_starter_is_not_yet_due():
    result = status(today=date(2026, 8, 1), start=date(2026, 9, 1))
    assert result.state == NOT_STARTED and result.due == date(2026, 9, 29)


def test_completion_ends_the_induction_period():
    start = date(2026, 9, 1)
    result = status(today=date(2026, 9, 10), start=start, done=done(date(2026, 9, 5)))
    assert result.state == COMPLIANT and result.due == date(2027, 9, 5)


def test_a_requirement_that_began_later_gets_its_own_induction_period():
    changed = date(2026, 11, 1)
    result = status(DSL, today=date(2026, 11, 20), since=changed, induction_days=28)
    assert result.due == date(2026, 11, 29)
    assert result.state == DUE_SOON
    assert status(DSL, today=date(2026, 11, 30), since=changed).state == OVERDUE
    # An expired old completion does not make a newly required module overdue at once.
    old = status(DSL, today=date(2026, 11, 20), since=changed, done=done(date(2020, 1, 1)))
    assert old.state == DUE_SOON and old.due == date(2026, 11, 29)


def test_since_before_the_start_date_changes_nothing():
    start = date(2026, 9, 1)
    result = status(today=start, start=start, since=date(2025, 1, 1))
    assert result.due == date(2026, 9, 29)


def test_exemption_is_a_status_with_its_reason():
    result = status(today=DONE_ON, exemption=Exemption("Long-term leave", date(2027, 1, 1)))
    assert result.state == EXEMPT and result.covered and result.due is None
    assert result.exemption.reason == "Long-term leave"


def test_an_ended_exemption_gives_an_induction_period_from_its_end():
    ended = date(2026, 11, 2)
    result = status(today=date(2026, 11, 10), exemption_ended=ended, induction_days=28)
    assert result.due == date(2026, 11, 30) and result.state == DUE_SOON


def test_unpublished_module_is_neither_required_nor_overdue_unless_recorded():
    result = status(today=date(2026, 11, 22), available=False)
    assert result.state == UNAVAILABLE and not result.counted
    recorded = status(today=DONE_ON + timedelta(days=10), done=done(), available=False)
    assert recorded.state == COMPLIANT and recorded.counted


def test_renewal_follows_the_requirement_in_force_now():
    shorter = Requirement("first-responder", frozenset({"staff"}), frozenset(), 6)
    today = DONE_ON + timedelta(days=200)
    assert status(today=today, done=done()).state == COMPLIANT
    assert status(shorter, today=today, done=done()).state == OVERDUE


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_timeline_without_history_means_always_applied():
    assert Timeline([]).since("first-responder", "staff", "teaching") is None
    assert Timeline([]).current is DEFAULT_POLICY


def test_timeline_policy_change_adds_a_requirement_from_that_day():
    added = TrainingPolicy((STAFF, Requirement("law-and-outcome-21", frozenset({"staff"}))))
    timeline = Timeline(
        [(at(date(2026, 10, 5)), TrainingPolicy((STAFF,))), (at(date(2026, 11, 2)), added)]
    )
    assert timeline.since("law-and-outcome-21", "staff", "teaching") == date(2026, 11, 2)
    # The default policy required it before the school's first version dropped it.
    assert timeline.since("first-responder", "staff", "teaching") is None
    assert timeline.current is added


def test_timeline_renewal_change_is_not_a_new_requirement():
    longer = TrainingPolicy(
        (Requirement("first-responder", frozenset({"staff", "dsl"}), frozenset(), 24),)
    )
    timeline = Timeline([(at(date(2026, 10, 5)), longer)])
    assert timeline.since("first-responder", "staff", "teaching") is None


def test_timeline_role_change_starts_dsl_modules_but_not_staff_modules():
    promoted = Assignment(at(date(2026, 11, 3)), "dsl", "pastoral", "staff", "teaching")
    timeline = Timeline([])
    assert timeline.since("dsl-walkthrough", "dsl", "pastoral", [promoted]) == date(2026, 11, 3)
    assert timeline.since("first-responder", "dsl", "pastoral", [promoted]) is None


def test_timeline_staff_group_change_counts_for_group_requirements():
    pastoral = Requirement("parent-conversations", frozenset({"dsl"}), frozenset({"pastoral"}), 24)
    timeline = Timeline([(at(date(2026, 1, 5)), TrainingPolicy((STAFF, pastoral)))])
    moved = Assignment(at(date(2026, 11, 9)), "staff", "pastoral", "staff", "teaching")
    assert timeline.since("parent-conversations", "staff", "pastoral", [moved]) == date(2026, 11, 9)


def test_uk_date_uses_british_summer_time():
    assert uk_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert uk_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2026, 12, 31)


@given(
    offset=st.integers(min_value=-800, max_value=800),
    window=st.integers(min_value=1, max_value=90),
    has_done=st.booleans(),
    in_progress=st.booleans(),
)
def test_status_invariants(offset, window, has_done, in_progress):
    today = DONE_ON + timedelta(days=offset)
    result = status(
        today=today,
        start=DONE_ON - timedelta(days=100),
        done=done() if has_done else None,
        in_progress=in_progress,
        due_soon_days=window,
    )
    assert (result.state == OVERDUE) == (today > result.due)
    if result.state == DUE_SOON:
        assert 0 <= (result.due - today).days <= window
    if result.state == COMPLIANT:
        assert result.valid_until is not None and (result.due - today).days > window
    assert result.covered == (has_done and today <= DONE_ON + timedelta(days=365))


@pytest.mark.parametrize("state", [OVERDUE, DUE_SOON, NOT_STARTED, IN_PROGRESS, COMPLIANT, EXEMPT])
def test_every_state_has_a_label(state):
    from training_app.compliance.status import STATES

    assert STATES[state]


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31)))
def test_uk_date_fast_path_matches_a_time_zone_conversion(moment):
    from training_app.compliance.status import UK

    aware = moment.replace(tzinfo=UTC)
    assert uk_date(aware) == aware.astimezone(UK).date() == uk_date(moment)
    assert uk_date(aware.astimezone(UK)) == aware.astimezone(UK).date()


def test_onboarding_window_runs_from_the_day_someone_joined_the_platform():
    joined = date(2026, 11, 1)
    # An old start date alone would make them overdue on the day they were imported ...
    assert status(today=joined).state == OVERDUE
    # ... the window gives them 28 days from joining instead.
    found = status(today=joined, joined=joined, onboarding_days=28)
    assert found.due == joined + timedelta(days=28) and found.state == DUE_SOON
    assert status(today=joined + timedelta(days=29), joined=joined, onboarding_days=28).state == (
        OVERDUE
    )
    # A window of 0 is off; and training done before still expires on its own date.
    assert status(today=joined, joined=joined, onboarding_days=0).state == OVERDUE
    lapsed = status(today=joined, done=done(date(2024, 1, 1)), joined=joined, onboarding_days=28)
    assert lapsed.state == OVERDUE and lapsed.due == date(2024, 12, 31)


def test_policy_reads_and_writes_the_onboarding_window():
    assert parse_policy({}).onboarding_days == 28  # policies saved before it existed
    assert parse_policy({"onboarding_days": 0}).onboarding_days == 0
    assert policy_to_dict(parse_policy({"onboarding_days": 14}))["onboarding_days"] == 14
    with pytest.raises(PolicyError, match="onboarding_days"):
        parse_policy({"onboarding_days": 181})
