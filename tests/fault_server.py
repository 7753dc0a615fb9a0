#!/usr/bin/env python3
"""fault_server.py: a server on loopback that misbehaves on purpose, for the
network-fault cases (tests/cases/net/). Unlike the fake Gemini API it plays
no scenario of the API: it breaks the transport. It listens on several ports
of 127.0.0.1 and prints them as one JSON line on stdout:

  http     plain HTTP; the first path segment picks the fault (FAULTS below),
           e.g. http://127.0.0.1:P/stall/v1beta/models
  tls      HTTPS with a self-signed certificate made at start (openssl)
  silent   accepts connections and never sends a byte (silent TLS, a silent
           proxy, a server that never answers the handshake)
  closed   a port nothing listens on
  proxy    an HTTP proxy that refuses CONNECT with 403
  authproxy  an HTTP proxy that wants credentials (407) and never tunnels

Every loop is bounded (bytes, seconds); a fault that waits wakes within a
second of SIGTERM. Nothing listens beyond 127.0.0.1.
Usage: fault_server.py [--log FILE]
"""

import argparse
import json
import os
import signal
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

STOPPING = threading.Event()
# No fault keeps a connection longer than this.
MAX_SECONDS = 30
REQUEST_MAX = 64 * 1024

MODEL = {
    "name": "models/gemini-3.8-flash", "version": "001", "displayName": "Gemini 3.8 Flash",
    "inputTokenLimit": 1048576, "outputTokenLimit": 65536,
    "supportedGenerationMethods": ["generateContent", "countTokens"],
}
FEED_OK = b"[]\n"
HTML_502 = (b"<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n"
            b"<body>\n<center><h1>502 Bad Gateway</h1></center>\n"
            b"<hr><center>nginx/1.24.0</center>\n</body>\n</html>\n")


def wait(seconds):
    """Sleep, but wake at once when the server stops. True when stopping."""
    return STOPPING.wait(min(seconds, MAX_SECONDS))


def read_request(sock):
    """The request head and body (bounded), or None when the peer left."""
    data = b""
    sock.settimeout(5)
    try:
        while b"\r\n\r\n" not in data and len(data) < REQUEST_MAX:
            chunk = sock.recv(4096)
            if not chunk:
                return None
            data += chunk
            if data[:1] == b"\x16":
                # A TLS ClientHello on the plain HTTP port: answer in plain
                # HTTP, as a web server does, which fails the handshake.
                sock.sendall(response(400, "Bad Request", b"plain HTTP port\n", "text/plain"))
                return None
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        want = min(int(headers.get("content-length", "0") or 0), REQUEST_MAX)
        while len(body) < want:
            chunk = sock.recv(4096)
            if not chunk:
                break
            body += chunk
    except (OSError, ValueError):
        return None
    parts = lines[0].split(" ")
    return {"method": parts[0], "path": parts[1] if len(parts) > 1 else "/",
            "headers": headers, "body": body}


def response(code, reason, body, ctype="application/json; charset=UTF-8", extra=()):
    head = ["HTTP/1.1 %d %s" % (code, reason), "Content-Type: " + ctype,
            "Content-Length: %d" % len(body), "Connection: close"]
    head.extend(extra)
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def json_ok(req):
    """A plausible answer for whatever the client asked, for the faults that
    break only one part of the exchange."""
    path = req["path"].split("?", 1)[0]
    if path.endswith("incidents.json"):
        return FEED_OK
    if path.endswith(":generateContent"):
        return json.dumps({"candidates": [{"content": {"parts": [{"text": "p"}], "role": "model"},
                                           "finishReason": "MAX_TOKENS"}],
                           "usageMetadata": {"promptTokenCount": 1, "totalTokenCount": 2}}).encode()
    if "/models/" in path:
        return json.dumps(MODEL).encode()
    return json.dumps({"models": [MODEL]}).encode()


