import datetime
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader

from samsyn.access.models import Category, Purpose
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import InvolvementFactory
from samsyn.consent.models import Consent
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.models import Case, PlanItem, PlanVersion
from samsyn.plans.selectors import versions as plan_selectors
from samsyn.plans.selectors.cases import CaseNotFound
from samsyn.plans.services import versions as plan_services
from samsyn.plans.services.versions import ItemInput
from samsyn.plans.tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture
def social():
    return make_actor()


@pytest.fixture
def bup():
    return make_actor(unit__organisation__kind=Organisation.Kind.BUP, role=Role.CLINICIAN)


@pytest.fixture
def case(social, bup):
    case = CaseFactory(
        initiated_by=social.staff, initiating_organisation=social.organisation,
        status=Case.Status.CONSENTED,
    )  # fmt: skip
    InvolvementFactory(child=case.child, unit=social.unit)
    PartyFactory(case=case, accepted_for=bup.unit)
    # The child's own consent, after an assessment that the child is mature enough.
    ConsentFactory(
        child=case.child, by_child=True, receiving_organisation=bup.organisation,
        categories=[Category.BASIC, Category.PLAN], purposes=[Purpose.PLANNING],
        recorded_by=social.staff, recorded_for=social.organisation,
    )  # fmt: skip
    return case


def _complete_items(case, social):
    need = ItemInput(key=uuid.uuid4(), kind=PlanItem.Kind.NEED, text="Sover dåligt")
    return [
        need,
        ItemInput(key=uuid.uuid4(), kind=PlanItem.Kind.GOAL, text="Sova hela nätter",
                  need_key=need.key),
        ItemInput(key=uuid.uuid4(), kind=PlanItem.Kind.EFFORT, text="Samtalsbehandling på BUP",
                  need_key=need.key,
                  responsible_organisation_id=case.parties.get().organisation_id),
        ItemInput(key=uuid.uuid4(), kind=PlanItem.Kind.MEASURE_BY_OTHERS, text="Anpassad skolstart",
                  responsible_other="Ekängsskolan"),
    ]  # fmt: skip


def _save(actor, case, *, items, **fields):
    draft = PlanVersion.objects.get(case=case, status=PlanVersion.Status.DRAFT)
    values = {
        "child_view": "Jag vill kunna sova.", "child_view_missing_reason": "",
        "no_measures_by_others": False, "follow_up_on": TOMORROW,
        "follow_up_how": "Nytt SIP-möte med alla.",
    } | fields  # fmt: skip
    return plan_services.save_draft(
        actor=actor, case_id=case.pk, lock_version=draft.lock_version, items=items, **values
    )


@pytest.fixture
def complete_draft(case, social):
    case.coordinator_organisation = social.organisation
    case.save()
    plan_services.start_plan(actor=social, case_id=case.pk)
    return _save(social, case, items=_complete_items(case, social))


def _finalise(actor, case):
    draft = PlanVersion.objects.get(case=case, status=PlanVersion.Status.DRAFT)
    return plan_services.finalise_plan(
        actor=actor, case_id=case.pk, lock_version=draft.lock_version
    )


def test_start_plan_makes_version_1_and_moves_the_case(case, social):
    version = plan_services.start_plan(actor=social, case_id=case.pk)
    case.refresh_from_db()
    assert (version.number, version.status, case.status) == (1, "draft", Case.Status.DRAFTED)
    assert Entry.objects.filter(action="plan_drafted", child_id=case.child_id).exists()
    # A double submit starts nothing twice.
    assert plan_services.start_plan(actor=social, case_id=case.pk) == version


def test_sip_3_no_plan_without_consent(case, social):
    Consent.objects.filter(child=case.child).update(withdrawn_at=timezone.now())
    with pytest.raises(plan_services.TransitionRefused):
        plan_services.start_plan(actor=social, case_id=case.pk)


def _effort_without_principal(case, social):
    items = _complete_items(case, social)
    return [*items[:2], ItemInput(key=uuid.uuid4(), kind="effort", text="Stöd i hemmet"), items[3]]


# Each case: how the complete draft is spoiled, and the message that must name the gap.
MISSING = [
    ("sip_6_point_1", lambda c, s: {"items": _complete_items(c, s)[:2] + _complete_items(c, s)[3:]},
     "The plan records no effort (SIP-6, point 1)."),
    ("sip_6_point_2", lambda c, s: {"items": _effort_without_principal(c, s)},
     "These efforts have no responsible principal: %(efforts)s (SIP-6, point 2)."),
    ("sip_6_point_3", lambda c, s: {"items": _complete_items(c, s)[:3]},
     "Record the measures by others than the municipality and the region (school, police …), "
     "or that there are none (SIP-6, point 3)."),
    ("sip_6_point_4", "no_coordinator",
     "The SIP has no principal with overall responsibility yet (SIP-6, point 4)."),
    ("sip_6_point_5_when", lambda c, s: {"follow_up_on": None},
     "Record when the plan is followed up (SIP-6, point 5)."),
    ("sip_6_point_5_how", lambda c, s: {"follow_up_how": ""},
     "Record how the plan is followed up (SIP-6, point 5)."),
    ("sip_7_child_view", lambda c, s: {"child_view": ""},
     "Record the child's own view, or why it was not obtained (SIP-7)."),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "spoil", "msgid"), MISSING, ids=[m[0] for m in MISSING])
