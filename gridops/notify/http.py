"""POST JSON to an outside URL: HTTPS only, except to this machine or when allowed by config."""
import ipaddress
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit


class DeliveryError(Exception):
    """A delivery failed; the message says what the far end did, for the admin's list.

    A `permanent` failure (a disabled channel, a refused URL) is not retried.
    """

    def __init__(self, message, permanent=False):
        super().__init__(message)
        self.permanent = permanent


def post_json(url, body, config, headers=None):
    """POST `body` (bytes or a JSON-able object) to `url`; return the parsed JSON answer or None."""
    check_url(url, config)
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "GridOps",
        **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=config["GRIDOPS_WEBHOOK_TIMEOUT"]) as answer:
            text = answer.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code} from {_host(url)}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"cannot reach {_host(url)}: {reason}") from None
    try:
        return json.loads(text) if text.strip() else None
    except ValueError:
        return None


def check_url(url, config):
    """Refuse URLs that are not https, unless they point at this machine or config allows http."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and (_is_loopback(parts.hostname)
                                   or config.get("GRIDOPS_WEBHOOK_ALLOW_HTTP")):
        return
    raise DeliveryError(f"refusing to send to {parts.scheme or 'a relative'} URL {_host(url)}: "
                        "use https", permanent=True)


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _host(url):
    return urlsplit(url).netloc or url
