"""The writes of `make load` as a browser makes them (scripts/locustfile.py uses these; so does
tests/test_load_writes.py, through Django's test client): the form page is read, its CSRF token
taken from the form and the form posted back with the csrftoken cookie.

A write is judged by the answer a browser gets: the portal redirects (post/redirect/get) and
says what happened in a message, carried by the `messages` cookie of the redirect. A redirect with
an error or warning message (e.g. "Only a submitted report can be reviewed."), a form shown again
with its errors (200) or any other answer is a failed write. No Django import: the locust process
does not set Django up.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import string
import zlib

# django.contrib.messages' levels
SUCCESS, WARNING = 25, 30

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
MESSAGES_COOKIE = re.compile(r"(?:^|;\s*|,\s*)messages=([^;]*)")


def csrf_cookie_secret() -> str:
    """A csrftoken cookie value as Django sets it (32 letters and digits): a client holds one
    from its first page, and every form it is shown is signed with it."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def form_token(html: str) -> str | None:
    """The CSRF token of the (first) form of a page."""
    match = CSRF_INPUT.search(html)
    return match[1] if match else None


def messages_of(set_cookies: list[str]) -> list[tuple[int, str]]:
    """The messages (level, text) that an answer's Set-Cookie headers carry in the `messages`
    cookie of django.contrib.messages (signed JSON, base64, zlib-compressed when it starts with a
    dot; the signature is not checked here). A cookie that cannot be read raises ValueError."""
    found: list[tuple[int, str]] = []
    for header in set_cookies:
        match = MESSAGES_COOKIE.search(header)
        if not match or not match[1].strip('"'):
            continue
        # "<base64 payload>:<timestamp>:<signature>" (django.core.signing.TimestampSigner)
        payload = match[1].strip('"').split(":", 1)[0]
        compressed = payload.startswith(".")
        encoded = payload.lstrip(".")
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError as error:  # binascii.Error
            raise ValueError(f"unreadable messages cookie: {error}") from error
        try:
            data = json.loads(zlib.decompress(raw) if compressed else raw)
        except (zlib.error, UnicodeDecodeError) as error:
            raise ValueError(f"unreadable messages cookie: {error}") from error
        found.extend((int(item[2]), str(item[3])) for item in data if isinstance(item, list))
    return found


def write_failure(status: int, location: str, set_cookies: list[str], expect: str) -> str | None:
    """Why a posted form failed, or None when the portal did what was asked: a redirect to a URL
    starting with `expect` and no error or warning message."""
    if status == 200:
        return "the form was shown again with errors"
    if status != 302:
        return f"answered {status}"
    try:
        refusals = [text for level, text in messages_of(set_cookies) if level >= WARNING]
    except ValueError as error:
        return str(error)
    if refusals:
        return "refused: " + " / ".join(refusals)
    path = re.sub(r"^https?://[^/]+", "", location or "")
    if not path.startswith(expect):
        return f"redirected to {path or 'nowhere'}"
    return None


# --- the forms ------------------------------------------------------------------------------------

REPORT_TEXT = "本月开展群众文化活动12场，服务群众3000余人次。"


def report_form(token: str, *, action: str, serial: int) -> dict[str, str]:
    """The report form of an obligation (`action` save or submit): a work update uses the text, an
    in-depth report its three sections; the form ignores the fields of the other kind."""
    return {
        "csrfmiddlewaretoken": token,
        "action": action,
        "title": f"创建工作动态（第{serial}稿）",
        "body": REPORT_TEXT,
        "work_progress": REPORT_TEXT,
        "design_research": "制度设计研究按计划推进。",
        "phased_results": "阶段性成果已汇编成册。",
    }


def review_form(token: str, *, action: str) -> dict[str, str]:
    """The office's review of a submitted report: accept, or return with what to change."""
    comment = "" if action == "accept" else "请补充活动照片和经费使用情况。"
    return {"csrfmiddlewaretoken": token, "action": action, "comment": comment}


def claim_form(token: str, *, outlet_id: int, published_on: str, serial: str) -> dict[str, str]:
    """An adoption claim (R6.2) with a link as evidence; the title is the run's own, so that no
    claim repeats another (the same article in the same outlet counts once)."""
    return {
        "csrfmiddlewaretoken": token,
        "outlet": str(outlet_id),
        "outlet_name": "",
        "title": f"示范区创建经验交流 {serial}",
        "published_on": published_on,
        "link": f"https://news.example.cn/{serial}",
    }


def reject_form(token: str) -> dict[str, str]:
    return {"csrfmiddlewaretoken": token, "reason": "链接无法打开，请上传版面扫描件。"}
