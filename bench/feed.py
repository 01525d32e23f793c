"""How fast an advocate's feed answers as the library grows.

Builds the demo company, then adds items until the library holds 20,000 (a tenth of them
targeted at departments, groups or locations), and times the first page of the feed for an
advocate against the same page of a plain "published, newest first" query.
Prints: library_items, feed_page_ms, plain_page_ms, feed_vs_plain_ratio, feed_queries.
`--smoke`: a library of 1,000 items and the median of 3 runs."""

import statistics
import time

from _setup import arguments, setup

SMOKE = arguments(__doc__).parse_args().smoke
LIBRARY, RUNS = (1_000, 3) if SMOKE else (20_000, 30)
setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from advocato.content import services  # noqa: E402
from advocato.content.models import ContentItem, Status  # noqa: E402
from advocato.people.models import Department, Employee  # noqa: E402
from advocato.shell.demo import build_demo  # noqa: E402

build_demo(quiet=True)
now = timezone.now()
first_new = ContentItem.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
missing = max(0, LIBRARY - ContentItem.objects.count())
ContentItem.objects.bulk_create(
    [
        ContentItem(
            title=f"Story {i}",
            status=Status.PUBLISHED,
            published_at=now - timezone.timedelta(minutes=i),
            target_everyone=i % 10 != 0,
        )
        for i in range(missing)
    ],
    batch_size=1000,
)
through = ContentItem.departments.through
departments = list(Department.objects.all())
targeted = ContentItem.objects.filter(target_everyone=False, pk__gte=first_new).values_list(
    "pk", flat=True
)
through.objects.bulk_create(
    [
        through(contentitem_id=pk, department_id=departments[pk % len(departments)].pk)
        for pk in targeted
    ],
    batch_size=1000,
)
anna = Employee.objects.get(email="anna.holm@nordlys.example")


def timed(fn, runs=RUNS):
    fn()  # warm up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def feed_page():
    items = list(services.feed_for(anna)[:20])
    [services.localise(item, anna.language) for item in items]
    return items


if len(feed_page()) < 20:
    raise SystemExit("Anna's feed has less than a page: the benchmark would time nothing.")


def plain_page():
    list(ContentItem.objects.filter(status=Status.PUBLISHED).order_by("-published_at")[:20])


feed_ms, plain_ms = timed(feed_page), timed(plain_page)
with CaptureQueriesContext(connection) as queries:
    feed_page()
print(f"library_items: {ContentItem.objects.count()}")
print(f"feed_page_ms: {feed_ms:.2f}")
print(f"plain_page_ms: {plain_ms:.2f}")
print(f"feed_vs_plain_ratio: {feed_ms / plain_ms:.1f}")
print(f"feed_queries: {len(queries)}")
