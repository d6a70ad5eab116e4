"""Writes of the organisation, one transaction each. Every write validates the whole row first
(`full_clean`), so the admin, the seed command and later forms share one set of messages."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from creation.hooks import unit_structure_sync
from creation.models import (
    Batch,
    CreationUnit,
    Liaison,
    LiaisonAttendance,
    LiaisonMeeting,
    Programme,
    Region,
    RoleAssignment,
)
from creation.rules import creation_cycle_end, unit_cycle
from creation.scope import forget_scope, user_scope
from creation.selectors import liaison_vacancies
from portal.services import notification_send, notifications_done

OFFICE_GROUP = "office reviewers"
# Office reviewers work in the admin on the organisation of their programme.
OFFICE_PERMISSIONS = [
    ("creation", "view_region"),
    ("creation", "view_programme"),
    ("creation", "view_batch"),
    ("creation", "add_batch"),
    ("creation", "change_batch"),
    ("creation", "view_creationunit"),
    ("creation", "add_creationunit"),
    ("creation", "change_creationunit"),
    # R1.1: the office keeps the list of departments; unit records are read-only for it here,
    # since only the unit's own staff change them.
    ("creation", "view_department"),
    ("creation", "add_department"),
    ("creation", "change_department"),
    ("creation", "view_leadershipgroup"),
    ("creation", "view_groupmember"),
    ("creation", "view_groupoffice"),
    ("creation", "view_officestaff"),
    ("creation", "view_meeting"),
    ("creation", "view_liaison"),
    ("creation", "view_liaisonmeeting"),
    ("creation", "view_liaisonattendance"),
    # §7: the records of creating places and the generated documents, read-only.
    ("places", "view_facility"),
    ("places", "view_artteam"),
    ("places", "view_culturalevent"),
    ("places", "view_staffcount"),
    ("places", "view_trainingcourse"),
    ("places", "view_investment"),
    ("places", "view_honour"),
    ("places", "view_summarytext"),
    ("reporting", "view_documentjob"),
    # R4: the office sets its programme's inspection settings and reads the supervision records;
    # inspections and rectification change through the supervision pages and API.
    ("inspections", "view_inspectionsettings"),
    ("inspections", "add_inspectionsettings"),
    ("inspections", "change_inspectionsettings"),
    ("inspections", "view_inspection"),
    ("inspections", "view_finding"),
    ("inspections", "view_rectification"),
    ("inspections", "view_rectificationevent"),
    ("inspections", "view_feedbackletter"),
    ("inspections", "view_selfinspection"),
    # R5: the office sets its programme's deadlines and reminders, and reads the reports.
    ("reporting", "view_reportingsettings"),
    ("reporting", "add_reportingsettings"),
    ("reporting", "change_reportingsettings"),
    ("reporting", "view_obligation"),
    ("reporting", "view_submission"),
    ("reporting", "view_reminder"),
    # R3: the office keeps the list of spending categories and reads the units' funds; plans are
    # filed and money spent only through the funds pages and API.
    ("funds", "view_fundcategory"),
    ("funds", "add_fundcategory"),
    ("funds", "change_fundcategory"),
    ("funds", "view_centralallocation"),
    ("funds", "view_localfunding"),
    ("funds", "view_fundplan"),
    ("funds", "view_fundplanversion"),
    ("funds", "view_expenditure"),
    # §8, R6.5, R6.6: the office keeps its creation standards and acceptance settings; veto
    # overrides, reviews and evaluations are made on the pages and read here.
    *[
        ("scoring", f"{verb}_{model}")
        for verb in ("view", "add", "change")
        for model in ("creationstandard", "indicator", "acceptancesettings")
    ],
    *[
        ("scoring", f"view_{model}")
        for model in (
            "vetooverride",
            "indicatorreview",
            "acceptanceevaluation",
            "unitstatusdecision",
        )
    ],
    # R6.1-R6.4: the office sets its publicity points and keeps the media catalogue.
    *[
        ("scoring", f"{verb}_{model}")
        for verb in ("view", "add", "change")
        for model in ("scoringsettings", "mediaoutlet")
    ],
    *[
        ("scoring", f"view_{model}")
        for model in ("adoptionclaim", "scoringperiod", "periodscore", "bulletin")
    ],
]


def _save(instance: Any) -> Any:
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def region_ensure(
    *, code: str, name: str, level: str, parent: Region | None = None, economic_belt: str = ""
) -> Region:
    region = Region.objects.filter(code=code).first() or Region(code=code)
    region.name, region.level, region.parent, region.economic_belt = (
        name,
        level,
        parent,
        economic_belt,
    )
    return _save(region)


@transaction.atomic
def programme_ensure(
    *, name: str, kind: str, office_name: str, province: Region | None = None
) -> Programme:
    programme = Programme.objects.filter(name=name).first() or Programme(name=name)
    programme.kind, programme.office_name, programme.province = kind, office_name, province
    return _save(programme)


@transaction.atomic
def batch_ensure(*, programme: Programme, number: int, year: int, cycle_start: date) -> Batch:
    batch = Batch.objects.filter(programme=programme, number=number).first() or Batch(
        programme=programme, number=number
    )
    batch.year, batch.cycle_start = year, cycle_start
    batch.cycle_end = creation_cycle_end(cycle_start)
    return _save(batch)


@transaction.atomic
def unit_save(*, unit: CreationUnit) -> CreationUnit:
    """Validate and save a new or changed unit, and in the same transaction bring what is derived
    from its dates, kind and batch (its reporting calendar, C3) in step with it. Every way a unit
    is written (services, admin, generators one by one) goes through here."""
    if unit.start_date is None and unit.batch_id:
        # C2: the batch's start is only the default start of the unit's own cycle.
        unit.start_date = unit_cycle(start_date=None, batch_start=unit.batch.cycle_start).start
    _save(unit)
    unit_structure_sync(unit=unit)
    return unit


@transaction.atomic
def unit_ensure(
    *,
    batch: Batch,
    name: str,
    kind: str,
    region: Region,
    start_date: date | None = None,
    host_organisation: str = "",
    status: str = CreationUnit.Status.CREATING,
) -> CreationUnit:
    """Create or update the unit named `name` in the batch; its start date defaults to the
    batch's start (C2). Its reporting calendar exists when this returns (C3)."""
    unit = CreationUnit.objects.filter(batch=batch, name=name).first() or CreationUnit(
        batch=batch, name=name
    )
    unit.kind, unit.region, unit.level = kind, region, region.level
    unit.start_date, unit.host_organisation, unit.status = start_date, host_organisation, status
    return unit_save(unit=unit)


