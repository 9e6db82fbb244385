from django.urls import path

from fairrecruit.jobs import views

app_name = "jobs"
urlpatterns = [
    path("jobs/", views.job_list, name="list"),
    path("jobs/<str:pk>/", views.job_detail, name="job"),
    path("jobs/<str:pk>/cancel/", views.job_cancel, name="cancel"),
]
