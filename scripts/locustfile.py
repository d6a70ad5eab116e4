"""Locust users for `make bench` (BENCH_TARGET=status or ping: no wait, one request over and over)
and `make load` (BENCH_TARGET=load: office, provincial, unit and API users with 1-3 s of think
time over the main pages and the status API, and a deadline day's writes: unit staff save and
submit reports and claim adoptions, the office accepts or returns reports and verifies or rejects
claims, about 5 % of the requests).

BENCH_PLAN names a JSON file written by scripts/bench.py / scripts/load.py: an API token, the
unit ids to pick from, logged-in session cookies made beforehand with force_login (no 200
password hashes, and no login form for django-axes to count: load never trips its lockout) and
the write targets (devtools/bench/write_targets.py). Writes post the real forms with their CSRF
token (scripts/load_writes.py); their requests are named "write: ...".
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from collections import deque
from urllib.parse import urlencode

from load_pages import API_LISTS, OFFICE_PAGES, PROVINCE_PAGES, UNIT_PAGES
from load_writes import (
    claim_form,
    csrf_cookie_secret,
    form_token,
    reject_form,
    report_form,
    review_form,
    write_failure,
)
from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

TARGET = os.environ.get("BENCH_TARGET", "load")
PLAN = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
UNIT_IDS = PLAN["unit_ids"]
TOKEN = {"Authorization": f"Token {PLAN['token']}"}
STAFF = PLAN.get("staff", [])
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# portal.page_cache marks the pages it replays; `make load` prints how many it answered.
REPLAY_HEADER = "X-Page-Cache"
PAGE_REPLAYS: dict[str, list[int]] = {}  # request name -> [replayed, GETs]


@events.request.add_listener
def count_replays(request_type, name, response=None, exception=None, **kwargs):
    if request_type != "GET" or response is None or exception is not None:
        return
    counts = PAGE_REPLAYS.setdefault(name, [0, 0])
    counts[1] += 1
    if (response.headers or {}).get(REPLAY_HEADER) == "replay":
        counts[0] += 1


@events.test_stop.add_listener
def write_replays(**kwargs):
    path = os.environ.get("BENCH_REPLAYS")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(PAGE_REPLAYS, out, ensure_ascii=False)


class WriteTargets:
    """The reports and claims of the run, each held by one client at a time (the clients of a
    locust process are greenlets of one thread): a report moves from editable to submitted and
    back, or leaves when accepted; a claim waits for the office once made."""

    def __init__(self, staff: list[dict]):
        self.editable = {s["unit_id"]: deque(s["reports"]["editable"]) for s in staff}
        self.submitted = deque(o for s in staff for o in s["reports"]["submitted"])
        self.unit_of = {
            obligation: s["unit_id"]
            for s in staff
            for obligations in s["reports"].values()
            for obligation in obligations
        }
        self.claims: deque[int] = deque()
        self.serial = itertools.count(1)


TARGETS = WriteTargets(STAFF)
STAFF_TURN = itertools.count()


class StatusUser(FastHttpUser):
    """The status API of a random unit, as fast as the server answers."""

    abstract = TARGET != "status"
    wait_time = constant(0)

    @task
    def status(self):
        unit = random.choice(UNIT_IDS)  # noqa: S311
        self.client.get(
            f"/api/v1/units/{unit}/status/", headers=TOKEN, name="/api/v1/units/[id]/status/"
        )


class PingUser(FastHttpUser):
    """The bare JSON view, same middleware, same server, same headers."""

    abstract = TARGET != "ping"
    wait_time = constant(0)

    @task
    def ping(self):
        self.client.get("/bench/ping/", headers=TOKEN)


class _SessionUser(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self):
        self.sign_in(PLAN["sessions"][self.role])

    def sign_in(self, session: str) -> None:
        # A browser holds the csrftoken cookie of its first page; each form is signed with it.
        self.cookie = {"Cookie": f"sessionid={session}; csrftoken={csrf_cookie_secret()}"}

    def page(self, url: str, name: str | None = None):
        return self.client.get(url, headers=self.cookie, name=name or url)

    def form_page(self, url: str, name: str) -> str | None:
        """Open the page of a form; its CSRF token (None, and a failure, when it has no form)."""
        with self.client.get(url, headers=self.cookie, name=name, catch_response=True) as answer:
            token = form_token(answer.text or "") if answer.status_code == 200 else None
            if answer.status_code == 200 and token is None:
                answer.failure("the page has no form")
            return token

    def post(self, url: str, data: dict[str, str], *, name: str, expect: str):
        """Post a form as a browser does (not following the redirect); the redirect's path, or
        None when the write failed (counted as a failure of `name`, with the reason)."""
        with self.client.post(
            url,
            data=urlencode(data),
            headers={**self.cookie, **FORM},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            headers = answer.headers
            location = (headers.get("location") or "") if headers else ""
            cookies = headers.getlist("set-cookie") if headers else []
            reason = write_failure(answer.status_code, location, cookies, expect)
            if reason:
                answer.failure(reason)
                return None
            answer.success()
            return location

    def unit_page(self, template: str):
        unit = random.choice(self.units())  # noqa: S311
        self.page(template.format(unit), template.format("[id]"))

    def units(self) -> list[int]:
        return UNIT_IDS


class OfficeUser(_SessionUser):
    abstract = TARGET != "load"
    weight = 3
    role = "office"

    @task(3)
    def dashboard(self):
        self.page(OFFICE_PAGES["dashboard"])

    @task(2)
    def unit_list(self):
        self.page(OFFICE_PAGES["units"])

    @task
    def office_home(self):
        self.page(OFFICE_PAGES["home"])

    @task(2)
    def review_queue(self):
        self.page(OFFICE_PAGES["review"])

    @task
    def funds(self):
        self.page(OFFICE_PAGES["funds"])

    @task
    def claims(self):
        self.page(OFFICE_PAGES["claims"])

    @task
    def gauges(self):
        self.page(OFFICE_PAGES["gauges"])

    @task
    def inspections(self):
        self.page(OFFICE_PAGES["inspections"])

    @task(3)
    def unit_home(self):
        self.unit_page(UNIT_PAGES["home"])

    @task(2)
    def calendar(self):
        self.unit_page(UNIT_PAGES["calendar"])

    @task
    def unit_funds(self):
        self.unit_page(UNIT_PAGES["funds"])

    @task
    def review(self):
        """A deadline day's review: a submitted report (three in four) or an adoption claim."""
        if random.random() < 3 / 4:  # noqa: S311
            self.review_report()
        else:
            self.review_claim()

    def review_report(self):
        """Accept (one in four) or return a submitted report; returned, the unit writes it
        again. With none waiting, the review queue is read instead."""
        if not TARGETS.submitted:
            self.page(OFFICE_PAGES["review"])
            return
        obligation = TARGETS.submitted.popleft()
        url = f"/reports/{obligation}/"
        token = self.form_page(url, "/reports/[id]/")
        action = "accept" if random.random() < 0.25 else "return"  # noqa: S311
        done = token and self.post(
            url, review_form(token, action=action), name=f"write: report {action}", expect=url
        )
        if done and action == "return":
            TARGETS.editable[TARGETS.unit_of[obligation]].append(obligation)
        # accepted: final; failed: its state is unknown, so it leaves the run

    def review_claim(self):
        """Verify or reject an adoption claimed during the run; with none waiting, the claims
        queue is read instead."""
        if not TARGETS.claims:
            self.page(OFFICE_PAGES["claims"])
            return
        claim = TARGETS.claims.popleft()
        url = f"/publicity/claims/{claim}/"
        token = self.form_page(url, "/publicity/claims/[id]/")
        if not token:
            return
        if random.random() < 0.5:  # noqa: S311
            data, step = {"csrfmiddlewaretoken": token}, "verify"
        else:
            data, step = reject_form(token), "reject"
        self.post(f"{url}{step}/", data, name=f"write: claim {step}", expect=url)


