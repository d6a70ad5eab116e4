"""Browser forms of reporting. Forms only collect and check input; the views hand
`cleaned_data` to reporting.services, which check permissions, states and completeness."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from creation.forms import UnitProvinceFilter
from portal.queues import QueueFilterSet, SearchFilter
from reporting.models import Obligation, Submission, validate_attachment_upload

TEXTAREA = forms.Textarea(attrs={"rows": 6})
SECTIONS = ("work_progress", "design_research", "phased_results")
NOT_STARTED = "not_started"
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def field_label(name: str) -> str:
    # The model's verbose names, so that pages and the admin use the same (translated) words.
    return capfirst(Submission._meta.get_field(name).verbose_name)


def apply_service_errors(
    form: forms.BaseForm, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: field errors on their fields when the form
    has them (`aliases` renames the service's field names), everything else above the form."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = aliases.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. Each is checked by content before anything is saved, so that a
    bad file refuses the whole form rather than leaving half of the uploads stored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned, errors = [], []
        for upload in uploads:
            try:
                upload = super().clean(upload, initial)
                validate_attachment_upload(upload)
            except ValidationError as error:
                errors.extend(
                    _("%(name)s: %(error)s") % {"name": upload.name, "error": message}
                    for message in error.messages
                )
            else:
                cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        if self.required and not cleaned:
            raise ValidationError(self.error_messages["required"], code="required")
        return cleaned


class SubmissionForm(forms.Form):
    """A report: title and text, or for an in-depth report (R5.2) title and its three sections;
    plus attachments. Only the title is needed to save a draft; `submission_submit` checks that a
    report is complete."""

    title = forms.CharField(label=field_label("title"), max_length=200)
    body = forms.CharField(label=field_label("body"), widget=TEXTAREA, required=False)
    work_progress = forms.CharField(
        label=field_label("work_progress"), widget=TEXTAREA, required=False
    )
    design_research = forms.CharField(
        label=field_label("design_research"), widget=TEXTAREA, required=False
    )
    phased_results = forms.CharField(
        label=field_label("phased_results"), widget=TEXTAREA, required=False
    )
    attachments = MultipleFileField(
        label=_("Add attachments"),
        required=False,
        help_text=_("PDF, Word (.docx), Excel (.xlsx), PNG or JPEG; you may choose several."),
    )

    def __init__(self, *args: Any, obligation_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if obligation_type == Obligation.Type.IN_DEPTH_REPORT:
            del self.fields["body"]
        else:
            for name in SECTIONS:
                del self.fields[name]

    def content(self) -> dict[str, str]:
        """The report's text fields, as `submission_save` takes them."""
        return {name: value for name, value in self.cleaned_data.items() if name != "attachments"}


class ReviewForm(forms.Form):
    # Optional here: `submission_return` says when a comment is needed.
    comment = forms.CharField(label=field_label("review_comment"), widget=TEXTAREA, required=False)


def _type_choices(types: list[str] | None = None) -> list[tuple[str, Any]]:
    choices = [(value, label) for value, label in Obligation.Type.choices]
    if types is not None:
        choices = [(value, label) for value, label in choices if value in types]
    return [("", _("All types")), *choices]


def parse_month(value: str | None) -> date | None:
    """The first day of a `YYYY-MM` month, or None."""
    match = MONTH.match(value or "")
    return date(int(match[1]), int(match[2]), 1) if match else None


class CalendarFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=_type_choices, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), (NOT_STARTED, _("Not started")), *Submission.Status.choices],
        required=False,
    )
    year = forms.TypedChoiceField(label=_("Due in"), coerce=int, required=False, empty_value=None)
    month = forms.CharField(label=_("Month"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((y, str(y)) for y in years)]

    def clean_month(self) -> date | None:
        value = self.cleaned_data["month"]
        if value and parse_month(value) is None:
            raise ValidationError(_("Give the month as YYYY-MM."))
        return parse_month(value)


class ReviewQueueFilter(QueueFilterSet):
    """The office's review queue: search on the unit's name and the report's title, type,
    province and timeliness."""

    q = SearchFilter(search_fields=["obligation__unit__name", "title"])
    type = django_filters.ChoiceFilter(
        label=_("Type"),
        field_name="obligation__type",
        choices=Obligation.Type.choices,
        empty_label=_("All types"),
    )
    province = UnitProvinceFilter(unit_path="obligation__unit")
    is_late = django_filters.ChoiceFilter(
        label=_("Late?"),
        choices=[("yes", _("Late")), ("no", _("In time"))],
        method="filter_late",
        empty_label=_("All"),
    )

    class Meta:
        model = Submission
        fields = ["q", "type", "province", "is_late"]

    def filter_late(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_late=value == "yes")


class ProvinceReportFilter(QueueFilterSet):
    """The reports copied to a province: search, type and review status."""

    q = SearchFilter(search_fields=["obligation__unit__name", "title"])
    type = django_filters.ChoiceFilter(
        label=_("Type"),
        field_name="obligation__type",
        choices=[
            (value, label)
            for value, label in Obligation.Type.choices
            if value in (Obligation.Type.FUND_REPORT, Obligation.Type.SELF_INSPECTION)
        ],
        empty_label=_("All types"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (value, label)
            for value, label in Submission.Status.choices
            if value != Submission.Status.DRAFT
        ],
        empty_label=_("All"),
    )

    class Meta:
        model = Submission
        fields = ["q", "type", "status"]
