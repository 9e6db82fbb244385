from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fairrecruit.core.models import Membership, User
from fairrecruit.core.workspace import tools_for


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@login_required
def work(request: HttpRequest) -> HttpResponse:
    """Where a signed-in user lands: their organisations and roles, and the pages those roles open."""
    user = request.user
    assert isinstance(user, User)
    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    return render(request, "core/work.html", {"tools": tools_for(user), "memberships": memberships})
