"""Group robots: WeCom (企业微信) and DingTalk (钉钉), which answer {"errcode": 0} on success."""
import base64
import hashlib
import hmac
from urllib.parse import quote_plus

from gridops.notify.http import DeliveryError, post_json


def send_wecom(channel, message, config, now):
    """Post a markdown message to a WeCom group robot's webhook URL."""
    _check(post_json(channel.target, _markdown(message), config), "WeCom")


def send_dingtalk(channel, message, config, now):
    """Post to a DingTalk robot, signing the URL when the channel has the robot's secret."""
    url = channel.target
    if channel.secret:
        timestamp = str(int(now.timestamp() * 1000))
        url += ("&" if "?" in url else "?") + (
            f"timestamp={timestamp}&sign={dingtalk_sign(channel.secret, timestamp)}")
    body = {"msgtype": "markdown",
            "markdown": {"title": message.subject, "text": _text(message)}}
    _check(post_json(url, body, config), "DingTalk")


def dingtalk_sign(secret, timestamp):
    """Return DingTalk's `sign`: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret,
    base64, then URL-encoded (DingTalk's documented 加签 algorithm)."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def _markdown(message):
    return {"msgtype": "markdown", "markdown": {"content": _text(message)}}


def _text(message):
    return f"**{message.subject}**\n\n{message.body}"


def _check(answer, name):
    if not isinstance(answer, dict) or answer.get("errcode", -1) != 0:
        detail = answer.get("errmsg") if isinstance(answer, dict) else "no JSON answer"
        code = answer.get("errcode") if isinstance(answer, dict) else None
        raise DeliveryError(f"{name} robot refused the message: errcode {code}, {detail}")
