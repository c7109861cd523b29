"""The guardian's pages: only their own children, only finalised plans, never a hidden item."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Entry
from samsyn.children.models import Guardianship
from samsyn.children.tests.factories import ChildFactory, GuardianFactory, GuardianshipFactory
from samsyn.plans.models import Case, Invitation, PlanItem, PlanVersion
from samsyn.plans.tests.factories import CaseFactory, PartyFactory
from samsyn.portal.tests.conftest import make_meeting, make_version, shows

pytestmark = pytest.mark.django_db

NEED, GOAL, EFFORT = PlanItem.Kind.NEED, PlanItem.Kind.GOAL, PlanItem.Kind.EFFORT


def test_home_lists_only_own_children(family_client, child):
    other = ChildFactory()
    GuardianshipFactory(child=other, guardian=GuardianFactory())
    response = family_client.get("/family/")
    assert child.name in response.text
    assert other.name not in response.text


@pytest.mark.parametrize(
    "path", ["", "log/", "sip/{case}/", "sip/{case}/versions/1/", "sip/{case}/versions/1/print/"]
)
def test_another_childs_pages_are_not_found(family_client, path):
    other_case = CaseFactory()
    GuardianshipFactory(child=other_case.child, guardian=GuardianFactory())
    make_version(other_case, 1)
    url = f"/family/children/{other_case.child.pk}/" + path.format(case=other_case.pk)
    assert family_client.get(url).status_code == 404


def test_an_ended_guardianship_opens_nothing(family_client, child, guardian, case):
    make_version(case, 1)
    Guardianship.objects.filter(child=child, guardian=guardian).update(
        ended_on=timezone.localdate(), end_reason="Vårdnaden flyttad"
    )
    assert child.name not in family_client.get("/family/").text
    for path in ("", "log/", f"sip/{case.pk}/"):
        assert family_client.get(f"/family/children/{child.pk}/{path}").status_code == 404


def test_own_childs_url_with_another_childs_sip_is_not_found(family_client, child):
    other_case = CaseFactory()
    make_version(other_case, 1)
    assert family_client.get(f"/family/children/{child.pk}/sip/{other_case.pk}/").status_code == 404


def test_child_page_lists_the_sips_and_their_parties(family_client, child, case):
    party = PartyFactory(case=case)
    response = family_client.get(f"/family/children/{child.pk}/")
    assert response.status_code == 200
    assert str(party.organisation) in response.text
    assert str(case.get_status_display()) in response.text
    # The reason is the organisations' own text about the child: not part of the family's view.
    assert case.reason not in response.text


def test_sek_2_hidden_items_not_shown_to_guardians(family_client, child, case):
    make_version(
        case, 1,
        items=[
            (NEED, "Synligt behov av stöd", False),
            (NEED, "HEMLIGT behov som skadar barnet", True),
            (EFFORT, "Synlig insats", False),
            (GOAL, "HEMLIGT mål", True),
        ],
    )  # fmt: skip
    for url in (
        f"/family/children/{child.pk}/sip/{case.pk}/",
        f"/family/children/{child.pk}/sip/{case.pk}/versions/1/",
        f"/family/children/{child.pk}/sip/{case.pk}/versions/1/print/",
    ):
        response = family_client.get(url)
        assert response.status_code == 200, url
        assert "Synligt behov av stöd" in response.text
        assert "Synlig insats" in response.text
        assert "HEMLIGT" not in response.text, url
        # Not even hinted at: the goals section, whose only item is hidden, is not there.
        assert f">{_('Goals')}<" not in response.text, url


def test_only_final_versions_are_shown(family_client, child, case):
    make_version(case, 1, items=[(NEED, "Slutlig version ett", False)])
    make_version(case, 2, status=PlanVersion.Status.DRAFT, items=[(NEED, "Utkast pågår", False)])
    response = family_client.get(f"/family/children/{child.pk}/sip/{case.pk}/")
    assert "Slutlig version ett" in response.text
    assert "Utkast pågår" not in response.text
    assert (
        family_client.get(f"/family/children/{child.pk}/sip/{case.pk}/versions/2/").status_code
        == 404
    )


def test_no_final_version_yet_says_so(family_client, child, case):
    make_version(case, 1, status=PlanVersion.Status.DRAFT, items=[(NEED, "Utkast", False)])
    response = family_client.get(f"/family/children/{child.pk}/sip/{case.pk}/")
    assert response.status_code == 200
    assert "Utkast" not in response.text
    assert (
        _("The plan is not finished yet. You will see it here when everyone has agreed on it.")
        in response.text
    )


def test_sip_8_earlier_final_versions_stay_readable(family_client, child, case):
    make_version(case, 1, items=[(NEED, "Behov i första versionen", False)])
    make_version(case, 2, items=[(NEED, "Behov i andra versionen", False)])
    latest = family_client.get(f"/family/children/{child.pk}/sip/{case.pk}/")
    assert "Behov i andra versionen" in latest.text
    assert "Behov i första versionen" not in latest.text
    assert f"/family/children/{child.pk}/sip/{case.pk}/versions/1/" in latest.text
    earlier = family_client.get(f"/family/children/{child.pk}/sip/{case.pk}/versions/1/")
    assert "Behov i första versionen" in earlier.text
    assert "Behov i andra versionen" not in earlier.text


def test_family_reads_are_audited(family_client, child, case, citizen):
    version = make_version(case, 1)
    family_client.get(f"/family/children/{child.pk}/sip/{case.pk}/")
    entry = Entry.objects.get(child_id=child.pk, object_type="plan_version")
    assert entry.action == "family_read"
    assert entry.object_id == str(version.pk)
    assert entry.detail["guardian_id"] == citizen.guardian_id


def test_invitation_reply_can_be_given_and_changed(family_client, child, case, guardian):
    invitation = make_meeting(case, guardian=guardian)
    page = family_client.get(f"/family/children/{child.pk}/")
    assert "Familjens hus, Örebro" in page.text
    url = f"/family/children/{child.pk}/invitations/{invitation.pk}/reply/"
    assert family_client.post(url, {"reply": "accepted"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.reply == Invitation.Reply.ACCEPTED
    assert invitation.replied_at is not None
    family_client.post(url, {"reply": "declined"})
    invitation.refresh_from_db()
    assert invitation.reply == Invitation.Reply.DECLINED
    assert Entry.objects.filter(child_id=child.pk, action="family_reply").count() == 2


def test_invitation_reply_refuses_nonsense(family_client, child, case, guardian):
    invitation = make_meeting(case, guardian=guardian)
    url = f"/family/children/{child.pk}/invitations/{invitation.pk}/reply/"
    family_client.post(url, {"reply": "pending"})
    invitation.refresh_from_db()
    assert invitation.reply == Invitation.Reply.PENDING


def test_another_guardians_invitation_cannot_be_answered(family_client, child, case):
    other_guardian = GuardianFactory()
    GuardianshipFactory(child=child, guardian=other_guardian)
    theirs = make_meeting(case, guardian=other_guardian)
    url = f"/family/children/{child.pk}/invitations/{theirs.pk}/reply/"
    assert family_client.post(url, {"reply": "declined"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.reply == Invitation.Reply.PENDING
    assert "Familjens hus" not in family_client.get(f"/family/children/{child.pk}/").text


def test_past_and_cancelled_meetings_are_not_listed(family_client, child, case, guardian):
    past = make_meeting(case, guardian=guardian, days=-3)
    cancelled = make_meeting(case, guardian=guardian, cancelled=True)
    response = family_client.get(f"/family/children/{child.pk}/")
    assert shows(response, _("You have no meetings coming up."))
    for invitation in (past, cancelled):
        url = f"/family/children/{child.pk}/invitations/{invitation.pk}/reply/"
        assert family_client.post(url, {"reply": "accepted"}).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_child_page_queries_are_bounded(family_client, child, guardian):
    case = CaseFactory(child=child)
    PartyFactory(case=case)
    make_meeting(case, guardian=guardian)
    url = f"/family/children/{child.pk}/"
    few = _queries(family_client, url)
    for _n in range(4):
        # Earlier SIPs of the child, closed: a child has one open SIP at a time (SIP-9).
        more = CaseFactory(child=child, status=Case.Status.CLOSED, closed_at=timezone.now())
        PartyFactory(case=more)
        PartyFactory(case=more)
        make_meeting(more, guardian=guardian)
    assert _queries(family_client, url) == few


def test_plan_page_queries_are_bounded(family_client, child, case):
    make_version(case, 1, items=[(NEED, "Ett", False)])
    url = f"/family/children/{child.pk}/sip/{case.pk}/"
    few = _queries(family_client, url)
    for number in range(2, 6):
        make_version(case, number, items=[(NEED, f"Behov {i}", False) for i in range(6)])
    assert _queries(family_client, url) == few
