from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "fairrecruit.standards"
    label = "standards"
    verbose_name = "Standards as code and fee assessment"

    def ready(self) -> None:
        # Refuse to start with a malformed rule file: the error names file, key and problem.
        from fairrecruit.standards.loader import get_rules

        get_rules()