def test_sip_6_sip_7_finalise_refused_naming_what_is_missing(
    complete_draft, case, social, rule, spoil, msgid
):
    if spoil == "no_coordinator":
        Case.objects.filter(pk=case.pk).update(coordinator_organisation=None)
    else:
        changes = spoil(case, social)
        _save(social, case, items=changes.pop("items", _complete_items(case, social)), **changes)
    with pytest.raises(plan_services.PlanIncomplete) as refused:
        _finalise(social, case)
    expected = _(msgid) % {"efforts": "Stöd i hemmet"} if "%(" in msgid else _(msgid)
    assert refused.value.messages == [expected]
    assert PlanVersion.objects.get(case=case).status == PlanVersion.Status.DRAFT


def test_sip_6_point_3_explicit_none_is_enough(complete_draft, case, social):
    _save(social, case, items=_complete_items(case, social)[:3], no_measures_by_others=True)
    assert _finalise(social, case).status == PlanVersion.Status.FINAL


def test_sip_6_point_5_not_required_where_the_region_says_so(complete_draft, case, social,
                                                             monkeypatch):  # fmt: skip
    from samsyn.plans.models import SipSettings

    monkeypatch.setattr(
        plan_services, "settings_for", lambda case: SipSettings(follow_up_required=False)
    )
    _save(social, case, items=_complete_items(case, social), follow_up_on=None, follow_up_how="")
    assert _finalise(social, case).status == PlanVersion.Status.FINAL


def test_sip_7_reason_instead_of_the_child_view(complete_draft, case, social):
    _save(
        social, case, items=_complete_items(case, social), child_view="",
        child_view_missing_reason="Barnet ville inte delta i mötet.",
    )  # fmt: skip
    assert _finalise(social, case).status == PlanVersion.Status.FINAL


def test_sip_6_finalise_succeeds_when_all_points_hold(complete_draft, case, social):
    version = _finalise(social, case)
    case.refresh_from_db()
    assert version.finalised_by == social.staff
    assert version.finalised_at is not None
    assert case.status == Case.Status.FINALISED
    assert Entry.objects.filter(action="plan_finalised", child_id=case.child_id).exists()


def test_sip_3_finalise_refused_after_consent_withdrawn(complete_draft, case, social):
    Consent.objects.filter(child=case.child).update(withdrawn_at=timezone.now())
    with pytest.raises(plan_services.TransitionRefused):
        _finalise(social, case)


def test_sip_8_a_final_version_is_never_changed(complete_draft, case, social):
    version = _finalise(social, case)
    with pytest.raises(plan_services.NoDraft):
        plan_services.save_draft(
            actor=social, case_id=case.pk, lock_version=version.lock_version, child_view="x",
            child_view_missing_reason="", no_measures_by_others=True, follow_up_on=None,
            follow_up_how="", items=[],
        )  # fmt: skip
    version.refresh_from_db()
    assert version.child_view == "Jag vill kunna sova."
    assert version.items.count() == 4


def test_sip_8_follow_up_makes_version_2_and_version_1_stays_readable(
    complete_draft, case, social, actor_client
):
    first = _finalise(social, case)
    second = plan_services.start_plan(actor=social, case_id=case.pk)
    assert second.number == 2
    assert second.status == PlanVersion.Status.DRAFT
    assert set(second.items.values_list("key", flat=True)) == set(
        first.items.values_list("key", flat=True)
    )
    assert second.follow_up_on is None  # the follow-up it named is the one happening now
    client = actor_client(social)
    response = client.get(reverse("plans:plan_version", args=[case.pk, 1]))
    assert response.status_code == 200
    assert "Samtalsbehandling på BUP" in response.content.decode()


