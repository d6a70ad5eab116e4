"""Forms of the scoring pages: a veto override, an indicator review, a status decision and the
filters of the office's gauge list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creation.models import Batch, CreationUnit, Programme
from funds.forms import apply_service_errors
from portal.filters import ListedModelChoiceField
from portal.widgets import DateInput
from scoring.models import IndicatorReview, UnitStatusDecision, VetoOverride
from scoring.rules import VETO_ITEM_CHOICES

DATE_INPUT = DateInput()

__all__ = ["apply_service_errors"]


class OverrideForm(forms.Form):
    item = forms.ChoiceField(label=_("Requirement"), choices=VETO_ITEM_CHOICES)
    decision = forms.ChoiceField(label=_("Decision"), choices=VetoOverride.Decision.choices)
    reason = forms.CharField(
        label=_("Written reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept on file with your name and the time; visible to the unit."),
    )

    def __init__(self, *args: Any, unit: CreationUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit.kind != CreationUnit.Kind.ZONE:
            self.fields["item"].choices = [c for c in VETO_ITEM_CHOICES if c[0] != "group_office"]


class ReviewForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=IndicatorReview.Stage.choices)
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, indicators: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            computed = indicator.source == indicator.Source.COMPUTED
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.code} {indicator.name}",
                max_digits=16,
                decimal_places=4,
                required=not computed,
                help_text=(
                    _("Threshold %(threshold)s %(unit)s; leave empty to compute it.")
                    if computed
                    else _("Threshold %(threshold)s %(unit)s.")
                )
                % {"threshold": indicator.threshold.normalize(), "unit": indicator.measure_unit},
            )

    def values(self) -> dict[int, Any]:
        return {i.pk: self.cleaned_data.get(f"indicator_{i.pk}") for i in self.indicators}


class StatusDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=UnitStatusDecision.Decision.choices)
    reason = forms.CharField(label=_("Written reason"), widget=forms.Textarea(attrs={"rows": 3}))


class GaugeFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("attention", _("At risk or failed")),
        ("failed", _("Failed (veto)")),
        ("at_risk", _("At risk")),
        ("ok", _("OK")),
        ("all", _("All")),
    ]
    gauge_status = forms.ChoiceField(label=_("Gauge"), choices=STATUS_CHOICES, required=False)
    programme = ListedModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False
    )
    batch = ListedModelChoiceField(label=_("Batch"), queryset=Batch.objects.none(), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *CreationUnit.Kind.choices], required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.visible_to(user)
        self.fields["batch"].queryset = Batch.objects.visible_to(user).select_related("programme")
