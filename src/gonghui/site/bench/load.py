"""A bounded load from a second process: ``python -m gonghui.site.bench.load BASE PATHS_FILE N CONCURRENCY
[TOKEN]`` sends N GET requests over CONCURRENCY keep-alive connections (the paths taken in turn from the
file), then prints one JSON line: requests/s, p50/p99 in ms, errors."""

from __future__ import annotations

import http.client
import json
import math
import sys
import threading
import time
from urllib.parse import urlsplit


def run(base: str, paths: list[str], total: int, concurrency: int, token: str = "") -> dict:
    host = urlsplit(base)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(total))
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def worker():
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            started = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)], headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return {"rps": len(latencies) / seconds, "p50": latencies[len(latencies) // 2],
            "p99": latencies[max(0, math.ceil(len(latencies) * 0.99) - 1)], "errors": errors[0],
            "requests": len(latencies)}


if __name__ == "__main__":
    base, paths_file, total, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    token = sys.argv[5] if len(sys.argv) > 5 else ""
    with open(paths_file, encoding="utf-8") as fh:
        paths = [line.strip() for line in fh if line.strip()]
    print(json.dumps(run(base, paths, total, concurrency, token)))
