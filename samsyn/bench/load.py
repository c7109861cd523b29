"""Staff at work, many at once, through gunicorn (issue 12 point 6): `samsyn load`.

On the configured database (the demo county; `--build` makes one), `--users` demo logins, each a
different one while the county has enough, sign in as staff do (password, the demo's TOTP code,
the unit when they have several) and make a personal API token on its page. Then, for
`--minutes`, each opens child pages, the children list, the start page and SIP pages, saves a
draft plan through its form (a real save: some are refused by validation on purpose, some meet
another's save and get the conflict page) and reads a child through the API with the token,
with a few seconds' thought between. Locust drives them (`crowd/locustfile.py`, in a process of
its own) against gunicorn on loopback with `--workers` sync workers, as `samsyn serve` starts.

Every request kind's count and p50/p95/max are the rows. Any answer outside 2xx/3xx where a page
is asked for, a redirect where a page is expected (signed out), or an exception in a user is an
error, and one error fails the command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.bench.pages import HOST, Server
from samsyn.children.models import Child
from samsyn.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_KEY
from samsyn.demo.services import DEFAULT_SEED, build_county
from samsyn.directory.models import Membership, Role
from samsyn.plans.models import Case, PlanVersion

LOCUSTFILE = Path(__file__).parent / "crowd" / "locustfile.py"
# The roles that see no child (role alone never opens one): they have no day's work here.
NO_CHILDREN = {Role.ADMINISTRATOR, Role.ANALYST}
# Per login: enough targets that fifty staff do not all read the same rows.
CHILDREN_EACH, CASES_EACH, DRAFTS_EACH = 20, 10, 3
TOTAL = "all requests"


def add_arguments(parser) -> None:
    parser.add_argument("--users", type=int, default=50, help="simulated staff (50)")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long they work (10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--build", type=int, metavar="CHILDREN",
        help="build a demo county of this size first when the database has none",
    )  # fmt: skip


def staff_for(users: int) -> list[dict]:
    """Up to `users` demo logins who work with children, the named ones first, each with the
    pages it opens: its own children, SIPs and draft plans."""
    named = {login.username: i for i, login in enumerate(DEMO_LOGINS)}
    devices = TOTPDevice.objects.filter(key=DEMO_TOTP_KEY, confirmed=True)
    usernames = sorted(
        devices.values_list("user__username", flat=True),
        key=lambda name: (named.get(name, len(named)), name),
    )
    found = []
    for username in usernames:
        membership = (
            Membership.objects.filter(staff__user__username=username, active=True)
            .exclude(role__in=NO_CHILDREN)
            .order_by("pk")
            .first()
        )
        if membership is None:
            continue
        staff = _pages_of(username, membership)
        if staff is not None:
            found.append(staff)
        if len(found) == users:
            break
    return found


def _pages_of(username: str, membership: Membership) -> dict | None:
    actor = Actor.for_membership(membership.pk, user_id=membership.staff.user_id)
    if actor is None:
        return None
    purpose = rules.default_purpose(actor)
    children = list(
        rules.restrict(actor, Child.objects.all(), purpose=purpose)
        .order_by("pk")
        .values_list("pk", flat=True)[:CHILDREN_EACH]
    )
    if not children:
        return None
    cases = rules.restrict(actor, Case.objects.all(), purpose=purpose)
    case_ids = list(cases.order_by("pk").values_list("pk", flat=True)[:CASES_EACH])
    drafts = list(
        PlanVersion.objects.filter(case__in=cases.values("pk"), status=PlanVersion.Status.DRAFT)
        .order_by("case_id")
        .values_list("case_id", flat=True)[:DRAFTS_EACH]
    )
    return {
        "username": username,
        "membership": membership.pk,
        "child_pages": [reverse("children:detail", args=[pk]) for pk in children],
        "api_children": [f"/api/children/{pk}" for pk in children],
        "sip_pages": [reverse("plans:detail", args=[pk]) for pk in case_ids],
        "plan_forms": [reverse("plans:plan_edit", args=[pk]) for pk in drafts],
    }


def run(options: dict, stdout) -> list[dict]:
    if options.get("build") and not get_user_model().objects.filter(username="handlaggare"):
        stdout.write(f"load: building a demo county of {options['build']:,} children …")
        build_county(seed=DEFAULT_SEED, children=options["build"])
    users = options["users"]
    staff = staff_for(users)
    if not staff:
        raise SystemExit("No demo login with a child to read: is this the demo county?")
    if len(staff) < users:
        stdout.write(f"load: {len(staff)} logins for {users} users: some sign in twice.")
    urls = {
        "login": reverse("accounts:login"),
        "tokens": reverse("tokens:list"),
        "children list": reverse("children:list"),
        "start page": reverse("core:home"),
    }
    plan = {"password": DEMO_PASSWORD, "totp_key": DEMO_TOTP_KEY, "urls": urls, "staff": staff}
    seconds = max(1, round(options["minutes"] * 60))
    with tempfile.TemporaryDirectory(prefix="samsyn-load-") as scratch:
        work = Path(scratch)
        (work / "plan.json").write_text(json.dumps(plan))
        stdout.write(
            f"load: {users} staff for {seconds} s against gunicorn ({options['workers']} "
            f"workers); load average {_load_average()} …"
        )
        server = Server(workers=options["workers"])
        try:
            # Each worker imports its views and compiles its templates on its first requests.
            for _ in range(2 * options["workers"]):
                server.request("GET", urls["login"], {"Host": HOST})
            finished = subprocess.run(  # noqa: S603 - our own interpreter and arguments
                [
                    sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
                    "--host", f"http://{HOST}:{server.port}", "--users", str(users),
                    # Everyone signed in within the first tenth of the run, at most 10 a second.
                    "--spawn-rate", str(min(10.0, max(1.0, users / (seconds / 10)))),
                    "--run-time", f"{seconds}s", "--stop-timeout", "60", "--only-summary",
                    # locust adds .json to the name.
                    "--json-file", str(work / "stats"), "--loglevel", "WARNING",
                ],
                env={**os.environ, "SAMSYN_LOAD_PLAN": str(work / "plan.json")},
                capture_output=True, text=True, check=False,
            )  # fmt: skip
        finally:
            server.stop()
        stdout.write(f"load: done; load average {_load_average()}.")
        stats = work / "stats.json"
        rows = _rows(json.loads(stats.read_text())) if stats.exists() else []
    errors = sum(row["errors"] for row in rows if row["name"] != TOTAL)
    if errors or finished.returncode or not rows:
        from samsyn.bench.management.commands.bench import table

        # Locust's own summary names each failure and shows any exception's traceback.
        stdout.write(finished.stdout + finished.stderr)
        stdout.write(table(rows))
        raise SystemExit(f"load: {errors} failed requests; locust exited {finished.returncode}")
    return rows


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _rows(stats: list[dict]) -> list[dict]:
    """Per request kind (name and method), by name, then all of them: count, failures,
    p50/p95/max in milliseconds and the rate, from locust's response-time histogram."""
    rows = [_row(entry["name"], [entry]) for entry in sorted(stats, key=lambda e: e["name"])]
    return [*rows, _row(TOTAL, stats)]


def _row(name: str, entries: list[dict]) -> dict:
    histogram: dict[float, int] = {}
    for entry in entries:
        for ms, count in entry["response_times"].items():
            histogram[float(ms)] = histogram.get(float(ms), 0) + count
    requests = sum(entry["num_requests"] for entry in entries)
    started = min(entry["start_time"] for entry in entries)
    ended = max(entry["last_request_timestamp"] or started for entry in entries)
    return {
        "name": name,
        "requests": requests,
        "errors": sum(entry["num_failures"] for entry in entries),
        "p50_ms": _percentile(histogram, 0.50),
        "p95_ms": _percentile(histogram, 0.95),
        "max_ms": round(max(entry["max_response_time"] or 0 for entry in entries), 1),
        "per_s": round(requests / max(ended - started, 1), 2),
    }


def _percentile(histogram: dict[float, int], q: float) -> float:
    """The smallest time at or under which q of the requests answered (locust's buckets)."""
    wanted, seen = q * sum(histogram.values()), 0
    for ms in sorted(histogram):
        seen += histogram[ms]
        if seen >= wanted:
            return ms
    return 0.0
