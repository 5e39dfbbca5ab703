"""Signatures a receiver can check: HMAC over id, timestamp and body; old ones refused."""

from __future__ import annotations

import time

import pytest

from shared.webhooks import (
    WebhookVerificationError,
    new_secret,
    sign,
    signature_headers,
    verify_signature,
)

BODY = b'{"id":"e1","type":"budget.frame_saved","data":{}}'


def test_valid_signature_verifies() -> None:
    secret = new_secret()
    headers = signature_headers(secret, message_id="e1", body=BODY)
    verify_signature(secret, headers=headers, body=BODY)
    assert headers["webhook-signature"].startswith("v1,")


def test_known_vector_from_the_standard_webhooks_spec() -> None:
    """The example of the Standard Webhooks specification, so receivers can use its libraries."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = sign(
        secret, message_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, body=body
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@pytest.mark.parametrize(
    "tamper",
    ["body", "id", "secret", "timestamp"],
)
def test_tampering_is_detected(tamper: str) -> None:
    secret = new_secret()
    headers = signature_headers(secret, message_id="e1", body=BODY)
    body = BODY
    if tamper == "body":
        body = BODY.replace(b"{}", b'{"x":1}')
    elif tamper == "id":
        headers["webhook-id"] = "e2"
    elif tamper == "secret":
        secret = new_secret()
    else:
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 1)
    with pytest.raises(WebhookVerificationError, match="no signature matches"):
        verify_signature(secret, headers=headers, body=body)


def test_replayed_old_delivery_is_rejected() -> None:
    secret = new_secret()
    captured = signature_headers(
        secret, message_id="e1", body=BODY, timestamp=int(time.time()) - 301
    )
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify_signature(secret, headers=captured, body=BODY)
    future = signature_headers(secret, message_id="e1", body=BODY, timestamp=int(time.time()) + 301)
    with pytest.raises(WebhookVerificationError, match="future"):
        verify_signature(secret, headers=future, body=BODY)


def test_missing_headers_are_rejected() -> None:
    with pytest.raises(WebhookVerificationError, match="missing"):
        verify_signature(new_secret(), headers={}, body=BODY)


def test_one_of_several_signatures_may_match_during_rotation() -> None:
    old, new = new_secret(), new_secret()
    headers = signature_headers(old, message_id="e1", body=BODY)
    rotated = signature_headers(
        new, message_id="e1", body=BODY, timestamp=int(headers["webhook-timestamp"])
    )
    headers["webhook-signature"] = f"{rotated['webhook-signature']} {headers['webhook-signature']}"
    verify_signature(old, headers=headers, body=BODY)
    verify_signature(new, headers=headers, body=BODY)
