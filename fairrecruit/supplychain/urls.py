from django.urls import path

from fairrecruit.supplychain import views

app_name = "supplychain"
urlpatterns = [
    path("supply-chain/", views.home, name="home"),
    path("supply-chain/<id:pk>/remove/", views.remove, name="remove"),
    path("supply-chain/import/", views.import_file, name="import"),
]
