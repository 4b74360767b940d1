#!/usr/bin/env python3
"""Serves dist/ on localhost with the right MIME types, gzip for text and wasm, the Content
Security Policy, and cache headers: versioned model files are immutable; everything else
(the service worker included) is revalidated.

    python3 scripts/serve.py [--port 8080] [--dir dist]
"""
import argparse
import gzip
import http.server
import os
import sys
import threading

TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".json": "application/json",
         ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml", ".css": "text/css",
         ".html": "text/html; charset=utf-8", ".png": "image/png", ".safetensors": "application/octet-stream"}
COMPRESS = {".wasm", ".js", ".json", ".css", ".html", ".svg", ".webmanifest"}
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *")
_gz_cache: dict = {}
_lock = threading.Lock()


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def log_message(self, fmt, *args):  # quiet: tests read stdout
        pass

    def end_headers(self):
        path = self.path.split("?")[0]
        if "/assets/models/" in path and "/manifest.json" not in path:
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        # The same policy as index.html's <meta>, plus what only a header can say: any site may
        # embed Sesame in an iframe (course material).
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def do_GET(self):
        local = self.translate_path(self.path)
        ext = os.path.splitext(local)[1]
        if ext in COMPRESS and os.path.isfile(local) and "gzip" in self.headers.get("Accept-Encoding", ""):
            stat = os.stat(local)
            key = (local, stat.st_mtime_ns, stat.st_size)
            with _lock:
                body = _gz_cache.get(key)
                if body is None:
                    with open(local, "rb") as f:
                        body = gzip.compress(f.read(), 6)
                    _gz_cache[key] = body
            self.send_response(200)
            self.send_header("Content-Type", TYPES.get(ext, "application/octet-stream"))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A reader who navigates away mid-download resets the connection: not an error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--dir", default="dist")
    a = ap.parse_args()
    handler = lambda *args, **kw: Handler(*args, directory=a.dir, **kw)
    server = Server(("127.0.0.1", a.port), handler)
    print(f"Sesame is served at http://localhost:{a.port}/ (Ctrl-C to stop)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
