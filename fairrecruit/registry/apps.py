from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fairrecruit.registry"
    label = "registry"
    verbose_name = "Registry: recruiters, licences, relationships, job orders"

    def ready(self) -> None:
        # Re-create the SQLite search index triggers after any migration that rebuilt registry_actor.
        from django.db.models.signals import post_migrate

        from fairrecruit.registry.search import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="registry-search-index")
