"""Private page cache: a signed-in user's GET page is kept for a short time and served again to
that same session, until a write to what the user may see. API answers are not kept
(`API_PREFIX`).

Why: reviewers read the same lists all day (the dashboard, the queues, the gauges), and at
national scale rendering them costs tenths of a second each; 200 people reading at once would
otherwise queue behind one another.

What drops a kept page is a write to what its user may see, no other: a page is kept under the
user's scope stamp (portal.cache.scope_stamp), which changes with every write to the rows of a
unit in the scope (or of its rank group, when the ranking moves, unless the page shows no rank:
`peer_publicity_not_shown`), with a write to the domain that belongs to no one unit (settings,
a batch, the media catalogue), with a notification to the user, with a document job of a unit
or programme in the scope, and with any other write that pages show and no unit owns (an
account's name: the base of every page, `PAGE_GENERATION_KEY`).
A provincial reviewer's pages outlive a report filed in another province; the office's (every
unit) do not. Writes that no page shows never drop a page: sessions, sign-in records and what
signing in writes to the account (its last sign-in: `FIELDS_NOT_SHOWN`), the records that a
reminder went out (their notifications drop their recipients' pages), API tokens, the beat's
heartbeat and its own bookkeeping of when each task last ran, and the stored figures (they
follow a write to their unit's rows, which changed its generations, or the clock, and the beat
that stores those changes the units' generations; a reader that stores a due row shows it, and
others' kept pages catch up within the timeout). A write request or Celery task that wrote to a
table pages show without telling the generations (QuerySet.update, bulk_create on such a table)
drops every page when it ends. The timeout (`PAGE_CACHE_SECONDS`) bounds what no write reports
(a clock passing an hour).

What is never stored: anonymous requests, answers other than 200, streamed downloads and
attachments, answers marked no-store (never_cache), answers that set a cookie or change the
session, and pages shown with pending messages (the message would be lost or shown twice). The
key holds the session, the language, the day and the full path, so nobody is ever served
another's answer. A request with `Cache-Control: no-cache` (a hard reload) or `If-None-Match` is
rendered again. Form tokens are not kept: a stored page carries a placeholder that each hit
replaces with a token of the requesting session (the form keeps working; the CSRF cookie is set
as usual).
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from celery.signals import task_postrun, task_prerun
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from portal.cache import (
    DOMAIN_APPS,
    NOT_READ_BY_FIGURES,
    generations_stale,
    scope_stamp,
)

PAGE_GENERATION_KEY = "page:generation"
# Apps whose rows no page shows: sessions (saved on sign-in and by the session middleware),
# django-axes' records of sign-in attempts, and the beat's schedule (django-celery-beat saves
# each task's last run as it sends it).
NOT_SHOWN_ON_PAGES = frozenset({"sessions", "axes", "django_celery_beat"})
# Single models no stored page shows: the beat's heartbeat (read by /healthz only), the records
# that a reminder went out (they make each go out once; what the reader sees is the
# notification, which drops its recipient's pages), API tokens (used by the API, which is not
# stored), and the admin's log of its own actions (the admin's pages are never stored: they
# are marked never_cache).
MODELS_NOT_SHOWN_ON_PAGES = frozenset(
    {
        "portal.heartbeat",
        "reporting.reminder",
        "inspections.rectificationreminder",
        "authtoken.token",
        "admin.logentry",
    }
)
# What signing in writes to an account (its last sign-in; the password's hash again when the
# hasher changed): no page shows either, so a sign-in leaves every stored page as it was.
SIGN_IN_FIELDS = frozenset({"last_login", "password"})
# Fields of models pages show that no stored page shows ("app.model" -> field names): a write
# that sets only these drops nothing, whether it is a save with `update_fields` (its signal) or
# an UPDATE that sends none (`UntoldWrites`).
FIELDS_NOT_SHOWN = {settings.AUTH_USER_MODEL.lower(): SIGN_IN_FIELDS}
# Rows shown on pages whose writes change the generations of the units they belong to
# (portal.cache): the domain's records (figures_stale, on every save and by the services that
# write without signals), the units' stored figures (see the module text), and the audit trail
# (an entry is written with the record it describes).
APPS_OF_UNITS = DOMAIN_APPS | {"dashboard", "auditlog"}
STORED_TYPES = ("text/html", "application/json")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# {% csrf_token %} renders this input; its masked value differs on every render.
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
CSRF_PLACEHOLDER = b"\x00csrf\x00"
# API answers are not kept: the status of units is stored with their figures
# (dashboard.models.UnitFigures) and read in two queries, every answer carries an ETag from
# stored moments of change (portal.conditional), and a kept answer would have to check its
# token on every replay.
API_PREFIX = "/api/"
# Marks an answer replayed from the cache, so that `make load` can count what the cache answers
# (it tells the client nothing it could not time).
REPLAY_HEADER = "X-Page-Cache"


def _user_key(user_id: int) -> str:
    return f"page:user:{user_id}"


def _new_generation(*args: Any, **kwargs: Any) -> None:
    cache.set(PAGE_GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def pages_stale() -> None:
    """Every stored answer is unreachable from now on, and again once the current transaction
    commits (an answer another request rendered from the rows as they were is dropped too)."""
    generations_stale([PAGE_GENERATION_KEY])


def user_pages_stale(user_ids: Iterable[int]) -> None:
    """The stored answers of these users are unreachable, now and once the current transaction
    commits: what only they see changed (their notifications)."""
    generations_stale({_user_key(pk) for pk in user_ids})


def _shown_on_pages(model: Any) -> bool:
    return (
        model._meta.app_label not in NOT_SHOWN_ON_PAGES
        and model._meta.label_lower not in MODELS_NOT_SHOWN_ON_PAGES
    )


# Models outside the units' records whose every write tells the generations of whoever sees the
# row (portal.cache.shown_rows_stale), registered by the app that writes them: a write to one
# of them then drops no other page.
_told_by_their_writers: set[str] = set()


def told_by_its_writer_register(label: str) -> None:
    """Say that every write to the rows of the model `label` ("app.model") tells the
    generations of whoever sees the row, signals or not (its app's services and receivers do)."""
    _told_by_their_writers.add(label.lower())
    _tables_untold.cache_clear()


def _told_by_its_writer(model: Any) -> bool:
    """Whether a write to the model's rows changes the generations it belongs to by itself: the
    units' records (portal.cache), the users' notifications (portal.services), and the models
    registered with `told_by_its_writer_register` (document jobs)."""
    label = model._meta.label_lower
    return (
        label == "portal.notification"
        or label in _told_by_their_writers
        or (model._meta.app_label in APPS_OF_UNITS and label not in NOT_READ_BY_FIGURES)
    )


def _sets_unshown_fields_only(sender: Any, update_fields: Any) -> bool:
    hidden = FIELDS_NOT_SHOWN.get(sender._meta.label_lower)
    return bool(hidden and update_fields and set(update_fields) <= hidden)


def _row_written(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    if sender._meta.label_lower == "portal.notification":
        if instance is not None:
            user_pages_stale([instance.recipient_id])
    elif (
        _shown_on_pages(sender)
        and not _told_by_its_writer(sender)
        and not _sets_unshown_fields_only(sender, kwargs.get("update_fields"))
    ):
        pages_stale()


@functools.cache
def _tables_untold() -> frozenset[str]:
    """The tables pages show whose writes do not change generations by themselves."""
    return frozenset(
        model._meta.db_table
        for model in apps.get_models()
        if _shown_on_pages(model) and not _told_by_its_writer(model)
    )


WRITE_TABLE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE
)


# The columns an UPDATE sets, as Django writes it ("col" = %s, ...).
SET_COLUMNS = re.compile(r"\bSET\s+(.*?)\s+WHERE\b", re.IGNORECASE | re.DOTALL)
SET_COLUMN = re.compile(r'"?([A-Za-z0-9_]+)"?\s*=')


@functools.cache
def _columns_not_shown() -> dict[str, frozenset[str]]:
    """`FIELDS_NOT_SHOWN` as the tables and columns an UPDATE names."""
    found = {}
    for label, names in FIELDS_NOT_SHOWN.items():
        meta = apps.get_model(label)._meta
        found[meta.db_table] = frozenset(meta.get_field(name).column for name in names)
    return found


def _sets_unshown_columns_only(sql: str, table: str) -> bool:
    """Whether the statement is an UPDATE that sets only columns no page shows (signing in)."""
    hidden = _columns_not_shown().get(table)
    if not hidden or sql.lstrip()[:6].upper() != "UPDATE":
        return False
    columns = SET_COLUMNS.search(sql)
    names = SET_COLUMN.findall(columns.group(1)) if columns else []
    return bool(names) and set(names) <= hidden


class UntoldWrites:
    """Records whether the work running on this connection wrote to a table that pages show and
    whose writes change no generation by themselves (`_tables_untold`).

    Such a write may send no signal (QuerySet.update, bulk_create), so the end of the work (a
    Celery task, a write request) makes every page stale if there was one; the heartbeat, a
    sweep that found nothing to do and a report filed (its generations are its unit's) leave the
    stored pages alone. Celery runs one task at a time per worker process, a request runs in one
    thread with its own connection."""

    def __init__(self) -> None:
        self.untold_written = False

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.untold_written:
            match = WRITE_TABLE.match(sql)
            if (
                match
                and match.group(1) in _tables_untold()
                and not _sets_unshown_columns_only(sql, match.group(1))
            ):
                self.untold_written = True
        return execute(sql, params, many, context)


_task_writes: dict[str, UntoldWrites] = {}


def _task_started(task_id: str = "", **kwargs: Any) -> None:
    recorder = UntoldWrites()
    _task_writes[task_id] = recorder
    connection.execute_wrappers.append(recorder)


def _task_finished(task_id: str = "", **kwargs: Any) -> None:
    recorder = _task_writes.pop(task_id, None)
    if recorder is None:  # started before the signal was connected: be safe
        _new_generation()
        return
    if recorder in connection.execute_wrappers:
        connection.execute_wrappers.remove(recorder)
    if recorder.untold_written:
        _new_generation()


def connect_page_invalidation() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_row_written, dispatch_uid=f"page-cache-{signal!r}")
    setting_changed.connect(_new_generation, dispatch_uid="page-cache-settings")
    task_prerun.connect(_task_started, dispatch_uid="page-cache-task-start", weak=False)
    task_postrun.connect(_task_finished, dispatch_uid="page-cache-task", weak=False)


