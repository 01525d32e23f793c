"""People, departments, teams and groups: read and write, with the people pages' rules (admins
run the directory; analysts and curators may list departments, teams and groups, which their
filters and targeting offer them)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from advocato.core.models import Organisation
from advocato.people import forms as people_forms
from advocato.people import services as people
from advocato.people.forms import TEXT_VALIDATORS
from advocato.people.models import Department, Employee, Group, Team
from advocato.people.services import PeopleError

from .base import Id, PathId, allow, page
from .formdata import as_data, check, current
from .problems import Problem, bad

router = Router(tags=["people"])
LISTERS = ("analyst", "curator")


class Named(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    email: str
    name: str
    title: str
    department: Named | None
    team: Named | None
    location: str | None
    language: str
    time_zone: str
    role: str
    manager_id: int | None
    groups: list[Id]
    is_active: bool
    registered: bool
    created_at: datetime


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None


def _person(e: Employee) -> dict:
    return {
        "id": e.pk, "email": e.email, "name": e.name, "title": e.title,
        "department": {"id": e.department.pk, "name": e.department.name} if e.department else None,
        "team": {"id": e.team.pk, "name": e.team.name} if e.team else None,
        "location": e.location.name if e.location else None,
        "language": e.language, "time_zone": e.time_zone, "role": e.role,
        "manager_id": e.manager_id, "groups": sorted(g.pk for g in e.groups.all()),
        "is_active": e.is_active, "registered": e.user_id is not None, "created_at": e.created_at,
    }  # fmt: skip


def _people():
    return Employee.objects.select_related("department", "team", "location").prefetch_related(
        "groups"
    )


class PeopleFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Name, e-mail or title contains")
    department: int | None = Field(None, ge=1, le=2**31 - 1)
    role: Literal["advocate", "manager", "curator", "analyst", "admin"] | None = None
    active: bool | None = None
    ordering: Literal["name", "-name", "created_at", "-created_at", "id", "-id"] = "name"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(50, ge=1, le=200)


@router.get("/people", response=PersonPage, summary="List people")
def list_people(request, filters: Query[PeopleFilters]):
    allow(request, "read:people", "admin")
    rows = _people()
    if filters.q:
        rows = rows.filter(
            Q(name__icontains=filters.q) | Q(email__icontains=filters.q)
            | Q(title__icontains=filters.q)
        )  # fmt: skip
    if filters.department:
        rows = rows.filter(department_id=filters.department)
    if filters.role:
        rows = rows.filter(role=filters.role)
    if filters.active is not None:
        rows = rows.filter(is_active=filters.active)
    found, after = page(
        rows, ordering=filters.ordering, cursor=filters.cursor, limit=filters.limit,
        orderings={"name": "name", "created_at": "created_at", "id": "id"},
    )  # fmt: skip
    return {"items": [_person(e) for e in found], "next_cursor": after}


@router.get("/people/{int:person_id}", response=PersonOut, summary="One person")
def get_person(request, person_id: PathId):
    allow(request, "read:people", "admin")
    return _person(get_object_or_404(_people(), pk=person_id))


class PersonIn(Schema):
    email: str = Field(..., max_length=254)
    name: str = Field(..., max_length=200)
    title: str = Field("", max_length=200)
    department: str = Field("", max_length=120, description="By name; made if new")
    team: str = Field("", max_length=120, description="By name, within the department")
    location: str = Field("", max_length=120)
    language: Literal["en", "da", "nb"] | None = None
    time_zone: str | None = Field(None, max_length=64)
    manager_id: int | None = Field(None, ge=1, le=2**31 - 1)
    groups: list[Id] = Field(default_factory=list, max_length=100)
    role: Literal["advocate", "manager", "curator", "analyst", "admin"] = "advocate"


@router.post("/people", response={201: PersonOut}, summary="Invite a person")
def invite_person(request, payload: PersonIn):
    """Creates the person and e-mails their invitation, as the invite page does."""
    admin = allow(request, "write:people", "admin")
    values = payload.dict()
    values["manager"] = values.pop("manager_id")
    values["language"] = values["language"] or _org_language()
    values["time_zone"] = values["time_zone"] or _org_zone()
    form = people_forms.InviteForm(as_data(values))
    if Employee.objects.filter(email__iexact=payload.email.strip()).exists():
        raise bad("email", _("Someone with this e-mail address is already in the programme."), 409)
    check(form)
    data = form.cleaned_data
    try:
        employee = people.invite_employee(
            invited_by=admin, email=data["email"], name=data["name"], title=data["title"],
            department=data["department"].strip(), team=data["team"].strip(),
            location=data["location"].strip(), language=data["language"],
            time_zone=data["time_zone"], manager=data["manager"], groups=list(data["groups"]),
            role=data["role"], base_url=request.build_absolute_uri("/"),
        )  # fmt: skip
    except PeopleError as exc:
        raise bad("email", str(exc), 409) from exc
    return Status(201, _person(get_object_or_404(_people(), pk=employee.pk)))


def _org_language() -> str:
    return Organisation.get().default_language


def _org_zone() -> str:
    return Organisation.get().time_zone


class PersonPatch(Schema):
    name: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=200)
    department: str | None = Field(None, max_length=120)
    team: str | None = Field(None, max_length=120)
    location: str | None = Field(None, max_length=120)
    language: Literal["en", "da", "nb"] | None = None
    time_zone: str | None = Field(None, max_length=64)
    manager_id: int | None = Field(None, ge=0, le=2**31 - 1, description="0 for none")
    groups: list[Id] | None = Field(None, max_length=100)
    role: Literal["advocate", "manager", "curator", "analyst", "admin"] | None = None


@router.patch("/people/{int:person_id}", response=PersonOut, summary="Change a person")
def change_person(request, person_id: PathId, payload: PersonPatch):
    """The person page's form: only the fields sent change."""
    allow(request, "write:people", "admin")
    employee = get_object_or_404(Employee, pk=person_id)
    values = current(people_forms.EmployeeForm(instance=employee))
    sent = payload.dict(exclude_unset=True)
    renames = {"department": "department_name", "team": "team_name", "location": "location_name",
               "manager_id": "manager"}  # fmt: skip
    for name, value in sent.items():
        if value is None and name != "manager_id":
            continue
        values[renames.get(name, name)] = value or None if name == "manager_id" else value
    form = people_forms.EmployeeForm(as_data(values), instance=employee)
    check(form)
    with transaction.atomic():
        form.save()
    return _person(get_object_or_404(_people(), pk=employee.pk))


