"""Browser forms of the R1 leadership and R2 liaison records. Forms only collect and check input;
the views hand `cleaned_data` to the services, which check permissions and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from creation.models import (
    CreationUnit,
    GroupMember,
    GroupOffice,
    LeadershipGroup,
    Liaison,
    LiaisonMeeting,
    Meeting,
    OfficeStaff,
    Programme,
    Region,
    RoleAssignment,
)
from creation.scope import units_in_provinces_q
from portal.filters import ModelChoiceFilter
from portal.uploads import validate_minutes_upload
from portal.widgets import DateInput

DATE_INPUT = DateInput()
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields when the form
    has them, everything else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class LeadershipGroupForm(forms.ModelForm):
    class Meta:
        model = LeadershipGroup
        fields = ["name", "established_on", "document_number"]
        widgets = {"established_on": DATE_INPUT}


class GroupMemberForm(forms.ModelForm):
    class Meta:
        model = GroupMember
        fields = ["name", "position", "role", "leader_kind", "department", "duty", "sort_order"]
        widgets = {"duty": TEXTAREA}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].empty_label = _("— none —")


class GroupOfficeForm(forms.ModelForm):
    class Meta:
        model = GroupOffice
        fields = [
            "placed_in",
            "in_cultural_administration",
            "director_name",
            "director_position",
            "phone",
        ]


class OfficeStaffForm(forms.ModelForm):
    class Meta:
        model = OfficeStaff
        fields = ["name", "position", "phone"]


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "held_on", "title", "attendees", "agenda", "decisions", "minutes"]
        # No "clear" box: R1.3 wants minutes on file, so a file can be replaced, not removed.
        widgets = {
            "held_on": DATE_INPUT,
            "attendees": TEXTAREA,
            "agenda": TEXTAREA,
            "decisions": TEXTAREA,
            "minutes": forms.FileInput(
                attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg,application/pdf,image/*"}
            ),
        }


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Meeting.Kind.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.username})" if full_name else obj.username


def _unit_accounts(unit: CreationUnit):
    return (
        get_user_model()
        .objects.filter(
            role_assignments__unit=unit, role_assignments__role=RoleAssignment.Role.UNIT_STAFF
        )
        .distinct()
        .order_by("username")
    )


class LiaisonAppointForm(forms.ModelForm):
    """A new liaison (R2.1); the service ends the current term the day before `started_on`."""

    class Meta:
        model = Liaison
        fields = [
            "name",
            "organisation",
            "position",
            "position_kind",
            "phone",
            "mobile",
            "email",
            "user",
            "started_on",
        ]
        field_classes = {"user": AccountChoiceField}
        widgets = {"started_on": DATE_INPUT}

    def __init__(self, *args: Any, unit: CreationUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the unit's own accounts: the list of every portal user is nobody's business here.
        self.fields["user"].queryset = _unit_accounts(unit)


class LiaisonContactForm(forms.ModelForm):
    """Corrections of the contacts; who is liaison when changes only by appointing."""

    class Meta:
        model = Liaison
        fields = ["phone", "mobile", "email", "user"]
        field_classes = {"user": AccountChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _unit_accounts(self.instance.unit)


class LiaisonEndForm(forms.Form):
    """C5: the last day a liaison served, when the term ends without a successor."""

    ended_on = forms.DateField(
        label=_("Last day of the term"),
        widget=DATE_INPUT,
        help_text=_("Not before the term started and not after today."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class LiaisonMeetingForm(forms.ModelForm):
    class Meta:
        model = LiaisonMeeting
        fields = [
            "programme",
            "audience",
            "year",
            "period",
            "scheduled_on",
            "place",
            "host",
            "agenda",
        ]
        widgets = {"scheduled_on": DATE_INPUT, "agenda": TEXTAREA}

    def __init__(self, *args: Any, programmes, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["host"].queryset = (
            CreationUnit.objects.filter(
                batch__programme__in=programmes, status=CreationUnit.Status.CREATING
            )
            .select_related("batch__programme")
            .order_by("batch__programme__name", "kind", "name")
        )
        self.fields["host"].label_from_instance = lambda unit: (
            f"{unit.name} · {unit.get_kind_display()} · {unit.batch.programme.name}"
        )


class RotationForm(forms.Form):
    """The programme and audience whose host rotation (R2.2) the create page shows."""

    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False
    )
    audience = forms.ChoiceField(label=_("For"), choices=CreationUnit.Kind.choices, required=False)

    def __init__(self, *args: Any, programmes, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class LiaisonMeetingRecordForm(forms.Form):
    """Who came to a liaison meeting, and its minutes."""

    attended = forms.TypedMultipleChoiceField(
        label=_("Attended"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every unit whose liaison (or a stand-in) took part."),
    )
    minutes = forms.FileField(
        label=_("Minutes"),
        required=False,
        max_length=200,
        validators=[validate_minutes_upload],
        help_text=_("PDF, Word (.docx) or an image (PNG, JPEG)."),
    )

    def __init__(self, *args: Any, attendances, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (attendance.unit_id, attendance.unit.name) for attendance in attendances
        ]


class UnitProvinceFilter(ModelChoiceFilter):
    """A queue's filter on the province of an item's unit (`unit_path`, e.g.
    `"obligation__unit"`): the unit's region is the province itself or lies below it."""

    def __init__(self, *args: Any, unit_path: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Province"))
        kwargs.setdefault("queryset", Region.objects.provinces().order_by("code"))
        kwargs.setdefault("empty_label", _("All provinces"))
        super().__init__(*args, **kwargs)
        self.unit_path = unit_path

    def filter(self, qs: QuerySet, value: Region | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(units_in_provinces_q([value.pk], f"{self.unit_path}__"))
