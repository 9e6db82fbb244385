from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "fairrecruit.certification"
    label = "certification"
    verbose_name = "Certification scheme and continuous monitoring"

    def ready(self) -> None:
        from fairrecruit.certification.permissions import install

        install()