@transaction.atomic
def office_group_ensure() -> Group:
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in OFFICE_PERMISSIONS
    ]
    group.permissions.set(permissions)
    return group


@transaction.atomic
def user_ensure(*, username: str, password: str, full_name: str = "", email: str = "") -> Any:
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username)
        user.set_password(password)
    user.first_name, user.email = full_name, email
    user.save()
    return user


@transaction.atomic
def role_assign(
    *,
    user: Any,
    role: str,
    unit: CreationUnit | None = None,
    province: Region | None = None,
    programme: Programme | None = None,
    department: str = "",
) -> RoleAssignment:
    """Give a user a role; office reviewers also get the admin (staff status and the office group)."""
    fields = {
        "user": user,
        "role": role,
        "unit": unit,
        "province": province,
        "programme": programme,
        "department": department,
    }
    assignment = RoleAssignment.objects.filter(**fields).first() or _save(RoleAssignment(**fields))
    if role == RoleAssignment.Role.OFFICE_REVIEWER:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(office_group_ensure())
    forget_scope(user)
    return assignment


# --- R1 leadership and R2 liaison records ------------------------------------------------------


def _owner_unit(instance: Any) -> CreationUnit:
    return getattr(instance, "owner_unit", None) or instance.unit


def _require_unit_editor(user: Any, unit: CreationUnit) -> None:
    if not user_scope(user).can_edit_unit(unit.pk):
        raise PermissionDenied(_("Only the unit's own staff can change its records."))


def _require_programme_office(user: Any, programme: Programme) -> None:
    if not user_scope(user).can_run_programme(programme.pk):
        raise PermissionDenied(_("Only the programme's office can do this."))


@transaction.atomic
def unit_record_save(*, user: Any, instance: Any, fields: dict[str, Any]) -> Any:
    """Create or change a record that belongs to one unit (group, member, office, staff,
    meeting): only that unit's staff may, and the whole row is validated first."""
    for name, value in fields.items():
        setattr(instance, name, value)
    _require_unit_editor(user, _owner_unit(instance))
    upload = fields.get("minutes")
    if upload and not getattr(upload, "_committed", False):
        # a new upload: keep the name it came with (the stored name is generated)
        instance.minutes_name = upload.name[:200]
    return _save(instance)


