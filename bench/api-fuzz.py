"""Schemathesis over the REST API's live OpenAPI document, with a larger budget than CI's.

Builds the demo company, makes a service token with every scope for the demo's admin, and
runs, straight into the product's WSGI application (in process), schemathesis' valid and
invalid cases against every operation: no server error, every response as the document says
(status, content type, headers, body).
Prints: operations, cases, failures, seconds, cases_per_s.
`--smoke`: an empty company and 1 case per operation and mode."""

import logging
import os
import sys

from _setup import arguments, setup

parser = arguments(__doc__)
parser.add_argument("--examples", type=int, default=50, help="cases per operation and mode")
options = parser.parse_args()
EXAMPLES = 1 if options.smoke else options.examples
os.environ["ADVOCATO_HTTPS"] = "0"  # served on plain HTTP on the loopback
setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from advocato.api import tokens  # noqa: E402
from advocato.api.tests.fuzz import run  # noqa: E402
from advocato.people import services as people  # noqa: E402
from advocato.people.models import Employee  # noqa: E402

logging.getLogger("django.request").setLevel(logging.ERROR)  # refusals are expected here
settings.API_RATE_LIMIT = 10_000_000
settings.ALLOWED_HOSTS = ["*"]
if options.smoke:
    admin = people.create_admin(email="bench@example.com", password="bench-pass-1234!")  # noqa: S106
else:
    from advocato.shell.demo import build_demo

    build_demo(quiet=True)
    admin = Employee.objects.get(email="admin@nordlys.example")
secret = tokens.create_token(
    by=admin, name="Fuzz", kind="service", expires_in_days=30,
    scopes=[code for code, _label in tokens.scopes_for(admin)],
).secret  # fmt: skip


# The product's own WSGI application, called in this process (no server thread to wait on).
outcome = run("", secret, examples=EXAMPLES, app=get_wsgi_application())
for failure in outcome.failures:
    print(failure, file=sys.stderr)
print(f"operations: {outcome.operations}")
print(f"cases: {outcome.cases}")
print(f"failures: {len(outcome.failures)}")
print(f"seconds: {outcome.seconds:.1f}")
print(f"cases_per_s: {outcome.cases / outcome.seconds if outcome.seconds else 0:.1f}")
sys.exit(1 if outcome.failures else 0)
