"""Checking and importing invitation spreadsheets.

Checks a file at the 2 MB limit (the largest an admin can upload, ~16,000 people) and then
imports it: each person with an invitation, groups, a manager and audit entries, e-mails
queued. Both happen inside one web request, so both must stay well under gunicorn's 30 s.
Prints: csv_check_rows, csv_check_seconds, csv_check_rows_per_second, import_rows,
import_seconds, import_rows_per_second, import_vs_check_ratio (per-row cost of importing ÷
per-row cost of checking). `--smoke`: a 20 kB file (~160 people) instead."""

import time

from _setup import arguments, setup

SMOKE = arguments(__doc__).parse_args().smoke
setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from advocato.core import audit  # noqa: E402
from advocato.people import services  # noqa: E402
from advocato.people.invite_csv import parse_invite_csv  # noqa: E402

HEADER = "email,name,title,department,team,location,language,time_zone,manager_email,groups,role\n"


def row(i: int) -> str:
    manager = f"person{i - i % 25}@example.com" if i % 25 else ""
    return (
        f"person{i}@example.com,Person {i},Engineer,Dept {i % 8},Team {i % 3},Oslo,nb,"
        f"Europe/Oslo,{manager},Ambassadors|Group {i % 5},advocate\n"
    )


max_bytes = 20_000 if SMOKE else settings.INVITE_CSV_MAX_BYTES
lines, size, i = [HEADER], len(HEADER), 0
while True:
    line = row(i)
    if size + len(line) > max_bytes:
        break
    lines.append(line)
    size += len(line)
    i += 1
big = "".join(lines).encode()

start = time.perf_counter()
result = parse_invite_csv(big, existing_emails=set())
check_seconds = time.perf_counter() - start
assert result.is_clean, result.problems[:3]

admin = services.create_admin(email="bench-admin@example.com", password="bench-password-1")  # noqa: S106
with audit.acting_as(admin.user):
    staged = services.stage_invite_import(uploaded_by=admin, filename="bench.csv", data=big)
    start = time.perf_counter()
    with transaction.atomic():
        imported = services.run_invite_import(staged, invited_by=admin)
    import_seconds = time.perf_counter() - start
assert imported == result.total, (imported, result.total)

check_per_row = check_seconds / result.total
import_per_row = import_seconds / imported
print(f"csv_check_rows: {result.total}")
print(f"csv_check_seconds: {check_seconds:.3f}")
print(f"csv_check_rows_per_second: {result.total / check_seconds:.0f}")
print(f"import_rows: {imported}")
print(f"import_seconds: {import_seconds:.3f}")
print(f"import_rows_per_second: {imported / import_seconds:.0f}")
print(f"import_vs_check_ratio: {import_per_row / check_per_row:.1f}")
