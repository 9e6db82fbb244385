from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "fairrecruit.jobs"
    label = "jobs"
    verbose_name = "Background jobs: imports and other long work, with progress"

    def ready(self) -> None:
        # Each domain app registers its job kinds in its own ``jobs.py`` (as admin.py registers models).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
