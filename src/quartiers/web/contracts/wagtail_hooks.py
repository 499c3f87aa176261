from wagtail.snippets.models import register_snippet

from .viewsets import PriorityViewSet

register_snippet(PriorityViewSet)
