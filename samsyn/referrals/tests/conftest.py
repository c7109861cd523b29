"""The referral tests' county: social services of the child's municipality (the sender), BUP
with two units (the receiver, and a unit with no part in the child), and a school."""

from __future__ import annotations

import pytest

from samsyn.directory.tests.counties import County, make_county


@pytest.fixture
def county(db) -> County:
    return make_county()
