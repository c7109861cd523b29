"""The child list and the child's page: each viewer sees only what that viewer may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianFactory,
    GuardianshipFactory,
    InvolvementFactory,
    ProtectedIdentityNeedFactory,
)
from samsyn.children.tests.helpers import give_consent, record_legal_ground, says

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(social, kommun):
    child = ChildFactory(municipality=kommun, street_address="Storgatan 1", city="Örebro")
    InvolvementFactory(child=child, unit=social.unit)
    return child


def _detail(client, child, **params):
    return client.get(reverse("children:detail", args=[child.pk]), params)


def test_involved_unit_sees_identity_address_guardians_and_why(social, child, client_for):
    guardian = GuardianFactory(street_address="Lillgatan 2", phone="019-123456")
    GuardianshipFactory(child=child, guardian=guardian)
    response = _detail(client_for(social), child)
    assert response.status_code == 200
    assert child.identity_display in response.content.decode()
    assert "Storgatan 1" in response.content.decode()
    assert guardian.name in response.content.decode()
    assert "019-123456" in response.content.decode()
    assert says(response, "You can see this because your unit has the child as client, "
                "patient or pupil.")  # fmt: skip
    entry = Entry.objects.filter(child_id=child.pk, action="read", object_type="child").latest("id")
    assert entry.basis["basis"] == "involvement"


def test_sek_1_other_organisation_without_ground_gets_404_and_the_attempt_is_audited(
    bup, child, client_for
):
    response = _detail(client_for(bup), child)
    assert response.status_code == 404
    assert child.last_name not in response.content.decode()
    entry = Entry.objects.filter(child_id=child.pk, outcome="denied").get()
    assert (entry.unit_id, entry.action) == (bup.unit.pk, "read")


def test_sek_1_consent_for_basic_data_shows_no_address(bup, child, client_for):
    give_consent(child, bup.unit, categories=[Category.BASIC])
    response = _detail(client_for(bup), child)
    assert response.status_code == 200
    assert child.name in response.content.decode()
    assert "Storgatan 1" not in response.content.decode()
    assert says(response, "Your ground does not cover contact details.")
    assert says(
        response,
        "You can see this because a recorded consent covers your organisation for this "
        "information and the purpose “%(purpose)s”.",
        purpose=Purpose.TREATMENT.label,
    )


def test_sek_1_consent_covering_contact_details_shows_the_address(bup, child, client_for):
    give_consent(child, bup.unit, categories=[Category.BASIC, Category.CONTACT])
    response = _detail(client_for(bup), child)
    assert "Storgatan 1" in response.content.decode()


def test_sek_1_withdrawn_consent_stops_access_at_once(bup, child, client_for):
    consent = give_consent(child, bup.unit)
    client = client_for(bup)
    assert _detail(client, child).status_code == 200
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    assert _detail(client, child).status_code == 404
    assert child.name not in client.get(reverse("children:list")).content.decode()


def test_sek_1_legal_ground_is_named_with_its_reference(bup, child, client_for):
    record_legal_ground(child, bup.unit, reference="OSL 25 kap. 12 §")
    response = _detail(client_for(bup), child)
    assert response.status_code == 200
    assert "OSL 25 kap. 12 §" in response.content.decode()


def test_purpose_selector_reads_again_for_the_chosen_purpose(bup, child, client_for):
    give_consent(child, bup.unit, purposes=[Purpose.PLANNING])
    client = client_for(bup)
    # A clinician reads for treatment by default; the consent covers planning only.
    assert _detail(client, child).status_code == 404
    response = _detail(client, child, purpose=Purpose.PLANNING)
    assert response.status_code == 200
    entry = Entry.objects.filter(child_id=child.pk, outcome="allowed").latest("id")
    assert entry.purpose == Purpose.PLANNING


def test_protected_identity_hides_address_from_the_involved_unit_until_a_need(
    social, child, client_for
):
    child.protected_identity = True
    child.save()
    guardian = GuardianFactory(street_address="Lillgatan 2")
    GuardianshipFactory(child=child, guardian=guardian)
    client = client_for(social)
    response = _detail(client, child)
    content = response.content.decode()
    assert "Storgatan 1" not in content
    assert "Örebro" not in content
    assert "Lillgatan 2" not in content
    assert child.municipality.name not in content
    assert says(response, "Protected identity: the address is shown only to units with a "
                "recorded need.")  # fmt: skip
    ProtectedIdentityNeedFactory(child=child, unit=social.unit, recorded_by=social.staff)
    content = _detail(client, child).content.decode()
    assert "Storgatan 1" in content
    assert "Lillgatan 2" in content


def test_an_expired_need_no_longer_shows_the_address(social, child, client_for):
    child.protected_identity = True
    child.save()
    ProtectedIdentityNeedFactory(
        child=child, unit=social.unit, recorded_by=social.staff, expired=True
    )
    assert "Storgatan 1" not in _detail(client_for(social), child).content.decode()


def test_list_shows_only_visible_children_and_audits_the_page(social, child, client_for):
    hidden = ChildFactory()
    response = client_for(social).get(reverse("children:list"))
    content = response.content.decode()
    assert child.name in content
    assert hidden.name not in content
    entry = Entry.objects.filter(object_type="child_list").latest("id")
    assert entry.detail["child_ids"] == [child.pk]


def test_list_hides_a_protected_childs_municipality(social, client_for):
    child = ChildFactory(protected_identity=True)
    InvolvementFactory(child=child, unit=social.unit)
    content = client_for(social).get(reverse("children:list")).content.decode()
    assert child.name in content
    assert child.municipality.name not in content


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("children:list")).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_the_data(social, kommun, client_for):
    client = client_for(social)
    for _ in range(10):
        InvolvementFactory(child=ChildFactory(municipality=kommun), unit=social.unit)
    client.get(reverse("children:list"))  # warm up: audit partition, session
    with_10 = _list_queries(client)
    for _ in range(190):
        InvolvementFactory(child=ChildFactory(municipality=kommun), unit=social.unit)
    with_200 = _list_queries(client)
    assert with_10 == with_200


def test_detail_query_count_does_not_grow_with_the_data(social, child, client_for):
    client = client_for(social)
    GuardianshipFactory(child=child)
    _detail(client, child)
    with CaptureQueriesContext(connection) as few:
        _detail(client, child)
    GuardianshipFactory(child=child)
    for _ in range(5):
        InvolvementFactory(child=child, unit=social.unit)
    with CaptureQueriesContext(connection) as more:
        _detail(client, child)
    assert len(few) == len(more)


def test_analyst_cannot_open_children(client_for, social):
    from samsyn.directory.models import Role
    from samsyn.directory.tests.factories import MembershipFactory

    analyst = MembershipFactory(unit=social.unit, role=Role.ANALYST)
    assert client_for(analyst).get(reverse("children:list")).status_code == 403
