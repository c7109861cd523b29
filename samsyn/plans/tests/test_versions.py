import datetime
import io
import re
import uuid
from html.parser import HTMLParser

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
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import PrincipalFactory, make_actor
from samsyn.plans.models import Case, Meeting, PlanItem, PlanVersion, SipSettings
from samsyn.plans.selectors import versions as plan_selectors
from samsyn.plans.selectors.cases import CaseNotFound
from samsyn.plans.services import versions as plan_services
from samsyn.plans.services.versions import ItemInput
from samsyn.plans.tests.factories import CaseFactory, MeetingFactory, PartyFactory

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
    # The meeting the plan was drawn up at (SIP-10); the SIP-10 tests take it away.
    MeetingFactory(case=case, booked_by=social.staff, held=True)
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


def test_sip_6_point_5_not_required_where_the_region_says_so(complete_draft, case, social):
    region = PrincipalFactory(kind=Principal.Kind.REGION, code=case.child.municipality.code[:2])
    SipSettings.objects.create(region=region, follow_up_required=False)
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


class _Fields(HTMLParser):
    """The fields of a page as a browser sends them: (name, value) in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self.textarea: list[str] | None = None
        self.select: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "disabled" in a:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.pairs.append((a["name"], a.get("value") or ("on" if "checked" in a else "")))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]
        elif tag == "select":
            self.select = [a["name"], None, None]
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select[1] = value if self.select[1] is None else self.select[1]
            self.select[2] = value if "selected" in a else self.select[2]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            # The parser keeps the line break HTML drops after <textarea>.
            name, text = self.textarea
            self.pairs.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, first, chosen = self.select
            self.pairs.append((name, chosen if chosen is not None else first or ""))
            self.select = None


def _form_data(response) -> dict:
    """What the browser would send back: every field as rendered; a repeated name (the plan's
    `row`) as the list of its values, in order."""
    fields = _Fields()
    fields.feed(response.content.decode())
    data: dict = {}
    for name, value in fields.pairs:
        if name in ("csrfmiddlewaretoken", "language", "next"):
            continue
        if name in data:
            data[name] = (
                [*data[name], value] if isinstance(data[name], list) else [data[name], value]
            )
        else:
            data[name] = value
    return data


def _label(kind: str, number: str, field: str = "Text") -> str:
    # "Goal 1.2: Text", as plan_forms.ItemForm labels a row's fields.
    return _("%(kind)s %(number)s: %(field)s") % {"kind": _(kind), "number": number,
                                                  "field": _(field)}  # fmt: skip


def _name_of(response, label: str) -> str:
    """The name of the field a label names, as a browser user finds it."""
    html = response.content.decode()
    for target, text in re.findall(r'<label[^>]*for="([^"]+)"[^>]*>(.*?)</label>', html, re.S):
        if re.sub(r"<[^>]+>", "", text).strip().startswith(label):
            tag = re.search(rf'<[^>]*\bid="{re.escape(target)}"[^>]*>', html).group(0)
            return re.search(r'name="([^"]+)"', tag).group(1)
    raise AssertionError(f"no field labelled {label!r}")


def _fill(response, values: dict[str, str], **extra) -> dict:
    """The page's fields as sent back, with the fields named by these labels filled in."""
    data = _form_data(response)
    for label, value in values.items():
        data[_name_of(response, label)] = value
    return data | extra


def test_bad_input_is_refused_with_reasons_and_kept(complete_draft, case, social, actor_client):
    client = actor_client(social)
    url = reverse("plans:plan_edit", args=[case.pk])
    page = client.get(url)
    data = _form_data(page)
    data["child_view"] = "x" * 8001
    data["follow_up_on"] = "2001-01-01"
    data[_name_of(page, _label("Goal", "1.1"))] = "y" * 4001
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert _("Please correct the following") in html
    assert _("The follow-up date must be today or later.") in html
    assert "x" * 8001 in html
    assert "y" * 4001 in html
    # The browser never cuts a text: a text area has no maxlength, the server says the limit.
    assert not re.search(r"<textarea[^>]*maxlength", html)
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


