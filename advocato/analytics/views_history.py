"""The admin's history import: upload a file of past shares, clicks or conversions → a report
of every bad row by row and column (a dry run) → import (all rows, or only the good ones)."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocato.lib.permissions import role_required

from . import history
from .models import HistoryImport

# Checked, and later imported, inside one web request (~200,000 click rows; gunicorn gives
# 30 s): larger files go through `advocato import-history` on the server.
MAX_UPLOAD_BYTES = 10 * 1_048_576


class HistoryUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"),
                             choices=HistoryImport.Kind.choices)  # fmt: skip
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; import it with `advocato import-history` "
                  "on the server.") % {"mb": MAX_UPLOAD_BYTES // 1_048_576}
            )  # fmt: skip
        return upload


@role_required("admin")
def upload(request):
    form = HistoryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        data = file.read()
        try:
            report = history.import_history(
                io.BytesIO(data), kind=kind, filename=file.name, dry_run=True
            )
        except history.HistoryError as exc:
            form.add_error("file", str(exc))
        else:
            staged = HistoryImport.objects.create(
                uploaded_by=request.employee, filename=file.name[:255], kind=kind, data=data,
                total_rows=report.total, good_rows=report.good,
                problem_count=report.problem_count, problems=report.problems,
            )  # fmt: skip
            return redirect("analytics:history_report", pk=staged.pk)
    recent = HistoryImport.objects.select_related("uploaded_by").defer("data")[:5]
    return render(
        request,
        "analytics/history_upload.html",
        {"form": form, "recent": recent, "synonyms": _synonyms(), "kinds": history.COLUMNS},
    )


def _synonyms() -> list[tuple[str, list[str]]]:
    found: dict[str, list[str]] = {}
    for name, column in history.HEADER_SYNONYMS.items():
        found.setdefault(column, []).append(name)
    return sorted(found.items())


@role_required("admin")
def sample(request, kind: str):
    if kind not in history.SAMPLES:
        raise Http404
    response = HttpResponse(history.SAMPLES[kind], content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="advocato-history-{kind}.csv"'
    return response


@role_required("admin")
def report(request, pk: int):
    staged = get_object_or_404(HistoryImport, pk=pk)
    if request.method == "POST" and not staged.imported_at:
        with transaction.atomic():
            locked = HistoryImport.objects.select_for_update().get(pk=staged.pk)
            if locked.imported_at:
                return redirect("analytics:history_report", pk=staged.pk)
            try:
                result = history.import_history(
                    io.BytesIO(bytes(locked.data)), kind=locked.kind, filename=locked.filename,
                    good_rows=request.POST.get("good_rows") == "1",
                )  # fmt: skip
            except history.HistoryError as exc:
                messages.error(request, str(exc))
                return redirect("analytics:history_report", pk=staged.pk)
            if not result.imported:
                messages.error(
                    request, _("Nothing was imported: some rows have problems (listed below).")
                )
                locked.problems, locked.problem_count = result.problems, result.problem_count
                locked.save(update_fields=["problems", "problem_count"])
                return redirect("analytics:history_report", pk=staged.pk)
            locked.imported_at = timezone.now()
            locked.written = result.written
            locked.save(update_fields=["imported_at", "written"])
        messages.success(
            request,
            _("Imported: %(n)d new rows written; rows already there were left as they were.")
            % {"n": result.written},
        )
        return redirect("analytics:history_report", pk=staged.pk)
    return render(
        request,
        "analytics/history_report.html",
        {"staged": staged, "bad_lines": len({p["line"] for p in staged.problems})},
    )
