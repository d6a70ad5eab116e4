"""Forms of the publicity pages: the unit's claim, the office's rejection, reopening,
publishing and a new outlet. Services validate; their errors show on these forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.models import MediaOutlet, validate_adoption_scan


class ClaimForm(forms.Form):
    outlet = forms.ModelChoiceField(
        queryset=MediaOutlet.objects.filter(active=True), label=_("Outlet")
    )
    outlet_name = forms.CharField(
        label=_("Name of the outlet"),
        max_length=100,
        required=False,
        help_text=_("For a generic outlet: the actual newspaper, station or website."),
    )
    title = forms.CharField(label=_("Article title"), max_length=300)
    published_on = forms.DateField(
        label=_("Publication date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    scan = forms.FileField(
        label=_("Scan (PDF, PNG, JPG)"), required=False, validators=[validate_adoption_scan]
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
    published_on = forms.DateField(
        label=_("Date of issue"), widget=forms.DateInput(attrs={"type": "date"})
    )


class OutletForm(forms.ModelForm):
    class Meta:
        model = MediaOutlet
        fields = ["name", "tier", "level", "generic"]
