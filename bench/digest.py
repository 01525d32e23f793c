"""How fast the weekly personal digest is built and handed to SMTP for a big company.

Builds the demo company (its content, shares, clicks, rollups and success stories), adds
advocates until 10,000 can get the digest (spread over the demo's departments, teams,
locations, languages and groups), then sends last week's digest to all of them through
Django's SMTP backend to a local SMTP sink (aiosmtpd on a free port) and times it.
Prints: digests, digest_per_s, seconds, queries, queries_per_digest, received.
`--smoke`: 200 advocates."""

import logging
import socket
import time

from _setup import arguments, setup

SMOKE = arguments(__doc__).parse_args().smoke
ADVOCATES = 200 if SMOKE else 10_000
setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from advocato.enablement import digest  # noqa: E402
from advocato.enablement.models import DigestState  # noqa: E402
from advocato.people.models import Employee, Group, User  # noqa: E402
from advocato.shell.demo import build_demo  # noqa: E402

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: one line per command


class Sink:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


build_demo(quiet=True)
# The demo sent last week's digests already: start the week again.
DigestState.objects.all().delete()
eligible = Employee.objects.filter(is_active=True, user__isnull=False).count()
missing = max(0, ADVOCATES - eligible)
templates = list(
    Employee.objects.filter(role="advocate", user__isnull=False)
    .prefetch_related("groups")
    .order_by("pk")
)
joined = timezone.now() - timezone.timedelta(days=90)
users = User.objects.bulk_create(
    [User(email=f"bench-{i}@nordlys.example", date_joined=joined) for i in range(missing)],
    batch_size=1000,
)
people = Employee.objects.bulk_create(
    [
        Employee(
            user=user, email=user.email, name=f"Bench Advocate {i}", role="advocate",
            department_id=templates[i % len(templates)].department_id,
            team_id=templates[i % len(templates)].team_id,
            location_id=templates[i % len(templates)].location_id,
            language=("da", "nb", "en")[i % 3],
        )
        for i, user in enumerate(users)
    ],
    batch_size=1000,
)  # fmt: skip
groups = list(Group.objects.all())
if groups:
    Employee.groups.through.objects.bulk_create(
        [Employee.groups.through(employee_id=p.pk, group_id=groups[i % len(groups)].pk)
         for i, p in enumerate(people) if i % 3 == 0],
        batch_size=1000,
    )  # fmt: skip

sink = Sink()
controller = Controller(sink, hostname="127.0.0.1", port=free_port())
controller.start()
settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
settings.SITE_URL = "https://advocato.nordlys.example"
try:
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        sent = digest.send_digests()
    seconds = time.perf_counter() - start
finally:
    controller.stop()

if sent < ADVOCATES * 0.95:
    raise SystemExit(f"only {sent} digests went out for {ADVOCATES} advocates")
print(f"digests: {sent}")
print(f"digest_per_s: {sent / seconds:.1f}")
print(f"seconds: {seconds:.2f}")
print(f"queries: {len(queries)}")
print(f"queries_per_digest: {len(queries) / sent:.3f}")
print(f"received: {sink.received}")