@transaction.atomic
def unit_record_delete(*, user: Any, instance: Any) -> None:
    """Delete a unit's record; its stored minutes file goes once the deletion is committed."""
    _require_unit_editor(user, _owner_unit(instance))
    stored = getattr(instance, "minutes", None)
    instance.delete()
    if stored:
        name, storage = stored.name, stored.storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def liaison_appoint(
    *, user: Any, unit: CreationUnit, started_on: date, account: Any = None, **contact: Any
) -> Liaison:
    """R2.1: make a new liaison the unit's only active one (`account`: their portal user, who
    then receives the invitations; `user` is who makes the appointment). The previous term ends
    the day before. The unit row is locked, so two simultaneous appointments run one after the other
    and leave exactly one active liaison."""
    _require_unit_editor(user, unit)
    CreationUnit.objects.select_for_update().get(pk=unit.pk)
    current = Liaison.objects.select_for_update().filter(unit=unit, ended_on__isnull=True).first()
    previous = (
        Liaison.objects.filter(unit=unit, ended_on__isnull=False).order_by("-ended_on").first()
    )
    if current is None and previous is not None and started_on <= previous.ended_on:
        # R2.1: one liaison at a time; a successor after a vacancy starts after the last term.
        raise ValidationError(
            {
                "started_on": _(
                    "The new liaison must start after the last term, which ended on %(date)s."
                )
                % {"date": previous.ended_on.isoformat()}
            }
        )
    if current is not None:
        if started_on < current.started_on:
            raise ValidationError(
                {
                    "started_on": _(
                        "The new liaison cannot start before the current one, who started on %(date)s."
                    )
                    % {"date": current.started_on.isoformat()}
                }
            )
        current.ended_on = max(current.started_on, started_on - timedelta(days=1))
        current.save(update_fields=["ended_on"])
    appointed = _save(Liaison(unit=unit, started_on=started_on, user=account, **contact))
    # The notices of the vacancy asked for this appointment.
    notifications_done(key_prefixes=[f"liaison-vacancy-{unit.pk}-"])
    return appointed


@transaction.atomic
def liaison_update(*, user: Any, liaison: Liaison, fields: dict[str, Any]) -> Liaison:
    """Correct a liaison's contacts; terms change only through liaison_appoint."""
    _require_unit_editor(user, liaison.unit)
    for name, value in fields.items():
        if name in {"unit", "started_on", "ended_on", "end_reason"}:
            raise ValidationError(_("Appoint a new liaison to change who is liaison when."))
        setattr(liaison, name, value)
    return _save(liaison)


def can_end_liaison_term(user: Any, liaison: Liaison) -> bool:
    """C5: the unit's own staff and the office of its programme may end a liaison's term."""
    scope = user_scope(user)
    unit = liaison.unit
    return scope.can_edit_unit(unit.pk) or scope.can_run_programme(unit.batch.programme_id)


@transaction.atomic
def liaison_term_end(
    *, user: Any, liaison: Liaison, ended_on: date, reason: str = "", today: date | None = None
) -> Liaison:
    """C5 (R2.1): end a liaison's term without a successor; `ended_on` is the last day served.
    The unit is vacant from the day after until someone is appointed, which its page, the veto
    gauge and the status show and the daily sweep reminds its staff of. Audited like every
    change of a liaison (the audit trail records the row's diff and who made it)."""
    if not can_end_liaison_term(user, liaison):
        raise PermissionDenied(
            _("Only the unit's own staff or the office of its programme can end a liaison's term.")
        )
    today = today or timezone.localdate()
    liaison = Liaison.objects.select_for_update().get(pk=liaison.pk)
    if liaison.ended_on is not None:
        raise ValidationError(
            _("The term of %(name)s already ended on %(date)s.")
            % {"name": liaison.name, "date": liaison.ended_on.isoformat()}
        )
    if ended_on < liaison.started_on:
        raise ValidationError(
            {
                "ended_on": _("A term cannot end before it started, on %(date)s.")
                % {"date": liaison.started_on.isoformat()}
            }
        )
    if ended_on > today:
        raise ValidationError(
            {
                "ended_on": _("A term cannot end in the future: %(date)s is after today.")
                % {"date": ended_on.isoformat()}
            }
        )
    liaison.ended_on = ended_on
    liaison.end_reason = reason.strip()
    liaison.full_clean()
    liaison.save(update_fields=["ended_on", "end_reason"])
    return liaison


