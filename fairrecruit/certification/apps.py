from typing import Any

from django.apps import AppConfig
from django.core import checks


class CertificationConfig(AppConfig):
    name = "fairrecruit.certification"
    label = "certification"
    verbose_name = "Certification scheme and continuous monitoring"

    def ready(self) -> None:
        checks.register(signing_keys_check, checks.Tags.security)


def signing_keys_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A malformed signing or verify key is reported when the server starts (`fairrecruit check`, runserver),
    naming the setting, instead of as an error on the first certificate page."""
    from django.core.exceptions import ImproperlyConfigured

    from fairrecruit.certification import signing

    try:
        signing.trusted_public_keys()
    except (ImproperlyConfigured, ValueError) as exc:
        return [checks.Error(str(exc), hint="fix FAIRRECRUIT_CERT_SIGNING_KEY / FAIRRECRUIT_CERT_VERIFY_KEYS",
                             id="certification.E001")]
    return []
