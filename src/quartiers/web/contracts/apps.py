from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "quartiers.web.contracts"
    label = "contracts"
    verbose_name = "Contrats de ville"
    personal_data = "quartiers.web.contracts.privacy"

    def ready(self):
        from django.db.models.signals import post_save

        from .models import Priority
        from .tasks import tag_when_the_keywords_change

        post_save.connect(tag_when_the_keywords_change, sender=Priority,
                          dispatch_uid="contracts-tag-priority")
