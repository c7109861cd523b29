"""The inpatient unit's pages (DOMAIN UTS-1, UTS-4): the flow through the pages, a protected
identity's address never shown in a notice and SEK-4 (the pages' cost: test_query_counts.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.accounts.tests.helpers import sign_in
from samsyn.children.tests.factories import (
    ProtectedIdentityNeedFactory,
)
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.discharge.models import Admission, Notice
from samsyn.discharge.tests.ward_setup import admit, make_ward, notify

pytestmark = pytest.mark.django_db


def test_uts_1_the_pages_register_an_admission_and_send_its_notices(client):
    w = make_ward()
    sign_in(client, w.clinician)
    expected = timezone.localdate() + datetime.timedelta(days=7)
    response = client.get(reverse("discharge:admission_new"))
    token = response.context["form_token"]
    response = client.post(
        reverse("discharge:admission_new"),
        {
            "form_token": token, "identity_number": w.child.identity_number,
            "admitted_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "expected_discharge_on": expected.isoformat(),
        },
    )  # fmt: skip
    admission = Admission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("discharge:admission", args=[admission.pk])
    response = client.post(
        reverse("discharge:send_notices", args=[admission.pk]),
        {"social_unit": w.social.pk, "outpatient_unit": w.outpatient.pk, "version": 1},
    )
    assert response.status_code == 302
    assert Notice.objects.filter(admission=admission).count() == 2
    page = client.get(reverse("discharge:ward"))
    assert w.child.name in page.content.decode()
    assert w.social.name in page.content.decode()


def test_uts_1_an_unknown_number_is_refused_in_swedish_and_what_was_typed_kept(client):
    w = make_ward()
    sign_in(client, w.clinician)
    token = client.get(reverse("discharge:admission_new")).context["form_token"]
    response = client.post(
        reverse("discharge:admission_new"),
        {"form_token": token, "identity_number": "19121212-1212", "admitted_at": "",
         "expected_discharge_on": "2026-13-01"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )  # fmt: skip
    assert response.status_code == 200
    assert not Admission.objects.exists()
    assert 'value="19121212-1212"' in response.content.decode()


def test_uts_1_a_protected_identity_address_is_never_shown_on_the_notice_without_a_need(client):
    w = make_ward(
        protected_identity=True, street_address="Hemligvägen 7", postal_code="70210",
        city="Örebro",
    )  # fmt: skip
    admission = notify(w, admit(w))
    social = actor_of(MembershipFactory(unit=w.social, role=Role.CASEWORKER))
    for actor in (w.clinician, social):
        sign_in(client, actor)
        page = client.get(reverse("discharge:admission", args=[admission.pk])).content.decode()
        assert "Hemligvägen" not in page
        assert w.child.name in page
    # With the social unit's recorded need it shows there, and still not on the ward.
    ProtectedIdentityNeedFactory(child=w.child, unit=w.social)
    sign_in(client, social)
    page = client.get(reverse("discharge:admission", args=[admission.pk])).content.decode()
    assert "Hemligvägen 7" in page


def test_uts_1_an_unprotected_address_shows_on_the_notice(client):
    w = make_ward(street_address="Storgatan 1", postal_code="70210", city="Örebro")
    admission = notify(w, admit(w))
    sign_in(client, actor_of(MembershipFactory(unit=w.social, role=Role.CASEWORKER)))
    page = client.get(reverse("discharge:admission", args=[admission.pk])).content.decode()
    assert "Storgatan 1" in page


def test_uts_4_the_pages_change_the_date_and_mark_ready(client):
    w = make_ward()
    admission = notify(w, admit(w))
    sign_in(client, w.clinician)
    new = admission.expected_discharge_on - datetime.timedelta(days=2)
    response = client.post(
        reverse("discharge:change_date", args=[admission.pk]),
        {"to_date": new.isoformat(), "reason": "Bättre", "version": admission.version},
    )
    assert response.status_code == 302
    admission.refresh_from_db()
    response = client.post(
        reverse("discharge:ready", args=[admission.pk]), {"version": admission.version}
    )
    assert response.status_code == 302
    page = client.get(reverse("discharge:admission", args=[admission.pk])).content.decode()
    assert "Bättre" in page
    assert admission.notices.filter(kind=Notice.Kind.READY).count() == 2


def test_sek_4_another_unit_of_the_same_bup_sees_neither_list_row_nor_admission(client):
    w = make_ward()
    admission = notify(w, admit(w))
    sign_in(
        client,
        actor_of(
            MembershipFactory(
                unit=UnitFactory(organisation=w.ward.organisation), role=Role.CLINICIAN
            )
        ),
    )
    assert w.child.name not in client.get(reverse("discharge:ward")).content.decode()
    assert client.get(reverse("discharge:admission", args=[admission.pk])).status_code == 404
