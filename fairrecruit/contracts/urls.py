from django.urls import path

from fairrecruit.contracts import views

app_name = "contracts"
urlpatterns = [
    path("contract/", views.compare, name="compare"),
]
