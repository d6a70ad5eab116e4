"""`make bench` / `make load`: each in-process figure runs on the test suite's tiny world and gives
one JSON object with name, value, unit, goal and ok; locust's CSV statistics are read back. No
assertion here depends on how fast anything is."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection

from devtools.bench import figures, servers
from reporting.models import Obligation

pytestmark = pytest.mark.django_db

REQUIRED = {"name": str, "value": float, "unit": str, "goal": str, "ok": bool}


def assert_shape(result: dict, name: str) -> None:
    assert result["name"] == name
    for key, kind in REQUIRED.items():
        assert isinstance(result[key], kind), (name, key)
    assert result["goal"], name
    json.dumps(result, default=str)  # printable as one JSON line


def test_figure_compares_with_its_goal():
    assert figures.figure("max_queries", 12)["ok"] is True
    assert figures.figure("max_queries", 13)["ok"] is False
    assert figures.figure("status_rps_ratio", 0.5)["ok"] is True
    assert figures.figure("export_600k_peak_mb", 200)["ok"] is False
    assert figures.figure("max_queries", 3, detail="/x/")["detail"] == "/x/"


@pytest.mark.parametrize(
    ("cold_rps", "met"), [(55.0, True), (45.0, False)], ids=["cold-met", "cold-missed"]
)
def test_status_ratio_meets_its_goal_only_when_the_cold_ratio_does_too(
    monkeypatch, tmp_path, cold_rps, met
):
    from scripts import bench

    rps = {"status_cold": cold_rps, "status": 60.0, "ping": 100.0}

    def run_locust(*, name, **kwargs):
        return servers.LocustStats(
            requests=100, failures=0, rps=rps[name], p50_ms=1.0, p95_ms=2.0, p99_ms=3.0
        )

    monkeypatch.setattr(servers, "run_locust", run_locust)
    monkeypatch.setattr(servers, "warm_status_cache", lambda host, plan: 0)
    result = bench.status_ratio_figure("http://127.0.0.1:1", tmp_path / "plan.json", 1, 1)
    assert_shape(result, "status_rps_ratio")
    assert (result["value"], result["cold_ratio"], result["ok"]) == (0.6, cold_rps / 100, met)


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert figures.percentile(values, 95) == 95
    assert figures.percentile(values, 50) == 50
    assert figures.percentile([7.0], 99) == 7.0


def test_last_half_year_has_ended():
    assert figures.last_half_year(date(2026, 11, 27)) == (date(2026, 1, 1), date(2026, 6, 30))
    assert figures.last_half_year(date(2026, 3, 1)) == (date(2025, 7, 1), date(2025, 12, 31))


def test_max_queries_walks_the_pages_and_api_lists_as_office_and_province(world, monkeypatch):
    # A few of each kind: the whole walk is what `make bench` does.
    monkeypatch.setattr(figures, "MAIN_PAGES", ["home", "dashboard:office", "dashboard:province"])
    monkeypatch.setattr(figures, "UNIT_PAGES", ["creation:unit-home"])
    monkeypatch.setattr(figures, "api_list_urls", lambda: ["/api/v1/status/"])
    result = figures.max_queries_figure()
    assert_shape(result, "max_queries")
    assert result["value"] >= 1
    assert result["urls"] >= 6  # the office reviewer's 5 pages, the province's dashboard, ...
    assert result["server_errors"] == []
    assert " as " in result["detail"]


def test_api_list_urls_are_every_api_list():
    urls = figures.api_list_urls()
    assert "/api/v1/status/" in urls
    assert "/api/v1/units/" in urls
    assert all(url.startswith("/api/v1/") for url in urls)


def test_scoring_figures_compare_the_selector_with_raw_sql(world):
    scoring, ratio = figures.scoring_figures(runs=1)
    assert_shape(scoring, "scoring_seconds")
    assert_shape(ratio, "scoring_vs_sql_ratio")
    assert scoring["units"] == ratio["sql_rows"] == 3  # the national programme's units


def test_score_sql_counts_the_late_items_like_the_selector(world):
    programme_id = figures.largest_programme_id()
    start, end = date(2000, 1, 1), date(2100, 12, 31)
    late = {row[0]: row[1] for row in figures.score_sql(programme_id, start, end)}
    scores = {s.unit_id: s for s in figures.score_all(programme_id, start, end)}
    assert set(late) == set(scores)


def test_reminder_sweeps_are_measured_and_rolled_back(world):
    before = Obligation.objects.count()
    sweep, rectification = figures.reminder_figures()
    assert_shape(sweep, "reminder_sweep_seconds")
    assert sweep["second_run_sent"] == 0
    assert rectification["name"] == "rectification_reminder_sweep_seconds"
    assert Obligation.objects.count() == before


def test_pdf_figure_counts_the_pages():
    from reporting import fonts

    if fonts.pdf_problem():
        pytest.skip(fonts.pdf_problem())
    result = figures.pdf_figure(min_pages=1, runs=1)
    assert_shape(result, "pdf_10_pages_seconds")
    assert result["pages"] >= 1


def test_bulletin_figure_makes_a_bulletin_of_every_unit_and_leaves_nothing_behind(world):
    from reporting.models import DocumentJob
    from scoring.models import Bulletin, PeriodScore, ScoringPeriod

    def stored() -> tuple:
        return (
            set(DocumentJob.objects.values_list("pk", "file")),
            set(ScoringPeriod.objects.values_list("pk", flat=True)),
            PeriodScore.objects.count(),
            set(Bulletin.objects.values_list("pk", flat=True)),
        )

    before = stored()
    result = figures.bulletin_figure(formats=("docx",))  # Word needs no PDF fonts
    assert_shape(result, "bulletin_5000_seconds")
    # every unit of the largest programme, not only those a real period scored
    units = figures.programme_units(figures.largest_programme_id()).count()
    assert result["units"] == units
    assert result["format"] == "docx"
    assert result["value"] == result["docx_seconds"]
    assert result["docx_processor_seconds"] >= 0
    assert result["docx_bytes"] > 0
    assert stored() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_figure_downloads_the_obligations_list(world, fmt):
    rows = Obligation.objects.count()
    assert rows
    result = figures.export_figure_in_process(fmt, rows=rows)
    assert_shape(result, "export_600k_peak_mb")
    assert result["rows"] == rows
    assert result["inserted_for_bench"] == 0
    assert result["value"] >= result["baseline_mb"] > 0
    if fmt == "csv":
        # a header and a line per row, more when a quoted cell holds a line break
        assert result["csv_lines"] >= rows + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="generate_series: PostgreSQL")
def test_export_top_up_inserts_copies_in_the_transaction(world):
    from django.db import transaction

    before = Obligation.objects.count()
    with transaction.atomic():
        inserted = figures.top_up_obligations(Obligation.objects.all(), before + 25)
        assert inserted == 25
        assert Obligation.objects.count() == before + 25
        transaction.set_rollback(True)
    assert Obligation.objects.count() == before


def test_write_plan_gives_the_load_tool_sessions_and_units(world, tmp_path):
    plan = figures.write_plan(tmp_path / "plan.json")
    assert json.loads((tmp_path / "plan.json").read_text()) == plan
    assert plan["token"]
    assert len(plan["unit_ids"]) == 3
    assert set(plan["sessions"]) >= {"office", "province", "unit"}
    assert set(plan["province_unit_ids"]) < set(plan["unit_ids"])


def test_every_page_of_the_load_run_answers_its_kind_of_user(world, tmp_path):
    from django.test import Client

    from scripts.load_pages import API_LISTS, OFFICE_PAGES, PROVINCE_PAGES, UNIT_PAGES

    plan = figures.write_plan(tmp_path / "plan.json")
    unit_pages = [page.format(plan["staff_unit_id"]) for page in UNIT_PAGES.values()]
    asked = [
        ("office", [*OFFICE_PAGES.values(), *unit_pages]),
        (
            "province",
            [*PROVINCE_PAGES.values(), UNIT_PAGES["home"].format(plan["province_unit_ids"][0])],
        ),
        ("unit", unit_pages),
    ]
    for role, pages in asked:
        client = Client()
        client.cookies["sessionid"] = plan["sessions"][role]
        for page in pages:
            assert client.get(page).status_code == 200, (role, page)
    api = Client(HTTP_AUTHORIZATION=f"Token {plan['token']}")
    for page in [*API_LISTS.values(), f"/api/v1/units/{plan['unit_ids'][0]}/status/"]:
        assert api.get(page).status_code == 200, page


LOCUST_STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,/api/v1/units/[id]/status/,860,0,23,31.5,6.9,410,2100,43.0,0.0,23,31,38,44,63,84,120,160,410,410,410
,Aggregated,900,2,23,31.5,6.9,410,2100,45.0,0.1,23,31,38,44,63,84,120,170,410,410,410
"""


