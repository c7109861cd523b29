"""DOMAIN LOG-3 (ASVS 7.2.2): every refused access decision is logged like a read, for every
role — an administrator or analyst opening a child, on a page or in the API (issue 13 found 80 of
600 denials with no audit row)."""

import pytest
from django.urls import reverse

from samsyn.api.tests.conftest import token_client
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, actor_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.ANALYST])
def test_log_3_a_role_refused_a_child_is_logged_on_the_page_and_in_the_api(actor_client, role):
    child = ChildFactory()
    membership = MembershipFactory(role=role)
    page = actor_client(actor_of(membership)).get(reverse("children:detail", args=[child.pk]))
    api = token_client(membership)[0].get(f"/api/children/{child.pk}")
    assert (page.status_code, api.status_code) == (403, 403)
    refused = Entry.objects.filter(staff_id=membership.staff_id, outcome="denied")
    assert refused.count() == 2
    assert set(refused.values_list("child_id", "object_type", "role")) == {
        (child.pk, "role_permission", role)
    }
