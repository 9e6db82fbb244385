from django.urls import path

from fairrecruit.registry import views

app_name = "registry"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/job-offer/", views.job_offer, name="job_offer"),
    path("verify/<path:identifier>/", views.profile, name="profile"),
]