def test_locust_statistics_are_read_from_its_csv(tmp_path):
    path = tmp_path / "status_stats.csv"
    path.write_text(LOCUST_STATS)
    stats = servers.read_locust_stats(path)
    assert stats == servers.LocustStats(
        requests=900, failures=2, rps=45.0, p50_ms=23.0, p95_ms=84.0, p99_ms=170.0
    )


def test_locust_rows_tell_writes_from_reads(tmp_path):
    path = tmp_path / "load_stats.csv"
    write = "POST,write: report submit,40,1" + ",0" * 18
    path.write_text(LOCUST_STATS.replace("\n,Aggregated", f"\n{write}\n,Aggregated"))
    rows = servers.read_locust_rows(path)
    assert [(r.method, r.name, r.requests, r.failures) for r in rows] == [
        ("GET", "/api/v1/units/[id]/status/", 860, 0),
        ("POST", "write: report submit", 40, 1),
    ]


def test_page_replays_are_counted_per_page_and_the_api_left_out(tmp_path):
    from scripts.load import page_replays

    counts = tmp_path / "load_replays.json"
    counts.write_text(
        json.dumps({"/units/[id]/": [0, 10], "/dashboard/": [3, 20], "/api/v1/status/": [0, 50]}),
        encoding="utf-8",
    )
    replays = page_replays(counts)
    assert replays["share_pct"] == 10.0  # 3 of the 30 pages; the API is never stored
    assert replays["detail"]["by_page"] == {"/dashboard/": [3, 20], "/units/[id]/": [0, 10]}
    assert list(replays["detail"]["by_page"]) == ["/dashboard/", "/units/[id]/"]
    assert page_replays(tmp_path / "none.json")["share_pct"] == 0.0  # a run that wrote none


