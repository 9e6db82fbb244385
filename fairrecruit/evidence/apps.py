from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "fairrecruit.evidence"
    label = "evidence"
    verbose_name = "Evidence: recruitment-cost statistics, corridor profiles, open data, knowledge products"
