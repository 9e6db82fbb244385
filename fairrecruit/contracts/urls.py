from django.urls import path

from fairrecruit.contracts import views

app_name = "contracts"
urlpatterns = [
    path("contract/", views.compare, name="compare"),
    path("contract/statement.pdf", views.compare_statement, name="statement"),
]
