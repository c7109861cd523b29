"""Filing a report of concern (issue 9, item 1): a professional signed in and never anonymous
(ANM-2), the public anonymously if they choose, within limits against abuse; the receipt at
once; a report linked to a child only by an exact identity number; the author's own reports
and the feedback's one answer (ANM-6), nobody else's."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from samsyn.accounts.tests.helpers import sign_in
from samsyn.audit.models import Entry
from samsyn.children.identity import luhn_check_digit
from samsyn.children.tests.factories import (
    ChildFactory,
    identity_number,
    name_no_staff_member_shares,
)
from samsyn.concerns.models import InitialAssessment, PublicSubmission, Report
from samsyn.concerns.services import reporting as services
from samsyn.concerns.tests.factories import (
    FeedbackFactory,
    IntakeFactory,
    ProtectionAssessmentFactory,
    ReportFactory,
)
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PrincipalFactory,
    UnitFactory,
    actor_of,
)

pytestmark = pytest.mark.django_db

SEEN = "Barnet har berättat att pappa slår henne när han druckit."
NEW = "/concerns/reports/new/"
PUBLIC = "/anmalan/"


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def kommun():
    return PrincipalFactory(kind=Principal.Kind.MUNICIPALITY, name="Lindesbergs kommun")


@pytest.fixture
def intake(kommun):
    return IntakeFactory(
        municipality=kommun, organisation__name="Socialtjänsten Lindesberg",
        organisation__phone="0581-810 00",
    )  # fmt: skip


def staff_in(kind, kommun, role, **staff):
    organisation = OrganisationFactory(kind=kind, principal=kommun)
    unit = UnitFactory(organisation=organisation, municipality=kommun, name="Lärkan")
    fields = {f"staff__{name}": value for name, value in staff.items()}
    return actor_of(MembershipFactory(unit=unit, role=role, **fields))


@pytest.fixture
def counsellor(kommun, intake):
    return staff_in(
        Organisation.Kind.SCHOOL, kommun, Role.SCHOOL_COUNSELLOR, phone="0581-123 45",
        email="kurator@skola.example",
    )  # fmt: skip


@pytest.fixture
def child(kommun):
    return ChildFactory(municipality=kommun)


def file(actor, **fields):
    values = {
        "municipality_id": None, "identity_number": "", "child_name": "", "child_address": "",
        "what_seen": SEEN, "urgency": Report.Urgency.NOT_ACUTE, "reporter_phone": "",
        "feedback_requested": False,
    }  # fmt: skip
    return services.file_report(actor=actor, **{**values, **fields})


def form_data(**fields):
    return {
        "municipality": "", "identity_number": "", "child_name": "", "child_address": "",
        "what_seen": SEEN, "urgency": "not_acute", "reporter_phone": "0581-999",
        "reporter_category": "school", **fields,
    }  # fmt: skip


def post_form(client, url, data):
    """GET the page (its form token), then POST what a person typed."""
    page = client.get(url).text
    token = re.search(r'name="form_token" value="([^"]+)"', page)[1]
    return client.post(url, {**data, "form_token": token})


# --- ANM-2 -------------------------------------------------------------------------------------


def test_anm_2_the_service_refuses_an_anonymous_professional_report(counsellor, child):
    with pytest.raises(ValidationError, match="ANM-2"):
        file(counsellor, identity_number=child.identity_number, anonymous=True)
    assert not Report.objects.exists()


def test_anm_2_the_database_refuses_an_anonymous_professional_report(intake):
    with pytest.raises(IntegrityError, match="report_only_public_anonymous"), transaction.atomic():
        ReportFactory(intake=intake, anonymous=True)


def test_anm_2_the_professional_form_has_no_anonymity_and_ignores_one_posted(counsellor, child):
    client = sign_in(Client(), counsellor)
    page = client.get(NEW).text
    assert 'name="anonymous"' not in page
    response = post_form(
        client, NEW, form_data(identity_number=child.identity_number, anonymous="on")
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.anonymous, report.reporter_staff_id) == (False, counsellor.staff.pk)
    assert report.reporter_name == counsellor.staff.name


def test_anm_2_a_member_of_the_public_reports_anonymously_and_no_contact_is_kept(intake, child):
    response = post_form(
        Client(), PUBLIC,
        {"municipality": intake.municipality_id, "identity_number": child.identity_number,
         "what_seen": SEEN, "urgency": "acute", "anonymous": "on",
         "reporter_name": "Anna Granne", "reporter_phone": "070-111", "homepage": ""},
    )  # fmt: skip
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.reporter_kind == Report.ReporterKind.PUBLIC
    assert (report.anonymous, report.reporter_name, report.reporter_phone) == (True, "", "")
    assert report.reporter_staff_id is None
    entry = Entry.objects.get(action="report_filed_public", object_id=str(report.pk))
    assert (entry.staff_id, entry.child_id, entry.object_id) == (None, child.pk, str(report.pk))


def test_anm_2_a_member_of_the_public_may_give_a_name_and_contact(intake):
    services.file_public_report(
        client_address="192.0.2.1", municipality_id=intake.municipality_id,
        identity_number="", child_name="Kim Svensson", child_address="Storgatan 1",
        what_seen=SEEN, urgency="not_acute", anonymous=False, reporter_name="Anna Granne",
        reporter_email="anna@example.org",
    )  # fmt: skip
    report = Report.objects.get()
    assert (report.reporter_name, report.reporter_email) == ("Anna Granne", "anna@example.org")


# --- the receipt, linking, the child's identification ------------------------------------------


def _main(page: str) -> str:
    """The page's main content, without what differs between two reports of the same kind."""
    main = page.split('id="main"')[1].split("</main>")[0]
    main = re.sub(r"ANM-\d{4}-\d{6}", "REF", main)
    main = re.sub(r"\d{8}-?\d{4}|\d{1,2} \w+ \d{4}( \d{2}:\d{2})?|/\d+/", "X", main)
    return re.sub(r'name="(form_token|csrfmiddlewaretoken)" value="[^"]+"', "", main)


