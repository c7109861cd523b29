"""The consultation tests' county: a school (the asker), BUP with two units (the consulted),
and social services in another municipality (a third organisation)."""

from __future__ import annotations

import pytest

from samsyn.directory.tests.counties import County, make_county


@pytest.fixture
def county(db) -> County:
    return make_county(social_elsewhere=True)
