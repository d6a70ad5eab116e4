"""Pages of the R1 leadership and R2 liaison records. Thin: reads start from `visible_to(user)`
(objects outside the user's scope answer 404), writes go through creation.services, which check
permissions again and validate the whole row.

Unit records are changed by the unit's own staff; whoever else sees the unit gets 403 on the
forms. Liaison meetings are written by the office of their programme.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from creation import services
from creation.forms import (
    GroupMemberForm,
    GroupOfficeForm,
    LeadershipGroupForm,
    LiaisonAppointForm,
    LiaisonContactForm,
    LiaisonEndForm,
    LiaisonMeetingForm,
    LiaisonMeetingRecordForm,
    MeetingFilterForm,
    MeetingForm,
    OfficeStaffForm,
    RotationForm,
    apply_service_errors,
)
from creation.models import (
    CreationUnit,
    GroupMember,
    GroupOffice,
    LeadershipGroup,
    Liaison,
    LiaisonAttendance,
    LiaisonMeeting,
    Meeting,
    OfficeStaff,
    Programme,
)
from creation.rules import (
    ComplianceItem,
    Period,
    Status,
    leadership_compliance,
    liaison_continuity,
    liaison_meeting_months,
    periods_between,
    suggest_next_host,
    worst_status,
)
from creation.scope import user_scope, visible_unit_or_404
from creation.selectors import (
    host_records,
    leadership_facts_of,
    liaison_meeting_gaps,
    liaison_meeting_list,
    member_fact,
    required_departments,
    unit_leadership_compliance,
)
from portal.exports import export_if_requested, model_columns

PAGE_SIZE = 25
LATEST_MEETINGS = 5
GET_POST = require_http_methods(["GET", "POST"])


# --- Helpers ------------------------------------------------------------------------------------


def _require_editor(request: HttpRequest, unit_id: int) -> None:
    if not user_scope(request.user).can_edit_unit(unit_id):
        raise PermissionDenied


def _editable_unit(request: HttpRequest, pk: int) -> CreationUnit:
    unit = visible_unit_or_404(request.user, pk)
    _require_editor(request, unit.pk)
    return unit


def _zone_or_404(unit: CreationUnit) -> None:
    # R1.2: only zones keep a leadership-group office.
    if unit.kind != CreationUnit.Kind.ZONE:
        raise Http404


def _leadership_url(unit_id: int, section: str = "") -> str:
    url = reverse("creation:unit-leadership", kwargs={"pk": unit_id})
    return f"{url}#{section}" if section else url


def _bound(request: HttpRequest) -> dict[str, Any]:
    if request.method == "POST":
        return {"data": request.POST, "files": request.FILES}
    return {}


def _record_form_page(
    request: HttpRequest,
    *,
    unit: CreationUnit,
    form: ModelForm,
    title: str,
    section: str,
    notes: tuple[str, ...] = (),
) -> HttpResponse:
    """Show a unit record's form; on a valid POST save it through unit_record_save."""
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        # Without a new upload, the stored minutes (and their original name) stay as they are.
        if "minutes" in fields and "minutes" not in form.changed_data:
            fields.pop("minutes")
        try:
            services.unit_record_save(user=request.user, instance=form.instance, fields=fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_leadership_url(unit.pk, section))
    context = {
        "unit": unit,
        "form": form,
        "title": title,
        "notes": notes,
        "back_url": _leadership_url(unit.pk, section),
    }
    return render(request, "creation/record_form.html", context)


def _delete_page(
    request: HttpRequest, *, unit: CreationUnit, instance: Any, what: str, back_url: str
) -> HttpResponse:
    """GET asks for confirmation, POST deletes through unit_record_delete."""
    if request.method == "POST":
        services.unit_record_delete(user=request.user, instance=instance)
        messages.success(request, _("Deleted: %(what)s.") % {"what": what})
        return redirect(back_url)
    context = {"unit": unit, "what": what, "back_url": back_url}
    return render(request, "creation/confirm_delete.html", context)