def test_the_receipt_shows_the_reference_the_receiver_and_what_happens_next(counsellor, child):
    client = sign_in(Client(), counsellor)
    response = post_form(
        client, NEW,
        form_data(identity_number=child.identity_number, feedback_requested="on",
                  urgency="acute"),
    )  # fmt: skip
    report = Report.objects.get()
    page = client.get(response.url).text
    assert report.reference in page
    assert "Socialtjänsten Lindesberg, Lindesbergs kommun" in page
    assert "0581-810 00" in page
    assert "samma dag eller nästa" in page
    assert "Inom 14 dagar" in page
    assert "112" in page  # acute: the advice to call
    assert "Du har bett om återkoppling" in page
    assert SEEN in page


def test_the_receipt_never_says_whether_samsyn_knew_the_child(counsellor, child):
    client = sign_in(Client(), counsellor)
    unknown = identity_number(child.birth_date.replace(year=2016), 7)
    pages = []
    for number in (child.identity_number, unknown):
        response = post_form(client, NEW, form_data(identity_number=number))
        pages.append(_main(client.get(response.url).text))
    assert Report.objects.filter(child=child).count() == 1  # one was linked, one was not…
    assert pages[0] == pages[1]  # …and the reporter cannot tell which
    assert child.first_name not in pages[0]


def test_an_exact_identity_number_links_the_report_at_once(counsellor, child):
    report = file(
        counsellor, identity_number=f"{child.identity_number[:8]}-{child.identity_number[8:]}"
    )
    assert (report.child_id, report.linked_by_id) == (child.pk, None)
    assert report.linked_at is not None
    entry = Entry.objects.get(action="report_filed", object_id=str(report.pk))
    assert (entry.child_id, entry.object_type, entry.staff_id) == (
        child.pk, "report", counsellor.staff.pk,
    )  # fmt: skip


def test_a_name_and_address_never_link_even_when_they_match_a_known_child(counsellor, child):
    report = file(counsellor, child_name=child.name, child_address=child.street_address or "x")
    assert (report.child_id, report.linked_at) == (None, None)
    assert Entry.objects.get(action="report_filed", object_id=str(report.pk)).child_id is None


def test_a_valid_number_samsyn_does_not_know_is_accepted_unlinked(counsellor):
    number = identity_number(__import__("datetime").date(2016, 5, 5), 123)
    report = file(counsellor, identity_number=number)
    assert (report.child_id, report.given_identity_number) == (None, number)
    # Sent to the reporter's own municipality: no child to take it from.
    assert report.intake.municipality_id == counsellor.unit.municipality_id