def _requester(request: HttpRequest) -> str | None:
    """Who asks: the session of a signed-in user; None: not stored (anonymous, an API call)."""
    if request.path.startswith(API_PREFIX):
        return None
    user = getattr(request, "user", None)
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if user is None or not user.is_authenticated or not session_key:
        return None
    return f"session:{session_key}:{user.pk}"


def peer_publicity_not_shown(view: Callable) -> Callable:
    """Say that the pages of `view` show nothing that a peer's write moves without writing to
    the user's units: no publicity rank and nothing scaled against the batch's best (C4, R6.5).
    Their stored pages then outlive a report or a claim elsewhere in the batch (the user's scope
    stamp leaves out its units' ranks: `scope_stamp(ranks=False)`). Apply it outermost."""
    view.peer_publicity_shown = False  # type: ignore[attr-defined]
    return view


def _peer_publicity_shown(request: HttpRequest) -> bool:
    """Whether the page asked for may show what a peer's write moves: yes unless its view says
    otherwise (`peer_publicity_not_shown`)."""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _path_shows_peer_publicity(request.path_info, urlconf)


# Resolving a path walks the URL patterns (a third of a stored page's replay): each path's
# answer is kept in the process.
@functools.lru_cache(maxsize=20_000)
def _path_shows_peer_publicity(path: str, urlconf: str) -> bool:
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return True
    return getattr(match.func, "peer_publicity_shown", True)


