from django.contrib.auth.views import LogoutView
from django.urls import path

from fairrecruit.reviews import views

app_name = "reviews"
urlpatterns = [
    path("reviews/new/", views.review_new, name="new"),
    path("reviews/my/", views.review_my, name="my"),
    path("reviews/actor/<str:identifier>/", views.actor_reviews, name="actor"),
    path("reviews/<uuid:review_id>/flag/", views.review_flag, name="flag"),
    path("reviews/<uuid:review_id>/reply/", views.review_reply, name="reply"),
    path("reviews/moderate/", views.moderate_list, name="moderate"),
    path("reviews/moderate/<uuid:review_id>/", views.moderate_detail, name="moderate_detail"),
    path("reviews/login/", views.ReviewsLoginView.as_view(), name="login"),
    path("reviews/logout/", LogoutView.as_view(next_page="/"), name="logout"),
]
