#!/usr/bin/env python3
"""Bad clients for bench/load.sh, bounded in count and time, on 127.0.0.1 only.

    bench/clients.py PORT slowloris N SECONDS   # N connections sending a request head a byte every 200 ms
    bench/clients.py PORT hangup N SECONDS URL  # N loops: ask for URL, read 1 KB, hang up, again

Prints what it did when the time is up.
"""
import socket
import sys
import threading
import time

port, mode, n, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
end = time.time() + seconds
ADDR = ("127.0.0.1", port)

if mode == "slowloris":
    conns = []
    for _ in range(n):
        c = socket.create_connection(ADDR, timeout=5)
        conns.append(c)
    head = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 10000
    i = 0
    while time.time() < end and conns:
        alive = []
        for c in conns:
            try:
                c.send(head[i % len(head):][:1])
                alive.append(c)
            except OSError:
                c.close()
        conns = alive
        i += 1
        time.sleep(0.2)
    print(f"slowloris: {len(conns)} of {n} connections still open after {seconds:.0f} s")
elif mode == "hangup":
    url = sys.argv[5]
    done = [0]

    def loop():
        while time.time() < end:
            try:
                c = socket.create_connection(ADDR, timeout=5)
                c.sendall(f"GET {url} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
                c.recv(1024)
                c.close()
                done[0] += 1
            except OSError:
                time.sleep(0.05)

    threads = [threading.Thread(target=loop) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"hangup: {done[0]} responses abandoned after 1 KB")
else:
    sys.exit(f"unknown mode {mode}")
