from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "fairrecruit.enforcement"
    label = "enforcement"
    verbose_name = "Regulators' inspections and sanctions"
