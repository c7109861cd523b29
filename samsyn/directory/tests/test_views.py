"""The directory page (DOMAIN GOV-2: know each other's responsibilities)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PrincipalFactory,
    StaffFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("directory:list")


def _fill_search_vectors():
    # What the directory's maintenance (a trigger or the demo generator) does to `search`.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE directory_organisation SET search ="
            " setweight(to_tsvector('swedish', name), 'A')"
            " || setweight(to_tsvector('swedish', mandate), 'B')"
            " || setweight(to_tsvector('swedish', competence), 'C')"
        )


@pytest.fixture
def bup():
    return OrganisationFactory(
        name="BUP Region Örebro län",
        kind=Organisation.Kind.BUP,
        principal=PrincipalFactory(name="Region Örebro län", kind="region", code="18"),
        mandate=(
            "Utredning och behandling av barn med psykisk ohälsa, neuropsykiatriska utredningar."
        ),
        competence="Barnpsykiatri, psykologer, specialistsjuksköterskor.",
        contact_route="Remiss från vårdcentral eller elevhälsa.",
        priorities="Akuta suicidrisker först.",
        phone="019-602 00 00",
    )


@pytest.fixture
def social():
    return OrganisationFactory(
        name="Socialtjänsten Kumla",
        kind=Organisation.Kind.SOCIAL_SERVICES,
        principal=PrincipalFactory(name="Kumla kommun", code="1881"),
        mandate="Barn och unga som far illa: utredningar efter orosanmälningar, insatser i hemmet.",
        competence="Socionomer, familjebehandlare.",
    )


def test_gov_2_directory_needs_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", list(Role))
def test_gov_2_every_role_may_use_the_directory(actor_client, role, bup):
    response = actor_client(role=role).get(LIST)
    assert response.status_code == 200
    assert "BUP Region Örebro län" in response.text


def test_gov_2_search_finds_by_swedish_mandate_words(actor_client, bup, social):
    _fill_search_vectors()
    # "utredningarna" and "psykiska" are other inflections of words in BUP's mandate: the
    # Swedish stemmer has to bring them together.
    response = actor_client().get(LIST, {"q": "psykiska utredningarna"})
    assert response.status_code == 200
    assert "BUP Region Örebro län" in response.text
    assert "Socialtjänsten Kumla" not in response.text


def test_gov_2_search_works_before_the_stored_vector_is_filled(actor_client, bup, social):
    response = actor_client().get(LIST, {"q": "insatserna"})
    assert "Socialtjänsten Kumla" in response.text
    assert "BUP Region Örebro län" not in response.text


def test_gov_2_short_words_match_as_substrings(actor_client, bup, social):
    _fill_search_vectors()
    response = actor_client().get(LIST, {"q": "BU"})
    assert "BUP Region Örebro län" in response.text
    assert "Socialtjänsten Kumla" not in response.text


def test_gov_2_filter_by_principal_and_kind(actor_client, bup, social):
    client = actor_client()
    by_principal = client.get(LIST, {"principal": social.principal_id})
    assert "Socialtjänsten Kumla" in by_principal.text
    assert "BUP Region Örebro län" not in by_principal.text
    by_kind = client.get(LIST, {"kind": Organisation.Kind.BUP})
    assert "BUP Region Örebro län" in by_kind.text
    assert "Socialtjänsten Kumla" not in by_kind.text


def test_gov_2_a_wrong_filter_is_reported_and_the_input_kept(actor_client, bup):
    response = actor_client().get(LIST, {"q": "barn", "kind": "nonsense"})
    assert response.status_code == 200
    assert "data-error-summary" in response.text
    assert 'value="barn"' in response.text
    assert 'href="#id_kind"' in response.text


def test_gov_2_directory_is_paginated(actor_client):
    principal = PrincipalFactory()
    for number in range(45):
        OrganisationFactory(principal=principal, name=f"Organisation {number:02d}")
    client = actor_client()
    first = client.get(LIST)
    assert "Organisation 00" in first.text
    assert "Organisation 20" not in first.text
    third = client.get(LIST, {"page": 3})
    assert "Organisation 40" in third.text
    assert "Organisation 00" not in third.text
    assert 'aria-current="page"' in third.text


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_gov_2_list_queries_do_not_grow_with_the_directory(actor_client):
    client = actor_client()
    principal = PrincipalFactory()
    for number in range(5):
        OrganisationFactory(principal=principal, mandate="barn och unga", name=f"A {number}")
    few = _count_queries(client, LIST, {"q": "barn"})
    for number in range(40):
        OrganisationFactory(
            principal=PrincipalFactory(), mandate="barn och unga", name=f"B {number}"
        )
    assert _count_queries(client, LIST, {"q": "barn"}) == few


def test_gov_2_organisation_page_shows_responsibilities_and_units(actor_client, bup):
    unit = UnitFactory(organisation=bup, name="BUP Lindesberg")
    MembershipFactory(
        unit=unit,
        role=Role.CLINICIAN,
        staff=StaffFactory(name="Karin Berg", title="Psykolog", email="karin@example.se"),
    )
    MembershipFactory(unit=unit, role=Role.UNIT_MANAGER, staff=StaffFactory(name="Per Ek"))
    MembershipFactory(unit=unit, role=Role.CLINICIAN, active=False, staff=StaffFactory(name="Gone"))
    response = actor_client().get(reverse("directory:organisation", args=[bup.pk]))
    assert response.status_code == 200
    text = response.text
    for expected in [
        "Region Örebro län",
        "neuropsykiatriska utredningar",
        "Barnpsykiatri",
        "Akuta suicidrisker först.",
        "Remiss från vårdcentral",
        "019-602 00 00",
        "BUP Lindesberg",
        "Karin Berg, Psykolog",
        "Per Ek",
    ]:
        assert expected in text
    assert "karin@example.se" not in text  # no staff contact details beyond names and titles
    assert "Gone" not in text


def test_gov_2_organisation_page_queries_do_not_grow_with_units(actor_client, bup):
    client = actor_client()
    url = reverse("directory:organisation", args=[bup.pk])
    for number in range(2):
        MembershipFactory(unit=UnitFactory(organisation=bup, name=f"A {number}"))
    few = _count_queries(client, url)
    for number in range(15):
        unit = UnitFactory(organisation=bup, name=f"B {number}")
        MembershipFactory(unit=unit)
        MembershipFactory(unit=unit)
    assert _count_queries(client, url) == few


def test_gov_2_unknown_organisation_is_404(actor_client):
    assert actor_client().get(reverse("directory:organisation", args=[999999])).status_code == 404


def test_gov_2_search_form_updates_results_with_htmx_and_announces_the_count(actor_client, bup):
    response = actor_client().get(LIST, {"q": "BUP"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="directory-results"' in response.text
    assert 'id="directory-status" role="status"' in response.text
    assert 'hx-get="/directory/"' in response.text