# --- Departments, teams, groups -----------------------------------------------------------------


class DepartmentOut(Schema):
    id: int
    name: str
    people: int


class TeamOut(Schema):
    id: int
    name: str
    department: Named


class GroupOut(Schema):
    id: int
    name: str
    description: str
    members: list[Id]


class NameIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)


class TeamIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    department_id: int = Field(..., ge=1, le=2**31 - 1)


class TeamPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    department_id: int | None = Field(None, ge=1, le=2**31 - 1)


class GroupIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=300)
    members: list[Id] | None = Field(None, max_length=10_000)


class GroupPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=300)
    members: list[Id] | None = Field(None, max_length=10_000)


def _clean_name(value: str, field: str = "name") -> str:
    value = value.strip()
    if not value:
        raise bad(field, _("Give a name."))
    for validator in TEXT_VALIDATORS:
        try:
            validator(value)
        except ValidationError as exc:
            raise bad(field, exc.messages[0]) from exc
    return value


def _conflict(field: str = "name") -> Problem:
    return bad(field, _("Another one has this name already."), 409)


@router.get("/departments", response=list[DepartmentOut], summary="List departments")
def list_departments(request):
    allow(request, "read:people", *LISTERS)
    rows = Department.objects.annotate(n=Count("employees")).order_by("name")
    return [{"id": d.pk, "name": d.name, "people": d.n} for d in rows]


@router.post("/departments", response={201: DepartmentOut}, summary="Create a department")
def create_department(request, payload: NameIn):
    allow(request, "write:people", "admin")
    name = _clean_name(payload.name)
    if Department.objects.filter(name__iexact=name).exists():
        raise _conflict()
    try:
        with transaction.atomic():
            department = Department.objects.create(name=name)
    except IntegrityError:
        raise _conflict() from None
    return Status(201, {"id": department.pk, "name": department.name, "people": 0})


