"""Locust users for `make bench` (BENCH_TARGET=status or ping: no wait, one request over and over)
and `make load` (BENCH_TARGET=load: office, provincial, unit and API users with 1-3 s of think
time over the main pages and the status API).

BENCH_PLAN names a JSON file written by scripts/bench.py / scripts/load.py: an API token, the
unit ids to pick from, and logged-in session cookies made beforehand with force_login (no 200
password hashes, and no login form for django-axes to count: load never trips its lockout).
"""

from __future__ import annotations

import json
import os
import random

from load_pages import API_LISTS, OFFICE_PAGES, PROVINCE_PAGES, UNIT_PAGES
from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

TARGET = os.environ.get("BENCH_TARGET", "load")
PLAN = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
UNIT_IDS = PLAN["unit_ids"]
TOKEN = {"Authorization": f"Token {PLAN['token']}"}


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
        self.cookie = {"Cookie": f"sessionid={PLAN['sessions'][self.role]}"}

    def page(self, url: str, name: str | None = None):
        self.client.get(url, headers=self.cookie, name=name or url)

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

    def units(self) -> list[int]:
        return [PLAN["staff_unit_id"]]

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
