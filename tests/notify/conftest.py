"""Local receivers for the notification tests: an HTTP endpoint and an SMTP server on 127.0.0.1."""
import json
import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Received:
    path: str
    query: dict
    #: Looked up without regard to case, as HTTP header names are.
    headers: object
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class HttpReceiver:
    """What the endpoint got, and what it answers next (status and JSON body)."""

    url: str
    requests: list = field(default_factory=list)
    status: int = 200
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})


class _HttpHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        parts = urlsplit(self.path)
        receiver.requests.append(Received(parts.path, parse_qs(parts.query), self.headers,
                                          body))
        payload = json.dumps(receiver.answer).encode()
        self.send_response(receiver.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HttpHandler)
    server.receiver = HttpReceiver(f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.receiver
    server.shutdown()
    server.server_close()
    thread.join()


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self):
        self._say("220 localhost GridOps test SMTP")
        recipients = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self._say("250-localhost", "250 8BITMIME")
            elif verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip(" <>\r\n"))
                self._say("250 OK")
            elif verb == b"DATA":
                self._say("354 end with <CRLF>.<CRLF>")
                self.server.messages.append((recipients, self._data()))
                self._say("250 OK")
            elif verb == b"QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 OK")

    def _data(self):
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return message_from_bytes(b"".join(lines), policy=policy.default)

    def _say(self, *lines):
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())


@pytest.fixture
def smtp_receiver():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()
