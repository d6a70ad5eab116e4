"""Browser forms of supervision (R4). Forms collect and check input (dates in order, file type
and size); inspections.services checks permissions and states."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from creation.forms import UnitProvinceFilter
from inspections.models import (
    ChecklistResult,
    Finding,
    Inspection,
    Rectification,
    validate_evidence_upload,
)
from portal.queues import QueueFilterSet, SearchFilter
from portal.widgets import DateInput

DATE_INPUT = DateInput()
TEXTAREA = forms.Textarea(attrs={"rows": 4})


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several evidence files in one input, each checked by content (PDF, Word, Excel, PNG,
    JPEG; size limit MINUTES_MAX_UPLOAD_MB) before anything is stored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        cleaned, errors = [], []
        for upload in uploads:
            try:
                upload = super().clean(upload, initial)
                validate_evidence_upload(upload)
            except ValidationError as error:
                errors.extend(
                    _("%(name)s: %(error)s") % {"name": upload.name, "error": message}
                    for message in error.messages
                )
            else:
                cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class InspectionForm(forms.ModelForm):
    members = forms.CharField(
        label=_("Team members"),
        required=False,
        widget=TEXTAREA,
        help_text=_("One member a line: name, position (e.g. 王芳，专家委员会委员)."),
    )

    class Meta:
        model = Inspection
        fields = [
            "planned_start",
            "planned_end",
            "held_start",
            "held_end",
            "leader_name",
            "leader_position",
            "scope",
        ]
        widgets = {
            "planned_start": DATE_INPUT,
            "planned_end": DATE_INPUT,
            "held_start": DATE_INPUT,
            "held_end": DATE_INPUT,
            "scope": TEXTAREA,
        }

    def clean_members(self) -> list[tuple[str, str]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["members"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("，", ",").split(",", 1)]
            if len(parts) != 2 or not all(parts):
                raise ValidationError(
                    _("Line %(number)s: write the name and the position, separated by a comma.")
                    % {"number": number}
                )
            rows.append((parts[0], parts[1]))
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end cannot be before the planned start."))
        held_start, held_end = data.get("held_start"), data.get("held_end")
        if held_start and held_end and held_end < held_start:
            self.add_error("held_end", _("The inspection cannot end before it started."))
        return data


class DateForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE_INPUT)


class ChecklistItemAddForm(forms.Form):
    text = forms.CharField(label=_("Item"), max_length=300)


class FindingForm(forms.ModelForm):
    owner = forms.CharField(
        label=_("Responsible"),
        max_length=200,
        help_text=_("The person or department responsible for the rectification."),
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE_INPUT)
    evidence = EvidenceField(label=_("Evidence"), help_text=_("PDF, Word, Excel, PNG or JPEG."))

    class Meta:
        model = Finding
        fields = ["severity", "rule_id", "indicator", "description", "requirement"]
        widgets = {"description": TEXTAREA, "requirement": TEXTAREA}

    def __init__(self, *args: Any, indicators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["indicator"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("rule_id") and not data.get("indicator"):
            self.add_error("rule_id", _("Name the rule or the indicator the finding is about."))
        return data


class RectificationSubmitForm(forms.Form):
    report = forms.CharField(label=_("What was put right"), widget=TEXTAREA, max_length=5000)
    evidence = EvidenceField(label=_("Evidence"), help_text=_("PDF, Word, Excel, PNG or JPEG."))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, max_length=5000)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=TEXTAREA, required=False, max_length=5000)


class LetterSendForm(forms.Form):
    document_number = forms.CharField(
        label=_("Document number (文号)"), max_length=100, help_text=_("E.g. 办公共函〔2026〕12号")
    )
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE_INPUT)
    local_government = forms.CharField(label=_("Local people's government"), max_length=200)
    provincial_government = forms.CharField(
        label=_("Provincial people's government"), max_length=200
    )


class DocumentFormatForm(forms.Form):
    format = forms.ChoiceField(choices=[("pdf", "PDF"), ("docx", "Word (.docx)")])


class SelfInspectionForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}))
    meeting = forms.ModelChoiceField(
        label=_("Leadership-group meeting that approved it"), queryset=None, required=False
    )

    def __init__(self, *args: Any, meetings: Any = None, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.items = list(items)
        for item in self.items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=ChecklistResult.choices, initial=item.result
            )
            self.fields[f"remark_{item.pk}"] = forms.CharField(
                label=_("Remark"), required=False, initial=item.remark, max_length=2000
            )

    def rows(self) -> list[tuple[Any, Any, Any]]:
        """(item, result field, remark field) per item, for a table."""
        return [(item, self[f"result_{item.pk}"], self[f"remark_{item.pk}"]) for item in self.items]

    def results(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (
                self.cleaned_data[f"result_{item.pk}"],
                self.cleaned_data[f"remark_{item.pk}"],
            )
            for item in self.items
        }


class ChecklistResultsForm(forms.Form):
    def __init__(self, *args: Any, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=ChecklistResult.choices, initial=item.result
            )
            self.fields[f"remark_{item.pk}"] = forms.CharField(
                label=_("Remark"), required=False, initial=item.remark, max_length=2000
            )

    def rows(self) -> list[tuple[Any, Any, Any]]:
        """(item, result field, remark field) per item, for a table."""
        return [(item, self[f"result_{item.pk}"], self[f"remark_{item.pk}"]) for item in self.items]

    def results(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (
                self.cleaned_data[f"result_{item.pk}"],
                self.cleaned_data[f"remark_{item.pk}"],
            )
            for item in self.items
        }


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class RectificationCheckFilter(QueueFilterSet):
    """The office's rectifications to check: search on the unit's name and the finding;
    severity and province."""

    q = SearchFilter(
        search_fields=["finding__inspection__unit__name", "finding__description", "owner"]
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"),
        field_name="finding__severity",
        choices=Finding.Severity.choices,
        empty_label=_("All"),
    )
    province = UnitProvinceFilter(unit_path="finding__inspection__unit")

    class Meta:
        model = Rectification
        fields = ["q", "severity", "province"]
