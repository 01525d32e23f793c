"""How long the demo company takes to build (the issue asks for "well under a minute").

Prints: demo_build_seconds, demo_employees, demo_budget_ratio (seconds ÷ 60; below 1 is in
budget). The demo has one size and builds in seconds, so `--smoke` runs the whole benchmark."""

import time

from _setup import arguments, setup

arguments(__doc__).parse_args()  # --smoke: the demo is already smoke-sized
setup()

from django.core.management import call_command  # noqa: E402

from advocato.shell.demo import build_demo  # noqa: E402

start = time.perf_counter()
summary = build_demo(quiet=True)
seconds = time.perf_counter() - start
call_command("flush", "--noinput", verbosity=0)
print(f"demo_build_seconds: {seconds:.2f}")
print(f"demo_employees: {summary['employees']}")
print(f"demo_budget_ratio: {seconds / 60:.3f}")
