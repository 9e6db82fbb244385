from django.urls import path

from fairrecruit.evidence import views

app_name = "evidence"
urlpatterns = [
    path("corridors/", views.corridors, name="corridors"),
    path("corridors/<str:code>/", views.corridor, name="corridor"),
    path("corridors/<str:code>/profile.csv", views.corridor_csv, name="corridor_csv"),
    path("corridors/<str:code>/profile.pdf", views.corridor_pdf, name="corridor_pdf"),
    path("evidence/surveys/", views.surveys, name="surveys"),
    path("evidence/surveys/<id:pk>/", views.survey_detail, name="survey"),
    path("evidence/surveys/<id:pk>/sdg/", views.survey_sdg, name="survey_sdg"),
    path("evidence/surveys/<id:pk>/sdg/<uuid:job>.<str:ext>", views.survey_sdg_file, name="survey_sdg_file"),
    path("open-data/", views.releases, name="releases"),
    path("open-data/new/", views.release_create, name="release_create"),
    path("open-data/<slug:slug>/", views.release, name="release"),
    path("open-data/<slug:slug>/<str:name>", views.release_file, name="release_file"),
    path("knowledge/", views.knowledge, name="knowledge"),
    path("knowledge/submit/", views.submit, name="submit"),
    path("knowledge/reviews/", views.review_queue, name="review_queue"),
    path("knowledge/partners/<id:pk>/", views.partner, name="partner"),
    path("knowledge/<id:pk>/", views.product, name="product"),
    path("knowledge/<id:pk>/review/", views.review, name="review"),
    path("knowledge/<id:pk>/publish/", views.publish, name="publish"),
    path("knowledge/<id:pk>/resubmit/", views.resubmit, name="resubmit"),
]
