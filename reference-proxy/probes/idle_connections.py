#!/usr/bin/env python3
"""Idle connections against the reference proxy under an open-file limit of 1024.

Starts the TCK's model service and the reference proxy (release builds, from the workspace's target
folder), opens IDLE connections that send nothing, and prints: how many the proxy holds and how many it
closes at once, whether a fresh client is still served meanwhile, the proxy's memory per held connection, and
how long until the proxy has closed every idle connection (its header-read timeout).

    cargo build --release -p cloudstate-tck -p reference-proxy
    python3 reference-proxy/probes/idle_connections.py [IDLE]
"""

import http.client
import os
import resource
import selectors
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RELEASE = os.path.join(ROOT, "target", "release")
IDLE = int(sys.argv[1]) if len(sys.argv) > 1 else 2000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, deadline=20):
    end = time.time() + deadline
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def emit(port, entity):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = '{"id":"%s","actions":[{"emit":{"value":"A"}}]}' % entity
    connection.request("POST", f"/tck/model/eventsourced/{entity}", body,
                       {"content-type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    return status


def main():
    resource.setrlimit(resource.RLIMIT_NOFILE, (IDLE + 256, IDLE + 256))
    model_port, proxy_port = free_port(), free_port()
    model = subprocess.Popen([os.path.join(RELEASE, "cloudstate-tck"), "serve-model",
                              "--port", str(model_port)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    env = dict(os.environ, HTTP_PORT=str(proxy_port), USER_FUNCTION_PORT=str(model_port),
               RUST_LOG="warn")
    proxy = subprocess.Popen(["bash", "-c", f"ulimit -n 1024 && exec {os.path.join(RELEASE, 'reference-proxy')}"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(model_port)
        wait_listening(proxy_port)
        assert emit(proxy_port, "warm") == 200
        before = rss_kib(proxy.pid)
        opened = time.time()
        sockets = []
        for _ in range(IDLE):
            try:
                sockets.append(socket.create_connection(("127.0.0.1", proxy_port), timeout=5))
            except OSError:
                break
        time.sleep(1)  # the proxy accepts, counts and refuses in its own time
        selector = selectors.DefaultSelector()
        for s in sockets:
            s.setblocking(False)
            selector.register(s, selectors.EVENT_READ)
        closed = set()

        def collect(timeout):
            for key, _ in selector.select(timeout):
                s = key.fileobj
                try:
                    s.recv(4096)
                except OSError:
                    pass
                closed.add(s)
                selector.unregister(s)

        collect(0.5)
        closed_at_once = len(closed)
        held = len(sockets) - closed_at_once
        during = rss_kib(proxy.pid)
        served = emit(proxy_port, "fresh")
        while len(closed) < len(sockets) and time.time() - opened < 120:
            collect(1)
        all_closed = time.time() - opened
        print(f"idle connections opened: {len(sockets)} (proxy open-file limit 1024)")
        print(f"held by the proxy: {held}; closed within a second: {closed_at_once} "
              f"(over the limit, each new one closes the one idle longest)")
        print(f"a fresh client meanwhile: HTTP {served}")
        if held:
            print(f"proxy memory: {before} KiB -> {during} KiB, "
                  f"{(during - before) / held:.1f} KiB per held connection")
        print(f"every idle connection closed by the proxy after {all_closed:.1f} s "
              f"({len(closed)} of {len(sockets)})")
        print(f"a client after they closed: HTTP {emit(proxy_port, 'after')}")
    finally:
        proxy.kill()
        model.kill()


if __name__ == "__main__":
    main()
