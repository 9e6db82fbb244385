from django.apps import AppConfig


class GrievancesConfig(AppConfig):
    name = "fairrecruit.grievances"
    label = "grievances"
    verbose_name = "Grievances and remedy"
