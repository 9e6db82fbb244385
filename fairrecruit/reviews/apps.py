from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "fairrecruit.reviews"
    label = "reviews"
    verbose_name = "Worker reviews and ratings"
