"""A generic webhook: the message as JSON, signed with HMAC-SHA256 so the receiver can trust it.

The receiver recomputes `sha256=` + hex HMAC of the raw body under the shared secret and
compares it with `X-GridOps-Signature`; `X-GridOps-Timestamp` lets it refuse replays.
"""
import hashlib
import hmac
import json

from gridops.notify.http import post_json

SIGNATURE_HEADER = "X-GridOps-Signature"


def send_webhook(channel, message, config, now):
    """POST the message to the channel's URL, signed when it has a secret."""
    body = json.dumps(payload_of(message, now), ensure_ascii=False, sort_keys=True).encode()
    headers = {"X-GridOps-Event": message.topic, "X-GridOps-Delivery": str(message.id),
               "X-GridOps-Timestamp": str(int(now.timestamp()))}
    if channel.secret:
        headers[SIGNATURE_HEADER] = signature(channel.secret, body)
    post_json(channel.target, body, config, headers)


def signature(secret, body):
    """Return the signature header value of `body` under `secret`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload_of(message, now):
    """Return what the receiver gets: the topic, the text and the structured payload."""
    return {"id": message.id, "topic": message.topic, "subject": message.subject,
            "body": message.body, "incident_id": message.incident_id,
            "payload": message.payload, "created_at": message.created_at.isoformat(),
            "sent_at": now.isoformat()}
