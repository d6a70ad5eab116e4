"""Browser forms of the records of a creating place (§7) and of its summary report's text."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from creation.forms import DATE_INPUT, TEXTAREA
from places.kinds import RecordKind
from places.models import SummaryText
from portal.uploads import DocumentUploadValidator
from reporting.models import DocumentJob

validate_workbook_upload = DocumentUploadValidator(("xlsx",), "MINUTES_MAX_UPLOAD_MB")


def record_form_class(kind: RecordKind) -> type[forms.ModelForm]:
    widgets = {}
    for name in kind.fields:
        model_field = kind.field(name)
        if isinstance(model_field, models.DateField):
            widgets[name] = DATE_INPUT
        elif isinstance(model_field, models.TextField):
            widgets[name] = TEXTAREA
    return forms.modelform_factory(kind.model, fields=list(kind.fields), widgets=widgets)


class SummaryTextForm(forms.ModelForm):
    class Meta:
        model = SummaryText
        fields = ["overview", "aims", "leadership", "measures", "problems"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        validators=[validate_workbook_upload],
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    replace = forms.BooleanField(
        label=_("Replace"),
        required=False,
        help_text=_(
            "Tick to replace, for each unit in the file, its records of the kinds the file holds; "
            "otherwise the rows are added."
        ),
    )


class DocumentRequestForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=DocumentJob.Format.choices, initial=DocumentJob.Format.PDF
    )
