from django.apps import AppConfig


class GrievancesConfig(AppConfig):
    name = "fairrecruit.grievances"
    label = "grievances"
    verbose_name = "Grievances and remedy"

    def ready(self) -> None:
        from fairrecruit.core.rekey import register_files
        from fairrecruit.grievances import retention, storage

        register_files("grievance evidence", storage.rotate_all)
        retention.register_rules()