def test_sip_8_diff_shows_added_removed_and_changed(complete_draft, case, social, actor_client):
    _finalise(social, case)
    plan_services.start_plan(actor=social, case_id=case.pk)
    old = {i.kind: i for i in PlanVersion.objects.get(case=case, number=2).items.all()}
    need = old["need"]
    items = [
        ItemInput(key=need.key, kind="need", text="Sover mycket dåligt"),
        ItemInput(key=old["goal"].key, kind="goal", text=old["goal"].text, need_key=need.key),
        ItemInput(key=old["effort"].key, kind="effort", text=old["effort"].text,
                  need_key=need.key,
                  responsible_organisation_id=old["effort"].responsible_organisation_id),
        ItemInput(key=uuid.uuid4(), kind="effort", text="Familjebehandling",
                  responsible_organisation_id=social.organisation.pk),
    ]  # fmt: skip
    _save(
        social, case, items=items, no_measures_by_others=True, child_view="Bättre nu.",
        follow_up_on=TOMORROW + datetime.timedelta(days=60),
    )  # fmt: skip
    view = plan_selectors.diff_versions(
        plan_selectors.plan_view(plan_selectors.version_of(case, 1)),
        plan_selectors.plan_view(plan_selectors.version_of(case, 2)),
    )
    summary = {(c.status, (c.new or c.old).text) for c in view.items}
    assert summary == {
        ("changed", "Sover mycket dåligt"), ("added", "Familjebehandling"),
        ("removed", "Anpassad skolstart"),
    }  # fmt: skip
    assert {f.name for f in view.fields} == {"child_view", "no_measures_by_others", "follow_up_on"}
    page = actor_client(social).get(reverse("plans:plan_diff", args=[case.pk]) + "?from=1&to=2")
    html = page.content.decode()
    # Marked in words and with ins/del, not by colour alone.
    assert _("Added") in html
    assert _("Removed") in html
    assert "<del>Anpassad skolstart</del>" in html


def test_optimistic_locking_refuses_a_stale_save_and_keeps_the_typed_text(
    complete_draft, case, social, bup, actor_client
):
    client = actor_client(bup)
    url = reverse("plans:plan_edit", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = _form_data(page)
    # Meanwhile the caseworker saves.
    _save(social, case, items=_complete_items(case, social), child_view="Sagt i går.")
    data["child_view"] = "Mina egna ord från BUP."
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sagt i går." in html
    assert "Mina egna ord från BUP." in html
    assert PlanVersion.objects.get(case=case).child_view == "Sagt i går."
    # Saving again after seeing the other version goes through.
    again = _form_data(response)
    assert client.post(url, again).status_code == 302
    assert PlanVersion.objects.get(case=case).child_view == "Mina egna ord från BUP."


def test_a_double_submit_of_the_same_save_is_no_conflict(complete_draft, case, social):
    draft = PlanVersion.objects.get(case=case)
    stored = list(draft.items.order_by("kind", "position"))
    args = dict(
        actor=social, case_id=case.pk, lock_version=draft.lock_version - 1,
        child_view=draft.child_view, child_view_missing_reason="",
        no_measures_by_others=False, follow_up_on=draft.follow_up_on,
        follow_up_how=draft.follow_up_how,
        items=[ItemInput(key=i.key, kind=i.kind, text=i.text, need_key=i.need_key,
                         responsible_principal_id=i.responsible_principal_id,
                         responsible_organisation_id=i.responsible_organisation_id,
                         responsible_other=i.responsible_other) for i in stored],
    )  # fmt: skip
    assert plan_services.save_draft(**args).lock_version == draft.lock_version


def _form_data(response) -> dict:
    """What the browser would send back: every field as rendered."""
    import re

    html = response.content.decode()
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        data[name] = value
    for match in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*>', html):
        tag = match.group(0)
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data[match.group(1)] = "on"
        elif 'value="' in tag and match.group(1) not in data:
            data[match.group(1)] = re.search(r'value="([^"]*)"', tag).group(1)
    for name, text in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html, re.S
    ):
        data[name] = text.replace("&#x27;", "'")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    data.pop("csrfmiddlewaretoken", None)
    data.pop("language", None)
    data.pop("next", None)
    return data


def test_bad_input_is_refused_with_reasons_and_kept(complete_draft, case, social, actor_client):
    client = actor_client(social)
    url = reverse("plans:plan_edit", args=[case.pk])
    data = _form_data(client.get(url))
    data["child_view"] = "x" * 8001
    data["follow_up_on"] = "2001-01-01"
    data["goal-0-need"] = "not-a-need"
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert _("Please correct the following") in html
    assert _("The follow-up date must be today or later.") in html
    assert "x" * 8001 in html
    assert PlanVersion.objects.get(case=case).child_view == "Jag vill kunna sova."


def test_bad_input_contradictions_are_refused(complete_draft, case, social):
    with pytest.raises(ValidationError):
        _save(social, case, items=_complete_items(case, social), no_measures_by_others=True)
    outsider = make_actor()
    items = _complete_items(case, social)
    items[2] = ItemInput(key=uuid.uuid4(), kind="effort", text="Något",
                         responsible_organisation_id=outsider.organisation.pk)  # fmt: skip
    with pytest.raises(ValidationError):
        _save(social, case, items=items)