def liaison_vacancy_remind(*, now: datetime | None = None) -> int:
    """C5: remind the staff of every creating unit without a liaison, once per day (the sweep's
    period) for as long as the vacancy lasts: the notification key holds the day, so a second
    sweep the same day sends nothing and a sweep that did not run leaves no backlog. Returns
    how many units were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    units = CreationUnit.objects.filter(status=CreationUnit.Status.CREATING).select_related("batch")
    vacant = {
        pk: since
        for pk, since in liaison_vacancies(units=units, today=today).items()
        if since is not None and since <= today
    }
    staff: dict[int, list[Any]] = {}
    for assignment in RoleAssignment.objects.filter(
        unit__in=list(vacant), role=RoleAssignment.Role.UNIT_STAFF
    ).select_related("user"):
        staff.setdefault(assignment.unit_id, []).append(assignment.user)
    reminded = 0
    for unit in units.filter(pk__in=list(staff)):
        since = vacant[unit.pk]
        days = (today - since).days + 1
        sent = notification_send(
            recipients=staff[unit.pk],
            title=_("No liaison: appoint one for %(unit)s") % {"unit": unit.name},
            body=_(
                "%(unit)s has had no liaison since %(since)s (%(days)d days). R2.1 requires a "
                "liaison at all times; a gap can veto the unit at acceptance (R6.6)."
            )
            % {"unit": unit.name, "since": since.isoformat(), "days": days},
            link=reverse("creation:unit-leadership", kwargs={"pk": unit.pk}) + "#liaison",
            key=f"liaison-vacancy-{unit.pk}-{since.isoformat()}-{today.isoformat()}",
        )
        reminded += bool(sent)
    return reminded


def _unit_recipients(unit: CreationUnit, liaison: Liaison | None) -> list[Any]:
    if liaison is not None and liaison.user_id:
        return [liaison.user]
    staff = RoleAssignment.objects.filter(unit=unit, role=RoleAssignment.Role.UNIT_STAFF)
    return [assignment.user for assignment in staff.select_related("user")]


@transaction.atomic
def liaison_meeting_schedule(
    *,
    user: Any,
    programme: Programme,
    audience: str,
    year: int,
    period: int,
    scheduled_on: date,
    place: str,
    host: CreationUnit,
    agenda: str = "",
) -> LiaisonMeeting:
    """R2.2: schedule a liaison meeting and invite the liaison of every creating unit it is for
    (an in-app notification to the liaison's account, or to the unit's staff)."""
    _require_programme_office(user, programme)
    meeting = _save(
        LiaisonMeeting(
            programme=programme,
            audience=audience,
            year=year,
            period=period,
            scheduled_on=scheduled_on,
            place=place,
            host=host,
            agenda=agenda,
        )
    )
    units = CreationUnit.objects.filter(
        batch__programme=programme, kind=audience, status=CreationUnit.Status.CREATING
    ).select_related("batch")
    active = {
        liaison.unit_id: liaison
        for liaison in Liaison.objects.filter(unit__in=units, ended_on__isnull=True).select_related(
            "user"
        )
    }
    LiaisonAttendance.objects.bulk_create(
        [
            LiaisonAttendance(meeting=meeting, unit=unit, liaison=active.get(unit.pk))
            for unit in units
        ]
    )
    link = reverse("creation:liaison-meeting-detail", kwargs={"pk": meeting.pk})
    title = _("Invitation: liaison meeting on %(date)s in %(place)s") % {
        "date": scheduled_on.isoformat(),
        "place": place,
    }
    body = _("Host: %(host)s. %(agenda)s") % {"host": host.name, "agenda": agenda}
    addresses: set[str] = set()
    for unit in units:
        recipients = _unit_recipients(unit, active.get(unit.pk))
        notification_send(
            recipients=recipients,
            title=title,
            body=body,
            link=link,
            key=f"liaison-meeting-{meeting.pk}-invitation-{unit.pk}",
        )
        addresses.update(user.email for user in recipients if user.email)
    if addresses:
        # by email too, once the meeting is stored
        transaction.on_commit(
            lambda: send_mail(title, body, settings.DEFAULT_FROM_EMAIL, sorted(addresses))
        )
    return meeting


@transaction.atomic
def liaison_meeting_record(
    *,
    user: Any,
    meeting: LiaisonMeeting,
    attended_unit_ids: set[int],
    minutes: Any = None,
) -> LiaisonMeeting:
    """Record who came and the minutes; the meeting is then held."""
    _require_programme_office(user, meeting.programme)
    meeting = LiaisonMeeting.objects.select_for_update().get(pk=meeting.pk)
    for attendance in meeting.attendances.all():
        attendance.attended = attendance.unit_id in attended_unit_ids
        attendance.save(update_fields=["attended"])
    if minutes:
        meeting.minutes = minutes
        meeting.minutes_name = minutes.name[:200]
    meeting.status = LiaisonMeeting.Status.HELD
    return _save(meeting)


def units_changed_at_bump(
    unit_ids: Collection[int] | None, with_peers: Collection[int] = ()
) -> int:
    """Store now as the moment the units changed (every unit, for None). Called by portal.cache
    once the writes to the units' rows have committed. The units ranked with them (`with_peers`,
    C4) are not written: the moment their ranking moved is stored once for their rank group
    (dashboard.models.RankGroupChange), which the status API reads beside this one. Returns the
    units stored."""
    units = CreationUnit.objects.all()
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    # QuerySet.update: no signal, so storing the moment is not itself a write that counts.
    return units.update(changed_at=timezone.now())