@router.patch("/departments/{int:department_id}", response=DepartmentOut,
              summary="Rename a department")  # fmt: skip
def change_department(request, department_id: PathId, payload: NameIn):
    allow(request, "write:people", "admin")
    department = get_object_or_404(Department, pk=department_id)
    name = _clean_name(payload.name)
    if Department.objects.filter(name__iexact=name).exclude(pk=department.pk).exists():
        raise _conflict()
    department.name = name
    department.save()
    return {"id": department.pk, "name": name, "people": department.employees.count()}


def _team(t: Team) -> dict:
    return {"id": t.pk, "name": t.name, "department": {"id": t.department.pk,
            "name": t.department.name}}  # fmt: skip


@router.get("/teams", response=list[TeamOut], summary="List teams")
def list_teams(request):
    allow(request, "read:people", *LISTERS)
    return [_team(t) for t in Team.objects.select_related("department")]


@router.post("/teams", response={201: TeamOut}, summary="Create a team")
def create_team(request, payload: TeamIn):
    allow(request, "write:people", "admin")
    name = _clean_name(payload.name)
    department = Department.objects.filter(pk=payload.department_id).first()
    if department is None:
        raise bad("department_id", _("No such department."))
    if Team.objects.filter(department=department, name__iexact=name).exists():
        raise _conflict()
    team = Team.objects.create(name=name, department=department)
    return Status(201, _team(team))


@router.patch("/teams/{int:team_id}", response=TeamOut, summary="Change a team")
def change_team(request, team_id: PathId, payload: TeamPatch):
    allow(request, "write:people", "admin")
    team = get_object_or_404(Team.objects.select_related("department"), pk=team_id)
    if payload.name is not None:
        team.name = _clean_name(payload.name)
    if payload.department_id is not None:
        department = Department.objects.filter(pk=payload.department_id).first()
        if department is None:
            raise bad("department_id", _("No such department."))
        team.department = department
    clash = Team.objects.filter(department=team.department, name__iexact=team.name)
    if clash.exclude(pk=team.pk).exists():
        raise _conflict()
    team.save()
    return _team(team)


def _group(g: Group) -> dict:
    return {"id": g.pk, "name": g.name, "description": g.description,
            "members": sorted(m.pk for m in g.members.all())}  # fmt: skip


@router.get("/groups", response=list[GroupOut], summary="List groups")
def list_groups(request):
    allow(request, "read:people", *LISTERS)
    return [_group(g) for g in Group.objects.prefetch_related("members")]


def _members(ids: list[Id]) -> list[Employee]:
    found = list(Employee.objects.filter(pk__in=set(ids)))
    if len(found) != len(set(ids)):
        raise bad("members", _("Some of these people do not exist."))
    return found


def _save_group(request, group: Group | None, values: dict, members: list[Id] | None):
    form = people_forms.GroupForm(as_data(values), instance=group)
    if not form.is_valid():
        if any("exists" in str(m) for m in form.errors.get("name", [])):
            raise _conflict()
        check(form)
    people_list = _members(members) if members is not None else None
    with transaction.atomic():
        saved = form.save()
        if people_list is not None:
            saved.members.set(people_list)
    return _group(Group.objects.prefetch_related("members").get(pk=saved.pk))


@router.post("/groups", response={201: GroupOut}, summary="Create a group")
def create_group(request, payload: GroupIn):
    allow(request, "write:people", "admin")
    values = {"name": payload.name, "description": payload.description}
    return Status(201, _save_group(request, None, values, payload.members))


@router.patch("/groups/{int:group_id}", response=GroupOut, summary="Change a group")
def change_group(request, group_id: PathId, payload: GroupPatch):
    allow(request, "write:people", "admin")
    group = get_object_or_404(Group, pk=group_id)
    values = {"name": group.name, "description": group.description}
    values.update({k: v for k, v in payload.dict(exclude_unset=True).items()
                   if k != "members" and v is not None})  # fmt: skip
    return _save_group(request, group, values, payload.members)
