"""Record linkage review pages (see views_review.py)."""

from django.urls import path

from fairrecruit.registry import views_review

app_name = "linkage"
urlpatterns = [
    path("registry/review/", views_review.review_queue, name="queue"),
    path("registry/review/run/", views_review.run, name="run"),
    path("registry/review/<id:pk>/decide/", views_review.review_decide, name="decide"),
    path("registry/review/merged/", views_review.merged_list, name="merged"),
    path("registry/review/merged/<id:pk>/undo/", views_review.merged_undo, name="undo"),
]
