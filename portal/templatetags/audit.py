"""The audit trail of an object, on the object's own page."""

from typing import Any

from auditlog.models import LogEntry
from django import template
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from portal.audit import object_history
from portal.people import person_name

register = template.Library()
SHOWN = 20


@register.inclusion_tag("portal/includes/_history.html")
def history_of(instance) -> dict:
    """The latest changes of an object the page already took from a scoped queryset, each value
    in words: people by their names, yes and no rather than True and False, "—" for nothing."""
    entries = list(object_history(instance)[: SHOWN + 1])
    shown = entries[:SHOWN]
    return {"entries": _with_changes(shown), "more": len(entries) > SHOWN}


def _people_fields(model: Any) -> set[str]:
    """The display names (as the audit log shows them) of the model's fields naming a user."""
    if model is None:
        return set()
    return {
        str(field.verbose_name)
        for field in model._meta.fields
        if field.is_relation
        and field.related_model is not None
        and field.related_model._meta.label == settings.AUTH_USER_MODEL
    }


def _with_changes(entries: list[LogEntry]) -> list[LogEntry]:
    changes = [(entry, entry.changes_display_dict) for entry in entries]
    people_fields = {
        entry.content_type_id: _people_fields(entry.content_type.model_class()) for entry in entries
    }
    usernames = {
        value
        for entry, shown in changes
        for field, values in shown.items()
        if field in people_fields[entry.content_type_id]
        for value in values
    }
    # One query for the people of every change shown; the log keeps their usernames.
    names = {
        user.get_username(): person_name(user)
        for user in get_user_model().objects.filter(username__in=usernames)
    }

    def word(value: Any, *, person: bool) -> str:
        text = str(value)
        if text in ("None", ""):
            return "—"
        if text in ("True", "False"):
            return _("Yes") if text == "True" else _("No")
        return names.get(text, text) if person else text

    for entry, shown in changes:
        fields = people_fields[entry.content_type_id]
        entry.changes_shown = [
            (field, [word(value, person=field in fields) for value in values])
            for field, values in shown.items()
        ]
    return entries
