"""SIPs over the JSON API: one SIP from proposal to its first follow-up with a token, the same
access and audit as the pages (404 for a non-party, audited), withdrawal taking effect at once,
the state machine's refusals as 409s, and a list whose queries do not grow with the SIPs."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from samsyn.accounts.tests.helpers import sign_in
from samsyn.api.tests.conftest import token_client
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory, GuardianshipFactory, InvolvementFactory
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.plans.models import Case, PlanVersion
from samsyn.plans.tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

SIP = "/api/sip"
SIP_10 = (
    "No SIP meeting has been held with its minutes recorded. The first version is finalised "
    "after the meeting, or with the reason it cannot wait (SIP-10)."
)
REASON = "Skolstarten kan inte vänta på SIP-mötet."
TODAY = timezone.localdate()
FOLLOW_UP = (TODAY + datetime.timedelta(days=90)).isoformat()


@pytest.fixture
def region():
    return Principal.objects.create(kind=Principal.Kind.REGION, name="Region Api", code="17")


@pytest.fixture
def municipality(region):
    return Principal.objects.create(kind=Principal.Kind.MUNICIPALITY, name="Apikommun", code="1784")


def _member(principal, kind, role, name):
    organisation = Organisation.objects.create(principal=principal, kind=kind, name=name)
    return MembershipFactory(unit=UnitFactory(organisation=organisation), role=role)


@pytest.fixture
def social(municipality):
    return _member(municipality, Organisation.Kind.SOCIAL_SERVICES, Role.CASEWORKER, "Soc Api")


@pytest.fixture
def bup(region):
    return _member(region, Organisation.Kind.BUP, Role.CLINICIAN, "BUP Api")


@pytest.fixture
def school(municipality):
    return _member(municipality, Organisation.Kind.SCHOOL, Role.SCHOOL_COUNSELLOR, "Skola Api")


@pytest.fixture
def child(municipality, social):
    child = ChildFactory(municipality=municipality)
    for _ in range(2):
        GuardianshipFactory(child=child)
    InvolvementFactory(child=child, unit=social.unit)
    return child


@pytest.fixture
def soc(social):
    return token_client(social)[0]


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def _post(client: Client, url: str, data: dict | None = None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


def _put(client: Client, url: str, data: dict):
    return client.put(url, data, content_type="application/json")


def _propose(client, child, bup) -> int:
    body = _ok(
        _post(client, SIP, {"child_id": child.pk, "reason": "Oro i skolan och hemma.",
                            "party_ids": [bup.unit.organisation_id]})
    )  # fmt: skip
    assert body["status"] == "proposed"
    return body["id"]


def _consent(client, case_id, child, bup) -> list[dict]:
    recorded = []
    for guardianship in child.guardianships.all():
        recorded += _ok(
            _post(client, f"{SIP}/{case_id}/consents", {
                "given_by": "guardian", "guardian_id": guardianship.guardian_id,
                "receiving_organisation_ids": [bup.unit.organisation_id],
                "categories": ["health"], "form": "written", "given_on": TODAY.isoformat(),
                "valid_until": (TODAY + datetime.timedelta(days=365)).isoformat(),
            })
        )  # fmt: skip
    return recorded


@pytest.fixture
def consented(soc, child, bup) -> int:
    case_id = _propose(soc, child, bup)
    _ok(_post(token_client(bup)[0], f"{SIP}/{case_id}/accept"))
    _consent(soc, case_id, child, bup)
    return case_id


def _items(bup, *, effort: bool = True, measure: bool = True) -> list[dict]:
    need = "11111111-1111-4111-8111-111111111111"
    items = [
        {"key": need, "kind": "need", "text": "Sover dåligt"},
        {"kind": "goal", "text": "Sova hela nätter", "need_key": need},
    ]
    if effort:
        items.append(
            {"key": "22222222-2222-4222-8222-222222222222", "kind": "effort",
             "text": "Samtalsbehandling", "need_key": need,
             "responsible_organisation_id": bup.unit.organisation_id,
             "hidden_from_guardians": True}
        )  # fmt: skip
    if measure:
        items.append(
            {"kind": "other_measure", "text": "Anpassad skolstart",
             "responsible_other": "Ekängsskolan"}
        )  # fmt: skip
    return items


def _plan(lock: int, items: list[dict], **fields) -> dict:
    return {
        "lock_version": lock, "child_view": "Jag vill kunna sova.", "follow_up_on": FOLLOW_UP,
        "follow_up_how": "Nytt SIP-möte.", "items": items, **fields,
    }  # fmt: skip


# --- the whole SIP ---------------------------------------------------------------------------


def test_sip_3_sip_6_sip_7_sip_8_sip_10_one_sip_from_proposal_to_the_first_follow_up(
    soc, social, bup, child
):
    case_id = _propose(soc, child, bup)
    detail = _ok(soc.get(f"{SIP}/{case_id}"))
    assert detail["child"] == {"id": child.pk, "name": child.name}
    assert [p["organisation"]["id"] for p in detail["parties"]] == [
        social.unit.organisation_id, bup.unit.organisation_id,
    ]  # fmt: skip
    assert detail["consent"]["complete"] is False
    assert detail["consent"]["missing"]
    assert all(step["reference"] and step["due"] for step in detail["steps"])

    # SIP-3: no meeting before the consent.
    meeting = {
        "starts_at": (timezone.now() + datetime.timedelta(days=3)).isoformat(),
        "ends_at": (timezone.now() + datetime.timedelta(days=3, hours=1)).isoformat(),
        "place": "Familjecentralen", "staff_ids": [bup.staff_id],
        "guardian_ids": [g.guardian_id for g in child.guardianships.all()],
    }  # fmt: skip
    refused = _ok(_post(soc, f"{SIP}/{case_id}/meetings", meeting), 409)
    assert refused["messages"]

    consents = _consent(soc, case_id, child, bup)
    assert [c["categories"] for c in consents] == [["plan", "health"]] * 2
    detail = _ok(soc.get(f"{SIP}/{case_id}"))
    assert (detail["status"], detail["consent"]) == ("consented", {"complete": True, "missing": []})
    assert detail["coordinator"]["id"] == social.staff_id

    booked = _ok(_post(soc, f"{SIP}/{case_id}/meetings", meeting))
    assert len(booked["invitations"]) == 3
    assert not {"token", "email"} & set(booked["invitations"][0])
    assert _ok(soc.get(f"{SIP}/{case_id}"))["status"] == "meeting_booked"

    draft = _ok(_post(soc, f"{SIP}/{case_id}/plan/start"))
    assert (draft["number"], draft["status"], draft["lock_version"]) == (1, "draft", 1)

    # Optimistic locking: the second save on the same lock_version is refused with the other.
    saved = _ok(_put(soc, f"{SIP}/{case_id}/plan", _plan(1, _items(bup, effort=False))))
    assert saved["lock_version"] == 2
    stale = _ok(_put(soc, f"{SIP}/{case_id}/plan", _plan(1, _items(bup), child_view="Annat")), 409)
    assert stale["current"]["lock_version"] == 2
    assert [i["text"] for i in stale["current"]["items"]] == [i["text"] for i in saved["items"]]

    # SIP-6 (point 1: no effort), SIP-7 and SIP-10 (the meeting is still ahead): refused, each
    # missing point named, in English here.
    soc.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _put(soc, f"{SIP}/{case_id}/plan", _plan(2, _items(bup, effort=False), child_view=""))
    refused = _ok(_post(soc, f"{SIP}/{case_id}/plan/finalise", {"lock_version": 3}), 409)
    assert refused["messages"] == [
        "The plan records no effort (SIP-6, point 1).",
        "Record the child's own view, or why it was not obtained (SIP-7).",
        SIP_10,
    ]
    assert _ok(soc.get(f"{SIP}/{case_id}/plan"))["missing"] == refused["messages"]

    v1 = _ok(_put(soc, f"{SIP}/{case_id}/plan", _plan(3, _items(bup))))
    effort = next(i for i in v1["items"] if i["kind"] == "effort")
    assert effort["hidden_from_guardians"] is True
    assert effort["responsible_principal"]["id"] == bup.unit.organisation.principal_id
    finalise = {"lock_version": v1["lock_version"], "no_meeting_reason": REASON}
    final = _ok(_post(soc, f"{SIP}/{case_id}/plan/finalise", finalise))
    assert (final["status"], final["missing"]) == ("final", [])
    assert final["no_meeting_reason"] == REASON
    assert _ok(soc.get(f"{SIP}/{case_id}"))["status"] == "finalised"

    # SIP-8: the follow-up is version 2, a copy; version 1 stays as it was.
    v2 = _ok(_post(soc, f"{SIP}/{case_id}/plan/start"))
    assert (v2["number"], v2["status"]) == (2, "draft")
    assert {i["key"] for i in v2["items"]} == {i["key"] for i in final["items"]}
    items = [
        {**i, "responsible_principal_id": None, "responsible_organisation_id": (
            i["responsible_organisation"]["id"] if i["responsible_organisation"] else None)}
        for i in v2["items"]
    ]  # fmt: skip
    for item in items:
        item.pop("responsible_principal"), item.pop("responsible_organisation")
        if item["kind"] == "goal":
            item["text"] = "Sova minst sex timmar"
    items.append({"kind": "need", "text": "Ensam på rasterna"})
    v2 = _ok(_put(soc, f"{SIP}/{case_id}/plan", _plan(v2["lock_version"], items)))
    _ok(_post(soc, f"{SIP}/{case_id}/plan/finalise", {"lock_version": v2["lock_version"]}))

    diff = _ok(soc.get(f"{SIP}/{case_id}/plan/diff", {"from": 1, "to": 2}))
    changes = {(c["status"], (c["new"] or c["old"])["text"]) for c in diff["items"]}
    assert changes == {("changed", "Sova minst sex timmar"), ("added", "Ensam på rasterna")}
    assert diff["unchanged"] == 3
    first = _ok(soc.get(f"{SIP}/{case_id}/plan/versions/1"))
    assert "Sova hela nätter" in [i["text"] for i in first["items"]]
    assert [v["number"] for v in _ok(soc.get(f"{SIP}/{case_id}"))["versions"]] == [1, 2]

    # The same audit rows as the pages: the writes and the reads, by this person.
    events = set(
        Entry.objects.filter(child_id=child.pk, staff_id=social.staff_id).values_list(
            "action", flat=True
        )
    )
    assert {"sip_proposed", "consent_recorded", "meeting_booked", "plan_drafted",
            "plan_draft_saved", "plan_finalised", "read"} <= events  # fmt: skip


def test_sip_7_refusal_is_in_the_users_language(soc, consented, bup):
    _ok(_post(soc, f"{SIP}/{consented}/plan/start"))
    refused = _ok(_post(soc, f"{SIP}/{consented}/plan/finalise", {"lock_version": 1}), 409)
    with translation.override("sv"):
        expected = gettext("Record the child's own view, or why it was not obtained (SIP-7).")
    assert expected in refused["messages"]


def test_sip_10_finalise_says_what_the_page_says(soc, consented, bup):
    _ok(_post(soc, f"{SIP}/{consented}/plan/start"))
    saved = _ok(_put(soc, f"{SIP}/{consented}/plan", _plan(1, _items(bup))))
    lock = {"lock_version": saved["lock_version"]}
    with translation.override("sv"):
        expected = gettext(SIP_10)
    refused = _ok(_post(soc, f"{SIP}/{consented}/plan/finalise", lock), 409)
    assert refused["messages"] == [expected]
    assert saved["missing"] == [expected]
    MeetingFactory(case_id=consented, held=True)
    # A held meeting needs no reason, and one given is refused rather than kept untrue.
    body = _ok(
        _post(soc, f"{SIP}/{consented}/plan/finalise", lock | {"no_meeting_reason": "x"}), 422
    )
    assert body["detail"][0]["loc"] == ["body", "no_meeting_reason"]
    final = _ok(_post(soc, f"{SIP}/{consented}/plan/finalise", lock))
    assert (final["status"], final["no_meeting_reason"]) == ("final", "")


def test_stale_close_is_409_with_the_current_version(soc, consented):
    body = _ok(_post(soc, f"{SIP}/{consented}/close", {"reason": "Klart.", "version": 1}), 409)
    current = _ok(soc.get(f"{SIP}/{consented}"))["version"]
    assert body["version"] == current
    closed = _ok(_post(soc, f"{SIP}/{consented}/close", {"reason": "Klart.", "version": current}))
    assert (closed["status"], closed["close_reason"]) == ("closed", "Klart.")
    # Closed: the state machine refuses further steps.
    assert _post(soc, f"{SIP}/{consented}/plan/start").status_code == 409


def test_first_contact_and_inviting_a_party(soc, consented, school):
    detail = _ok(
        _post(soc, f"{SIP}/{consented}/first-contact", {"contacted_on": TODAY.isoformat()})
    )
    assert detail["first_contact_at"] is not None
    party = _ok(
        _post(soc, f"{SIP}/{consented}/parties", {"organisation_id": school.unit.organisation_id})
    )
    assert party["organisation"]["name"] == "Skola Api"
    again = _post(
        soc, f"{SIP}/{consented}/parties", {"organisation_id": school.unit.organisation_id}
    )
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body", "organisation"]


def test_coordinator_relay_passes_only_on_acceptance(soc, consented, bup):
    offer = _ok(_post(soc, f"{SIP}/{consented}/handover", {"membership_id": bup.pk}))
    assert _ok(soc.get(f"{SIP}/{consented}"))["coordinator"]["name"] != bup.staff.name
    bup_client, _ = token_client(bup)
    # Only the person offered may answer.
    assert _post(soc, f"{SIP}/{consented}/handover/{offer['id']}/accept").status_code == 403
    accepted = _ok(_post(bup_client, f"{SIP}/{consented}/handover/{offer['id']}/accept"))
    assert accepted["coordinator"]["id"] == bup.staff_id
    assert accepted["coordinator_organisation"]["id"] == bup.unit.organisation_id
    assert _post(bup_client, f"{SIP}/{consented}/handover/{offer['id']}/decline").status_code == 409


# --- access and audit ------------------------------------------------------------------------


def test_non_party_gets_404_like_a_missing_sip_and_is_audited(consented, school):
    client, _ = token_client(school)
    response = client.get(f"{SIP}/{consented}")
    missing = client.get(f"{SIP}/{consented + 10_000}")
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content
    for url in (f"{SIP}/{consented}/plan", f"{SIP}/{consented}/plan/diff"):
        assert client.get(url).status_code == 404
    assert (
        _post(client, f"{SIP}/{consented}/close", {"reason": "x", "version": 1}).status_code == 404
    )
    denied = Entry.objects.filter(staff_id=school.staff_id, outcome="denied", object_type="sip")
    assert denied.first().child_id == Case.objects.get(pk=consented).child_id
    assert _ok(client.get(SIP))["items"] == []


def test_sek_4_api_only_the_unit_that_accepted_reads_the_sip(soc, child, bup):
    case_id = _propose(soc, child, bup)
    invited = token_client(bup)[0]
    other_unit = MembershipFactory(
        unit=UnitFactory(organisation=bup.unit.organisation), role=Role.CLINICIAN
    )
    other = token_client(other_unit)[0]
    # The invitation names no child, and either unit may accept it for the organisation.
    [invitation] = _ok(other.get(f"{SIP}/invitations"))
    assert invitation["sip_id"] == case_id
    assert "child" not in invitation
    accepted = _ok(_post(invited, f"{SIP}/{case_id}/accept"))
    assert accepted["unit"]["id"] == bup.unit_id
    assert _ok(other.get(f"{SIP}/invitations")) == []
    assert _post(other, f"{SIP}/{case_id}/accept").status_code == 409
    _consent(soc, case_id, child, bup)
    # The same consent to the organisation: the unit that accepted reads, the other does not.
    assert _ok(invited.get(f"{SIP}/{case_id}"))["id"] == case_id
    assert other.get(f"{SIP}/{case_id}").status_code == 404
    assert _ok(other.get(SIP))["items"] == []
    assert other.get(f"/api/children/{child.pk}?purpose=planning").status_code == 404


def test_withdrawing_a_missing_or_another_childs_consent_is_404_like_any_unknown_id(
    soc, consented, child, bup, municipality
):
    other = ChildFactory(municipality=municipality)
    foreign = ConsentFactory(child=other, receiving_organisation=bup.unit.organisation)
    for consent_id in (foreign.pk, foreign.pk + 10_000):
        response = _post(soc, f"{SIP}/{consented}/consents/{consent_id}/withdraw")
        assert response.status_code == 404, consent_id
    foreign.refresh_from_db()
    assert foreign.withdrawn_at is None


def test_sip_3_withdrawn_consent_stops_the_other_organisations_api_access_at_once(
    soc, consented, bup
):
    bup_client, _ = token_client(bup)
    assert _ok(bup_client.get(f"{SIP}/{consented}"))["id"] == consented
    assert [s["id"] for s in _ok(bup_client.get(SIP))["items"]] == [consented]
    consent_id = _ok(soc.get(f"{SIP}/{consented}"))["consents"][0]["id"]

    withdrawn = _ok(_post(soc, f"{SIP}/{consented}/consents/{consent_id}/withdraw"))
    assert withdrawn["withdrawn_at"] is not None
    assert bup_client.get(f"{SIP}/{consented}").status_code == 404
    assert bup_client.get(f"{SIP}/{consented}/plan").status_code == 404
    assert _ok(bup_client.get(SIP))["items"] == []
    # Withdrawing twice is bad input, not a server error.
    assert _post(soc, f"{SIP}/{consented}/consents/{consent_id}/withdraw").status_code == 422


def test_session_auth_needs_csrf_on_unsafe_methods(social, child, bup):
    client = sign_in(Client(enforce_csrf_checks=True), actor_of(social))
    assert client.get(SIP).status_code == 200
    data = {"child_id": child.pk, "reason": "Oro.", "party_ids": [bup.unit.organisation_id]}
    assert _post(client, SIP, data).status_code == 403
    assert not Case.objects.filter(child=child).exists()


def test_proposing_for_a_child_you_may_not_see_is_404_and_audited(school, child):
    client, _ = token_client(school)
    response = _post(client, SIP, {"child_id": child.pk, "reason": "Oro."})
    assert response.status_code == 404
    assert Entry.objects.filter(staff_id=school.staff_id, outcome="denied").exists()


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", f"/{2**63}", None),
        ("get", "?status=lost", None),
        ("post", "/{id}/meetings", {"starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00",
                                    "place": "x"}),
        ("post", "/{id}/consents", {"given_by": "neighbour", "receiving_organisation_ids": [1],
                                    "form": "written", "given_on": "2030-01-01",
                                    "valid_until": "2030-02-01"}),
        ("post", "/{id}/close", {"reason": "a\u0000b", "version": 1}),
        ("put", "/{id}/plan", {"lock_version": 1, "items": [{"kind": "wish", "text": "x"}]}),
        ("get", "/{id}/plan/diff?from=1&to=1", None),
    ],
)  # fmt: skip
def test_bad_input_is_422(soc, consented, method, path, data):
    _ok(_post(soc, f"{SIP}/{consented}/plan/start"))
    url = SIP + path.format(id=consented)
    if method == "get":
        response = soc.get(url)
    else:
        response = getattr(soc, method)(url, data, content_type="application/json")
    assert response.status_code == 422, response.content
    assert isinstance(response.json()["detail"], list)


def test_finalised_plan_cannot_be_saved(soc, consented, bup):
    _ok(_post(soc, f"{SIP}/{consented}/plan/start"))
    saved = _ok(_put(soc, f"{SIP}/{consented}/plan", _plan(1, _items(bup))))
    _ok(_post(soc, f"{SIP}/{consented}/plan/finalise",
              {"lock_version": saved["lock_version"], "no_meeting_reason": REASON}))  # fmt: skip
    assert PlanVersion.objects.get(case_id=consented).status == "final"
    body = _ok(_put(soc, f"{SIP}/{consented}/plan", _plan(3, _items(bup))), 409)
    assert body["detail"]


# --- bounded queries -------------------------------------------------------------------------


def _add_sips(social, n: int) -> None:
    for _ in range(n):
        case = CaseFactory(
            initiated_by=social.staff, initiating_organisation=social.unit.organisation,
            coordinator=social.staff, coordinator_organisation=social.unit.organisation,
        )  # fmt: skip
        InvolvementFactory(child=case.child, unit=social.unit)


def _queries(client, url) -> int:
    client.get(url)  # warm: the audit partition, the token's last use
    with CaptureQueriesContext(connection) as queries:
        _ok(client.get(url))
    return len(queries)


@pytest.mark.parametrize("url", [SIP, f"{SIP}/overdue"])
def test_list_queries_do_not_grow_with_sips(soc, social, url):
    _add_sips(social, 10)
    Case.objects.update(proposed_at=timezone.now() - datetime.timedelta(days=60))
    small = _queries(soc, url)
    _add_sips(social, 190)
    Case.objects.update(proposed_at=timezone.now() - datetime.timedelta(days=60))
    large = _queries(soc, url)
    assert large == small
    assert _ok(soc.get(url))["count"] == 200
