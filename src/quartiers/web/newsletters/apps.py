from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "quartiers.web.newsletters"
    label = "newsletters"
    verbose_name = "Lettres d'information"