def reset(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def send_slowly(sock, pieces, gap):
    for piece in pieces:
        sock.sendall(piece)
        if wait(gap):
            return


def stream(sock, chunk, total, chunked=False, gap=0.0):
    """Send chunk repeatedly until total bytes (or the client leaves)."""
    sent = 0
    deadline = time.monotonic() + MAX_SECONDS
    while sent < total and time.monotonic() < deadline and not STOPPING.is_set():
        data = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
        sock.sendall(data)
        sent += len(chunk)
        if gap and wait(gap):
            return


# --- the faults: name -> function(sock, req, server) ----------------------

def f_ok(sock, req, srv):
    sock.sendall(response(200, "OK", json_ok(req)))


def f_hang(sock, req, srv):
    wait(MAX_SECONDS)


def f_close(sock, req, srv):
    sock.close()


def f_reset(sock, req, srv):
    body = json_ok(req)
    whole = response(200, "OK", body + b" " * 4096)
    sock.sendall(whole[:len(whole) - 4096 - len(body) // 2])
    time.sleep(0.05)
    reset(sock)


def f_stall(sock, req, srv):
    whole = response(200, "OK", json_ok(req) + b" " * 1000)
    sock.sendall(whole[:len(whole) - 900])
    wait(MAX_SECONDS)


def f_drip(sock, req, srv):
    whole = response(200, "OK", json_ok(req))
    send_slowly(sock, [whole[i:i + 1] for i in range(len(whole))], 1.0)


def f_html502(sock, req, srv):
    sock.sendall(response(502, "Bad Gateway", HTML_502, "text/html"))


def f_truncated(sock, req, srv):
    body = json_ok(req)
    sock.sendall(response(200, "OK", body[:len(body) // 2]))


def f_short(sock, req, srv):
    body = json_ok(req)
    whole = response(200, "OK", body + b" " * 1000)
    sock.sendall(whole[:len(whole) - 1000])
    sock.close()


def f_big10(sock, req, srv):
    total = 10 * 1000 * 1000
    sock.sendall(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  "Content-Length: %d\r\n\r\n" % total).encode())
    stream(sock, b" " * 65536, total)


def f_big200(sock, req, srv):
    # No length announced: only a cap on what arrives can stop it.
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Connection: close\r\n\r\n")
    stream(sock, b" " * 65536, 200 * 1000 * 1000)


def gzip_bomb(srv):
    """About 64 KB that inflates to 64 MB of zeros; made once, on demand."""
    with srv.log_lock:
        if srv.bomb is None:
            z = zlib.compressobj(9, zlib.DEFLATED, 31)
            zeros = b"\0" * (1 << 20)
            srv.bomb = b"".join(z.compress(zeros) for _ in range(64)) + z.flush()
    return srv.bomb


def f_gzip(sock, req, srv):
    bomb = gzip_bomb(srv)
    sock.sendall(response(200, "OK", bomb, extra=("Content-Encoding: gzip",)))


def f_chunked_fast(sock, req, srv):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n")
    stream(sock, b"[0,0,0,0,0,0,0,0]" * 16384, 1 << 40, chunked=True)


def f_chunked_slow(sock, req, srv):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n")
    stream(sock, b" ", 1 << 40, chunked=True, gap=0.2)


def f_redirect(sock, req, srv):
    # The target would answer as if the key were fine: following it (or
    # sending it the key) would turn a failure into a pass.
    target = "http://localhost:%d/ok%s" % (srv.http_port, req["path"].split("/redirect", 1)[1])
    sock.sendall(response(302, "Found", b"", "text/html", ("Location: " + target,)))


def f_continue(sock, req, srv):
    deadline = time.monotonic() + MAX_SECONDS
    while time.monotonic() < deadline and not STOPPING.is_set():
        sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * 64)
        time.sleep(0.001)


def f_headers(sock, req, srv):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    stream(sock, b"X-Padding: " + b"a" * 100 + b"\r\n", 1 << 40)


def f_feed_nodes(sock, req, srv):
    # 31 MiB of tiny JSON values: under the feed's byte cap, far past any
    # real feed's shape.
    total = 31 << 20
    unit = b"0," * 32768
    count = total // len(unit)
    sock.sendall(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  "Content-Length: %d\r\n\r\n" % (1 + count * len(unit) + 2)).encode())
    sock.sendall(b"[")
    stream(sock, unit, count * len(unit))
    sock.sendall(b"0]")


def f_pages(sock, req, srv):
    """A model list whose first page comes at once and whose later pages come
    slowly, each naming yet another page: it never ends."""
    path, _, query = req["path"].partition("?")
    if "/models/" in path or path.endswith(":generateContent") or path.endswith("incidents.json"):
        f_ok(sock, req, srv)
        return
    n = 0
    for part in query.split("&"):
        if part.startswith("pageToken=p"):
            n = int(part[len("pageToken=p"):] or 0)
    if n > 0 and wait(0.8):
        return
    page = {"models": [dict(MODEL, name="models/gemini-page-%d" % n)],
            "nextPageToken": "p%d" % (n + 1)}
    sock.sendall(response(200, "OK", json.dumps(page).encode()))


FAULTS = {
    "ok": f_ok, "hang": f_hang, "close": f_close, "reset": f_reset, "stall": f_stall,
    "drip": f_drip, "html502": f_html502, "truncated": f_truncated, "short": f_short,
    "big10": f_big10, "big200": f_big200, "gzip": f_gzip, "chunked-fast": f_chunked_fast,
    "chunked-slow": f_chunked_slow, "redirect": f_redirect, "continue": f_continue,
    "headers": f_headers, "feed-nodes": f_feed_nodes, "pages": f_pages,
}


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def log(srv, line):
    if srv.log_path:
        with srv.log_lock:
            with open(srv.log_path, "a", encoding="utf-8") as f:
                f.write(line + "\n")


def http_handler(state):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            req = read_request(self.request)
            if req is None:
                return
            name = req["path"].lstrip("/").split("/", 1)[0]
            log(state, "%s %s key=%s" % (req["method"], req["path"],
                                         "yes" if "x-goog-api-key" in req["headers"] else "no"))
            fault = FAULTS.get(name)
            try:
                if fault:
                    fault(self.request, req, state)
                else:
                    self.request.sendall(response(404, "Not Found", b"no such fault\n",
                                                  "text/plain"))
            except OSError:
                pass  # the client left: that is what it should do
    return Handler


class SilentHandler(socketserver.BaseRequestHandler):
    def handle(self):
        wait(MAX_SECONDS)


class RefusingProxy(socketserver.BaseRequestHandler):
    def handle(self):
        if read_request(self.request) is not None:
            self.request.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")


class AuthProxy(socketserver.BaseRequestHandler):
    def handle(self):
        if read_request(self.request) is not None:
            self.request.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                                 b"Proxy-Authenticate: Basic realm=\"corp\"\r\n"
                                 b"Content-Length: 0\r\n\r\n")


def serve(handler, tls_ctx=None):
    srv = Server(("127.0.0.1", 0), handler)
    if tls_ctx is not None:
        srv.socket = tls_ctx.wrap_socket(srv.socket, server_side=True,
                                         do_handshake_on_connect=False)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2},
                     daemon=True).start()
    return srv


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def self_signed(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


class TLSHandler(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            self.request.do_handshake()
        except (OSError, ssl.SSLError):
            return  # the client refused our certificate, as it must
        req = read_request(self.request)
        if req is not None:
            self.request.sendall(response(200, "OK", json_ok(req)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", default=None)
    opts = ap.parse_args()

    class State:
        pass
    state = State()
    state.log_path = opts.log
    state.log_lock = threading.Lock()
    state.bomb = None

    tmp = tempfile.mkdtemp(prefix="gd-faults-")
    try:
        http = serve(http_handler(state))
        state.http_port = http.server_address[1]
        tls = serve(TLSHandler, self_signed(tmp))
        silent = serve(SilentHandler)
        proxy = serve(RefusingProxy)
        authproxy = serve(AuthProxy)
        ports = {"http": state.http_port, "tls": tls.server_address[1],
                 "silent": silent.server_address[1], "closed": closed_port(),
                 "proxy": proxy.server_address[1], "authproxy": authproxy.server_address[1]}

        def stop(signum, frame):
            STOPPING.set()
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        print(json.dumps(ports), flush=True)
        # Bounded: a harness that forgot us does not leave us running.
        STOPPING.wait(3600)
    finally:
        for name in ("cert.pem", "key.pem"):
            try:
                os.unlink(os.path.join(tmp, name))
            except OSError:
                pass
        os.rmdir(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