def _minutes_response(record: Meeting | LiaisonMeeting) -> FileResponse:
    if not record.minutes:
        raise Http404
    try:
        handle = record.minutes.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = record.minutes_name or os.path.basename(record.minutes.name)
    return FileResponse(handle, as_attachment=True, filename=name)


@dataclass(frozen=True)
class QuarterRow:
    """One quarter of the unit's cycle and whether its R1.3 regular-meeting count was met."""

    period: Period
    status: str  # a Status value, or "upcoming"
    held: int
    message: str


def meeting_quarters(
    unit: CreationUnit, items: list[ComplianceItem], regular_dates: list[date], today: date
) -> list[QuarterRow]:
    """R1.3 per quarter of the cycle: a quarter is missed or under way exactly when the
    compliance items name it; quarters not yet begun are upcoming."""
    findings = {item.evidence: item for item in items if item.rule == "R1.3"}
    rows = []
    for quarter in periods_between(unit.cycle_start, unit.cycle_end):
        held = sum(1 for day in regular_dates if day in quarter)
        if quarter.first_day > today:
            rows.append(QuarterRow(quarter, "upcoming", held, _("Not begun yet.")))
        elif str(quarter) in findings:
            finding = findings[str(quarter)]
            rows.append(QuarterRow(quarter, finding.status, held, finding.message))
        else:
            rows.append(QuarterRow(quarter, Status.OK, held, _("Met.")))
    return rows


def _meetings_context(unit: CreationUnit, items: list[ComplianceItem], today: date) -> list:
    regular = Meeting.objects.filter(unit=unit, kind=Meeting.Kind.REGULAR).values_list(
        "held_on", flat=True
    )
    return meeting_quarters(unit, items, list(regular), today)


# --- The unit's R1/R2 page ------------------------------------------------------------------------


