from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from fairrecruit.api import api
from fairrecruit.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("work/", core_views.work, name="work"),
    path("poster/", core_views.poster, name="poster"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("api/v1/", api.urls),
    path("", include("fairrecruit.standards.urls")),
    path("", include("fairrecruit.registry.urls")),
    path("", include("fairrecruit.registry.urls_review")),
    path("", include("fairrecruit.reviews.urls")),
    path("", include("fairrecruit.evidence.urls")),
    path("", include("fairrecruit.grievances.urls")),
    path("", include("fairrecruit.certification.urls")),
    path("", include("fairrecruit.enforcement.urls")),
    path("", include("fairrecruit.contracts.urls")),
    path("", include("fairrecruit.supplychain.urls")),
    path("", include("fairrecruit.jobs.urls")),
]
