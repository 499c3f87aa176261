from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "quartiers.web.evaluation"
    label = "evaluation"
    verbose_name = "Évaluation des contrats de ville"
