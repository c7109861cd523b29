"""Referrals over the JSON API (/api/referrals): the same services, access and audit as the
pages, and every answer an operation gives in the OpenAPI document."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from samsyn.access.models import LegalBasis
from samsyn.accounts.tests.helpers import sign_in
from samsyn.api.spec import openapi_document
from samsyn.referrals.models import Referral

pytestmark = pytest.mark.django_db

URL = "/api/referrals"


def client_for(actor) -> Client:
    return sign_in(Client(enforce_csrf_checks=False), actor)


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def send(client, county, **changes):
    body = {
        "child_id": county.child.pk, "to_unit_id": county.bup_unit.pk,
        "effort": "Bedömning och behandling av ångest.",
        "reason": "Hög frånvaro och svår ångest sedan i höstas.",
        "legal_basis_id": LegalBasis.objects.get(code="osl-26-9").pk, **changes,
    }  # fmt: skip
    return post(client, URL, body)


def test_send_read_and_decline_over_the_api_then_agree_the_next_step(county):
    sender, receiver = client_for(county.caseworker), client_for(county.clinician)
    sent = send(sender, county)
    assert sent.status_code == 200, sent.content
    referral = sent.json()
    assert (referral["status"], referral["sent_under"]) == ("sent", "OSL 26 kap. 9 §")
    incoming = receiver.get(URL, {"box": "incoming"}).json()
    assert [r["id"] for r in incoming["items"]] == [referral["id"]]
    declined = post(
        receiver, f"{URL}/{referral['id']}/decline",
        {"reason": "BUP tar inte ärendet eftersom den sociala situationen är rörig."},
    )  # fmt: skip
    assert declined.json()["bounced"] is True
    agreed = post(
        sender, f"{URL}/{referral['id']}/next-step", {"next_step": "Gemensamt möte på fredag."}
    )
    assert agreed.status_code == 200
    assert agreed.json()["bounced"] is False
    assert county.entries(action="referral_declined")


def test_the_rules_refusals_answer_400_403_and_404(county):
    sender, receiver = client_for(county.caseworker), client_for(county.clinician)
    no_consent = send(sender, county, legal_basis_id=None)
    assert no_consent.status_code == 400
    assert "ground" in no_consent.json()["fields"]
    referral = send(sender, county).json()
    assert post(sender, f"{URL}/{referral['id']}/accept").status_code == 403
    outsider = client_for(county.other_clinician)
    assert outsider.get(f"{URL}/{referral['id']}").status_code == 404
    assert post(outsider, f"{URL}/{referral['id']}/accept").status_code == 404
    assert post(receiver, f"{URL}/{referral['id']}/accept").status_code == 200
    assert post(receiver, f"{URL}/{referral['id']}/accept").status_code == 400
    assert post(sender, f"{URL}/{referral['id']}/withdraw").status_code == 400
    assert county.entries(outcome="denied", object_type="referral")
    assert Referral.objects.get().status == Referral.Status.ACCEPTED


def test_the_refusals_speak_the_callers_language(county):
    """The router's refusal texts are made once, at import; each answer is still in the
    language of the request that got it."""
    sender = client_for(county.caseworker)
    referral = send(sender, county).json()
    body = json.dumps({"child_id": county.child.pk, "to_unit_id": county.bup_unit.pk,
                       "effort": "Stöd.", "reason": "Oro."})  # fmt: skip
    answered = {}
    for language in ("sv", "en", "sv"):
        sender.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        refused = sender.post(URL, body, content_type="application/json")
        forbidden = sender.post(f"{URL}/{referral['id']}/accept")
        assert (refused.status_code, forbidden.status_code) == (400, 403)
        answered[language] = (refused.json()["detail"], forbidden.json()["detail"])
        with translation.override(language):
            assert answered[language] == (
                translation.gettext("The referral does not allow this step."),
                translation.gettext("Only the other side of the referral takes this step."),
            )
    assert answered["sv"] != answered["en"]


def test_every_referral_operation_describes_its_answers():
    paths = json.loads(openapi_document())["paths"]
    operations = [
        (path, method, operation) for path, item in paths.items()
        if path.startswith("/api/referrals") for method, operation in item.items()
    ]  # fmt: skip
    assert len(operations) == 7
    for _path, _method, operation in operations:
        assert {"400", "401", "403", "404", "422"} <= set(operation["responses"])
