from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "quartiers.web.contracts"
    label = "contracts"
    verbose_name = "Contrats de ville"
