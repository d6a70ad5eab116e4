"""`{{ user|person }}`: a person by their name (portal.people.person_name), "—" for nobody."""

from typing import Any

from django import template

from portal.people import person_name

register = template.Library()


@register.filter
def person(user: Any) -> str:
    return person_name(user) or "—"
