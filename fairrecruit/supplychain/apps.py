from django.apps import AppConfig


class SupplychainConfig(AppConfig):
    name = "fairrecruit.supplychain"
    label = "supplychain"
    verbose_name = "Brands' and employers' due diligence on the recruiters in their supply chain"

    def ready(self) -> None:
        from fairrecruit.grievances.programmes import programme_imported
        from fairrecruit.supplychain.surveys import link_programme_answers

        programme_imported.connect(link_programme_answers, dispatch_uid="supplychain.link_programme_answers")
