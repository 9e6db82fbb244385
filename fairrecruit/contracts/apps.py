from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "fairrecruit.contracts"
    label = "contracts"
    verbose_name = "Contract substitution: the promised terms against the real ones"
