"""The list bench's load generator: a separate process timing GET requests on loopback.

    python bench/load/lists_client.py PLAN.json

PLAN.json holds the server's base URL, the concurrency, requests per scenario, the console
accounts to sign in (username → password) and the scenarios: [{name, path, auth}], where auth
is "session:<username>" (signed in through /login, as a browser) or "bearer:<token>". Each
scenario gets a few warm-up requests, then its requests from `concurrency` threads, each with
its own keep-alive connection. Prints one JSON object: latencies in ms per scenario and the
statuses that were not 200; progress goes to stderr.
"""
import http.client
import json
import re
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

WARMUP = 3
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main():
    plan = json.loads(open(sys.argv[1], encoding="utf-8").read())
    host = urlsplit(plan["base"])
    address = (host.hostname, host.port)
    cookies = {name: sign_in(address, name, password)
               for name, password in plan["accounts"].items()}
    results = []
    for number, scenario in enumerate(plan["scenarios"], 1):
        results.append(run(address, scenario, headers_for(scenario["auth"], cookies), plan))
        times = sorted(results[-1]["latencies_ms"])
        print(f"  {number}/{len(plan['scenarios'])} {scenario['name']} as {scenario['role']}, "
              f"page {scenario['depth']}: median {times[len(times) // 2]:.0f} ms",
              file=sys.stderr, flush=True)
    json.dump(results, sys.stdout)


def sign_in(address, username, password):
    """Sign in through the login form; return the Cookie header of the session."""
    conn = http.client.HTTPConnection(*address, timeout=60)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    jar = _cookies(response)
    body = urlencode({"username": username, "password": password, "remember": "y",
                      "csrf_token": CSRF.search(page).group(1)})
    conn.request("POST", "/login", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": _header(jar)})
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"sign-in as {username} failed: {response.status}")
    jar.update(_cookies(response))
    conn.close()
    return _header(jar)


def _cookies(response):
    pairs = (value.split(";", 1)[0] for key, value in response.getheaders()
             if key.lower() == "set-cookie")
    return dict(pair.split("=", 1) for pair in pairs)


def _header(jar):
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def headers_for(auth, cookies):
    kind, _, value = auth.partition(":")
    if kind == "session":
        return {"Cookie": cookies[value]}
    return {"Authorization": f"Bearer {value}", "Accept": "application/json"}


def run(address, scenario, headers, plan):
    """Time one scenario's requests from several threads; return its result."""
    latencies, failures, lock = [], {}, threading.Lock()
    remaining = iter(range(plan["requests"]))

    def worker():
        conn = http.client.HTTPConnection(*address, timeout=60)
        for _ in range(WARMUP):
            _get(conn, scenario["path"], headers)
        while True:
            with lock:
                if next(remaining, None) is None:
                    break
            start = time.perf_counter()
            status = _get(conn, scenario["path"], headers)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures[status] = failures.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(plan["concurrency"])]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {**scenario, "latencies_ms": latencies, "failures": failures, "seconds": wall}


def _get(conn, path, headers):
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


if __name__ == "__main__":
    main()
