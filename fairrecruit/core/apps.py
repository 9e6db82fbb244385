from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fairrecruit.core"
    label = "core"
    verbose_name = "Core: organisations, users, roles, audit"

    def ready(self) -> None:
        from django.core import checks
        from django.urls import register_converter

        from fairrecruit.core.forms import IdConverter
        from fairrecruit.core.links import check_public_urls

        register_converter(IdConverter, "id")
        checks.register(check_public_urls)
