"""The programme's public pages: the years, one year by pôle (filtered), one action, the PDF,
and two years compared by theme. None depends on being logged in."""

from __future__ import annotations

from itertools import pairwise

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from .comparison import compare
from .forms import ActionFilterForm
from .models import Action, Programme
from .pdf import render_programme_pdf


def index(request):
    programmes = list(Programme.objects.annotate(action_count=Count("poles__axes__actions"))
                      .order_by("-year"))
    comparisons = [(older.year, newer.year) for newer, older in pairwise(programmes)]
    return render(request, "programme/index.html",
                  {"programmes": programmes, "comparisons": comparisons})


def programme_page(request, year: int):
    programme = get_object_or_404(Programme, year=year)
    form = ActionFilterForm(request.GET or None, programme)
    sections = [(pole, [axis for axis in pole.axes.all() if axis.shown or not form.active])
                for pole in programme.tree(form.filtered())]
    return render(request, "programme/programme.html", {
        "programme": programme, "form": form, "total": form.actions.count(),
        "shown": sum(len(axis.shown) for _, axes in sections for axis in axes),
        "sections": [(pole, axes) for pole, axes in sections if axes]})


def action_page(request, year: int, action_id: int):
    action = get_object_or_404(
        Action.objects.select_related("axis__pole__programme")
        .prefetch_related("publics", "themes", "territories"),
        pk=action_id, axis__pole__programme__year=year)
    return render(request, "programme/action.html",
                  {"action": action, "programme": action.programme})


def programme_pdf(request, year: int):
    programme = get_object_or_404(Programme, year=year)
    response = HttpResponse(render_programme_pdf(programme), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="programme-{year}.pdf"'
    return response


def compare_years(request, before: int, after: int):
    if before == after:
        raise Http404("Choisissez deux années différentes.")
    comparison = compare(get_object_or_404(Programme, year=before),
                         get_object_or_404(Programme, year=after))
    return render(request, "programme/compare.html", {"comparison": comparison})
