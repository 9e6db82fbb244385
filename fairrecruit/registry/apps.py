from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fairrecruit.registry"
    label = "registry"
    verbose_name = "Registry: recruiters, licences, relationships, job orders"