class ProvinceUser(_SessionUser):
    abstract = TARGET != "load" or "province" not in PLAN["sessions"]
    weight = 2
    role = "province"

    def units(self) -> list[int]:
        return PLAN.get("province_unit_ids") or UNIT_IDS

    @task(2)
    def home(self):
        self.page(PROVINCE_PAGES["home"])

    @task(2)
    def dashboard(self):
        self.page(PROVINCE_PAGES["dashboard"])

    @task
    def reports(self):
        self.page(PROVINCE_PAGES["reports"])

    @task
    def plans(self):
        self.page(PROVINCE_PAGES["plans"])

    @task(2)
    def unit_home(self):
        self.unit_page(UNIT_PAGES["home"])


class UnitStaffUser(_SessionUser):
    abstract = TARGET != "load" or "unit" not in PLAN["sessions"]
    weight = 3
    role = "unit"

    def on_start(self):
        # The staff of the plan's units in turn (one unit's staff when the plan has no writes).
        if STAFF:
            self.staff = STAFF[next(STAFF_TURN) % len(STAFF)]
            self.unit_id = self.staff["unit_id"]
            self.sign_in(self.staff["session"])
        else:
            self.staff, self.unit_id = None, PLAN["staff_unit_id"]
            self.sign_in(PLAN["sessions"]["unit"])

    def units(self) -> list[int]:
        return [self.unit_id]

    @task(3)
    def home(self):
        self.unit_page(UNIT_PAGES["home"])

    @task(2)
    def calendar(self):
        self.unit_page(UNIT_PAGES["calendar"])

    @task
    def funds(self):
        self.unit_page(UNIT_PAGES["funds"])

    @task
    def publicity(self):
        self.unit_page(UNIT_PAGES["publicity"])

    @task
    def write(self):
        """A deadline day's write: a report (three in four) or an adoption claim."""
        if self.staff is None:
            self.calendar()
        elif random.random() < 0.75 or not self.staff["claim"]:  # noqa: S311
            self.write_report()
        else:
            self.claim_adoption()

    def write_report(self):
        """Save a report's draft (one in three) or submit it; with none of the unit's reports to
        write, its calendar is read instead."""
        editable = TARGETS.editable[self.unit_id]
        if not editable:
            self.calendar()
            return
        obligation = editable.popleft()
        url = f"/reports/{obligation}/"
        token = self.form_page(url, "/reports/[id]/")
        action = "save" if random.random() < 1 / 3 else "submit"  # noqa: S311
        data = report_form(token or "", action=action, serial=next(TARGETS.serial))
        done = token and self.post(url, data, name=f"write: report {action}", expect=url)
        if done:
            (editable if action == "save" else TARGETS.submitted).append(obligation)

    def claim_adoption(self):
        """Claim that an article was adopted; the office verifies or rejects it later."""
        url = f"/units/{self.unit_id}/publicity/claim/"
        token = self.form_page(url, "/units/[id]/publicity/claim/")
        if not token:
            return
        claim = self.staff["claim"]
        data = claim_form(
            token,
            outlet_id=claim["outlet_id"],
            published_on=claim["published_on"],
            serial=uuid.uuid4().hex[:12],
        )
        location = self.post(url, data, name="write: claim", expect="/publicity/claims/")
        if location:
            TARGETS.claims.append(int(location.rstrip("/").rsplit("/", 1)[1]))


class ApiUser(FastHttpUser):
    abstract = TARGET != "load"
    weight = 2
    wait_time = between(1, 3)

    @task(3)
    def status(self):
        unit = random.choice(UNIT_IDS)  # noqa: S311
        self.client.get(
            f"/api/v1/units/{unit}/status/", headers=TOKEN, name="/api/v1/units/[id]/status/"
        )

    @task
    def status_list(self):
        self.client.get(API_LISTS["status"], headers=TOKEN)

    @task
    def units(self):
        self.client.get(API_LISTS["units"], headers=TOKEN)