def _key(request: HttpRequest, requester: str) -> str:
    identity = "\n".join(
        [
            requester,
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("Accept", ""),
        ]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()
    stamp = scope_stamp(
        request.user,
        [PAGE_GENERATION_KEY, _user_key(request.user.pk)],
        ranks=_peer_publicity_shown(request),
    )
    return f"page:{stamp}:{timezone.localdate().isoformat()}:{translation.get_language()}:{digest}"


def _has_messages(request: HttpRequest) -> bool:
    # len() does not mark the messages as shown (iterating would).
    return bool(len(messages.get_messages(request))) if hasattr(request, "_messages") else False


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Content-Disposition" not in response
        # what the view itself says must not be kept (never_cache: the health check)
        and "no-store" not in response.get("Cache-Control", "")
        and response.get("Content-Type", "").startswith(STORED_TYPES)
        and not getattr(getattr(request, "session", None), "modified", False)
        and not _has_messages(request)
    )


class PrivatePageCacheMiddleware:
    """Serves a session's repeated GETs of pages from the cache; see the module text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if request.method in UNSAFE_METHODS:
            recorder = UntoldWrites()
            with connection.execute_wrapper(recorder):
                response = self.get_response(request)
            if recorder.untold_written:
                pages_stale()
            return response
        requester = _requester(request) if seconds and request.method == "GET" else None
        # A conditional request goes to the view, which answers 304 from stored moments of
        # change (portal.conditional) rather than a stored body.
        conditional = "If-None-Match" in request.headers
        if requester is None or conditional or _has_messages(request):
            return self.get_response(request)
        key = _key(request, requester)
        # A hard reload (the browser sends no-cache) renders the page again.
        reload = "no-cache" in request.headers.get("Cache-Control", "")
        stored = None if reload else cache.get(key)
        if stored is not None:
            return self._replay(request, stored)
        response = self.get_response(request)
        if _storable(request, response):
            content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
            headers = [(n, v) for n, v in response.items() if n.lower() != "content-length"]
            cache.set(key, (zlib.compress(content, 1), headers), timeout=seconds)
        return response

    @staticmethod
    def _replay(request: HttpRequest, stored: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
        compressed, headers = stored
        content = zlib.decompress(compressed)
        if CSRF_PLACEHOLDER in content:
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response[REPLAY_HEADER] = "replay"
        return response
