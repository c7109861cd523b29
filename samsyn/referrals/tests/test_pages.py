"""The referral pages: send from the child's page, the receiver's incoming and the sender's
outgoing list, the referral with its accept and decline forms. A refused form keeps what was
typed and says why, in Swedish."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samsyn.access.models import LegalBasis
from samsyn.referrals.models import Referral
from samsyn.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_the_childs_page_leads_to_the_referral_form(county, actor_client):
    client = actor_client(county.caseworker)
    child_page = client.get(reverse("children:detail", args=[county.child.pk]))
    url = reverse("referrals:send", args=[county.child.pk])
    assert url in child_page.content.decode()
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert county.bup_unit.name in html
    assert "OSL 26 kap. 9 §" in html


def test_a_refused_referral_keeps_what_was_typed_and_says_why_in_swedish(county, actor_client):
    client = actor_client(county.caseworker)
    url = reverse("referrals:send", args=[county.child.pk])
    token = client.get(url).context["form_token"]
    typed = "Barnet har slutat gå till skolan och sover dåligt."
    answer = client.post(
        url, {"form_token": token, "to_unit": county.bup_unit.pk, "reason": typed,
              "effort": "", "ground": "consent"},
    )  # fmt: skip
    assert answer.status_code == 200
    html = answer.content.decode()
    assert typed in html
    assert "Detta fält måste fyllas i." in html
    # The consent is missing: the service says so on the form, the text still there.
    answer = client.post(
        url, {"form_token": token, "to_unit": county.bup_unit.pk, "reason": typed,
              "effort": "Bedömning av ångest.", "ground": "consent"},
    )  # fmt: skip
    html = answer.content.decode()
    assert "Inget samtycke som gäller" in html
    assert typed in html
    assert not Referral.objects.exists()


def test_sending_under_a_legal_ground_goes_to_the_referral(county, actor_client):
    client = actor_client(county.caseworker)
    url = reverse("referrals:send", args=[county.child.pk])
    token = client.get(url).context["form_token"]
    basis = LegalBasis.objects.get(code="osl-26-9")
    answer = client.post(
        url, {"form_token": token, "to_unit": county.bup_unit.pk, "reason": "Ångest.",
              "effort": "Bedömning.", "ground": basis.pk},
    )  # fmt: skip
    referral = Referral.objects.get()
    assert answer.status_code == 302
    assert answer.url == reverse("referrals:detail", args=[referral.pk])


def test_the_receiver_sees_it_incoming_and_the_list_is_audited(county, actor_client):
    referral = ReferralFactory(
        child=county.child, from_unit=county.social_unit, to_unit=county.bup_unit,
        legal_ground__child=county.child,
    )  # fmt: skip
    page = actor_client(county.clinician).get(reverse("referrals:incoming"))
    html = page.content.decode()
    assert county.child.name in html
    assert reverse("referrals:detail", args=[referral.pk]) in html
    listed = county.entries(object_type="referral_list", staff_id=county.clinician.staff.pk)
    assert listed[-1].detail["child_ids"] == [county.child.pk]
    sent = actor_client(county.caseworker).get(reverse("referrals:outgoing"))
    assert reverse("referrals:detail", args=[referral.pk]) in sent.content.decode()
    other = actor_client(county.other_clinician).get(reverse("referrals:incoming"))
    assert county.child.name not in other.content.decode()


def test_a_decline_without_a_reason_keeps_the_next_step_typed(county, actor_client):
    referral = ReferralFactory(child=county.child, to_unit=county.bup_unit)
    client = actor_client(county.clinician)
    detail = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert reverse("referrals:decline", args=[referral.pk]) in detail.content.decode()
    typed = "Vi ringer socialtjänsten i morgon och bokar ett gemensamt möte."
    answer = client.post(
        reverse("referrals:decline", args=[referral.pk]),
        {"decline_reason": "", "next_step": typed},
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert typed in html
    assert "Detta fält måste fyllas i." in html
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT
    answer = client.post(
        reverse("referrals:decline", args=[referral.pk]),
        {"decline_reason": "Den sociala situationen behöver redas ut först.", "next_step": ""},
    )
    assert answer.status_code == 302
    referral.refresh_from_db()
    assert referral.bounced
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert reverse("referrals:next_step", args=[referral.pk]) in page


def test_accept_and_withdraw_buttons(county, actor_client):
    referral = ReferralFactory(child=county.child, to_unit=county.bup_unit)
    answer = actor_client(county.clinician).post(reverse("referrals:accept", args=[referral.pk]))
    assert answer.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    mine = ReferralFactory(child=county.child, from_unit=county.social_unit)
    actor_client(county.caseworker).post(reverse("referrals:withdraw", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == Referral.Status.WITHDRAWN
