"""Each channel against a local receiver: WeCom, DingTalk (signed), webhook (HMAC), e-mail."""
import base64
import hashlib
import hmac
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from gridops.notify.http import DeliveryError, check_url
from gridops.notify.mail import send_email
from gridops.notify.robots import dingtalk_sign, send_dingtalk, send_wecom
from gridops.notify.webhook import SIGNATURE_HEADER, send_webhook, signature

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
CONFIG = {"GRIDOPS_WEBHOOK_TIMEOUT": 5, "GRIDOPS_WEBHOOK_ALLOW_HTTP": 0}
MESSAGE = SimpleNamespace(id=7, topic="deadline.breached", subject="【超时督办】20261118-000001",
                          body="案卷已超时。", incident_id=3, payload={"kind": "handling"},
                          created_at=NOW)


def channel(target, secret=None, kind="webhook"):
    return SimpleNamespace(target=target, secret=secret, kind=kind, enabled=True)


def test_wecom_gets_markdown(http_receiver):
    send_wecom(channel(http_receiver.url + "/cgi-bin/webhook/send?key=k"), MESSAGE, CONFIG, NOW)
    (request,) = http_receiver.requests
    assert request.query == {"key": ["k"]}
    assert request.json["msgtype"] == "markdown"
    assert "【超时督办】" in request.json["markdown"]["content"]


def test_a_robot_that_answers_an_error_code_is_a_failure(http_receiver):
    http_receiver.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    with pytest.raises(DeliveryError, match="errcode 93000"):
        send_wecom(channel(http_receiver.url + "/send"), MESSAGE, CONFIG, NOW)


def test_dingtalk_signs_with_timestamp_and_secret(http_receiver):
    secret = "SEC0123456789abcdef"
    send_dingtalk(channel(http_receiver.url + "/robot/send?access_token=t", secret), MESSAGE,
                  CONFIG, NOW)
    (request,) = http_receiver.requests
    timestamp = request.query["timestamp"][0]
    assert timestamp == str(int(NOW.timestamp() * 1000))
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert request.query["sign"] == [expected]  # parse_qs undid the URL-encoding
    assert request.json["markdown"]["title"] == MESSAGE.subject


def test_dingtalk_sign_matches_the_documented_algorithm():
    # HMAC-SHA256 of "timestamp\nsecret" keyed by the secret, base64, then URL-encoded.
    assert dingtalk_sign("secret", "1700000000000") == \
        "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"


def test_the_webhook_body_carries_an_hmac_the_receiver_can_check(http_receiver):
    send_webhook(channel(http_receiver.url + "/hook", "shared-key"), MESSAGE, CONFIG, NOW)
    (request,) = http_receiver.requests
    assert request.headers[SIGNATURE_HEADER] == signature("shared-key", request.body)
    assert request.headers["X-GridOps-Delivery"] == "7"
    assert request.json["topic"] == "deadline.breached" and request.json["incident_id"] == 3


def test_a_webhook_error_status_is_a_failure(http_receiver):
    http_receiver.status = 503
    with pytest.raises(DeliveryError, match="HTTP 503"):
        send_webhook(channel(http_receiver.url + "/hook"), MESSAGE, CONFIG, NOW)


def test_http_only_to_this_machine_unless_allowed():
    check_url("https://hooks.example.com/x", CONFIG)
    check_url("http://127.0.0.1:8080/x", CONFIG)
    with pytest.raises(DeliveryError) as refused:
        check_url("http://hooks.example.com/x", CONFIG)
    assert refused.value.permanent
    check_url("http://hooks.example.com/x", {**CONFIG, "GRIDOPS_WEBHOOK_ALLOW_HTTP": 1})


def test_email_goes_through_smtp(smtp_receiver):
    config = {**CONFIG, "GRIDOPS_SMTP_HOST": "127.0.0.1",
              "GRIDOPS_SMTP_PORT": smtp_receiver.server_address[1],
              "GRIDOPS_SMTP_SECURITY": "none", "GRIDOPS_SMTP_USER": "",
              "GRIDOPS_SMTP_PASSWORD": "", "GRIDOPS_SMTP_FROM": "gridops@street.example"}
    send_email(channel("hw@unit.example", kind="email"), MESSAGE, config, NOW)
    ((recipients, mail),) = smtp_receiver.messages
    assert recipients == ["hw@unit.example"]
    assert mail["Subject"] == MESSAGE.subject and mail["From"] == "gridops@street.example"
    assert mail.get_content().strip() == "案卷已超时。"


def test_email_without_a_server_is_a_failure():
    with pytest.raises(DeliveryError, match="GRIDOPS_SMTP_HOST"):
        send_email(channel("a@b.example", kind="email"), MESSAGE, {**CONFIG,
                                                                   "GRIDOPS_SMTP_HOST": ""}, NOW)


def test_email_carries_the_report_files_and_refuses_a_changed_one(smtp_receiver, tmp_path):
    config = {**CONFIG, "GRIDOPS_SMTP_HOST": "127.0.0.1",
              "GRIDOPS_SMTP_PORT": smtp_receiver.server_address[1],
              "GRIDOPS_SMTP_SECURITY": "none", "GRIDOPS_SMTP_USER": "",
              "GRIDOPS_SMTP_PASSWORD": "", "GRIDOPS_SMTP_FROM": "gridops@street.example"}
    pdf = tmp_path / "weekly.pdf"
    pdf.write_bytes(b"%PDF-1.7 report")
    attachment = {"path": str(pdf), "filename": "weekly.pdf", "media_type": "application/pdf",
                  "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest(), "size": 15}
    message = SimpleNamespace(**{**vars(MESSAGE), "payload": {"attachments": [attachment]}})
    send_email(channel("leader@district.example", kind="email"), message, config, NOW)
    ((_, mail),) = smtp_receiver.messages
    (part,) = list(mail.iter_attachments())
    assert part.get_filename() == "weekly.pdf" and part.get_content() == b"%PDF-1.7 report"
    pdf.write_bytes(b"tampered")
    with pytest.raises(DeliveryError, match="changed"):
        send_email(channel("leader@district.example", kind="email"), message, config, NOW)
