"""What every trial does around its own work: a server of its own built, signed in to as a
caseworker with a token per editor on the demo's draft plan, and closed at the end; its data kept
for reading when the trial found a problem."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from samsyn.trial import plan
from samsyn.trial.client import Api, Browser, TrialError
from samsyn.trial.server import TrialServer

STAFF = "handlaggare"


class Report(Protocol):
    problems: list[str]
    seconds: float

    @property
    def ok(self) -> bool: ...


@contextmanager
def trial_server(
    report: Report, *, children: int, workers: int, keep: bool,
    progress: Callable[[str], None],
) -> Iterator[TrialServer]:  # fmt: skip
    """The built server, not yet started. A TrialError ends the trial as one of its problems."""
    started = time.monotonic()
    server = TrialServer(children=children, workers=workers, keep=keep)
    try:
        progress(f"Building the trial's demo county in {server.root}…")
        server.build()
        yield server
    except TrialError as error:
        report.problems.append(str(error))
    finally:
        report.seconds = time.monotonic() - started
        server.close(keep=not report.ok)
        if not report.ok:
            progress(f"The trial's data and server log are kept in {server.root}.")


@dataclass(frozen=True)
class Editing:
    apis: list[Api]
    draft: plan.Draft
    version_id: int
    # The saves committed and audited before the trial's own.
    lock_before: int
    audited_before: int


def edit_draft(server: TrialServer, editors: list[str]) -> Editing:
    """The started server's draft plan, with an API token for each named editor."""
    browser = Browser(server.base)
    browser.sign_in(STAFF)
    apis = [Api(server.base, browser.make_token(editor)) for editor in editors]
    draft = plan.find_draft(apis[0])
    version_id = plan.version_id(server, draft)
    lock_before, audited_before = plan.committed_saves(server, version_id)
    return Editing(apis, draft, version_id, lock_before, audited_before)