@login_required
def unit_leadership(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit_or_404(request.user, pk)
    user = request.user
    today = timezone.localdate()
    # The unit's records, each read once: the page shows them and checks R1 and R2 on them.
    group = LeadershipGroup.objects.visible_to(user).filter(unit=unit).first()
    members = list(group.members.select_related("department")) if group else []
    office = staff = None
    if unit.kind == CreationUnit.Kind.ZONE:
        office = GroupOffice.objects.visible_to(user).filter(unit=unit).first()
        staff = list(office.staff.all()) if office else []
    meetings = list(Meeting.objects.visible_to(user).filter(unit=unit))
    liaisons = list(Liaison.objects.visible_to(user).filter(unit=unit).select_related("user"))
    for term in liaisons:
        term.unit = unit  # who may end a term is decided on the unit's programme
    facts = leadership_facts_of(
        unit=unit,
        has_group=group is not None,
        members=[
            member_fact(
                name=m.name,
                role=m.role,
                leader_kind=m.leader_kind,
                department=m.department.name if m.department else None,
                duty=m.duty,
            )
            for m in members
        ],
        office=office,
        meetings=meetings,
        liaisons=liaisons,
        departments=required_departments(unit),
    )
    items = leadership_compliance(facts, today=today)
    current = next((term for term in liaisons if term.ended_on is None), None)
    regular = [m.held_on for m in meetings if m.kind == Meeting.Kind.REGULAR]
    context = {
        "unit": unit,
        "items": items,
        "worst": worst_status(items),
        "can_edit": user_scope(user).can_edit_unit(unit.pk),
        "group": group,
        "members": members,
        "office": office,
        "staff": staff,
        "latest_meetings": meetings[:LATEST_MEETINGS],
        "meeting_count": len(meetings),
        "quarters": meeting_quarters(unit, items, regular, today),
        "regular_per_quarter": unit.batch.programme.regular_meetings_per_quarter,
        "liaison": current,
        "liaisons": liaisons,
        "can_end_term": current is not None and services.can_end_liaison_term(user, current),
        "vacant_since": liaison_continuity(
            facts.liaisons, start=unit.cycle_start, cycle_end=unit.cycle_end, today=today
        ).vacant_since,
    }
    return render(request, "creation/leadership.html", context)


# --- R1.1 group and members -----------------------------------------------------------------------


@login_required
@GET_POST
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    group = LeadershipGroup.objects.filter(unit=unit).first() or LeadershipGroup(unit=unit)
    form = LeadershipGroupForm(**_bound(request), instance=group)
    title = _("Edit the leadership group") if group.pk else _("Record the leadership group")
    notes = (
        _(
            "R1.1: a zone's group is headed by the main leaders of the local Party committee and "
            "government; a project's group by the main leader of the local cultural administration."
        ),
    )
    return _record_form_page(
        request, unit=unit, form=form, title=title, section="group", notes=notes
    )


@login_required
@GET_POST
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    group = LeadershipGroup.objects.filter(unit=unit).first()
    if group is None:
        messages.info(request, _("Record the leadership group first, then add its members."))
        return redirect("creation:group-edit", pk=unit.pk)
    form = GroupMemberForm(**_bound(request), instance=GroupMember(group=group))
    notes = (_("R1.1: every member has a stated duty."),)
    return _record_form_page(
        request, unit=unit, form=form, title=_("Add a member"), section="group", notes=notes
    )


def _member(request: HttpRequest, pk: int) -> GroupMember:
    members = GroupMember.objects.visible_to(request.user).select_related(
        "group__unit__batch__programme"
    )
    member = get_object_or_404(members, pk=pk)
    _require_editor(request, member.group.unit_id)
    return member


@login_required
@GET_POST
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = GroupMemberForm(**_bound(request), instance=member)
    title = _("Edit member %(name)s") % {"name": member.name}
    return _record_form_page(
        request, unit=member.group.unit, form=form, title=title, section="group"
    )


@login_required
@GET_POST
def member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    unit = member.group.unit
    return _delete_page(
        request,
        unit=unit,
        instance=member,
        what=str(member),
        back_url=_leadership_url(unit.pk, "group"),
    )


# --- R1.2 office and its staff (zones only) -------------------------------------------------------


@login_required
@GET_POST
def office_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    _zone_or_404(unit)
    office = GroupOffice.objects.filter(unit=unit).first() or GroupOffice(unit=unit)
    form = GroupOfficeForm(**_bound(request), instance=office)
    title = _("Edit the group office") if office.pk else _("Record the group office")
    notes = (
        _(
            "R1.2: a zone's leadership group has an office placed in the local cultural "
            "administration; it runs the daily work."
        ),
    )
    return _record_form_page(
        request, unit=unit, form=form, title=title, section="office", notes=notes
    )


@login_required
@GET_POST
def staff_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    _zone_or_404(unit)
    office = get_object_or_404(GroupOffice, unit=unit)
    form = OfficeStaffForm(**_bound(request), instance=OfficeStaff(office=office))
    return _record_form_page(
        request, unit=unit, form=form, title=_("Add an office staff member"), section="office"
    )


def _staff(request: HttpRequest, pk: int) -> OfficeStaff:
    staff = OfficeStaff.objects.visible_to(request.user).select_related(
        "office__unit__batch__programme"
    )
    member = get_object_or_404(staff, pk=pk)
    _require_editor(request, member.office.unit_id)
    return member


@login_required
@GET_POST
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _staff(request, pk)
    form = OfficeStaffForm(**_bound(request), instance=member)
    title = _("Edit office staff member %(name)s") % {"name": member.name}
    return _record_form_page(
        request, unit=member.office.unit, form=form, title=title, section="office"
    )


@login_required
@GET_POST
def staff_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = _staff(request, pk)
    unit = member.office.unit
    return _delete_page(
        request,
        unit=unit,
        instance=member,
        what=str(member),
        back_url=_leadership_url(unit.pk, "office"),
    )


# --- R1.3 meetings -----------------------------------------------------------------------------


MEETING_EXPORT = model_columns(
    Meeting, ["held_on", "kind", "title", "attendees", "agenda", "decisions", "minutes_name"]
)
LIAISON_MEETING_EXPORT = model_columns(
    LiaisonMeeting,
    ["scheduled_on", "programme__name", "audience", "year", "period", "place", "status"],
)


@login_required
def meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit_or_404(request.user, pk)
    today = timezone.localdate()
    meetings = Meeting.objects.visible_to(request.user).filter(unit=unit)
    # Only the filter fields bind the form, so "?page=2" alone is not a filtered list.
    filtering = any(request.GET.get(name) for name in MeetingFilterForm.base_fields)
    filters = MeetingFilterForm(request.GET if filtering else None)
    if filters.is_valid():
        if filters.cleaned_data["kind"]:
            meetings = meetings.filter(kind=filters.cleaned_data["kind"])
        if filters.cleaned_data["year"]:
            meetings = meetings.filter(held_on__year=filters.cleaned_data["year"])
    exported = export_if_requested(
        request, meetings, columns=MEETING_EXPORT, filename=f"meetings-{unit.pk}"
    )
    if exported:
        return exported
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    items = unit_leadership_compliance(unit=unit, today=today)
    context = {
        "unit": unit,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "can_edit": user_scope(request.user).can_edit_unit(unit.pk),
        "quarters": _meetings_context(unit, items, today),
        "regular_per_quarter": unit.batch.programme.regular_meetings_per_quarter,
    }
    return render(request, "creation/meeting_list.html", context)


MEETING_NOTES = (
    gettext_lazy(
        "R1.3: every meeting leaves minutes kept on file. Upload them as PDF, Word (.docx) or an "
        "image; the type is checked from the file's content."
    ),
)


@login_required
@GET_POST
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    form = MeetingForm(**_bound(request), instance=Meeting(unit=unit))
    return _record_form_page(
        request,
        unit=unit,
        form=form,
        title=_("Record a meeting"),
        section="meetings",
        notes=MEETING_NOTES,
    )


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("unit__batch__programme"), pk=pk
    )
    _require_editor(request, meeting.unit_id)
    return meeting


