"""How fast past clicks come in from another platform (`advocato import-history --kind clicks`).

Imports 400 shares of 20 people, then a clicks CSV of 1,000,000 rows over 90 days in time
order, as exports come (a tenth from bots, each with a visitor key), timed whole: every row
checked and written in one transaction, then the rollups of the affected days recounted. The
file is streamed, so memory stays flat however long it is (`--rows 5000000` to see).
Prints: import_rows, import_written, import_seconds, import_rows_per_s, import_peak_mb (the
process's peak resident memory). `--smoke`: 5,000 rows."""

import os
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta

from _setup import arguments, setup

parser = arguments(__doc__)
parser.add_argument("--rows", type=int, default=1_000_000, help="click rows in the file")
ARGS = parser.parse_args()
ROWS = 5_000 if ARGS.smoke else ARGS.rows
setup()

from advocato.analytics import history  # noqa: E402
from advocato.conftest import make_employee  # noqa: E402
from advocato.links.models import Click  # noqa: E402

people = [make_employee(f"person{i}@example.com") for i in range(20)]
start = datetime(2026, 1, 1, 9, tzinfo=UTC)
with tempfile.TemporaryDirectory() as folder:
    shares = os.path.join(folder, "shares.csv")
    with open(shares, "w") as out:
        out.write("email,url,title,network,shared_at,post_url\n")
        for i in range(400):
            at = (start + timedelta(hours=5 * i)).isoformat()
            out.write(f"person{i % 20}@example.com,https://example.com/s/{i % 60},Story {i % 60},"
                      f"linkedin,{at},post-{i}\n")  # fmt: skip
    report = history.import_history(shares, kind="shares")
    assert report.imported and report.written == 400, report.problems[:3]

    clicks = os.path.join(folder, "clicks.csv")
    agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:124.0) Gecko/20100101 Firefox/124.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "",
    ]
    rng = random.Random(7)
    with open(clicks, "w") as out:
        out.write("share,clicked_at,user_agent,visitor\n")
        # In time order, as other platforms export them.
        per_day = -(-ROWS // 90)
        for i in range(ROWS):
            day, rest = divmod(i, per_day)
            share = rng.randrange(400)
            at = start + timedelta(days=day, seconds=rest * 86_000 // per_day)
            agent = "Googlebot/2.1 (+http://www.google.com/bot.html)" if i % 10 == 0 else (
                agents[i % 3])  # fmt: skip
            out.write(f"post-{share},{at.isoformat()},{agent},v{i % 50_000}\n")

    began = time.perf_counter()
    report = history.import_history(clicks, kind="clicks")
    seconds = time.perf_counter() - began
assert report.imported and report.is_clean, report.problems[:3]
written = Click.objects.count()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"import_rows: {ROWS}")
print(f"import_written: {written}")
print(f"import_seconds: {seconds:.2f}")
print(f"import_rows_per_s: {ROWS / seconds:.0f}")
print(f"import_peak_mb: {peak_mb:.0f}")
