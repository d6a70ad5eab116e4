"""Forms of the publicity pages: the unit's claim, the office's rejection, reopening,
publishing and a new outlet. Services validate; their errors show on these forms."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from creation.forms import UnitProvinceFilter
from creation.models import CreationUnit, Programme
from creation.scope import user_scope
from portal.queues import QueueFilterSet, SearchFilter
from portal.widgets import DateInput
from scoring.models import AdoptionClaim, MediaOutlet, validate_adoption_scan


class ClaimForm(forms.Form):
    outlet = forms.ModelChoiceField(queryset=MediaOutlet.objects.none(), label=_("Outlet"))
    outlet_name = forms.CharField(
        label=_("Name of the outlet"),
        max_length=100,
        required=False,
        help_text=_("For a generic outlet: the actual newspaper, station or website."),
    )
    title = forms.CharField(label=_("Article title"), max_length=300)
    published_on = forms.DateField(label=_("Publication date"), widget=DateInput())
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    scan = forms.FileField(
        label=_("Scan (PDF, PNG, JPG)"), required=False, validators=[validate_adoption_scan]
    )

    def __init__(self, *args: Any, unit: CreationUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The national catalogue and the outlets of the unit's own programme.
        self.fields["outlet"].queryset = MediaOutlet.objects.filter(active=True).usable_in(
            unit.batch.programme_id
        )

    def clean(self):
        data = super().clean()
        if not data.get("link") and not data.get("scan") and not self.errors.get("scan"):
            raise forms.ValidationError(_("Give a link or upload a scan as evidence."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    number = forms.CharField(
        label=_("Document number"), max_length=50, help_text=_("e.g. 办公共〔2026〕5号")
    )
    published_on = forms.DateField(label=_("Date of issue"), widget=DateInput())


class OutletForm(forms.ModelForm):
    class Meta:
        model = MediaOutlet
        fields = ["name", "programme", "tier", "level", "generic"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = user_scope(user)
        programmes = Programme.objects.filter(kind=Programme.Kind.PROVINCIAL)
        if not scope.everything:
            programmes = programmes.filter(pk__in=scope.office_programme_ids)
        field = self.fields["programme"]
        field.queryset = programmes
        if not scope.can_change_reference_data():
            # An office of a provincial programme adds outlets of that programme only.
            field.required = True
            field.empty_label = None
        elif not programmes.exists():
            del self.fields["programme"]


def _tier_choices() -> list[tuple[int, str]]:
    return [(tier, _("tier %(tier)s") % {"tier": tier}) for tier in range(1, 6)]


class ClaimQueueFilter(QueueFilterSet):
    """The office's claims to verify: search on the unit's name, the article and the outlet;
    tier and province."""

    q = SearchFilter(search_fields=["unit__name", "title", "outlet__name", "outlet_name"])
    tier = django_filters.ChoiceFilter(
        label=_("Tier"),
        choices=_tier_choices,
        empty_label=_("All tiers"),
    )
    province = UnitProvinceFilter(unit_path="unit")

    class Meta:
        model = AdoptionClaim
        fields = ["q", "tier", "province"]
