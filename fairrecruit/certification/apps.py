from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "fairrecruit.certification"
    label = "certification"
    verbose_name = "Certification scheme and continuous monitoring"
