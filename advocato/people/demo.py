"""The demo company's people: Nordlys Energi, a Scandinavian renewable-energy group with
~300 employees in Denmark, Norway and Sweden. Deterministic for a given random generator."""

from __future__ import annotations

import random
import unicodedata
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from advocato.core import audit
from advocato.core.models import Organisation

from .models import Department, Employee, Group, Invitation, Location, Team, User

DOMAIN = "nordlys.example"
EMPLOYEES = 300

LOCATIONS = {
    # name: (language weights, time zone)
    "København": ({"da": 0.85, "en": 0.15}, "Europe/Copenhagen"),
    "Aarhus": ({"da": 0.9, "en": 0.1}, "Europe/Copenhagen"),
    "Esbjerg": ({"da": 0.8, "en": 0.2}, "Europe/Copenhagen"),
    "Oslo": ({"nb": 0.85, "en": 0.15}, "Europe/Oslo"),
    "Bergen": ({"nb": 0.9, "en": 0.1}, "Europe/Oslo"),
    "Stavanger": ({"nb": 0.8, "en": 0.2}, "Europe/Oslo"),
    "Malmö": ({"en": 0.7, "da": 0.3}, "Europe/Stockholm"),
}
DEPARTMENTS = {
    # name: (weight, teams, job titles)
    "Sales": (
        0.18,
        ["Key Accounts", "Nordics", "Partners"],
        ["Key Account Manager", "Sales Executive", "Partner Manager", "Sales Engineer"],
    ),
    "Marketing & Communications": (
        0.08,
        ["Brand", "Content", "Digital"],
        ["Communications Partner", "Content Marketer", "Brand Manager", "Digital Marketer"],
    ),
    "People & Culture": (
        0.06,
        ["Talent Acquisition", "HR Partners"],
        ["Recruiter", "HR Business Partner", "Employer Branding Lead"],
    ),
    "Engineering": (
        0.22,
        ["Wind", "Solar", "Grid"],
        ["Project Engineer", "Electrical Engineer", "Structural Engineer", "Senior Engineer"],
    ),
    "Operations": (
        0.16,
        ["Field Service", "Asset Management"],
        ["Service Technician", "Site Manager", "Asset Manager"],
    ),
    "Customer Service": (
        0.1,
        ["Private Customers", "Business Customers"],
        ["Customer Advisor", "Customer Success Manager"],
    ),
    "Product & Data": (
        0.12,
        ["Platform", "Analytics"],
        ["Product Manager", "Data Scientist", "Software Developer", "UX Designer"],
    ),
    "Finance": (
        0.08,
        ["Controlling", "Investor Relations"],
        ["Controller", "Financial Analyst", "IR Manager"],
    ),
}
FIRST = {
    "da": [
        "Anne",
        "Mette",
        "Kirsten",
        "Sofie",
        "Ida",
        "Freja",
        "Camilla",
        "Louise",
        "Maja",
        "Emma",
        "Søren",
        "Jens",
        "Mads",
        "Rasmus",
        "Frederik",
        "Mikkel",
        "Jesper",
        "Anders",
        "Niels",
        "Thomas",
        "Jonas",
        "Line",
        "Signe",
        "Mathias",
    ],
    "nb": [
        "Ingrid",
        "Kari",
        "Marte",
        "Nora",
        "Silje",
        "Ingvild",
        "Hanne",
        "Tone",
        "Sigrid",
        "Astrid",
        "Ola",
        "Knut",
        "Håkon",
        "Eirik",
        "Sindre",
        "Espen",
        "Øyvind",
        "Magnus",
        "Torbjørn",
        "Vegard",
        "Kristian",
        "Jørgen",
    ],
    "en": [
        "Emily",
        "Olivia",
        "Sarah",
        "Hannah",
        "Elin",
        "Johanna",
        "Oliver",
        "James",
        "Daniel",
        "Erik",
        "Lukas",
        "Ahmed",
        "Priya",
        "Marco",
        "Aleksandra",
        "Tomasz",
    ],
}
LAST = {
    "da": [
        "Nielsen",
        "Jensen",
        "Hansen",
        "Pedersen",
        "Andersen",
        "Christensen",
        "Larsen",
        "Sørensen",
        "Rasmussen",
        "Jørgensen",
        "Madsen",
        "Kristensen",
        "Holm",
        "Kjær",
        "Dalgaard",
        "Lund",
        "Møller",
        "Bach",
    ],
    "nb": [
        "Johansen",
        "Olsen",
        "Berg",
        "Haugen",
        "Hagen",
        "Johnsen",
        "Solberg",
        "Bakken",
        "Strand",
        "Dahl",
        "Lie",
        "Moen",
        "Nygård",
        "Halvorsen",
        "Aas",
        "Fjeld",
    ],
    "en": [
        "Smith",
        "Lindqvist",
        "Andersson",
        "Karlsson",
        "Novak",
        "Rossi",
        "Khan",
        "Patel",
        "Kowalski",
        "Svensson",
        "Eriksson",
        "Brown",
    ],
}
GROUPS = {
    "Ambassadors": "Our most active voices on LinkedIn.",
    "Sales Nordics": "Everyone selling in Denmark, Norway and Sweden.",
    "Graduates 2026": "This year's graduate programme.",
    "Leadership": "Managers and the executive team.",
    "Employer Branding Crew": "Volunteers who share life at Nordlys.",
}
# The logins the README lists: (e-mail, name, role, department, team, location, language)
NAMED = [
    (
        "admin@nordlys.example",
        "Mette Kjær",
        "admin",
        "Marketing & Communications",
        "Brand",
        "København",
        "en",
    ),
    (
        "curator@nordlys.example",
        "Sofie Dalgaard",
        "curator",
        "Marketing & Communications",
        "Content",
        "København",
        "da",
    ),
    (
        "analyst@nordlys.example",
        "Kristian Nygård",
        "analyst",
        "Finance",
        "Controlling",
        "Oslo",
        "nb",
    ),
    (
        "manager@nordlys.example",
        "Jesper Madsen",
        "manager",
        "Sales",
        "Key Accounts",
        "Aarhus",
        "da",
    ),
    ("anna.holm@nordlys.example", "Anna Holm", "advocate", "Sales", "Key Accounts", "Aarhus", "da"),
    ("lars.berg@nordlys.example", "Lars Berg", "advocate", "Engineering", "Wind", "Bergen", "nb"),
    # A namesake of Anna's in another department: the people picker tells them apart.
    (
        "anna.holm.wind@nordlys.example",
        "Anna Holm",
        "advocate",
        "Engineering",
        "Wind",
        "Bergen",
        "da",
    ),
]


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _slug(text: str) -> str:
    text = text.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text if c.isalnum() or c == ".")


