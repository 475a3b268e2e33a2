"""What the stand-ins (whatsapp_standin.py, twilio_standin.py) share: the threaded loopback server,
a handler base that answers JSON, raw answers and dropped connections, the control endpoints'
dispatch, fault rules' times and rate, the port file, and POSTing a webhook with retries."""

import json
import os
import random
import socket
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the providers' servers do
    # One write per answer (flushed after each request), not headers and body apart: two small
    # writes meet Nagle's algorithm and the client's delayed ACK, 40 ms a request.
    wbufsize = 64 * 1024

    def log_message(self, fmt, *args):  # quiet: tests read the record, not a log
        pass

    @property
    def state(self):
        return self.server.state

    def send_json(self, status, payload, headers=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_raw(self, status, data, headers=None):
        """An answer of any status with these bytes (a fault: a proxy's page, a truncated body)."""
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def drop(self, hang_seconds=None):
        """No answer: the connection is reset, or held `hang_seconds` and closed."""
        if hang_seconds is not None:
            time.sleep(hang_seconds)
        else:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.close_connection = True

    def common_get(self, path):
        """Answers the GETs every stand-in has (health, requests, state); False for another path."""
        if path == "/_control/health":
            self.send_json(200, {"ok": True})
        elif path == "/_control/requests":
            with self.state.lock:
                self.send_json(200, list(self.state.requests))
        elif path == "/_control/state":
            self.send_json(200, self.state.describe())
        else:
            return False
        return True


class BadControl(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise BadControl(message)


class Controls:
    """POST /_control/<name> runs the method control_<name>(payload) of the state."""

    def control(self, name, payload):
        """(http status, answer): {"ok": true} unless the method answers; 400 on a bad payload,
        409 when the method refuses what the stand-in was started without (conflict())."""
        handler = getattr(self, "control_" + name, None)
        if handler is None:
            return 404, {"error": "unknown control path"}
        try:
            return 200, handler(payload) or {"ok": True}
        except BadControl as error:
            return (409 if self.conflict(str(error)) else 400), {"error": str(error)}
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            return 400, {"error": "bad payload: %s" % error}

    def conflict(self, message):
        return False


def pick_rule(rules, applies):
    """The first rule that `applies` and is due: "times" left (each pick spends one), "rate" drawn."""
    for rule in rules:
        if not applies(rule):
            continue
        if "times" in rule and rule["times"] <= 0:
            continue
        if "rate" in rule and random.random() >= rule["rate"]:
            continue
        if "times" in rule:
            rule["times"] -= 1
        return dict(rule)
    return None


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):  # clients that hang up are part of the tests
        pass


def write_port_file(path, port):
    """Writes the port where a test waits for it, whole (renamed into place)."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.replace(tmp, path)


def post(opener, url, raw, headers, attempts, retry_ms, record):
    """POSTs `raw` until a 2xx answer or `attempts` are spent (waiting retry_ms times the attempt
    between them); appends each answer's status (None when none came) to record["statuses"], sets
    record["delivered"] and, on a connection failure, record["error"]."""
    for attempt in range(attempts):
        if attempt:
            time.sleep(retry_ms / 1000.0 * attempt)
        request = urllib.request.Request(url, data=raw, method="POST", headers=headers)
        try:
            with opener.open(request, timeout=5) as answer:
                answer.read()
                record["statuses"].append(answer.status)
        except urllib.error.HTTPError as error:
            record["statuses"].append(error.code)
        except OSError as error:
            record["statuses"].append(None)
            record["error"] = str(error)
        if record["statuses"][-1] is not None and 200 <= record["statuses"][-1] < 300:
            record["delivered"] = True
            return
