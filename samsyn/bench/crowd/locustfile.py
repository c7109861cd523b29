"""The staff of `samsyn load` (samsyn/bench/load.py), as locust runs them: no Django here, only
HTTP against the server, as a browser would.

Each user takes the next login of the plan `load` wrote (SAMSYN_LOAD_PLAN), signs in through the
pages with the demo password and the current TOTP code, makes a personal API token on its page,
and then works: pages, a plan saved through its form, an API read. A page that answers anything
but 200, and a save that neither saves nor says why, is a failure; redirects are never followed
silently, so a session lost on the way shows as one.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from django_otp.oath import totp
from locust import HttpUser, between, task
from locust.exception import StopUser

from samsyn.bench.page_forms import form_of

PLAN = json.loads(Path(os.environ["SAMSYN_LOAD_PLAN"]).read_text())
URLS = PLAN["urls"]
_next_staff = itertools.cycle(PLAN["staff"])
# The new token's secret, as its page shows it once.
SECRET = re.compile(r'id="new-token"[^>]*value="([^"]+)"')
# The conflict page: the other person's version beside the user's.
CONFLICT = 'id="conflict-table"'
STEP = 30  # seconds a TOTP code lasts


class Staff(HttpUser):
    # Reading a page and deciding what next: a few seconds, not a benchmark's zero.
    wait_time = between(2, 8)

    def on_start(self) -> None:
        self.me = next(_next_staff)
        self.sign_in()
        self.token = self.make_token()
        # The day starts with one look at everything: even a short run does each kind once.
        for kind in (self.start_page, self.children_list, self.child_page, self.sip_page,
                     self.api_child, self.plan_save):  # fmt: skip
            kind()

    # ------------------------------------------------------------------ signing in

    def sign_in(self) -> None:
        fields = self.form("sign in: password form", URLS["login"])
        fields.update(username=[self.me["username"]], password=[PLAN["password"]])
        code_url = self.post_expecting_redirect("sign in: password", URLS["login"], fields)
        # A code signs in once: a second user of the same login waits for the next one.
        for _ in range(3):
            fields = self.form("sign in: code form", code_url)
            fields["token"] = [self.code()]
            with self.client.post(
                code_url, data=fields, name="sign in: code", allow_redirects=False,
                catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code == 302:
                    response.success()
                    return self.choose_unit(response.headers["Location"])
                if response.status_code != 200:
                    response.failure(f"code answered {response.status_code}")
                    raise StopUser
                response.success()
            time.sleep(STEP - time.time() % STEP + 1)
        raise StopUser

    def code(self) -> str:
        key = bytes.fromhex(PLAN["totp_key"])
        return f"{totp(key, step=STEP):06d}"

    def choose_unit(self, location: str) -> None:
        """The unit to act for, when the login has several: the one the plan's pages are for."""
        if "/accounts/acting-for/" not in location:
            return
        fields = self.form("sign in: acting for form", location)
        fields["membership"] = [str(self.me["membership"])]
        self.post_expecting_redirect("sign in: acting for", location, fields)

    def make_token(self) -> str:
        fields = self.form("token form", URLS["tokens"])
        fields.update(name=["samsyn load"], days=["1"])
        with self.client.post(
            URLS["tokens"], data=fields, name="token create", catch_response=True,
            allow_redirects=False,
        ) as response:  # fmt: skip
            found = SECRET.search(response.text or "")
            if response.status_code != 200 or found is None:
                response.failure(f"no token made ({response.status_code})")
                raise StopUser
            response.success()
            return found.group(1)

    # ------------------------------------------------------------------ the day's work

    @task(5)
    def child_page(self) -> None:
        self.page("child page", random.choice(self.me["child_pages"]))

    @task(3)
    def children_list(self) -> None:
        self.page("children list", URLS["children list"])

    @task(3)
    def start_page(self) -> None:
        self.page("start page", URLS["start page"])

    @task(2)
    def sip_page(self) -> None:
        if self.me["sip_pages"]:
            self.page("SIP page", random.choice(self.me["sip_pages"]))

    @task(2)
    def api_child(self) -> None:
        with self.client.get(
            random.choice(self.me["api_children"]), name="api child", catch_response=True,
            headers={"Authorization": f"Bearer {self.token}"}, allow_redirects=False,
        ) as response:  # fmt: skip
            self.expect_200(response)

    @task(1)
    def plan_save(self) -> None:
        """The draft as it is now, one field changed, saved. One save in ten gives a past
        follow-up date, which the form refuses; staff of one unit share drafts, so some saves
        meet another's and get the conflict page. Each outcome is its own row."""
        if not self.me["plan_forms"]:
            return
        url = random.choice(self.me["plan_forms"])
        fields = self.form("plan form", url)
        invalid = random.random() < 0.1
        if invalid:
            fields["follow_up_on"] = [date(2020, 1, 1).isoformat()]
        fields["follow_up_how"] = [f"Nytt SIP-möte med alla, {self.me['username']} {time.time()}"]
        with self.client.post(
            url, data=fields, name="plan save", catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code == 302 and not invalid:
                response.success()
            elif response.status_code == 200 and CONFLICT in response.text:
                self.rename(response, "plan save (conflict)")
                response.success()
            elif response.status_code == 200 and invalid and 'aria-invalid="true"' in response.text:
                self.rename(response, "plan save (refused)")
                response.success()
            else:
                response.failure(f"save answered {response.status_code} (invalid={invalid})")

    # ------------------------------------------------------------------ helpers

    def page(self, name: str, url: str) -> str:
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as r:
            self.expect_200(r)
            return r.text or ""

    def form(self, name: str, url: str) -> dict[str, list[str]]:
        return form_of(self.page(name, url))

    def post_expecting_redirect(self, name: str, url: str, fields: dict) -> str:
        with self.client.post(
            url, data=fields, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 302:
                response.failure(f"expected a redirect, got {response.status_code}")
                raise StopUser
            response.success()
            return urljoin(url, response.headers["Location"])

    @staticmethod
    def rename(response, name: str) -> None:
        """The outcome as the row: a conflict or a refusal is timed apart from a save."""
        response.request_meta["name"] = name

    @staticmethod
    def expect_200(response) -> None:
        if response.status_code == 200:
            response.success()
        else:
            where = response.headers.get("Location", "")
            response.failure(f"{response.status_code} {where}".strip())