def test_first_request_of_each_worker_is_read_from_this_run_of_the_log(tmp_path):
    log = tmp_path / "gunicorn.log"
    earlier = "[x] [INFO] first request of worker 7: /healthz 1500.0 ms\n"
    log.write_text(
        earlier
        + "[x] [INFO] first request of worker 8: /bench/ping/ 4.5 ms\n"
        + "[x] [INFO] first request of worker 9: /units/12/ 30.0 ms\n"
    )
    server = servers.Gunicorn(url="http://x", log_path=log, log_start=len(earlier))
    assert server.first_requests_ms() == {8: ("/bench/ping/", 4.5), 9: ("/units/12/", 30.0)}


def test_worker_warm_readies_the_urls_and_templates_without_rendering():
    from portal.warm import worker_warm

    readied = worker_warm()
    routes, languages, templates = (int(part.split()[0]) for part in readied.split(", "))
    assert routes > 100
    assert languages == 2
    assert templates > 50


def test_a_web_worker_is_warm_then_freezes_what_it_loaded_and_collects_less_often():
    import gc
    from types import SimpleNamespace

    from portal import gunicorn_conf

    lines = []
    worker = SimpleNamespace(pid=7, log=SimpleNamespace(info=lambda *args: lines.append(args)))
    thresholds = gc.get_threshold()
    try:
        gunicorn_conf.post_worker_init(worker)
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold() == gunicorn_conf.WORKER_GC_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    assert "templates" in lines[0][3]


def test_bench_settings_are_production_without_https_and_serve_the_bare_view():
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from django.test import Client; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, 'whitenoise.middleware.WhiteNoiseMiddleware' "
        "in s.MIDDLEWARE, Client().get('/bench/ping/').content.decode())"
    )
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.bench"
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings_base_dir(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(None, 3) == ["False", "False", "True", '{"ok": true}\n']


def settings_base_dir():
    from django.conf import settings

    return settings.BASE_DIR