@pytest.fixture
def new_plan(case, social):
    case.coordinator_organisation = social.organisation
    case.save()
    return plan_services.start_plan(actor=social, case_id=case.pk)


def test_editor_a_need_its_goals_and_efforts_are_saved_in_one_go(
    new_plan, case, social, bup, actor_client
):
    # On main the goal had to choose a saved need, so this first save was refused
    # ("Mål 1: Behov som tillgodoses: Detta fält måste fyllas i.") and the need was not kept.
    client = actor_client(social)
    url = reverse("plans:plan_edit", args=[case.pk])
    page = client.get(url)
    data = _fill(page, {
        _label("Need", "1"): "Sover dåligt",
        _label("Goal", "1.1"): "Sova hela nätter",
        _label("Effort", "1.1"): "Samtalsbehandling på BUP",
        _label("Measure by others", "1"): "Anpassad skolstart",
        _label("Measure by others", "1", "Responsible (school, police …)"): "Ekängsskolan",
    })  # fmt: skip
    data[_name_of(page, _label("Effort", "1.1", "Responsible organisation"))] = str(
        bup.organisation.pk
    )
    assert client.post(url, data).status_code == 302
    items = {i.kind: i for i in PlanVersion.objects.get(case=case).items.all()}
    assert set(items) == {"need", "goal", "effort", "other_measure"}
    assert items["goal"].need_key == items["effort"].need_key == items["need"].key
    assert items["effort"].responsible_principal_id == bup.organisation.principal_id


def test_editor_adds_a_row_without_javascript_keeping_everything_typed(
    new_plan, case, social, actor_client
):
    client = actor_client(social)
    url = reverse("plans:plan_edit", args=[case.pk])
    page = client.get(url)
    need_key = _name_of(page, _label("Need", "1")).removesuffix("-text")
    typed = {_label("Need", "1"): "Sover dåligt", _label("Goal", "1.1"): "Sova hela nätter"}
    data = _fill(page, typed, child_view="Jag vill sova.", add=f"goal:{need_key}")
    again = client.post(url, data)
    assert again.status_code == 200
    html = again.content.decode()
    assert "Sover dåligt" in html
    assert "Sova hela nätter" in html
    assert "Jag vill sova." in html
    assert _label("Goal", "1.2") in html
    assert _("Please correct the following") not in html
    # Only redrawn: nothing saved, and the page still carries the version it was opened on.
    draft = PlanVersion.objects.get(case=case)
    assert (draft.lock_version, draft.items.count(), draft.child_view) == (1, 0, "")
    data = _fill(again, {_label("Goal", "1.2"): "Orka skolan"})
    assert client.post(url, data).status_code == 302
    goals = PlanItem.objects.filter(version=draft, kind="goal").order_by("position")
    assert [g.text for g in goals] == ["Sova hela nätter", "Orka skolan"]
    assert PlanVersion.objects.get(case=case).child_view == "Jag vill sova."


def test_editor_removes_a_need_with_its_rows_without_javascript(
    complete_draft, case, social, actor_client
):
    client = actor_client(social)
    url = reverse("plans:plan_edit", args=[case.pk])
    page = client.get(url)
    need_key = _name_of(page, _label("Need", "1")).removesuffix("-text")
    gone = client.post(url, _fill(page, {}, add="", remove=need_key))
    html = gone.content.decode()
    assert gone.status_code == 200
    assert "Sover dåligt" not in html
    assert "Sova hela nätter" not in html
    assert "Anpassad skolstart" in html
    assert PlanVersion.objects.get(case=case).items.count() == 4  # saved only on save
    assert client.post(url, _form_data(gone)).status_code == 302
    kinds = PlanVersion.objects.get(case=case).items.values_list("kind", flat=True)
    assert list(kinds) == ["other_measure"]


