#!/usr/bin/env python3
# A deliberately slow HTTP server for the in-flight test: it reads each request,
# waits DELAY seconds, answers "ok" and closes. Prints its port, then serves
# until nothing new connects for IDLE seconds (so it always stops by itself).
# Copyright 2026 the winhttp project authors; LGPL-2.1-or-later (see COPYING.LIB).
import socket
import sys
import threading
import time

DELAY = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
IDLE = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0


def serve(conn):
    try:
        conn.settimeout(30)
        conn.recv(65536)
        time.sleep(DELAY)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        time.sleep(0.2)
    except OSError:
        pass
    finally:
        conn.close()


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(4096)
listener.settimeout(IDLE)
print(listener.getsockname()[1], flush=True)
try:
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
except OSError:
    pass
