"""The worker's "Compare my contract" page: no account, nothing stored (POST, so that wages and employers do not
end up in addresses and server logs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fairrecruit.contracts import selectors, statement
from fairrecruit.contracts.forms import TERM_LABELS, ContractForm
from fairrecruit.core.fx import COMMON_CURRENCIES
from fairrecruit.registry.forms import errors_named
from fairrecruit.standards.statement import complaint_address, over_rate, pdf_response, resend_fields


def compare(request: HttpRequest) -> HttpResponse:
    """The answer offers the same as a PDF statement: a form of hidden fields that sends the same terms again."""
    ctx: dict[str, Any] = {"currencies": COMMON_CURRENCIES, "labels": TERM_LABELS}
    if request.method == "POST":
        form, ctx["result"] = _compared(request)
        if ctx["result"] is not None:
            ctx["posted"] = resend_fields(request)
    else:
        form = ContractForm()
    failed = request.method == "POST" and ctx.get("result") is None
    ctx.update(form=form, errors=errors_named(form) if failed else [])
    return render(request, "contracts/compare.html", ctx, status=400 if failed else 200)


def _compared(request: HttpRequest) -> tuple[ContractForm, selectors.ContractCheck | None]:
    """The form bound to the POST, and the comparison when the form is valid and its job order is found."""
    form = ContractForm(request.POST)
    if form.is_valid():
        try:
            return form, selectors.compare_contract(form)
        except selectors.JobOrderNotFound as exc:
            form.add_error("job_order_number", _("No approved job order has the number %(n)s.") % {"n": exc.args[0]})
    return form, None


@require_POST
def compare_statement(request: HttpRequest) -> HttpResponse:
    """The comparison as a PDF statement in the reader's language (``statement.py``); nothing stored. Bad terms get
    the page with its field errors; counted with the fee statements against FAIRRECRUIT_STATEMENT_RATE."""
    if over_rate(request):
        return render(request, "standards/429.html", status=429)
    form, check = _compared(request)
    if check is None:
        ctx = {"currencies": COMMON_CURRENCIES, "labels": TERM_LABELS, "form": form, "errors": errors_named(form)}
        return render(request, "contracts/compare.html", ctx, status=400)
    return pdf_response(statement.statement_pdf(check, today=dt.date.today(), complain=complaint_address(request)), statement.FILENAME)
