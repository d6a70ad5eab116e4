"""Admin of the records of creating places (§7), one page per kind of record."""

from django.contrib import admin

from creation.scoped_admin import ScopedModelAdmin
from places.kinds import RECORD_KINDS
from places.models import SummaryText


def _place_admin(kind):
    """Admin of one kind of record: read by the office, changed by the unit's staff on its pages."""
    names = [name for name in kind.fields if name not in ("equipment", "address")]
    return type(
        f"{kind.model.__name__}Admin",
        (ScopedModelAdmin,),
        {
            "list_display": ["unit", *names[:5]],
            "list_filter": [name for name in ("kind", "level", "is_brand") if name in names],
            "search_fields": ["unit__name"],
            "list_select_related": ["unit"],
        },
    )


for _kind in RECORD_KINDS:
    admin.site.register(_kind.model, _place_admin(_kind))


@admin.register(SummaryText)
class SummaryTextAdmin(ScopedModelAdmin):
    list_display = ["unit", "updated_at"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]
