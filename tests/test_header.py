"""The header every page carries (portal.templatetags.header): its section links, the page shown
marked as current, and the language switch's choices."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory
from django.utils.translation import override

LINKS = Template("{% load header %}{% nav_links links %}")
LANGUAGES = Template("{% load header %}{% language_options current %}")


def test_the_links_are_written_in_order_and_only_the_page_shown_is_current() -> None:
    request = RequestFactory().get("/units/?page=2")
    links = [("Units & more", "/units/"), ('"Funds"', "/funds/office/")]
    written = LINKS.render(Context({"request": request, "links": links}))
    assert written == (
        '<a href="/units/" aria-current="page">Units &amp; more</a>'
        '<a href="/funds/office/">&quot;Funds&quot;</a>'
    )


def test_without_a_request_no_link_is_current() -> None:
    written = LINKS.render(Context({"links": [("Units", "/units/")]}))
    assert written == '<a href="/units/">Units</a>'


def test_each_language_is_offered_in_its_own_name_the_current_one_chosen() -> None:
    with override("en"):
        written = LANGUAGES.render(Context({"current": "zh-hans"}))
    assert written == (
        '<option value="zh-hans" selected>简体中文</option><option value="en">English</option>'
    )


def test_a_page_marks_its_own_link_and_offers_both_languages(client, world) -> None:
    client.force_login(world.users["office"])
    html = client.get("/units/").content.decode()
    assert '<a href="/units/" aria-current="page">' in html
    assert html.count('aria-current="page"') == 1
    assert '<option value="zh-hans" selected>简体中文</option>' in html
