from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fairrecruit.core"
    label = "core"
    verbose_name = "Core: organisations, users, roles, audit"
