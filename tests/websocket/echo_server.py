#!/usr/bin/python3
# WebSocket server for the interoperability tests (tests/websocket/wsclient.c),
# built on Debian's python3-websockets (10.x, the asyncio API): a peer we did not
# write. Listens on 127.0.0.1 on an ephemeral port, written to --port-file once
# it accepts connections; with --cert and --key it speaks TLS (wss://).
#
# Paths (query parameters optional):
#   /echo?frag=N              echoes every message with its type (text or binary),
#                             as one frame, or as fragments of N bytes (characters
#                             for text) when frag is given
#   /close-first?code=C&reason=R&messages=N
#                             sends N text messages "message I", then closes first
#                             with code C (default 4000) and reason R; code=none
#                             sends a close frame without a body
#   /abnormal?messages=N      sends N text messages, then drops the TCP connection
#                             without a close frame
#   /ping?count=N&size=S      sends N pings with distinct S-byte payloads, waits for
#                             each matching pong (5 s), then sends the text
#                             "pongs K/N" and waits for the client to close
#   /report?id=X              one text message about the earlier connection with
#                             id=X, once it has ended (waits up to 5 s):
#                             "code=C reason=R messages=M bytes=B", then closes 1000
#   /sink                     reads and drops binary messages; a text message
#                             "done" is answered with "bytes=B messages=M"
#   /source?size=N            sends binary messages of N bytes until the client closes
# Every path takes id=X: the connection is then described by /report?id=X.
# Anything else is refused with HTTP 404 during the handshake.
#
# Copyright 2026 the winhttp project authors
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Lesser General Public
# License as published by the Free Software Foundation; either
# version 2.1 of the License, or (at your option) any later version.
#
# This library is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
# Lesser General Public License for more details.
#
# You should have received a copy of the GNU Lesser General Public
# License along with this library; if not, write to the Free Software
# Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA

import argparse
import asyncio
import http
import logging
import os
import signal
import ssl
import sys
import urllib.parse

import websockets
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close

MAX_MESSAGE = 64 << 20          # the tests send up to 16 MiB
PATHS = ("/echo", "/close-first", "/abnormal", "/ping", "/report", "/sink", "/source")

reports = {}                     # id -> {"code", "reason", "messages", "bytes", "done"}
log_file = None


def log(line):
    if log_file:
        log_file.write(line + "\n")
        log_file.flush()


def report_for(ident):
    if ident not in reports:
        reports[ident] = {"code": None, "reason": None, "messages": 0, "bytes": 0,
                          "done": asyncio.Event()}
    return reports[ident]


def fragments(message, size):
    return [message[i:i + size] for i in range(0, len(message), size)] or [message[:0]]


async def echo(ws, query, rep):
    frag = int(query.get("frag", "0"))
    try:
        async for message in ws:
            rep["messages"] += 1
            rep["bytes"] += len(message.encode()) if isinstance(message, str) else len(message)
            if frag > 0:
                await ws.send(fragments(message, frag))
            else:
                await ws.send(message)
    except ConnectionClosed:
        pass


async def close_first(ws, query, rep):
    for i in range(int(query.get("messages", "0"))):
        await ws.send("message %d" % i)
    code = query.get("code", "4000")
    reason = query.get("reason", "server closes first")
    if code == "none":
        # a close frame without a body: Close.serialize() refuses 1005, so the
        # frame's payload is given as is (the protocol's own way of echoing one)
        await ws.write_close_frame(Close(1005, ""), b"")
        try:
            await asyncio.wait_for(ws.wait_closed(), 5)
        except asyncio.TimeoutError:
            pass
    else:
        await ws.close(int(code), reason)
    log("close-first: sent %s, client answered %s %r" % (code, ws.close_code, ws.close_reason))


async def abnormal(ws, query, rep):
    for i in range(int(query.get("messages", "1"))):
        await ws.send("message %d" % i)
    # the transport sends what it holds, then a FIN: no close frame
    ws.transport.close()
    await ws.wait_closed()


async def ping(ws, query, rep):
    count, size = int(query.get("count", "3")), int(query.get("size", "16"))
    ok = 0
    for i in range(count):
        payload = (b"ping-%d-" % i).ljust(size, b"p")[:size]
        waiter = await ws.ping(payload)
        try:
            await asyncio.wait_for(waiter, 5)
            ok += 1
        except asyncio.TimeoutError:
            log("ping: no pong for ping %d" % i)
            break
    await ws.send("pongs %d/%d" % (ok, count))
    try:
        await asyncio.wait_for(ws.wait_closed(), 10)
    except asyncio.TimeoutError:
        pass


async def report(ws, query, rep):
    other = report_for(query.get("id", ""))
    try:
        await asyncio.wait_for(other["done"].wait(), 5)
        text = "code=%s reason=%s messages=%d bytes=%d" % (other["code"], other["reason"], other["messages"],
                                                            other["bytes"])
    except asyncio.TimeoutError:
        text = "code=none reason=connection-still-open messages=%d bytes=%d" % (other["messages"],
                                                                                 other["bytes"])
    await ws.send(text)
    await ws.close(1000, "")


async def sink(ws, query, rep):
    total = messages = 0
    try:
        async for message in ws:
            if isinstance(message, str) and message == "done":
                await ws.send("bytes=%d messages=%d" % (total, messages))
            else:
                total += len(message)
                messages += 1
    except ConnectionClosed:
        pass


async def source(ws, query, rep):
    data = bytes(i & 0xff for i in range(int(query.get("size", "65536"))))
    try:
        while True:
            await ws.send(data)
    except ConnectionClosed:
        pass


HANDLERS = {"/echo": echo, "/close-first": close_first, "/abnormal": abnormal, "/ping": ping,
            "/report": report, "/sink": sink, "/source": source}


async def handler(ws):
    url = urllib.parse.urlsplit(ws.path)
    query = dict(urllib.parse.parse_qsl(url.query))
    ident = query.get("id")
    rep = report_for(ident) if ident else {"messages": 0, "bytes": 0}
    log("connection %s" % ws.path)
    try:
        await HANDLERS[url.path](ws, query, rep)
        await asyncio.wait_for(ws.wait_closed(), 10)
    except (ConnectionClosed, asyncio.TimeoutError):
        pass
    finally:
        if ident:
            rep["code"], rep["reason"] = ws.close_code, ws.close_reason
            rep["done"].set()
        log("ended %s: close code %s reason %r" % (ws.path, ws.close_code, ws.close_reason))


async def check_path(path, headers):
    if urllib.parse.urlsplit(path).path not in PATHS:
        return http.HTTPStatus.NOT_FOUND, [], b"no such path\n"
    return None


async def main():
    global log_file
    parser = argparse.ArgumentParser(description="WebSocket test server")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--log")
    args = parser.parse_args()
    if args.log:
        log_file = open(args.log, "a")
        # the library's own account of protocol errors and failed connections
        logging.basicConfig(stream=log_file, level=logging.INFO, format="websockets: %(message)s")
        logging.getLogger("websockets").setLevel(logging.DEBUG if os.environ.get("WS_DEBUG") else logging.INFO)

    context = None
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)

    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)

    async with websockets.serve(handler, "127.0.0.1", 0, ssl=context, process_request=check_path,
                                compression=None, ping_interval=None, close_timeout=5,
                                max_size=MAX_MESSAGE, max_queue=4,
                                read_limit=1 << 20, write_limit=1 << 20) as server:
        port = server.sockets[0].getsockname()[1]
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
        log("listening on 127.0.0.1:%d%s" % (port, " (TLS)" if context else ""))
        await stop


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
