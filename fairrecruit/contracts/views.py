"""The worker's "Compare my contract" page: no account, nothing stored (POST, so that wages and employers do not
end up in addresses and server logs)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fairrecruit.contracts import selectors
from fairrecruit.contracts.forms import TERM_LABELS, ContractForm
from fairrecruit.core.fx import COMMON_CURRENCIES
from fairrecruit.registry.forms import errors_named


def compare(request: HttpRequest) -> HttpResponse:
    ctx: dict[str, Any] = {"currencies": COMMON_CURRENCIES, "labels": TERM_LABELS}
    if request.method == "POST":
        form = ContractForm(request.POST)
        if form.is_valid():
            try:
                ctx["result"] = selectors.compare_contract(form)
            except selectors.JobOrderNotFound as exc:
                form.add_error("job_order_number", _("No approved job order has the number %(n)s.")
                               % {"n": exc.args[0]})
    else:
        form = ContractForm()
    failed = request.method == "POST" and "result" not in ctx
    ctx.update(form=form, errors=errors_named(form) if failed else [])
    return render(request, "contracts/compare.html", ctx, status=400 if failed else 200)