@pytest.mark.parametrize(
    ("number", "message"),
    [
        # A real number with its last digit changed; a real check digit on no real date.
        (f"20150314-123{(luhn_check_digit('150314123') + 1) % 10}", "Kontrollsiffran"),
        ("2015031", "ÅÅÅÅMMDD-NNNN"),
        (f"20151340-000{luhn_check_digit('151340000')}", "födelsedatum"),
    ],
)
def test_a_malformed_identity_number_is_a_clear_error_and_what_was_typed_is_kept(
    counsellor, number, message
):
    client = sign_in(Client(), counsellor)
    response = post_form(client, NEW, form_data(identity_number=number))
    assert response.status_code == 200
    assert message in response.text
    assert f'value="{number}"' in response.text
    assert SEEN in response.text
    assert not Report.objects.exists()


def test_no_child_identified_is_a_clear_error_and_what_was_typed_is_kept(counsellor):
    client = sign_in(Client(), counsellor)
    response = post_form(client, NEW, form_data())
    assert response.status_code == 200
    assert "Inget barn angivet" in response.text
    assert SEEN in response.text
    assert 'value="0581-999"' in response.text
    assert not Report.objects.exists()
    with pytest.raises(ValidationError, match="Inget barn angivet"):
        file(counsellor)


def test_a_name_without_an_address_asks_for_the_address(counsellor):
    with pytest.raises(ValidationError) as refused:
        file(counsellor, child_name="Kim Svensson")
    assert set(refused.value.message_dict) == {"child_address"}


def test_the_report_goes_to_the_childs_municipality_by_default(counsellor):
    elsewhere = PrincipalFactory(kind=Principal.Kind.MUNICIPALITY, name="Nora kommun")
    IntakeFactory(municipality=elsewhere)
    child = ChildFactory(municipality=elsewhere)
    assert file(counsellor, identity_number=child.identity_number).intake.municipality == elsewhere
    chosen = file(counsellor, identity_number=child.identity_number,
                  municipality_id=counsellor.unit.municipality_id)  # fmt: skip
    assert chosen.intake.municipality_id == counsellor.unit.municipality_id


def test_only_a_municipality_with_an_intake_receives_reports(counsellor, child):
    without = PrincipalFactory(kind=Principal.Kind.MUNICIPALITY, name="Ljusnarsbergs kommun")
    with pytest.raises(ValidationError) as refused:
        file(counsellor, identity_number=child.identity_number, municipality_id=without.pk)
    assert set(refused.value.message_dict) == {"municipality"}


@pytest.mark.parametrize(
    ("kind", "role", "chosen", "expected"),
    [
        (Organisation.Kind.SCHOOL, Role.SCHOOL_NURSE, None, "school"),
        (Organisation.Kind.SCHOOL, Role.SCHOOL_COUNSELLOR, "preschool", "preschool"),
        (Organisation.Kind.BVC, Role.CLINICIAN, None, "health"),
        (Organisation.Kind.BUP, Role.CLINICIAN, None, "health"),
        (Organisation.Kind.POLICE, Role.POLICE_OFFICER, None, "police"),
        (Organisation.Kind.SOCIAL_SERVICES, Role.CASEWORKER, None, "social"),
        (Organisation.Kind.LSS, Role.CASEWORKER, None, "authority"),
    ],
)
def test_anm_1_the_reporters_field_follows_their_organisation(
    kommun, intake, child, kind, role, chosen, expected
):
    actor = staff_in(kind, kommun, role)
    report = file(actor, identity_number=child.identity_number, reporter_category=chosen)
    assert report.reporter_category == expected


def test_anm_1_only_a_school_may_report_as_a_preschool(kommun, intake, child):
    actor = staff_in(Organisation.Kind.BVC, kommun, Role.CLINICIAN)
    with pytest.raises(ValidationError) as refused:
        file(actor, identity_number=child.identity_number, reporter_category="preschool")
    assert set(refused.value.message_dict) == {"reporter_category"}


def test_the_reporters_contact_is_prefilled_and_the_phone_editable(counsellor, child):
    client = sign_in(Client(), counsellor)
    form = client.get(NEW).text
    assert 'value="0581-123 45"' in form
    assert f"Du anmäler som {counsellor.staff.name}, Lärkan (kurator@skola.example)" in form
    post_form(client, NEW, form_data(identity_number=child.identity_number))
    report = Report.objects.get()
    assert (report.reporter_phone, report.reporter_email) == ("0581-999", "kurator@skola.example")


def test_what_was_seen_over_the_limit_is_refused_and_kept(counsellor, child):
    client = sign_in(Client(), counsellor)
    long = "a" * (services.MAX_WHAT_SEEN + 1)
    response = post_form(client, NEW, form_data(identity_number=child.identity_number,
                                                what_seen=long))  # fmt: skip
    assert response.status_code == 200
    assert long in response.text
    assert not Report.objects.exists()


