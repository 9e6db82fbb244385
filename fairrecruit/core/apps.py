from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fairrecruit.core"
    label = "core"
    verbose_name = "Core: organisations, users, roles, audit"

    def ready(self) -> None:
        from django.urls import register_converter

        from fairrecruit.core.forms import IdConverter

        register_converter(IdConverter, "id")
