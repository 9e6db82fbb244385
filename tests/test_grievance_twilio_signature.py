"""Twilio request signatures on the SMS/chat webhook (X-Twilio-Signature): HMAC-SHA1 with the auth token over
the full URL followed by the POST parameters sorted by name (name and value, no separator), base64 —
https://www.twilio.com/docs/usage/security#validating-requests."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest
from django.test import Client

from fairrecruit.grievances.models import Conversation
from fairrecruit.grievances.views import twilio_signature

pytestmark = pytest.mark.django_db

PATH = "/grievances/webhook/messages/"
TOKEN = "0123456789abcdef0123456789abcdef"


def spec_signature(token: str, url: str, params: dict[str, str]) -> str:
    """Written from Twilio's documentation, independently of the view's code."""
    s = url
    for name in sorted(params):
        s += name + params[name]
    return base64.b64encode(hmac.new(token.encode(), s.encode("utf-8"), hashlib.sha1).digest()).decode()


def test_documented_example() -> None:
    """Twilio's worked example (auth token 12345) and the signature it publishes for it."""
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+14158675309"],
        "Digits": ["1234"],
        "From": ["+14158675309"],
        "To": ["+18005551212"],
    }
    assert twilio_signature("12345", url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def _params(body: str = "hi") -> dict[str, str]:
    return {"From": "+9779841000001", "To": "+15005550006", "Body": body, "MessageSid": "SMabc0001"}


def test_signed_request_accepted_tampered_refused(client: Client, settings: Any) -> None:
    settings.FAIRRECRUIT_TWILIO_AUTH_TOKEN = TOKEN
    params = _params()
    url = "http://testserver" + PATH + "?ch=sms"
    sig = spec_signature(TOKEN, url, params)
    ok = client.post(PATH + "?ch=sms", params, HTTP_X_TWILIO_SIGNATURE=sig)
    assert ok.status_code == 200 and ok["Content-Type"].startswith("application/xml")
    assert Conversation.objects.count() == 1
    tampered = dict(params, Body="STATUS", MessageSid="SMabc0002")
    assert client.post(PATH + "?ch=sms", tampered, HTTP_X_TWILIO_SIGNATURE=sig).status_code == 403
    assert client.post(PATH, params, HTTP_X_TWILIO_SIGNATURE=sig).status_code == 403  # another URL
    assert client.post(PATH + "?ch=sms", params).status_code == 403  # no signature
    wrong_key = spec_signature("another-token", url, params)
    assert client.post(PATH + "?ch=sms", params, HTTP_X_TWILIO_SIGNATURE=wrong_key).status_code == 403
    assert Conversation.objects.count() == 1  # nothing refused reached the conversation


def test_shared_token_does_not_replace_the_signature(client: Client, settings: Any) -> None:
    """With the Twilio token set, a form post needs the signature even when it knows the shared token;
    RapidPro's JSON keeps the shared token."""
    settings.FAIRRECRUIT_TWILIO_AUTH_TOKEN = TOKEN
    settings.FAIRRECRUIT_GRIEVANCE_WEBHOOK_TOKEN = "shared-token-1234"
    params = _params()
    assert client.post(PATH + "?token=shared-token-1234", params).status_code == 403
    url = "http://testserver" + PATH + "?token=shared-token-1234"
    signed = client.post(
        PATH + "?token=shared-token-1234", params, HTTP_X_TWILIO_SIGNATURE=spec_signature(TOKEN, url, params)
    )
    assert signed.status_code == 200
    body = '{"from": "+9779841000002", "text": "hi", "id": "rp-1"}'
    assert client.post(PATH, body, content_type="application/json").status_code == 403
    rapidpro = client.post(PATH + "?token=shared-token-1234", body, content_type="application/json")
    assert rapidpro.status_code == 200 and rapidpro.json()["messages"]


def test_without_the_twilio_token_nothing_changes(client: Client, settings: Any) -> None:
    settings.FAIRRECRUIT_TWILIO_AUTH_TOKEN = ""
    assert client.post(PATH, _params()).status_code == 200