# --- ANM-6: the author's own reports and their feedback -----------------------------------------


def test_anm_6_a_feedback_request_with_the_report_is_recorded(counsellor, child):
    report = file(counsellor, identity_number=child.identity_number, feedback_requested=True)
    assert report.feedback_requested_at is not None


def test_anm_6_the_author_asks_for_feedback_later_once_audited(counsellor, child):
    report = file(counsellor, identity_number=child.identity_number)
    client = sign_in(Client(), counsellor)
    url = reverse("concerns:my_report", args=[report.pk])
    page = client.get(url).text
    token = re.search(r'name="form_token" value="([^"]+)"', page)[1]
    response = client.post(
        reverse("concerns:ask_feedback", args=[report.pk]), {"form_token": token}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    first = report.feedback_requested_at
    assert first is not None
    services.request_feedback(actor=counsellor, report_id=report.pk)
    report.refresh_from_db()
    assert report.feedback_requested_at == first
    entries = Entry.objects.filter(action="report_feedback_requested", object_id=str(report.pk))
    assert [(e.child_id, e.object_id) for e in entries] == [(child.pk, str(report.pk))]


def test_anm_6_the_author_sees_the_feedbacks_one_answer_and_nothing_of_intakes_work(
    counsellor, child
):
    name_no_staff_member_shares(child)
    report = file(counsellor, identity_number=child.identity_number, feedback_requested=True)
    ProtectionAssessmentFactory(report=report, assessment="Hemligt: mamma samarbetar inte.")
    FeedbackFactory(report=report, answer=InitialAssessment.Decision.OPENED)
    client = sign_in(Client(), counsellor)
    page = client.get(reverse("concerns:my_report", args=[report.pk])).text
    assert "Utredning inledd" in page
    assert "Hemligt" not in page
    assert child.first_name not in page
    assert child.last_name not in page
    mine = client.get(reverse("concerns:my_reports")).text
    assert report.reference in mine
    assert "Utredning inledd" in mine
    entry = Entry.objects.get(action="read", object_type="report", object_id=str(report.pk))
    assert (entry.child_id, entry.basis["basis"]) == (child.pk, "author")


def test_another_staff_member_of_the_same_school_gets_404_audited_as_denied(counsellor, child):
    report = file(counsellor, identity_number=child.identity_number)
    colleague = actor_of(MembershipFactory(unit=counsellor.unit, role=Role.SCHOOL_NURSE))
    client = sign_in(Client(), colleague)
    assert client.get(reverse("concerns:my_report", args=[report.pk])).status_code == 404
    denied = Entry.objects.get(outcome="denied", object_type="report", staff_id=colleague.staff.pk)
    assert (denied.staff_id, denied.object_id) == (colleague.staff.pk, str(report.pk))
    assert report.reference not in client.get(reverse("concerns:my_reports")).text
    response = client.post(reverse("concerns:ask_feedback", args=[report.pk]))
    report.refresh_from_db()
    assert report.feedback_requested_at is None
    assert response.status_code in (302, 404)


def test_my_reports_are_paginated_newest_first_and_the_list_read_audited(counsellor, child):
    reports = [file(counsellor, identity_number=child.identity_number) for _ in range(27)]
    client = sign_in(Client(), counsellor)
    page = client.get(reverse("concerns:my_reports")).text
    refs = re.findall(r"ANM-\d{4}-\d{6}", page)
    assert refs[0] == reports[-1].reference
    assert len(refs) == 25
    assert reports[0].reference not in page
    assert reports[0].reference in client.get(reverse("concerns:my_reports") + "?page=2").text
    entry = Entry.objects.filter(object_type="report_list", staff_id=counsellor.staff.pk).first()
    assert entry is not None
    assert len(entry.detail["report_ids"]) == 25


# --- the public form: no sign-in, limits against abuse -----------------------------------------


def public_data(intake, **fields):
    return {
        "municipality": intake.municipality_id, "child_name": "Kim Svensson",
        "child_address": "Storgatan 1, Lindesberg", "what_seen": SEEN, "urgency": "not_acute",
        "homepage": "", **fields,
    }  # fmt: skip


def test_the_public_pages_need_no_sign_in_and_show_no_staff_navigation(intake, counsellor):
    for client in (Client(), sign_in(Client(), counsellor)):
        page = client.get(PUBLIC)
        assert page.status_code == 200
        assert "samsyn-nav" not in page.text
        assert counsellor.staff.name not in page.text
        assert intake.municipality.name in page.text


def test_the_public_receipt_shows_the_reference_and_says_there_is_no_feedback(intake):
    client = Client()
    response = post_form(client, PUBLIC, public_data(intake))
    assert response.url == "/anmalan/kvitto/"
    page = client.get(response.url).text
    report = Report.objects.get()
    assert report.reference in page
    assert "Socialtjänsten Lindesberg" in page
    assert "ingen återkoppling" in page
    assert SEEN not in page  # a shared computer's next user reads nothing of it
    assert Client().get("/anmalan/kvitto/").status_code == 302  # another browser: no receipt


def test_the_sixth_public_report_within_the_hour_is_refused_and_nothing_is_stored(intake, settings):
    settings.SAMSYN_PUBLIC_REPORTS_PER_HOUR = 5
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        assert post_form(client, PUBLIC, public_data(intake)).status_code == 302
    refused = post_form(client, PUBLIC, public_data(intake))
    assert refused.status_code == 429
    assert "För många anmälningar" in refused.text
    assert (Report.objects.count(), PublicSubmission.objects.count()) == (5, 5)
    # Another address is not held back by this one's flood.
    assert (
        post_form(Client(REMOTE_ADDR="198.51.100.8"), PUBLIC, public_data(intake)).status_code
        == 302
    )
    # The address is never stored in clear.
    assert not PublicSubmission.objects.filter(client_key__contains="198.51").exists()


def test_the_rate_limit_is_a_sliding_hour(intake, settings):
    settings.SAMSYN_PUBLIC_REPORTS_PER_HOUR = 1
    kwargs = {"client_address": "203.0.113.5", "municipality_id": intake.municipality_id,
              "identity_number": "", "child_name": "Kim", "child_address": "Storgatan 1",
              "what_seen": SEEN, "urgency": "not_acute", "anonymous": True}  # fmt: skip
    services.file_public_report(**kwargs)
    with pytest.raises(services.TooManyReports):
        services.file_public_report(**kwargs)
    PublicSubmission.objects.update(at=PublicSubmission.objects.get().at.replace(year=2020))
    services.file_public_report(**kwargs)
    assert Report.objects.count() == 2
    assert PublicSubmission.objects.count() == 1


def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(intake, settings):
    settings.SAMSYN_PUBLIC_REPORTS_PER_HOUR = 1
    settings.SAMSYN_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    second = Client(**proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.21")
    assert post_form(first, PUBLIC, public_data(intake)).status_code == 302
    assert post_form(second, PUBLIC, public_data(intake)).status_code == 302
    assert post_form(first, PUBLIC, public_data(intake)).status_code == 429


def test_a_public_request_body_over_the_limit_is_refused_unread(intake, settings):
    settings.SAMSYN_PUBLIC_REPORT_MAX_BYTES = 2000
    response = post_form(Client(), PUBLIC, public_data(intake, what_seen="x" * 3000))
    assert response.status_code == 413
    assert "för stor" in response.text
    assert not Report.objects.exists()
    assert not PublicSubmission.objects.exists()


@pytest.mark.parametrize(
    ("field", "length"),
    [("what_seen", services.MAX_WHAT_SEEN + 1), ("child_name", 201), ("child_address", 301),
     ("reporter_name", 201), ("reporter_phone", 41), ("identity_number", 14)],
)  # fmt: skip
def test_every_public_field_has_a_size_limit(intake, field, length):
    response = post_form(Client(), PUBLIC, public_data(intake, **{field: "1" * length}))
    assert response.status_code == 400
    assert "1" * length in response.text  # kept, to shorten
    assert not Report.objects.exists()


def test_a_filled_honeypot_stores_nothing(intake):
    response = post_form(Client(), PUBLIC, public_data(intake, homepage="http://spam.example"))
    assert response.status_code == 400
    assert not Report.objects.exists()
    assert not PublicSubmission.objects.exists()


def test_the_public_form_needs_the_csrf_token(intake):
    client = Client(enforce_csrf_checks=True)
    assert client.post(PUBLIC, public_data(intake)).status_code == 403
    assert not Report.objects.exists()


def test_a_public_post_without_the_pages_token_stores_nothing(intake):
    response = Client().post(PUBLIC, public_data(intake))
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_public_no_child_identified_error_keeps_what_was_typed(intake):
    response = post_form(Client(), PUBLIC, public_data(intake, child_name="", child_address=""))
    assert response.status_code == 400
    assert "Inget barn angivet" in response.text
    assert SEEN in response.text
    assert not Report.objects.exists()
    assert not PublicSubmission.objects.exists()
