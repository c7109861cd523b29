"""The page pattern (`core.pages`) on real pages: closing a SIP (one form with a one-time token)
and answering a coordinator offer (a one-step button)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from samsyn.audit.models import Entry
from samsyn.children.tests.helpers import says
from samsyn.plans.models import Case
from samsyn.plans.services import cases

pytestmark = pytest.mark.django_db

REASON = "Familjen har flyttat till Västerås."


def _close_url(case) -> str:
    return reverse("plans:close", args=[case.pk])


def _close_data(client, case, **overrides) -> dict:
    page = client.get(_close_url(case))
    data = {"form_token": page.context["form_token"], "reason": REASON, "version": case.version}
    return {**data, **overrides}


def _told(response, msgid: str) -> bool:
    """Whether the page the response leads to shows `msgid` as a message, in Swedish."""
    with translation.override("sv"):
        expected = translation.gettext(msgid)
    return expected in [str(message) for message in get_messages(response.wsgi_request)]


def test_a_double_submit_answers_already_saved(actor_client, social, case):
    client = actor_client(social)
    data = _close_data(client, case)
    first = client.post(_close_url(case), data)
    second = client.post(_close_url(case), data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == first["Location"] == reverse("plans:detail", args=[case.pk])
    assert _told(second, "This form was already saved. Here is the result.")
    assert Entry.objects.filter(action="sip_closed", child_id=case.child_id).count() == 1


def test_an_expired_token_keeps_the_typed_text_and_says_why(actor_client, social, case):
    client = actor_client(social)
    response = client.post(_close_url(case), _close_data(client, case, form_token="expired"))
    assert response.status_code == 200
    assert says(response, "The form had expired. Check what you typed and submit it again.")
    assert REASON in response.content.decode()
    case.refresh_from_db()
    assert case.status != Case.Status.CLOSED
    # The page carries a fresh token: submitting it again goes through.
    again = {**_close_data(client, case), "form_token": response.context["form_token"]}
    assert client.post(_close_url(case), again).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_not_found_is_a_404_alike_for_missing_and_not_yours(actor_client, school, case):
    # The school is involved with the child but takes no part in the SIP.
    client = actor_client(school)
    missing = reverse("plans:close", args=[case.pk + 1000])
    for url in (_close_url(case), missing):
        for response in (client.get(url), client.post(url, {"reason": REASON})):
            assert response.status_code == 404
            assert "404.html" in [t.name for t in response.templates]


def test_access_denied_is_a_403_with_the_one_forbidden_page(actor_client, bup, consented):
    # BUP reads the SIP it takes part in, but only those who run it may close it.
    case = consented
    client = actor_client(bup)
    response = client.post(_close_url(case), _close_data(client, case))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert says(
        response,
        "Your role in the unit you act for, or your organisation's part in this matter, does "
        "not allow this. If you hold another role, change unit or role at the top of the page.",
    )
    case.refresh_from_db()
    assert case.status != Case.Status.CLOSED


def test_a_refusal_goes_in_the_error_summary_with_the_typed_text_kept(actor_client, social, case):
    client = actor_client(social)
    data = _close_data(client, case)
    # Meanwhile someone else changes the SIP: the service refuses the stale version.
    cases.record_first_contact(actor=social, case_id=case.pk, contacted_on=timezone.localdate())
    response = client.post(_close_url(case), data)
    assert response.status_code == 200
    assert says(response, "Please correct the following")
    assert says(
        response,
        "Someone else changed the SIP while you were writing. Check its page, then close it again.",
    )
    assert REASON in response.content.decode()
    case.refresh_from_db()
    assert case.status != Case.Status.CLOSED


def test_a_state_machine_refusal_goes_in_the_error_summary(actor_client, social, case):
    client = actor_client(social)
    data = _close_data(client, case)
    cases.close_case(actor=social, case_id=case.pk, reason="Klar.", version=case.version)
    case.refresh_from_db()
    response = client.post(_close_url(case), {**data, "version": case.version})
    assert response.status_code == 200
    assert says(
        response,
        "This step is not possible while the SIP is %(status)s.",
        status=case.get_status_display(),
    )
    assert REASON in response.content.decode()


# A one-step button: answering the coordinator role's offer.


@pytest.fixture
def offer(social, bup, consented):
    return cases.offer_handover(actor=social, case_id=consented.pk, membership_id=bup.membership.pk)


def _accept(client, case, offer, token):
    url = reverse("plans:accept_handover", args=[case.pk, offer.pk])
    return client.post(url, {"form_token": token})


def test_a_button_pressed_twice_answers_already_saved(actor_client, bup, case, offer):
    client = actor_client(bup)
    token = client.get(reverse("plans:detail", args=[case.pk])).context["token"]
    first, second = _accept(client, case, offer, token), _accept(client, case, offer, token)
    assert second["Location"] == first["Location"]
    assert _told(second, "This form was already saved. Here is the result.")
    case.refresh_from_db()
    assert case.coordinator == bup.staff


def test_a_button_with_an_expired_token_asks_again(actor_client, bup, case, offer):
    response = _accept(actor_client(bup), case, offer, "expired")
    assert response["Location"] == reverse("plans:detail", args=[case.pk])
    assert _told(response, "The form had expired. Please try again.")
    case.refresh_from_db()
    assert case.coordinator != bup.staff


def test_a_refused_button_says_why_on_the_page_it_came_from(actor_client, bup, case, offer):
    client = actor_client(bup)
    token = client.get(reverse("plans:detail", args=[case.pk])).context["token"]
    cases.decline_handover(actor=bup, case_id=case.pk, handover_id=offer.pk)
    response = _accept(client, case, offer, token)
    assert response["Location"] == reverse("plans:detail", args=[case.pk])
    assert _told(response, "This offer has already been answered.")
    case.refresh_from_db()
    assert case.coordinator != bup.staff
