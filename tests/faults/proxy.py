"""A TCP proxy in front of a server, run in a thread of the test, that can stage an outage.

`cut()` closes every proxied connection and the listening socket, so the app sees what a
restarting PostgreSQL looks like: its connections die mid-stream and new ones are refused.
`resume()` listens on the same port again; `stall()` accepts connections but never answers,
as a server that hangs does.
"""
import queue
import selectors
import socket
import threading


class Proxy:
    """Forward connections from a free local port to `upstream` (host, port)."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = None
        self.accepted = 0
        self.stalled = False
        self._held = []
        self._listener = None
        self._selector = selectors.DefaultSelector()
        self._commands = queue.Queue()
        self._listen()
        self._thread = threading.Thread(target=self._loop, name="proxy", daemon=True)
        self._thread.start()

    def cut(self):
        """Drop every connection and refuse new ones until `resume()`."""
        self._call(self._cut)

    def resume(self):
        """Accept connections again, on the same port."""
        self._call(self._listen)

    def stall(self):
        """Accept connections again, but forward nothing: the app waits for an answer."""
        self._call(self._listen)
        self.stalled = True

    def close(self):
        self._call(self._cut)
        self._call(None)
        self._thread.join(5)

    def _call(self, command):
        # Sockets are only touched by the proxy's own thread; others send it commands.
        done = threading.Event()
        self._commands.put((command, done))
        assert done.wait(5), "the proxy thread did not answer"

    def _loop(self):
        while True:
            while not self._commands.empty():
                command, done = self._commands.get()
                if command is None:
                    done.set()
                    return
                command()
                done.set()
            for key, _ in self._selector.select(timeout=0.05) if self._selector.get_map() else ():
                if key.data is None:
                    self._accept()
                else:
                    self._forward(key.fileobj, key.data)

    def _listen(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(64)
        listener.setblocking(False)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._selector.register(listener, selectors.EVENT_READ, None)

    def _accept(self):
        client, _ = self._listener.accept()
        if self.stalled:
            self._held.append(client)
            return
        server = socket.create_connection(self.upstream, timeout=5)
        self.accepted += 1
        for sock, peer in ((client, server), (server, client)):
            sock.setblocking(True)
            self._selector.register(sock, selectors.EVENT_READ, peer)

    def _forward(self, sock, peer):
        try:
            data = sock.recv(65536)
            if data:
                peer.sendall(data)
                return
        except OSError:
            pass
        self._drop(sock, peer)

    def _drop(self, *socks):
        for sock in socks:
            if sock.fileno() >= 0:
                self._selector.unregister(sock)
                sock.close()

    def _cut(self):
        for key in list(self._selector.get_map().values()):
            self._drop(key.fileobj)
        for sock in self._held:
            sock.close()
        self._held, self._listener, self.stalled = [], None, False
