"""A stand-in group robot: a real HTTP server on 127.0.0.1 that records every post and answers as told
(ok, an HTTP 500, a refusal by errcode, or too slowly for the sender's timeout)."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RobotServer:
    def __init__(self):
        self.received: list[dict] = []
        self.paths: list[str] = []
        self.mode = "ok"          # ok | error | refuse | slow
        self.delay = 0.0          # seconds every answer waits (to make two delivery runs overlap)
        self.slow_seconds = 2.0
        self._lock = threading.Lock()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the http.server name)
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with robot._lock:
                    robot.received.append(payload)
                    robot.paths.append(self.path)
                time.sleep(robot.delay + (robot.slow_seconds if robot.mode == "slow" else 0))
                status, answer = {"error": (500, {}), "refuse": (200, {"errcode": 93000, "errmsg": "invalid"})}.get(
                    robot.mode, (200, {"errcode": 0, "errmsg": "ok"}))
                body = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (the timeout case)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/cgi-bin/webhook/send?key=test-key-0001") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self) -> RobotServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
