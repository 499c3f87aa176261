from django.db import models


class ScheduledRun(models.Model):
    """When a scheduled task was last enqueued (one row per declared name)."""

    name = models.CharField("tâche", max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField("dernier lancement", null=True, blank=True)

    class Meta:
        verbose_name = "tâche planifiée"
        verbose_name_plural = "tâches planifiées"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
