"""The consent pages of a SIP over HTTP: recording consent per person, the maturity assessment,
a legal ground, withdrawal; refused input keeps what was typed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.access.tests.factories import LegalBasisFactory, LegalGroundFactory
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory, GuardianshipFactory, InvolvementFactory
from samsyn.consent.models import Consent, MaturityAssessment
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.models import Case
from samsyn.plans.services import cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    municipality = Principal.objects.create(kind="kommun", name="Samtyckeskommun", code="1882")
    region = Principal.objects.create(kind="region", name="Samtyckesregion", code="18")
    social = make_actor(
        unit__organisation=Organisation.objects.create(
            principal=municipality, kind=Organisation.Kind.SOCIAL_SERVICES, name="Soc C"
        )
    )
    bup = make_actor(
        unit__organisation=Organisation.objects.create(
            principal=region, kind=Organisation.Kind.BUP, name="BUP C"
        ),
        role=Role.CLINICIAN,
    )
    child = ChildFactory(municipality=municipality)
    guardians = [GuardianshipFactory(child=child).guardian for _ in range(2)]
    InvolvementFactory(child=child, unit=social.unit)
    case = cases.propose_case(
        actor=social, child_id=child.pk, reason="Oro.", party_ids=[bup.organisation.pk]
    )
    cases.accept_invitation(actor=bup, case_id=case.pk)
    return social, bup, case, guardians


def _post(client, url, data):
    token = client.get(url).context["form_token"]
    return client.post(url, {"form_token": token, **data})


def _consent_data(person, organisation, **extra):
    today = timezone.localdate()
    return {
        "person": person, "receiving_organisations": [organisation.pk], "form": "written",
        "given_on": today.isoformat(),
        "valid_until": (today + datetime.timedelta(days=180)).isoformat(), **extra,
    }  # fmt: skip


def test_sip_4_http_both_guardians_consent_then_the_sip_moves_on(actor_client, setup):
    social, bup, case, guardians = setup
    client = actor_client(social)
    url = reverse("plans:consent_record", args=[case.pk])
    for guardian in guardians:
        response = _post(
            client, url, _consent_data(f"guardian:{guardian.pk}", bup.organisation,
                                       categories=[Category.HEALTH])
        )  # fmt: skip
        assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CONSENTED
    recorded = Consent.objects.filter(child=case.child).first()
    assert recorded.categories == [Category.PLAN, Category.HEALTH]
    assert recorded.recorded_by == social.staff
    assert Entry.objects.filter(action="consent_recorded", child_id=case.child_id).count() == 2
    page = client.get(reverse("plans:detail", args=[case.pk]))
    assert page.context["consent_status"].complete


def test_sip_4_http_the_childs_consent_is_refused_without_maturity(actor_client, setup):
    social, bup, case, _ = setup
    client = actor_client(social)
    response = _post(client, reverse("plans:consent_record", args=[case.pk]),
                     _consent_data("child", bup.organisation))  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    # What the user typed stays.
    assert response.context["form"]["form"].value() == "written"
    assert not Consent.objects.exists()


def test_sip_4_http_maturity_then_the_childs_consent(actor_client, setup):
    social, bup, case, _ = setup
    client = actor_client(social)
    response = _post(client, reverse("plans:consent_maturity", args=[case.pk]),
                     {"mature": "yes", "reasoning": "15 år och förstår."})  # fmt: skip
    assert response.status_code == 302
    assert MaturityAssessment.objects.get(child=case.child).mature
    _post(
        client,
        reverse("plans:consent_record", args=[case.pk]),
        _consent_data("child", bup.organisation),
    )
    case.refresh_from_db()
    assert case.status == Case.Status.CONSENTED


def test_sip_3_http_valid_until_before_given_is_refused(actor_client, setup):
    social, bup, case, guardians = setup
    today = timezone.localdate()
    response = _post(
        actor_client(social), reverse("plans:consent_record", args=[case.pk]),
        _consent_data(f"guardian:{guardians[0].pk}", bup.organisation,
                      valid_until=(today - datetime.timedelta(days=1)).isoformat()),
    )  # fmt: skip
    assert response.context["form"].errors["valid_until"]


def test_sip_3_http_a_party_cannot_record_the_consent_it_receives(actor_client, setup):
    social, bup, case, guardians = setup
    # BUP reads the SIP under a legal ground, and still may not record consent to itself.
    LegalGroundFactory(
        child=case.child, receiving_organisation=bup.organisation, recorded_by=social.staff,
        basis__categories=[Category.PLAN], basis__purposes=[Purpose.PLANNING],
    )  # fmt: skip
    response = _post(
        actor_client(bup), reverse("plans:consent_record", args=[case.pk]),
        _consent_data(f"guardian:{guardians[0].pk}", bup.organisation),
    )  # fmt: skip
    assert response.status_code == 403
    assert not Consent.objects.exists()


def test_sek_1_http_legal_ground_recorded_with_its_reference(actor_client, setup):
    social, bup, case, _ = setup
    basis = LegalBasisFactory(
        reference="OSL 25 kap. 12 §", categories=[Category.PLAN], purposes=[Purpose.PLANNING],
        authorities_only=True, to_kinds=[Organisation.Kind.BUP], max_age=18,
    )  # fmt: skip
    response = _post(
        actor_client(social), reverse("plans:consent_legal_ground", args=[case.pk]),
        {
            "basis": basis.pk, "receiving_organisation": bup.organisation.pk,
            "reason": "Nödvändig vård.",
            "valid_until": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        },
    )  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CONSENTED
    recorded = Entry.objects.get(action="legal_ground_recorded", child_id=case.child_id)
    assert recorded.detail["reference"] == ("OSL 25 kap. 12 §")


def test_sip_3_http_withdrawal_by_the_receiver_leads_to_the_list(actor_client, setup):
    social, bup, case, guardians = setup
    today = timezone.localdate()
    consents = [
        ConsentFactory(
            child=case.child, guardian=g, receiving_organisation=bup.organisation,
            recorded_by=social.staff, recorded_for=social.organisation,
            given_at=timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)),
        )
        for g in guardians
    ]  # fmt: skip
    client = actor_client(bup)
    url = reverse("plans:consent_withdraw", args=[case.pk, consents[0].pk])
    # Both guardians must consent (the default): one withdrawal stops BUP's sharing at once.
    assert _post(client, url, {})["Location"] == reverse("plans:list")
    consents[0].refresh_from_db()
    assert consents[0].withdrawn_recorded_by == bup.staff
    assert client.get(reverse("plans:detail", args=[case.pk])).status_code == 404
