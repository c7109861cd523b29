"""The trials' checks themselves, without a server: each must be able to find what it looks for."""

from samsyn.trial import plan
from samsyn.trial.concurrency import Save, overwritten
from samsyn.trial.crash import lost_saves


def _stored(body: dict) -> dict:
    """A plan as the API answers it, from what was sent."""
    return {**body, "items": [{"need_key": None, **item} for item in body["items"]]}


def test_a_whole_plan_reads_as_its_save():
    assert plan.read_tag(_stored(plan.content("c1-s2", 3, 1))) == ("c1-s2", True)


def test_a_plan_missing_an_item_is_half_written():
    stored = _stored(plan.content("c1-s2", 3, 1))
    stored["items"].pop()
    assert plan.read_tag(stored) == ("c1-s2", False)


def test_a_plan_mixing_two_saves_is_half_written():
    stored = _stored(plan.content("c1-s2", 2, 1))
    stored["items"] += _stored(plan.content("c1-s1", 1, 1))["items"]
    stored["items"] = stored["items"][-4:]
    assert plan.read_tag(stored)[1] is False


def test_an_acknowledged_save_missing_after_the_restart_is_lost():
    attempted = ["c1-s1", "c1-s2", "c1-s3"]
    acknowledged = [("c1-s1", 2), ("c1-s2", 3)]
    assert lost_saves(attempted, acknowledged, 3, "c1-s3", 4) == 0  # the one in flight kept
    assert lost_saves(attempted, acknowledged, 2, "c1-s2", 3) == 0  # the one in flight not
    assert lost_saves(attempted, acknowledged, 1, "c1-s1", 2) == 1
    assert lost_saves(attempted, acknowledged, 2, "c1-s1", 3) == 1  # counted, but not there


def test_two_saves_acknowledged_from_one_read_are_a_silent_overwrite():
    chain = [Save(1, "e1-r1", 1, 200, 2), Save(2, "e2-r1", 2, 200, 3)]
    assert overwritten(chain) == 0
    both = [Save(1, "e1-r1", 1, 200, 2), Save(2, "e2-r1", 1, 200, 2)]
    assert overwritten(both) == 1