def build(rng: random.Random, progress) -> dict:
    now = timezone.now()
    org = Organisation.get()
    org.name = "Nordlys Energi"
    org.default_language = "da"
    org.time_zone = "Europe/Copenhagen"
    org.save()

    password = make_password("advocato-demo")
    locations = {name: Location.objects.create(name=name) for name in LOCATIONS}
    departments, teams = {}, {}
    for name, (_weight, team_names, _titles) in DEPARTMENTS.items():
        departments[name] = Department.objects.create(name=name)
        for team_name in team_names:
            teams[(name, team_name)] = Team.objects.create(
                name=team_name, department=departments[name]
            )
    progress.update(1)

    people: list[dict] = []
    used: set[str] = set()
    for email, name, role, dept, team, location, language in NAMED:
        used.add(email)
        people.append(
            {
                "email": email,
                "name": name,
                "role": role,
                "dept": dept,
                "team": team,
                "location": location,
                "language": language,
                "state": "registered",
                "title": DEPARTMENTS[dept][2][0]
                if role == "advocate"
                else {
                    "admin": "Head of Communications",
                    "curator": "Content Lead",
                    "analyst": "Business Analyst",
                    "manager": "Sales Director",
                }[role],
            }
        )
    dept_weights = {name: spec[0] for name, spec in DEPARTMENTS.items()}
    while len(people) < EMPLOYEES:
        location = rng.choice(list(LOCATIONS))
        language = _pick(rng, LOCATIONS[location][0])
        name_pool = language if language != "en" else rng.choice(["en", "en", "da", "nb"])
        first, last = rng.choice(FIRST[name_pool]), rng.choice(LAST[name_pool])
        email = f"{_slug(first)}.{_slug(last)}@{DOMAIN}"
        n = 2
        while email in used:
            email = f"{_slug(first)}.{_slug(last)}{n}@{DOMAIN}"
            n += 1
        used.add(email)
        dept = _pick(rng, dept_weights)
        state = _pick(
            rng,
            {
                "registered": 0.72,
                "pending": 0.17,
                "expired": 0.05,
                "revoked": 0.03,
                "inactive": 0.03,
            },
        )
        people.append(
            {
                "email": email,
                "name": f"{first} {last}",
                "role": "advocate",
                "dept": dept,
                "team": rng.choice(DEPARTMENTS[dept][1]),
                "location": location,
                "language": language,
                "state": state,
                "title": rng.choice(DEPARTMENTS[dept][2]),
            }
        )
    progress.update(1)

    users = []
    for person in people:
        if person["state"] in {"registered", "inactive"}:
            joined = now - timedelta(days=rng.randint(1, 120), minutes=rng.randint(0, 1440))
            person["joined"] = joined
            users.append(
                User(
                    email=person["email"],
                    password=password,
                    date_joined=joined,
                    is_active=person["state"] != "inactive",
                )
            )
    User.objects.bulk_create(users, batch_size=500)
    by_email = {u.email: u for u in User.objects.all()}
    admin_user = by_email["admin@nordlys.example"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=500,
    )
    progress.update(1)

    new_employees = []
    for person in people:
        new_employees.append(
            Employee(
                user=by_email.get(person["email"]),
                email=person["email"],
                name=person["name"],
                title=person["title"],
                department=departments[person["dept"]],
                team=teams[(person["dept"], person["team"])],
                location=locations[person["location"]],
                language=person["language"],
                time_zone=LOCATIONS[person["location"]][1],
                role=person["role"],
                is_active=person["state"] != "inactive",
                created_at=person.get("joined", now) - timedelta(days=rng.randint(1, 20)),
            )
        )
    Employee.objects.bulk_create(new_employees, batch_size=500)
    employees = {e.email: e for e in Employee.objects.all()}

    # Every team gets a manager; the named manager leads Sales · Key Accounts.
    managers = {("Sales", "Key Accounts"): employees["manager@nordlys.example"]}
    for person in people:
        key = (person["dept"], person["team"])
        named = person["email"] in {n[0] for n in NAMED}  # the README's logins keep their roles
        if (
            key not in managers
            and person["state"] == "registered"
            and person["role"] == "advocate"
            and not named
        ):
            managers[key] = employees[person["email"]]
            managers[key].role = "manager"
    for person in people:
        employee = employees[person["email"]]
        manager = managers.get((person["dept"], person["team"]))
        if manager is not None and manager.pk != employee.pk:
            employee.manager = manager
    Employee.objects.bulk_update(list(employees.values()), ["manager", "role"], batch_size=500)
    progress.update(1)

    admin = employees["admin@nordlys.example"]
    invitations = []
    for person in people:
        employee = employees[person["email"]]
        if person["email"] == "admin@nordlys.example":
            continue
        created = employee.created_at
        state = person["state"]
        sent = created if state != "pending" else now - timedelta(days=rng.randint(0, 10))
        invitations.append(
            Invitation(
                employee=employee,
                invited_by=admin,
                created_at=min(created, sent),
                sent_at=sent,
                send_count=rng.choice([1, 1, 1, 2]),
                accepted_at=person.get("joined") if state in {"registered", "inactive"} else None,
                revoked_at=sent + timedelta(days=3) if state == "revoked" else None,
            )
        )
        if state == "expired":
            invitations[-1].sent_at = invitations[-1].created_at = now - timedelta(
                days=rng.randint(20, 50)
            )
    Invitation.objects.bulk_create(invitations, batch_size=500)
    progress.update(1)

    # Groups are made "by the admin", so the audit log has its first entries.
    with audit.acting_as(admin_user):
        groups = {
            name: Group.objects.create(name=name, description=text) for name, text in GROUPS.items()
        }
        promoted = employees["lars.berg@nordlys.example"]
        promoted.title = "Senior Project Engineer"
        promoted.save()
    through = Employee.groups.through
    links = []
    for person in people:
        employee = employees[person["email"]]
        if person["dept"] == "Sales":
            links.append(through(employee_id=employee.pk, group_id=groups["Sales Nordics"].pk))
        if employee.role == "manager" or person["email"] == "admin@nordlys.example":
            links.append(through(employee_id=employee.pk, group_id=groups["Leadership"].pk))
        if rng.random() < 0.12 or person["email"] in {
            "anna.holm@nordlys.example",
            "lars.berg@nordlys.example",
        }:
            links.append(through(employee_id=employee.pk, group_id=groups["Ambassadors"].pk))
        if rng.random() < 0.05:
            links.append(through(employee_id=employee.pk, group_id=groups["Graduates 2026"].pk))
        if person["dept"] == "People & Culture" or rng.random() < 0.04:
            links.append(
                through(employee_id=employee.pk, group_id=groups["Employer Branding Crew"].pk)
            )
    through.objects.bulk_create(links, batch_size=1000)
    progress.update(1)
    return {"employees": len(people), "registered": len(users)}


STEPS = 6
