"""The consent pages of a SIP over HTTP: recording consent per person, the maturity assessment,
a legal ground, withdrawal; refused input keeps what was typed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from samsyn.access.models import Category, LegalBasis, LegalGround, Purpose
from samsyn.access.tests.factories import LegalBasisFactory, LegalGroundFactory
from samsyn.api.tests.conftest import token_client
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory, GuardianshipFactory, InvolvementFactory
from samsyn.common.dates import end_of
from samsyn.consent.models import Consent, MaturityAssessment
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.models import Case
from samsyn.plans.services import cases
from samsyn.plans.services import consents as sip_consents
from samsyn.plans.tests.factories import CaseFactory

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


def _shown(response, day: datetime.date) -> bool:
    with translation.override(response.get("Content-Language", "sv")):
        return formats.date_format(day, "SHORT_DATE_FORMAT") in response.content.decode()


def test_sip_3_sek_1_the_day_entered_as_valid_until_is_the_day_shown(actor_client, setup):
    """Issue 8, item 4: "valid until and including D" was shown as D + 1 (the instant it ends).
    Stored as the start of D + 1, so access checks stay `valid_until > now`; shown as D."""
    social, bup, case, guardians = setup
    today = timezone.localdate()
    consent_day = today + datetime.timedelta(days=200)
    ground_day = today + datetime.timedelta(days=100)
    client = actor_client(social)
    recorded = _post(
        client, reverse("plans:consent_record", args=[case.pk]),
        _consent_data(f"guardian:{guardians[0].pk}", bup.organisation,
                      valid_until=consent_day.isoformat()),
    )  # fmt: skip
    assert recorded.status_code == 302
    basis = LegalBasis.objects.create(
        code="osl-25-12-d", reference="OSL 25 kap. 12 §", title="Barn under 18",
        categories=[Category.PLAN], purposes=[Purpose.PLANNING],
    )  # fmt: skip
    recorded = _post(
        client, reverse("plans:consent_legal_ground", args=[case.pk]),
        {"basis": basis.pk, "receiving_organisation": bup.organisation.pk,
         "reason": "Nödvändig vård.", "valid_until": ground_day.isoformat()},
    )  # fmt: skip
    assert recorded.status_code == 302
    assert Consent.objects.get(child=case.child).valid_until == end_of(consent_day)
    assert LegalGround.objects.get(child=case.child).valid_until == end_of(ground_day)

    page = client.get(reverse("plans:detail", args=[case.pk]))
    assert _shown(page, consent_day)
    assert _shown(page, ground_day)
    next_days = [day + datetime.timedelta(days=1) for day in (consent_day, ground_day)]
    assert not any(_shown(page, day) for day in next_days)

    api = token_client(social.membership)[0].get(f"/api/sip/{case.pk}")
    assert [c["valid_until"] for c in api.json()["consents"]] == [consent_day.isoformat()]


def _guardian_consents(social, bup, case, guardians, *, valid_days: int) -> list[Consent]:
    today = timezone.localdate()
    return [
        consent
        for guardian in guardians
        for consent in sip_consents.record_sip_consent(
            actor=social,
            case_id=case.pk,
            given_by="guardian",
            guardian_id=guardian.pk,
            receiving_organisation_ids=[bup.organisation.pk],
            categories=[],
            form="oral",
            given_on=today,
            valid_until=today + datetime.timedelta(days=valid_days),
        )  # fmt: skip
    ]


def test_sip_3_coordinator_is_told_of_a_withdrawal_and_an_expiring_consent(
    actor_client, setup, mailoutbox, django_capture_on_commit_callbacks
):
    social, bup, case, guardians = setup
    social.staff.email = "samordnare@example.org"
    social.staff.save()
    first, second = _guardian_consents(social, bup, case, guardians, valid_days=20)
    case.refresh_from_db()
    assert case.coordinator == social.staff
    # BUP hears the first guardian withdraw: the coordinator is told in the app and by e-mail,
    # which names the SIP's number and never the child.
    with django_capture_on_commit_callbacks(execute=True):
        sip_consents.withdraw_sip_consent(actor=bup, case_id=case.pk, consent_id=first.pk)
    [mail] = mailoutbox
    assert mail.to == ["samordnare@example.org"]
    assert str(case.pk) in mail.subject
    assert case.child.last_name not in mail.subject + mail.body
    page = actor_client(social).get(reverse("plans:list"))
    alerts = page.context["consent_alerts"]
    assert [(a.consent.pk, a.withdrawn) for a in alerts] == [(first.pk, True), (second.pk, False)]
    last_day = formats.date_format(second.last_valid_day, "SHORT_DATE_FORMAT")
    assert last_day in page.content.decode()
    assert Entry.objects.filter(object_type="sip_consent_alerts", staff_id=social.staff.pk).exists()
    # Nobody else is told: BUP coordinates nothing.
    assert actor_client(bup).get(reverse("plans:list")).context["consent_alerts"] == []


def test_a_consent_far_from_running_out_is_no_alert(actor_client, setup):
    social, bup, case, guardians = setup
    _guardian_consents(social, bup, case, guardians, valid_days=200)
    assert actor_client(social).get(reverse("plans:list")).context["consent_alerts"] == []


def test_sip_3_coordinators_are_e_mailed_30_and_7_days_before_a_consent_runs_out(mailoutbox):
    case = CaseFactory(consented=True)
    case.coordinator.email = "samordnare@example.org"
    case.coordinator.save()
    today = timezone.localdate()
    last = today + datetime.timedelta(days=30)
    Consent.objects.filter(child=case.child).update(valid_until=end_of(last))
    assert sip_consents.remind_coordinators_of_expiring_consents(today=today) == 1
    [mail] = mailoutbox
    assert mail.to == ["samordnare@example.org"]
    assert f"{case.pk}" in mail.body
    assert last.isoformat() in mail.body
    assert case.child.last_name not in mail.subject + mail.body
    # Not on the days between: a daily run reminds twice, at 30 and at 7 days left.
    tomorrow = today + datetime.timedelta(days=1)
    assert sip_consents.remind_coordinators_of_expiring_consents(today=tomorrow) == 0
    week_before = last - datetime.timedelta(days=7)
    assert sip_consents.remind_coordinators_of_expiring_consents(today=week_before) == 1
