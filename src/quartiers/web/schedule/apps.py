from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "quartiers.web.schedule"
    label = "schedule"
    verbose_name = "Tâches planifiées"
