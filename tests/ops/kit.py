"""Helpers for the health, metrics and banner tests."""
import socket

from prometheus_client.parser import text_string_to_metric_families


def closed_port():
    """Return a local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scrape(client, **kwargs):
    """GET /metrics and return {(name, ((label, value), ...)): value}."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return samples
