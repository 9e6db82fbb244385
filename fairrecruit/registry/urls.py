from django.urls import path

from fairrecruit.registry import views, views_import

app_name = "registry"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/job-offer/", views.job_offer, name="job_offer"),
    path("verify/<path:identifier>/", views.profile, name="profile"),
    path("registry/imports/", views_import.imports, name="imports"),
    path("registry/imports/<id:pk>/", views_import.import_detail, name="import"),
]
