"""The framework as the mid-term report needs it: plain data, values already read live and
formatted (``live``), for engine/reports/midterm.py, which knows nothing of Django."""

from __future__ import annotations

from django.utils import timezone

from quartiers.engine.warehouse.store import Warehouse

from . import starting
from .live import live
from .models import Framework, NarrativeSection, Part

NOT_WRITTEN = "Section non rédigée par l'équipe du contrat."


def framework_data(store: Warehouse, contract: dict, framework: Framework | None) -> dict | None:
    if framework is None:
        return None
    objectives = framework.objectives.prefetch_related("questions__indicators__local_values")
    parts = []
    for value, label in Part.choices:
        shown = [{"title": o.title, "priority": o.get_priority_display(),
                  "questions": [{"text": q.text,
                                 "indicators": [live(store, contract, i)
                                                for i in q.indicators.all()]}
                                for q in o.questions.all()]}
                 for o in objectives if o.part == value]
        parts.append({"value": value, "label": label, "objectives": shown})
    texts = {n.section: n.text for n in framework.narratives.all()}
    return {
        "title": framework.title, "status": framework.get_status_display(),
        "template_note": starting.NOTE if framework.from_template else "",
        "updated": timezone.localtime(framework.updated_at).strftime("%d/%m/%Y"),
        "parts": parts,
        "narratives": [{"section": value, "title": label,
                        "paragraphs": _paragraphs(texts.get(value, "")) or [NOT_WRITTEN],
                        "written": bool(texts.get(value, "").strip())}
                       for value, label in NarrativeSection.Section.choices],
    }


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