@login_required
@GET_POST
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = MeetingForm(**_bound(request), instance=meeting)
    notes = MEETING_NOTES
    if meeting.minutes:
        notes = (
            *notes,
            _("Minutes on file: %(name)s. Upload a file only to replace them.")
            % {"name": meeting.minutes_name or os.path.basename(meeting.minutes.name)},
        )
    title = _("Edit the meeting of %(date)s") % {"date": meeting.held_on.isoformat()}
    return _record_form_page(
        request, unit=meeting.unit, form=form, title=title, section="meetings", notes=notes
    )


@login_required
@GET_POST
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return _delete_page(
        request,
        unit=meeting.unit,
        instance=meeting,
        what=str(meeting),
        back_url=reverse("creation:meeting-list", kwargs={"pk": meeting.unit_id}),
    )


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> FileResponse:
    return _minutes_response(get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk))


# --- R2.1 liaison ------------------------------------------------------------------------------


@login_required
@GET_POST
def liaison_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    current = Liaison.objects.filter(unit=unit, ended_on__isnull=True).first()
    form = LiaisonAppointForm(
        **_bound(request),
        instance=Liaison(unit=unit),
        unit=unit,
        initial={"started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        contact = dict(form.cleaned_data)
        started_on, account = contact.pop("started_on"), contact.pop("user")
        try:
            liaison = services.liaison_appoint(
                user=request.user, unit=unit, started_on=started_on, account=account, **contact
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now the liaison, from %(date)s.")
                % {"name": liaison.name, "date": liaison.started_on.isoformat()},
            )
            if liaison.position_kind != Liaison.PositionKind.DEPUTY_HEAD_CULTURE:
                # R2.1 says "as a rule": another person may serve, but the office should know.
                messages.warning(
                    request,
                    _(
                        "R2.1: as a rule the liaison is the deputy head of the culture bureau in "
                        "charge. %(name)s is recorded, and the compliance summary shows a warning."
                    )
                    % {"name": liaison.name},
                )
            return redirect(_leadership_url(unit.pk, "liaison"))
    notes = [
        _(
            "R2.1: a unit has exactly one liaison at any time, as a rule the deputy head of the "
            "culture bureau in charge."
        )
    ]
    if current is not None:
        notes.append(
            _(
                "The term of the current liaison, %(name)s (since %(date)s), ends the day before "
                "the new liaison starts."
            )
            % {"name": current.name, "date": current.started_on.isoformat()}
        )
    context = {
        "unit": unit,
        "form": form,
        "title": _("Appoint a liaison"),
        "notes": notes,
        "back_url": _leadership_url(unit.pk, "liaison"),
    }
    return render(request, "creation/record_form.html", context)


@login_required
@GET_POST
def liaison_edit(request: HttpRequest, pk: int) -> HttpResponse:
    liaison = get_object_or_404(
        Liaison.objects.visible_to(request.user).select_related("unit__batch__programme"), pk=pk
    )
    _require_editor(request, liaison.unit_id)
    unit = liaison.unit
    form = LiaisonContactForm(**_bound(request), instance=liaison)
    if request.method == "POST" and form.is_valid():
        try:
            services.liaison_update(
                user=request.user, liaison=form.instance, fields=form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_leadership_url(unit.pk, "liaison"))
    context = {
        "unit": unit,
        "form": form,
        "title": _("Contacts of the liaison %(name)s") % {"name": liaison.name},
        "notes": (
            _("Only the contacts can be corrected here. A new person is appointed as liaison."),
        ),
        "back_url": _leadership_url(unit.pk, "liaison"),
    }
    return render(request, "creation/record_form.html", context)


@login_required
@GET_POST
def liaison_end(request: HttpRequest, pk: int) -> HttpResponse:
    """C5: end a liaison's term without a successor (the unit's staff or its programme's office)."""
    if user_scope(request.user).read_only:
        raise PermissionDenied  # a read-only account changes nothing, whatever it sees
    liaison = get_object_or_404(
        Liaison.objects.visible_to(request.user).select_related("unit__batch__programme"), pk=pk
    )
    if not services.can_end_liaison_term(request.user, liaison):
        raise PermissionDenied
    unit = liaison.unit
    form = LiaisonEndForm(**_bound(request), initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.liaison_term_end(
                user=request.user,
                liaison=liaison,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.warning(
                request,
                _(
                    "The term of %(name)s ended on %(date)s. The unit has no liaison until someone "
                    "is appointed."
                )
                % {"name": liaison.name, "date": form.cleaned_data["ended_on"].isoformat()},
            )
            return redirect(_leadership_url(unit.pk, "liaison"))
    context = {
        "title": _("End the liaison's term"),
        "unit": unit,
        "liaison": liaison,
        "form": form,
        "back_url": _leadership_url(unit.pk, "liaison"),
    }
    return render(request, "creation/liaison_end.html", context)


# --- R2.2 liaison meetings of the office ----------------------------------------------------------


def _runnable_programmes(user: Any) -> QuerySet[Programme]:
    scope = user_scope(user)
    programmes = Programme.objects.visible_to(user).order_by("kind", "name")
    return programmes if scope.everything else programmes.filter(pk__in=scope.office_programme_ids)


def _runs_any_programme(user: Any) -> bool:
    scope = user_scope(user)
    return scope.everything or bool(scope.office_programme_ids)


@login_required
def liaison_meeting_list_page(request: HttpRequest) -> HttpResponse:
    # Meta.ordering does not apply to the selector's grouped (annotated) query: order here.
    meetings = liaison_meeting_list(user=request.user).order_by("-scheduled_on", "-id")
    exported = export_if_requested(
        request, meetings, columns=LIAISON_MEETING_EXPORT, filename="liaison-meetings"
    )
    if exported:
        return exported
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    gaps = []
    today = timezone.localdate()
    if _runs_any_programme(request.user):
        for programme in _runnable_programmes(request.user):
            found = liaison_meeting_gaps(programme=programme, today=today)
            gaps.append(
                {
                    "programme": programme,
                    "zone": found[CreationUnit.Kind.ZONE],
                    "project": found[CreationUnit.Kind.PROJECT],
                }
            )
    context = {
        "page": page,
        "gaps": gaps,
        # the period under way is listed as a gap until its meeting is held
        "current_quarter": Period.containing(today, months=3),
        "current_half": Period.containing(today, months=6),
        "can_schedule": _runs_any_programme(request.user),
    }
    return render(request, "creation/liaison_meeting_list.html", context)


@login_required
@GET_POST
def liaison_meeting_create(request: HttpRequest) -> HttpResponse:
    if not _runs_any_programme(request.user):
        raise PermissionDenied
    programmes = _runnable_programmes(request.user)
    choices = list(programmes)
    programme = choices[0] if len(choices) == 1 else None
    audience = CreationUnit.Kind.ZONE
    rotation = RotationForm(
        request.GET or None,
        programmes=programmes,
        initial={"programme": programme, "audience": audience},
    )
    if rotation.is_valid():
        programme = rotation.cleaned_data["programme"] or programme
        audience = rotation.cleaned_data["audience"] or audience
    records = host_records(programme=programme, audience=audience) if programme else []
    suggestion = suggest_next_host(records)
    today = timezone.localdate()
    initial = {
        "programme": programme,
        "audience": audience,
        "year": today.year,
        "period": Period.containing(today, months=liaison_meeting_months(audience)).index,
        "host": suggestion.unit_id if suggestion else None,
    }
    form = LiaisonMeetingForm(**_bound(request), initial=initial, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.liaison_meeting_schedule(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The liaison meeting is scheduled and %(count)d units are invited.")
                % {"count": meeting.attendances.count()},
            )
            return redirect("creation:liaison-meeting-detail", pk=meeting.pk)
    context = {
        "rotation": rotation,
        "form": form,
        "programme": programme,
        "audience": audience,
        "records": records,
        "suggestion": suggestion,
    }
    return render(request, "creation/liaison_meeting_form.html", context)


@login_required
@GET_POST
def liaison_meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        LiaisonMeeting.objects.visible_to(request.user).select_related("programme", "host"), pk=pk
    )
    can_record = user_scope(request.user).can_run_programme(meeting.programme_id)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    # Each invited unit is shown only to those who may see the unit.
    attendances = list(
        LiaisonAttendance.objects.visible_to(request.user)
        .filter(meeting=meeting)
        .select_related("unit", "liaison")
    )
    form = None
    if can_record:
        form = LiaisonMeetingRecordForm(
            **_bound(request),
            attendances=attendances,
            initial={"attended": [a.unit_id for a in attendances if a.attended]},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.liaison_meeting_record(
                    user=request.user,
                    meeting=meeting,
                    attended_unit_ids=set(form.cleaned_data["attended"]),
                    minutes=form.cleaned_data["minutes"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Attendance recorded; the meeting is held."))
                return redirect("creation:liaison-meeting-detail", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "attendances": attendances,
        "invited": meeting.attendances.count(),
        "form": form,
    }
    return render(request, "creation/liaison_meeting_detail.html", context)


@login_required
def liaison_meeting_minutes(request: HttpRequest, pk: int) -> FileResponse:
    meeting = get_object_or_404(LiaisonMeeting.objects.visible_to(request.user), pk=pk)
    return _minutes_response(meeting)
