from django.urls import path

from fairrecruit.enforcement import views

app_name = "enforcement"
urlpatterns = [
    path("sanctions/", views.register, name="register"),
    path("enforcement/", views.home, name="home"),
    path("enforcement/inspections/new/", views.inspection_new, name="inspection_new"),
    path("enforcement/inspections/<id:pk>/", views.inspection_detail, name="inspection"),
    path("enforcement/sanctions/new/", views.sanction_new, name="sanction_new"),
    path("enforcement/sanctions/<id:pk>/", views.sanction_detail, name="sanction"),
    path("enforcement/import/", views.import_list, name="import"),
    path("enforcement/targets/", views.targets, name="targets"),
]
