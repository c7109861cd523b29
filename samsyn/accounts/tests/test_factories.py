"""The accounts factories make what they claim: a token that signs in to the API until it
expires."""

import pytest
from django.test import Client

from samsyn.accounts.tests.factories import ApiTokenFactory

pytestmark = pytest.mark.django_db
SECRET = "ssn_made-by-the-factory"


@pytest.mark.parametrize(("traits", "status"), [({}, 200), ({"expired": True}, 401)])
def test_a_token_signs_in_to_the_api_until_it_expires(traits, status):
    ApiTokenFactory(secret=SECRET, **traits)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {SECRET}")
    assert api.get("/api/directory/organisations").status_code == status
