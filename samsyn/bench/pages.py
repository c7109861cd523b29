"""The pages staff open most, through gunicorn, against the bare SQL each one runs (issue 12).

On the configured database (the demo county; `samsyn demo` builds it, or `--build` here), a
demo login is signed in (`--login`, a session as the sign-in pages leave it), and for each path
the page is first loaded in this process with its statements captured. Then gunicorn serves
the database on loopback and, interleaved in the same run, each path is timed through HTTP and
its captured statements replayed over one psycopg connection in a transaction rolled back (so
the replay writes nothing: the audit rows and the saved plan of the replay are discarded). The
ratio of the two medians is what Django, the templates and HTTP add to the SQL floor.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.accounts import session_services
from samsyn.accounts.backends import PASSWORD_BACKEND
from samsyn.accounts.middleware import SESSION_MEMBERSHIP
from samsyn.accounts.services import totp_device
from samsyn.bench.page_forms import form_of
from samsyn.children.models import Child
from samsyn.common import shapes
from samsyn.demo.services import DEFAULT_SEED, build_county
from samsyn.directory.models import Membership
from samsyn.plans.models import Case, PlanVersion

HOST = "127.0.0.1"


def add_arguments(parser) -> None:
    parser.add_argument("--quick", action="store_true", help="fewer rounds (well under 5 minutes)")
    parser.add_argument("--rounds", type=int, help="timed rounds per path (20 quick, 100)")
    parser.add_argument("--login", default="handlaggare", help="the demo login (handlaggare)")
    parser.add_argument(
        "--build", type=int, metavar="CHILDREN",
        help="build a demo county of this size first when the database has none",
    )  # fmt: skip


@dataclass
class Page:
    name: str
    url: str
    post: bool = False  # a save: the form as the page offers it, posted back unchanged


def sign_in(username: str) -> tuple[Client, Actor]:
    """A session of the demo login acting for its first unit, as the sign-in pages leave it
    (password, second factor, unit chosen)."""
    user = get_user_model().objects.get(username=username)
    membership = Membership.objects.filter(staff__user=user, active=True).order_by("pk").first()
    device = totp_device(user)
    if membership is None or device is None:
        raise SystemExit(f"{username} has no unit or no second factor: is this the demo?")
    client = Client(HTTP_HOST=HOST)
    client.force_login(user, backend=PASSWORD_BACKEND)
    session = client.session
    session_services.begin(session, user_id=user.pk, user_agent="samsyn bench pages")
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_MEMBERSHIP] = membership.pk
    session.save()
    actor = Actor.for_membership(membership.pk, user_id=user.pk)
    assert actor is not None
    return client, actor


def paths_for(actor: Actor) -> list[Page]:
    """The pages of the busiest child and SIP the actor may read."""
    purpose = rules.default_purpose(actor)
    children = rules.restrict(actor, Child.objects.all(), purpose=purpose)
    child = children.order_by("pk").values_list("pk", flat=True).first()
    cases = rules.restrict(actor, Case.objects.all(), purpose=purpose)
    case = cases.order_by("pk").values_list("pk", flat=True).first()
    drafted = (
        PlanVersion.objects.filter(case__in=cases.values("pk"), status=PlanVersion.Status.DRAFT)
        .order_by("case_id")
        .values_list("case_id", flat=True)
        .first()
    )
    found = [
        Page("children list", reverse("children:list")),
        Page("start page", reverse("core:home")),
    ]
    if child is not None:
        found.insert(0, Page("child page", reverse("children:detail", args=[child])))
        found.append(Page("api child", f"/api/children/{child}"))
    if case is not None:
        found.insert(3, Page("SIP page", reverse("plans:detail", args=[case])))
        found.append(Page("api sip", f"/api/sip/{case}"))
    if drafted is not None:
        found.append(Page("plan save", reverse("plans:plan_edit", args=[drafted]), post=True))
    return found


class Server:
    """gunicorn serving this database on loopback with sync workers (one here; `samsyn serve`
    starts two)."""

    def __init__(self, workers: int = 1) -> None:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        # The very database this process reads (a test's too), wherever its server listens.
        params = connection.get_connection_params()
        where = urlencode({key: params[key] for key in ("host", "port") if params.get(key)})
        user, password = quote(params.get("user") or ""), quote(params.get("password") or "")
        url = f"postgresql://{user}:{password}@/{params['dbname']}?{where}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        }
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable, "-m", "gunicorn", "samsyn.wsgi:application",
                "--bind", f"{HOST}:{self.port}", "--workers", str(workers),
                "--log-level", "warning",
            ],
            env=env, cwd=Path(settings.BASE_DIR).parent,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz", {"Host": HOST})[0] < 500:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer within a minute")

    def request(
        self, method: str, url: str, headers: dict, body: str | None = None
    ) -> tuple[int, str, list[str]]:
        """The status, the body and the cookies set (`name=value`)."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request(method, url, body=body, headers=headers)
            response = conn.getresponse()
            cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
            return response.status, response.read().decode(), cookies
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(options: dict, stdout) -> list[dict]:
    if options.get("build") and not get_user_model().objects.filter(username=options["login"]):
        stdout.write(f"pages: building a demo county of {options['build']:,} children …")
        build_county(seed=DEFAULT_SEED, children=options["build"])
    client, actor = sign_in(options["login"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    paths = paths_for(actor)
    rounds = options.get("rounds") or (20 if options.get("quick") else 100)

    captured: dict[str, list[str]] = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            if path.post:
                fields = form_of(client.get(path.url).content.decode())
                response = client.post(path.url, fields)
            else:
                response = client.get(path.url)
        if response.status_code >= 400:
            raise SystemExit(f"{path.name}: {path.url} answered {response.status_code}")
        # The POST's statements only: the GET before it fetched the form.
        statements = [query["sql"] for query in queries.captured_queries]
        if path.post:
            statements = statements[_post_starts(queries.captured_queries) :]
        captured[path.name] = statements
    stdout.write(each_child_once(client, actor))
    stdout.write(f"pages: {len(paths)} paths captured, {rounds} rounds through gunicorn …")

    replay = connection.get_new_connection(connection.get_connection_params())
    server = Server()
    # The CSRF cookie the forms' tokens are made from, as a browser keeps it.
    for page in paths:
        if page.post:
            _, _, cookies = server.request("GET", page.url, {"Cookie": cookie, "Host": HOST})
            cookie = "; ".join([cookie, *(c for c in cookies if c.startswith("csrftoken="))])
    timed: dict[str, list[float]] = {path.name: [] for path in paths}
    floor: dict[str, list[float]] = {path.name: [] for path in paths}
    try:
        for round_ in range(rounds + 2):  # two rounds to warm up, not counted
            for path in paths:
                took = _http(server, path, cookie)
                spent = _replay(replay, captured[path.name])
                if round_ >= 2:
                    timed[path.name].append(took)
                    floor[path.name].append(spent)
    finally:
        server.stop()
        replay.close()
    rows = []
    for path in paths:
        p50, floor_p50 = statistics.median(timed[path.name]), statistics.median(floor[path.name])
        rows.append(
            {
                "name": path.name,
                "p50_ms": round(p50, 1),
                "p95_ms": round(_p(timed[path.name], 0.95), 1),
                "floor_p50_ms": round(floor_p50, 1),
                "ratio": round(p50 / floor_p50, 1) if floor_p50 else None,
                "statements": len(captured[path.name]),
            }
        )
    return rows


def each_child_once(client: Client, actor: Actor, *, limit: int = 60) -> str:
    """The page of each child the actor may see (the first `limit`), once each, in this process
    and with no statement compiled yet (docs/adr/0017): how many pages compiled a shape of
    their own, and the median time of those and of the pages that ran a shape compiled
    before. The timed rounds below open one child again and again, all on a shape compiled."""
    children = rules.restrict(actor, Child.objects.all(), purpose=rules.default_purpose(actor))
    ids = list(children.order_by("pk").values_list("pk", flat=True)[:limit])
    shapes.forget()
    compiled: list[float] = []
    reused: list[float] = []
    for pk in ids:
        before = shapes.count()
        started = time.perf_counter()
        response = client.get(reverse("children:detail", args=[pk]))
        took = _ms(started)
        if response.status_code >= 400:
            raise SystemExit(f"child page: child {pk} answered {response.status_code}")
        (compiled if shapes.count() > before else reused).append(took)

    def median(values: list[float]) -> str:
        return f"p50 {statistics.median(values):.1f} ms" if values else "none"

    return (
        f"child pages, each of {len(ids)} children once, in this process from no shape: "
        f"{len(compiled)} compiled a shape ({median(compiled)}), "
        f"{len(reused)} ran one compiled before ({median(reused)})"
    )


def _post_starts(queries: list[dict]) -> int:
    """Where the second request's statements begin: each request first reads its session."""
    starts = [i for i, query in enumerate(queries) if '"django_session"' in query["sql"]]
    return starts[-1] if len(starts) > 1 else 0


def _http(server: Server, path: Page, cookie: str) -> float:
    headers = {"Cookie": cookie, "Host": HOST}
    if not path.post:
        started = time.perf_counter()
        status, _, _ = server.request("GET", path.url, headers)
        took = _ms(started)
    else:
        # The form as it is now (its lock version moves with each save), then the timed save.
        _, html, _ = server.request("GET", path.url, headers)
        body = urlencode(form_of(html), doseq=True)
        headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        started = time.perf_counter()
        status, _, _ = server.request("POST", path.url, headers, body)
        took = _ms(started)
    if status >= 400:
        raise SystemExit(f"{path.name}: {path.url} answered {status} through gunicorn")
    return took


def _replay(db, statements: list[str]) -> float:
    """The page's statements as captured, over psycopg, rolled back: the SQL floor."""
    started = time.perf_counter()
    with db.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
    db.rollback()
    return _ms(started)
