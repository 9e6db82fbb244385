from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from fairrecruit.core import links, posters
from fairrecruit.core.models import Membership, User
from fairrecruit.core.workspace import tools_for


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def poster(request: HttpRequest) -> HttpResponse:
    """A poster of FairRecruit's worker pages for a union, a CSO or a training centre to print: what it answers, in
    up to four languages (``?lang=ne&lang=bn``), and the site's address as a QR code. No account needed."""
    sections, errors = posters.languages(request.GET.getlist("lang"))
    link = links.absolute(request, reverse("home"))
    return render(request, "core/poster.html", {"sections": sections, "errors": errors, "link": link,
                                                "qr": posters.qr_svg(link), "languages": dict(settings.LANGUAGES)},
                  status=400 if errors else 200)


@login_required
def work(request: HttpRequest) -> HttpResponse:
    """Where a signed-in user lands: their organisations and roles, and the pages those roles open."""
    user = request.user
    assert isinstance(user, User)
    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    return render(request, "core/work.html", {"tools": tools_for(user), "memberships": memberships})
