"""`restrict` builds its query tree once per request (issue 12): what the memo may keep, and
what it must not. The tree names the rows to read and is read afresh by every query that uses
it, so a consent withdrawn or given within the request counts at the next query; the memo is
keyed by kind, purpose and category, and dies with the request's actor."""

from __future__ import annotations

import dataclasses
from unittest import mock

import pytest
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, Purpose
from samsyn.access.tests.test_rules import BASIC, TREATMENT, World, make_world
from samsyn.accounts.tests.helpers import sign_in
from samsyn.children.models import Child
from samsyn.consent.models import Consent
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.models import Case
from samsyn.plans.selectors.cases import cases_visible_to
from samsyn.plans.tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def request_actor(actor: Actor) -> Actor:
    """The actor as a request holds it: with the request's memo."""
    return dataclasses.replace(actor, memo={})


def test_sip_3_a_withdrawal_within_the_request_counts_at_the_next_query(world):
    consent = world.consent(categories=[BASIC, Category.PLAN])
    actor = request_actor(world.clinician_taking_part())
    with mock.patch.object(rules, "_rule_of", wraps=rules._rule_of) as built:
        assert rules.restrict(actor, Child.objects.all(), purpose=TREATMENT).exists()
        assert rules.restrict(actor, Case.objects.all(), purpose=TREATMENT).exists()

        Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())

        assert not rules.restrict(actor, Child.objects.all(), purpose=TREATMENT).exists()
        assert not rules.restrict(actor, Case.objects.all(), purpose=TREATMENT).exists()

        # Given again, still in the same request: open again.
        world.consent(categories=[BASIC, Category.PLAN])
        assert rules.restrict(actor, Child.objects.all(), purpose=TREATMENT).exists()
        assert rules.restrict(actor, Case.objects.all(), purpose=TREATMENT).exists()
    # Built once per kind: the later reads used the request's tree.
    assert built.call_count == 2


def test_sek_1_the_memo_keeps_each_purpose_and_category_apart(world):
    world.consent()  # basic data, for treatment only
    actor = request_actor(world.clinician_taking_part())
    children = Child.objects.all()

    assert rules.restrict(actor, children, purpose=TREATMENT).exists()
    assert not rules.restrict(actor, children, purpose=Purpose.INVESTIGATION).exists()
    assert not rules.restrict(actor, children, purpose=TREATMENT, category=Category.HEALTH)
    assert rules.restrict(actor, children, purpose=TREATMENT, category=BASIC).exists()


def test_sek_4_the_memo_is_the_actors_not_anothers(world):
    """Two actors never share a tree: the clinician's opens the child, the one of a unit with
    no relationship, built right after for the same kind and purpose, does not."""
    world.consent()
    clinician = request_actor(world.clinician_taking_part())
    stranger = request_actor(world.actor(world.social_other_unit))

    assert rules.restrict(clinician, Child.objects.all(), purpose=TREATMENT).exists()
    assert not rules.restrict(stranger, Child.objects.all(), purpose=TREATMENT).exists()


def test_sip_3_the_memo_dies_with_the_request(world, client):
    """Each request's actor has a memo of its own, which holds the trees that request built;
    the next request builds its own and sees the withdrawal."""
    consent = world.consent()
    world.clinician_taking_part()
    sign_in(client, make_actor(unit=world.bup_unit, role=Role.CLINICIAN))
    url = f"/children/?purpose={TREATMENT}"

    first = client.get(url)
    assert first.status_code == 200
    assert world.child.last_name in first.content.decode()
    first_memo = first.wsgi_request.actor.memo
    assert any(key[0] == "restrict" for key in first_memo)

    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())

    second = client.get(url)
    assert second.status_code == 200
    assert world.child.last_name not in second.content.decode()
    assert second.wsgi_request.actor.memo is not first_memo


def test_sip_3_the_sips_a_request_reads_twice_are_each_read_afresh(world):
    """`plans.cases_visible_to` composes its query once per request (`rules.per_request`) and
    hands each caller a copy never read: rows one caller read are not another's, and a
    withdrawal between the two counts."""
    consent = world.consent(categories=[BASIC, Category.PLAN])
    actor = request_actor(world.clinician_taking_part())
    with mock.patch.object(rules, "restrict", wraps=rules.restrict) as restricted:
        first = cases_visible_to(actor, purpose=TREATMENT)
        assert len(first) == 1

        Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())

        second = cases_visible_to(actor, purpose=TREATMENT)
        assert second is not first
        assert list(second) == []
        assert len(first) == 1  # what the first caller read stays its own
        assert not cases_visible_to(actor, purpose=TREATMENT).exists()
    assert restricted.call_count == 1


def test_sip_3_an_actor_without_a_request_memo_composes_every_time(world):
    world.consent(categories=[BASIC, Category.PLAN])
    actor = world.clinician_taking_part()
    assert actor.memo is None
    with mock.patch.object(rules, "restrict", wraps=rules.restrict) as restricted:
        cases_visible_to(actor, purpose=TREATMENT)
        cases_visible_to(actor, purpose=TREATMENT)
    assert restricted.call_count == 2


def test_sek_4_what_is_composed_for_one_child_stays_inside_its_scope(world):
    """`about_one_child` narrows `restrict` to one child: the SIPs composed inside the scope are
    not the request's SIPs outside it, nor the other way round."""
    world.consent(categories=[BASIC, Category.PLAN])
    actor = request_actor(world.clinician_taking_part())
    other = make_world("BUP Norr")
    other_case = CaseFactory(child=other.child, initiating_organisation=other.social)
    PartyFactory(case=other_case, organisation=world.bup, accepted_for=world.bup_unit)
    other.consent(receiving_organisation=world.bup, categories=[BASIC, Category.PLAN])

    everything = {case.child_id for case in cases_visible_to(actor, purpose=TREATMENT)}
    assert everything == {world.child.pk, other.child.pk}
    with rules.about_one_child(actor, world.child.pk):
        inside = {case.child_id for case in cases_visible_to(actor, purpose=TREATMENT)}
    assert inside == {world.child.pk}
    after = {case.child_id for case in cases_visible_to(actor, purpose=TREATMENT)}
    assert after == everything
