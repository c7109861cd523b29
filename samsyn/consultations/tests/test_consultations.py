"""DOMAIN KON-1: a professional asks another organisation about a case without identifying the
child; the answer is recorded; the consultation is linked to a named child only after consent,
by an explicit, audited act; it never fulfils the duty to report."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from samsyn.access.models import Category, Purpose
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.common.errors import AccessDenied
from samsyn.consent.models import Consent
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.consultations import selectors, services
from samsyn.consultations.models import Consultation
from samsyn.consultations.selectors import ConsultationNotFound
from samsyn.directory.models import Role
from samsyn.directory.tests.counties import actor_in

pytestmark = pytest.mark.django_db


def _sv(msgid: str) -> str:
    with override("sv"):
        return gettext(msgid)


# The pages and the API speak Swedish by default: the tests look for the translated words.
NOT_A_REPORT = _sv(
    "A consultation never fulfils the duty to report. If you know or suspect that a child is "
    "being harmed, report it to social services at once (SoL 2025:400 19 kap. 1 §)."
)[:40]
NO_CONSENT = _sv(
    "No consent covers %(organisation)s: the child's own, or the guardians', to sharing "
    "%(category)s information with %(organisation)s. Record the consent first; until then the "
    "consultation stays anonymous."
).split("%(organisation)s")[0]

QUESTION = "Hur bemöter vi en elev som slutat äta i skolan?"
SITUATION = "Flicka i årskurs 8, har gått ner i vikt sedan höstlovet och undviker matsalen."


def ask(county, *, unit=True, **changes):
    fields = {
        "actor": county.counsellor, "consulted_organisation_id": county.bup.pk,
        "consulted_unit_id": county.bup_unit.pk if unit else None,
        "age_band": Consultation.AgeBand.TEEN, "question": QUESTION, "situation": SITUATION,
    }  # fmt: skip
    return services.ask_consultation(**{**fields, **changes})


def consent_to_bup(county, category=Category.SCHOOL, guardians=None, **fields):
    for guardian in county.guardians if guardians is None else guardians:
        ConsentFactory(
            child=county.child, guardian=guardian, receiving_organisation=county.bup,
            categories=[category], purposes=[Purpose.TREATMENT, Purpose.SUPPORT], **fields,
        )  # fmt: skip


def test_kon_1_an_asked_consultation_names_no_child_and_its_asking_is_audited(county):
    consultation = ask(county)
    assert consultation.child_id is None
    assert consultation.category == Category.SCHOOL
    (row,) = county.entries(action="consultation_asked")
    assert (row.child_id, row.object_type, row.object_id) == (
        None, "consultation", str(consultation.pk),
    )  # fmt: skip
    assert row.staff_id == county.counsellor.staff.pk


@pytest.mark.parametrize(
    "text",
    ["Eleven har personnummer 20100314-1234.", "nr 100314-1234", "1003141234", "100374+1234"],
)
def test_kon_1_text_shaped_like_an_identity_number_is_refused(county, text):
    with pytest.raises(ValidationError) as refused:
        ask(county, situation=text)
    assert "situation" in refused.value.error_dict
    with pytest.raises(ValidationError):
        ask(county, question=text)
    assert not Consultation.objects.exists()
    assert not county.entries(action="consultation_asked")


@pytest.mark.parametrize(
    "text", ["Född 2010, årskurs 8.", "Ring 019-123 45 67", "Klass 8B, 25 elever"]
)
def test_kon_1_ordinary_numbers_are_not_taken_for_identity_numbers(text):
    assert not selectors.contains_identity_number(text)


def test_kon_1_the_page_refuses_an_identity_number_and_keeps_what_was_typed(county, actor_client):
    client = actor_client(county.counsellor)
    page = client.get(reverse("consultations:ask"))
    assert page.status_code == 200
    situation = "Pojke, 13 år, personnummer 201003141234, bor med mamma."
    response = client.post(
        reverse("consultations:ask"),
        {
            "consulted": f"unit:{county.bup_unit.pk}", "age_band": "13-15",
            "question": QUESTION, "situation": situation,
            "form_token": page.context["form_token"],
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["situation"]
    assert situation in response.content.decode()
    assert not Consultation.objects.exists()


def test_kon_1_the_form_and_the_receipt_say_it_is_not_a_report_of_concern(county, actor_client):
    client = actor_client(county.counsellor)
    page = client.get(reverse("consultations:ask"))
    assert NOT_A_REPORT in page.content.decode()
    response = client.post(
        reverse("consultations:ask"),
        {
            "consulted": f"unit:{county.bup_unit.pk}", "age_band": "13-15",
            "question": QUESTION, "situation": SITUATION,
            "form_token": page.context["form_token"],
        },
        follow=True,
    )  # fmt: skip
    consultation = Consultation.objects.get()
    assert response.redirect_chain[-1][0] == reverse("consultations:detail", args=[consultation.pk])
    body = response.content.decode()
    assert NOT_A_REPORT in body
    assert (consultation.consulted_unit, consultation.asked_by) == (
        county.bup_unit, county.counsellor.staff,
    )  # fmt: skip


def test_kon_1_the_consulted_unit_sees_it_answers_and_the_asker_reads_the_answer(
    county, actor_client
):
    consultation = ask(county)
    bup = actor_client(county.clinician)
    listed = bup.get(reverse("consultations:list"))
    assert list(listed.context["page"]) == [consultation]
    detail = bup.get(reverse("consultations:detail", args=[consultation.pk]))
    assert detail.status_code == 200
    assert detail.context["may_answer"]
    answer_url = reverse("consultations:answer", args=[consultation.pk])
    page = bup.get(answer_url)
    bup.post(
        answer_url, {"answer": "Boka en konsultation.", "form_token": page.context["form_token"]}
    )
    consultation.refresh_from_db()
    assert consultation.answer == "Boka en konsultation."
    assert (consultation.answered_by, consultation.answered_by_unit) == (
        county.clinician.staff, county.bup_unit,
    )  # fmt: skip
    school = actor_client(county.counsellor)
    asked = school.get(reverse("consultations:list") + "?box=asked")
    assert list(asked.context["page"]) == [consultation]
    assert (
        "Boka en konsultation."
        in school.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    )
    # Every read and change is in the log, with no child: the consultation names none.
    rows = county.entries(object_type__startswith="consultation")
    assert {row.action for row in rows} == {"consultation_asked", "read", "consultation_answered"}
    assert all(row.child_id is None for row in rows)
    reads = [r for r in rows if r.action == "read" and r.object_type == "consultation"]
    assert {r.basis["basis"] for r in reads} == {"consultation_asker", "consultation_consulted"}


def test_kon_1_the_asker_cannot_answer_its_own_consultation(county):
    consultation = ask(county)
    with pytest.raises(AccessDenied):
        services.answer_consultation(
            actor=county.counsellor, consultation_id=consultation.pk, answer="Själv."
        )


def test_kon_1_an_answer_is_given_once(county):
    consultation = ask(county)
    services.answer_consultation(
        actor=county.clinician, consultation_id=consultation.pk, answer="Ja."
    )
    with pytest.raises(ValidationError):
        services.answer_consultation(
            actor=county.clinician, consultation_id=consultation.pk, answer="Nej."
        )
    consultation.refresh_from_db()
    assert consultation.answer == "Ja."


def test_kon_1_another_unit_of_the_organisation_does_not_see_a_unit_addressed_consultation(county):
    consultation = ask(county)
    assert list(selectors.consultations_of(county.other_clinician, selectors.RECEIVED)) == []
    with pytest.raises(ConsultationNotFound):
        selectors.consultation_for(county.other_clinician, consultation_id=consultation.pk)


def test_kon_1_asked_of_the_whole_organisation_any_unit_sees_it_and_one_answers(county):
    consultation = ask(county, unit=False)
    for clinician in (county.clinician, county.other_clinician):
        assert list(selectors.consultations_of(clinician, selectors.RECEIVED)) == [consultation]
    services.answer_consultation(
        actor=county.other_clinician, consultation_id=consultation.pk, answer="Vi tar det."
    )
    consultation.refresh_from_db()
    assert consultation.answered_by_unit == county.bup_other_unit


def test_kon_1_a_third_organisation_does_not_see_it(county, actor_client):
    consultation = ask(county)
    client = actor_client(county.caseworker)
    assert list(client.get(reverse("consultations:list")).context["page"]) == []
    assert list(client.get(reverse("consultations:list") + "?box=asked").context["page"]) == []
    for name in ("detail", "answer", "link"):
        assert (
            client.get(reverse(f"consultations:{name}", args=[consultation.pk])).status_code == 404
        )
    assert (
        client.post(
            reverse("consultations:answer", args=[consultation.pk]), {"answer": "x"}
        ).status_code
        == 404
    )
    with pytest.raises(ConsultationNotFound):
        services.answer_consultation(
            actor=county.caseworker, consultation_id=consultation.pk, answer="x"
        )
    denied = county.entries(outcome="denied", object_type="consultation")
    assert denied
    assert all(row.staff_id == county.caseworker.staff.pk for row in denied)
    # A missing one answers the same.
    assert (
        client.get(reverse("consultations:detail", args=[consultation.pk + 99])).status_code == 404
    )


def test_kon_1_a_role_without_children_has_no_consultations(county, actor_client):
    admin = actor_in(county.school_unit, Role.ADMINISTRATOR)
    assert actor_client(admin).get(reverse("consultations:list")).status_code == 403
    with pytest.raises(AccessDenied):
        ask(county, actor=admin)


def link(county, consultation, actor=None, number=None):
    return services.link_consultation(
        actor=actor or county.counsellor, consultation_id=consultation.pk,
        identity_number=number or county.child.identity_number,
    )  # fmt: skip


def test_kon_1_never_linked_without_consent(county):
    consultation = ask(county)
    with pytest.raises(ValidationError) as refused:
        link(county, consultation)
    assert NO_CONSENT in refused.value.messages[0]
    consultation.refresh_from_db()
    assert consultation.child_id is None
    assert not county.entries(action="consultation_linked")


@pytest.mark.parametrize(
    "consent",
    [
        # One guardian of two, where the region asks both (the default).
        lambda county: consent_to_bup(county, guardians=county.guardians[:1]),
        # Both, but for another category than the school's.
        lambda county: consent_to_bup(county, category=Category.HEALTH),
        # Both, but to another organisation.
        lambda county: [
            ConsentFactory(
                child=county.child,
                guardian=g,
                categories=[Category.SCHOOL],
                receiving_organisation=county.social_unit.organisation,
            )
            for g in county.guardians
        ],
        lambda county: consent_to_bup(county, withdrawn=True),
        lambda county: consent_to_bup(county, expired=True),
    ],
    ids=["one-guardian-of-two", "other-category", "other-organisation", "withdrawn", "expired"],
)
def test_kon_1_a_consent_that_does_not_cover_the_consulted_organisation_does_not_link(
    county, consent
):
    consultation = ask(county)
    consent(county)
    with pytest.raises(ValidationError):
        link(county, consultation)
    consultation.refresh_from_db()
    assert consultation.child_id is None


def test_kon_1_linked_with_consent_by_the_asking_unit_and_audited(county):
    consultation = ask(county)
    consent_to_bup(county)
    link(county, consultation)
    consultation.refresh_from_db()
    assert (consultation.child, consultation.linked_by) == (county.child, county.counsellor.staff)
    (row,) = county.entries(action="consultation_linked")
    assert row.child_id == county.child.pk
    assert row.object_id == str(consultation.pk)
    assert len(row.detail["consent_ids"]) == 2
    assert row.basis["basis"] == "involvement"


def test_kon_1_the_childs_own_consent_links_too(county):
    consultation = ask(county)
    ConsentFactory(
        child=county.child, by_child=True, receiving_organisation=county.bup,
        categories=[Category.SCHOOL], purposes=[Purpose.TREATMENT],
    )  # fmt: skip
    link(county, consultation)
    consultation.refresh_from_db()
    assert consultation.child == county.child


def test_kon_1_only_a_child_the_asker_works_with_is_linked(county):
    consultation = ask(county)
    stranger = ChildFactory()
    with pytest.raises(ValidationError) as refused:
        link(county, consultation, number=stranger.identity_number)
    assert "identity_number" in refused.value.error_dict
    assert county.entries(outcome="denied", child_id=stranger.pk)
    consultation.refresh_from_db()
    assert consultation.child_id is None


def test_kon_1_only_the_asking_unit_links(county):
    consultation = ask(county)
    consent_to_bup(county)
    InvolvementFactory(child=county.child, unit=county.bup_unit)
    with pytest.raises(AccessDenied):
        link(county, consultation, actor=county.clinician)
    colleague_unit = actor_in(
        county.school_unit.__class__.objects.create(
            organisation=county.school_unit.organisation, name="Annan skola"
        ),
        Role.SCHOOL_COUNSELLOR,
    )
    InvolvementFactory(child=county.child, unit=colleague_unit.unit)
    with pytest.raises(ConsultationNotFound):
        link(county, consultation, actor=colleague_unit)


def test_kon_1_asked_of_a_whole_organisation_it_is_linked_only_once_a_unit_answered(county):
    consultation = ask(county, unit=False)
    consent_to_bup(county)
    with pytest.raises(ValidationError):
        link(county, consultation)
    services.answer_consultation(
        actor=county.clinician, consultation_id=consultation.pk, answer="Ja."
    )
    link(county, consultation)
    # Linked, only the unit that answered keeps it: the organisation's other units do not.
    assert list(selectors.consultations_of(county.clinician, selectors.RECEIVED)) == [consultation]
    assert list(selectors.consultations_of(county.other_clinician, selectors.RECEIVED)) == []


def test_kon_1_after_linking_reads_are_reads_of_the_child_through_access(county):
    consultation = ask(county)
    consent_to_bup(county)
    link(county, consultation)
    _c, decision = selectors.consultation_for(county.clinician, consultation_id=consultation.pk)
    assert decision.basis == "consent"
    _c, decision = selectors.consultation_for(county.counsellor, consultation_id=consultation.pk)
    assert decision.basis in {"participation", "involvement"}
    reads = county.entries(action="read", object_type="consultation", outcome="allowed")
    assert [row.child_id for row in reads] == [county.child.pk, county.child.pk]
    assert reads[0].basis["basis"] == "consent"
    assert reads[0].basis["consent_id"]
    assert list(selectors.consultations_of(county.clinician, selectors.RECEIVED)) == [consultation]


def test_kon_1_a_withdrawn_consent_closes_the_linked_consultation_to_the_consulted(county):
    consultation = ask(county)
    consent_to_bup(county)
    link(county, consultation)
    Consent.objects.filter(child=county.child).update(withdrawn_at=timezone.now())
    with pytest.raises(ConsultationNotFound):
        selectors.consultation_for(county.clinician, consultation_id=consultation.pk)
    assert county.entries(outcome="denied", object_type="consultation", child_id=county.child.pk)
    assert list(selectors.consultations_of(county.clinician, selectors.RECEIVED)) == []
    # The asker, whose record it is, still reads it.
    assert selectors.consultation_for(county.counsellor, consultation_id=consultation.pk)


def test_kon_1_the_link_page_refuses_without_consent_with_the_reason(county, actor_client):
    consultation = ask(county)
    client = actor_client(county.counsellor)
    url = reverse("consultations:link", args=[consultation.pk])
    page = client.get(url)
    response = client.post(
        url,
        {"identity_number": county.child.identity_number, "form_token": page.context["form_token"]},
    )
    assert response.status_code == 200
    assert NO_CONSENT in response.content.decode()
    assert county.child.identity_number in response.content.decode()
    consent_to_bup(county)
    response = client.post(
        url,
        {"identity_number": county.child.identity_number,
         "form_token": response.context["form_token"]},
        follow=True,
    )  # fmt: skip
    consultation.refresh_from_db()
    assert consultation.child == county.child
    assert county.child.name in response.content.decode()
