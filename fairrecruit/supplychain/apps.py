from django.apps import AppConfig


class SupplychainConfig(AppConfig):
    name = "fairrecruit.supplychain"
    label = "supplychain"
    verbose_name = "Brands' and employers' due diligence on the recruiters in their supply chain"