def test_editor_a_goal_under_an_empty_need_asks_for_the_need(new_plan, case, social, actor_client):
    client = actor_client(social)
    url = reverse("plans:plan_edit", args=[case.pk])
    page = client.get(url)
    response = client.post(url, _fill(page, {_label("Goal", "1.1"): "Sova hela nätter"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{_label('Need', '1')}: {_('This field is required.')}" in html
    assert "Sova hela nätter" in html
    assert PlanVersion.objects.get(case=case).items.count() == 0


def test_editor_htmx_gets_one_new_row_and_the_button_for_the_next(
    complete_draft, case, social, actor_client
):
    client = actor_client(social)
    page = client.get(reverse("plans:plan_edit", args=[case.pk]))
    need_key = _name_of(page, _label("Need", "1")).removesuffix("-text")
    url = reverse("plans:plan_row", args=[case.pk])
    reads = Entry.objects.filter(action="read", child_id=case.child_id).count()
    row = client.get(url, {"add": f"goal:{need_key}", "number": "1.2"})
    html = row.content.decode()
    assert row.status_code == 200
    assert _label("Goal", "1.2") in html
    assert 'name="row" value="' in html
    assert f'value="{need_key}"' in html  # the new goal serves this need
    assert "autofocus" in html
    assert 'hx-swap-oob="true"' in html
    assert "?number=1.3" in html
    assert Entry.objects.filter(action="read", child_id=case.child_id).count() == reads + 1
    need = client.get(url, {"add": "need", "number": "2"}).content.decode()
    for label in (_label("Need", "2"), _label("Goal", "2.1"), _label("Effort", "2.1")):
        assert label in need
    assert "?number=3" in need
    for bad in ({"add": "goal", "number": "1"}, {"add": "need", "number": "x"}, {}):
        assert client.get(url, bad).status_code == 400
    outsider = make_actor(unit__organisation__kind=Organisation.Kind.BUP, role=Role.CLINICIAN)
    assert actor_client(outsider).get(url, {"add": "need", "number": "2"}).status_code == 404


def test_editor_counts_characters_and_keeps_line_breaks_as_one(
    new_plan, case, social, actor_client
):
    client = actor_client(social)
    url = reverse("plans:plan_edit", args=[case.pk])
    page = client.get(url)
    html = page.content.decode()
    assert 'data-counter="4000"' in html
    assert 'data-counter="8000"' in html
    # 3999 characters and a line break, as the page counts them: the browser sends "\r\n".
    text = "x" * 2000 + "\r\n" + "x" * 1999
    data = _fill(page, {_label("Need", "1"): text})
    assert client.post(url, data).status_code == 302
    assert PlanItem.objects.get(version=new_plan).text == "x" * 2000 + "\n" + "x" * 1999


def test_editor_queries_do_not_grow_with_the_rows(
    complete_draft, case, social, actor_client, django_assert_max_num_queries
):
    client = actor_client(social)
    url = reverse("plans:plan_edit", args=[case.pk])
    items = _complete_items(case, social)
    more = [
        ItemInput(key=uuid.uuid4(), kind="effort", text=f"Insats {n}", need_key=items[0].key,
                  responsible_organisation_id=items[2].responsible_organisation_id)
        for n in range(8)
    ]  # fmt: skip
    _save(social, case, items=items + more)
    # As many as for one effort (21 and 38 here); on main each effort row cost two more
    # queries to draw and two to save.
    with django_assert_max_num_queries(21):
        page = client.get(url)
    assert page.content.decode().count('name="row"') == 12
    with django_assert_max_num_queries(38):
        assert client.post(url, _form_data(page)).status_code == 302


# --- SIP-10: the first version is drawn up at a held meeting, or says why not ---------------

SIP_10 = (
    "No SIP meeting has been held with its minutes recorded. The first version is finalised "
    "after the meeting, or with the reason it cannot wait (SIP-10)."
)
NOT_HELD = {
    "booked_for_next_week": {},
    "held_without_minutes": {"held": True, "minutes": ""},
    "cancelled": {"held": True, "cancelled_at": timezone.now()},
}


@pytest.mark.parametrize("meeting", NOT_HELD.values(), ids=NOT_HELD.keys())
def test_sip_10_first_version_refused_until_a_meeting_is_held(
    complete_draft, case, social, meeting
):
    Meeting.objects.filter(case=case).delete()
    MeetingFactory(case=case, booked_by=social.staff, **meeting)
    with pytest.raises(plan_services.PlanIncomplete) as refused:
        _finalise(social, case)
    assert refused.value.messages == [_(SIP_10)]
    assert plan_selectors.missing_for_finalising(case, complete_draft) == [_(SIP_10)]
    MeetingFactory(case=case, booked_by=social.staff, held=True)
    assert _finalise(social, case).no_meeting_reason == ""


def test_sip_10_a_recorded_reason_finalises_version_1_without_a_meeting(
    complete_draft, case, social, actor_client
):
    Meeting.objects.filter(case=case).delete()
    reason = "Skolstarten kan inte vänta på mötet i december; planen stäms av där."
    version = plan_services.finalise_plan(
        actor=social, case_id=case.pk, lock_version=complete_draft.lock_version,
        no_meeting_reason=f"  {reason}  ",
    )  # fmt: skip
    assert (version.status, version.no_meeting_reason) == (PlanVersion.Status.FINAL, reason)
    entry = Entry.objects.filter(action="plan_finalised", child_id=case.child_id).get()
    assert entry.detail["without_meeting"] is True
    client = actor_client(social)
    said = _("Finalised without a held SIP meeting (SIP-10), because:")
    for name in ("plans:plan_version", "plans:plan_print"):
        html = client.get(reverse(name, args=[case.pk, 1])).content.decode()
        assert said in html
        assert reason in html
    pdf = client.get(reverse("plans:plan_pdf", args=[case.pk, 1]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "SIP-10" in text
    # A follow-up is no first plan: version 2 waits for no meeting.
    plan_services.start_plan(actor=social, case_id=case.pk)
    _save(social, case, items=_complete_items(case, social))
    assert _finalise(social, case).no_meeting_reason == ""


def test_sip_10_a_reason_where_none_is_needed_is_refused(complete_draft, case, social):
    with pytest.raises(ValidationError) as refused:
        plan_services.finalise_plan(
            actor=social, case_id=case.pk, lock_version=complete_draft.lock_version,
            no_meeting_reason="Bråttom.",
        )  # fmt: skip
    assert "no_meeting_reason" in refused.value.error_dict
    _finalise(social, case)
    plan_services.start_plan(actor=social, case_id=case.pk)
    draft = _save(social, case, items=_complete_items(case, social))
    Meeting.objects.filter(case=case).delete()
    with pytest.raises(ValidationError) as refused:
        plan_services.finalise_plan(
            actor=social, case_id=case.pk, lock_version=draft.lock_version,
            no_meeting_reason="Bråttom.",
        )  # fmt: skip
    assert "no_meeting_reason" in refused.value.error_dict
    assert PlanVersion.objects.get(case=case, number=2).status == PlanVersion.Status.DRAFT


def test_sip_10_finalise_page_asks_why_and_keeps_what_was_typed(
    complete_draft, case, social, actor_client
):
    Meeting.objects.filter(case=case).delete()
    client = actor_client(social)
    url = reverse("plans:plan_finalise", args=[case.pk])
    page = client.get(url).content.decode()
    assert _(SIP_10) in page
    assert 'name="no_meeting_reason"' in page
    lock = {"lock_version": complete_draft.lock_version}
    refused = client.post(url, lock | {"no_meeting_reason": ""}).content.decode()
    assert _("The plan cannot be finalised yet") in refused
    assert _(SIP_10) in refused
    too_long = client.post(url, lock | {"no_meeting_reason": "x" * 2001}).content.decode()
    assert "x" * 2001 in too_long
    assert PlanVersion.objects.get(case=case).status == PlanVersion.Status.DRAFT
    done = client.post(url, lock | {"no_meeting_reason": "Mötet ställdes in av vädret."})
    assert done.status_code == 302
    assert "Mötet ställdes in av vädret." in client.get(done.url).content.decode()


def test_sip_10_finalise_page_asks_nothing_once_a_meeting_is_held(
    complete_draft, case, social, actor_client
):
    page = actor_client(social).get(reverse("plans:plan_finalise", args=[case.pk]))
    assert 'name="no_meeting_reason"' not in page.content.decode()