def test_sek_2_hidden_items_marked_for_staff_and_left_out_for_guardians(
    complete_draft, case, social, actor_client
):
    items = _complete_items(case, social)
    items[2] = ItemInput(**{**items[2].__dict__, "hidden_from_guardians": True})
    _save(social, case, items=items)
    client = actor_client(social)
    staff = client.get(reverse("plans:plan_print", args=[case.pk, 1])).content.decode()
    family = client.get(
        reverse("plans:plan_print", args=[case.pk, 1]) + "?for=guardians"
    ).content.decode()
    assert "Samtalsbehandling på BUP" in staff
    assert _("Hidden from guardians") in staff
    assert "Samtalsbehandling på BUP" not in family
    assert _("Hidden from guardians") not in family


def test_sip_8_document_marked_with_version_and_date_in_both_languages(
    complete_draft, case, social, actor_client
):
    version = _finalise(social, case)
    client = actor_client(social)
    url = reverse("plans:plan_print", args=[case.pk, 1])
    date = timezone.localtime(version.finalised_at).strftime("%Y-%m-%d")
    english = client.get(url + "?lang=en").content.decode()
    assert f"Version 1, finalised {date}" in english
    assert 'lang="en"' in english
    swedish = client.get(url + "?lang=sv").content.decode()
    assert 'lang="sv"' in swedish
    assert date in swedish
    pdf = client.get(reverse("plans:plan_pdf", args=[case.pk, 1]) + "?lang=en")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Cache-Control"] == "no-store"


def test_sip_8_pdf_prints_every_name_a_register_holds(complete_draft, case, social, actor_client):
    # In PDF's built-in Latin-1 fonts these printed as "?ukasz ?ahin" and "????".
    case.child.first_name, case.child.last_name = "Łukasz", "Şahin"
    case.child.save()
    items = _complete_items(case, social)
    items[2] = ItemInput(**{**items[2].__dict__, "text": "Stödsamtal med morbror محمد"})
    _save(social, case, items=items)
    url = reverse("plans:plan_pdf", args=[case.pk, 1]) + "?lang=en"
    response = actor_client(social).get(url)
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Child: Łukasz Şahin" in text
    assert "Stödsamtal med morbror محمد" in text


def test_access_a_non_party_organisation_gets_404_and_is_audited(
    complete_draft, case, actor_client
):
    outsider = make_actor(unit__organisation__kind=Organisation.Kind.BUP, role=Role.CLINICIAN)
    client = actor_client(outsider)
    for name, args in [
        ("plans:plan_versions", [case.pk]), ("plans:plan_edit", [case.pk]),
        ("plans:plan_version", [case.pk, 1]), ("plans:plan_print", [case.pk, 1]),
        ("plans:plan_pdf", [case.pk, 1]), ("plans:plan_diff", [case.pk]),
    ]:  # fmt: skip
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("plans:plan_finalise", args=[case.pk])).status_code == 404
    assert Entry.objects.filter(staff_id=outsider.staff.pk, outcome="denied").count() == 7
    # Changing, as reading: the same error for "not yours" as for "no such SIP".
    with pytest.raises(CaseNotFound):
        _finalise(outsider, case)


def test_access_reading_a_version_is_audited_for_planning(complete_draft, case, bup, actor_client):
    response = actor_client(bup).get(reverse("plans:plan_version", args=[case.pk, 1]))
    assert response.status_code == 200
    entry = Entry.objects.filter(staff_id=bup.staff.pk, action="read").latest("id")
    assert (entry.child_id, entry.purpose, entry.basis["basis"]) == (
        case.child_id,
        Purpose.PLANNING,
        "consent",
    )


def test_case_section_queries_are_bounded(complete_draft, case, django_assert_max_num_queries):
    from django.template import Context, Template

    template = Template('{% include "plans/plan/_case_section.html" %}')
    with django_assert_max_num_queries(6):
        html = template.render(Context({"case": case}))
    assert _("Finalise the plan") in html


def test_sip_6_finalise_page_names_what_is_missing_and_changes_nothing(
    complete_draft, case, social, actor_client
):
    Case.objects.filter(pk=case.pk).update(coordinator_organisation=None)
    client = actor_client(social)
    url = reverse("plans:plan_finalise", args=[case.pk])
    response = client.post(url, {"lock_version": complete_draft.lock_version})
    assert response.status_code == 200
    assert _("The SIP has no principal with overall responsibility yet (SIP-6, point 4).") in (
        response.content.decode()
    )
    Case.objects.filter(pk=case.pk).update(coordinator_organisation=social.organisation)
    done = client.post(url, {"lock_version": complete_draft.lock_version})
    assert done.status_code == 302
    assert PlanVersion.objects.get(case=case).status == PlanVersion.Status.FINAL
