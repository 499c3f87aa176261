"""The Labo Quartiers en Transition: calls, applications and their review, roadmaps."""

from .applications import Answer, Application, Attachment, Review, Score
from .calls import Call, CallDocument, Criterion
from .roadmaps import Indicator, LocalValue, Step

__all__ = ["Answer", "Application", "Attachment", "Call", "CallDocument", "Criterion",
           "Indicator", "LocalValue", "Review", "Score", "Step"]
