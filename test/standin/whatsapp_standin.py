#!/usr/bin/env python3
"""A local stand-in for the WhatsApp Cloud API's messages endpoint, for tests and the demo.

It checks requests the way Meta does (bearer token, phone number id, JSON shape, approved
template names and languages, parameter counts, E.164 `to`), answers in Meta's success and
error formats, can be told to fail in each documented way, and records every request.

    whatsapp_standin.py --port 0 --port-file FILE --token-file FILE --phone-number-id ID

Control endpoints (loopback only, like the server itself):
    GET  /_control/health            {"ok": true}
    GET  /_control/requests          every request so far, oldest first (never the token)
    POST /_control/reset             forget requests and faults
    POST /_control/faults            replace the fault rules with a JSON list; see FAULT MODES below
    POST /_control/delay             {"ms": N}: answer every request N ms late

FAULT MODES (each rule: {"mode": ..., "to": "+E164" (optional: only that recipient),
             "times": N (optional: the first N matching requests), "rate": 0..1 (optional)}):
    error      {"code": 131026, "http_status": 400, "headers": {"Retry-After": "1"}}   a Meta error body
    http       {"http_status": 503, "body": "..."}     a raw HTTP answer
    not_json   200 with a body that is not JSON (the message IS accepted and recorded)
    truncate   a Content-Length longer than the body, then close
    reset      close the connection without answering
    hang       accept and never answer (until the client gives up)
"""

import argparse
import itertools
import json
import os
import random
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
TEMPLATE_PARAMETER_COUNTS = {"cart_abandonment_first": 3, "cart_abandonment_second": 3}
LANGUAGES = {"en", "en_US"}
MAX_PARAMETER_CHARS = 1024

ERROR_MESSAGES = {
    0: "AuthException", 1: "API Unknown", 2: "API Service", 3: "API Method", 4: "Too many calls",
    10: "Permission denied", 100: "Invalid parameter", 190: "Access token has expired",
    368: "Temporarily blocked for policies violations", 130429: "Rate limit hit",
    130472: "User's number is part of an experiment", 131000: "Something went wrong",
    131008: "Required parameter is missing", 131009: "Parameter value is not valid",
    131016: "Service unavailable", 131026: "Message undeliverable",
    131031: "Business Account locked", 131042: "Business eligibility payment issue",
    131047: "Re-engagement message", 131048: "Spam rate limit hit",
    131049: "This message was not delivered to maintain healthy ecosystem engagement",
    131050: "User has stopped marketing messages", 131056: "(Business Account, Consumer Account) pair rate limit hit",
    131057: "Account in maintenance mode", 132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation", 132005: "Translated text too long",
    132007: "Template format character policy violated", 132012: "Parameter format mismatch",
    132015: "Template is paused", 132016: "Template is disabled", 133004: "Server temporarily unavailable",
    80007: "Rate limit issues",
}


class State:
    def __init__(self, token, phone_number_id):
        self.token = token
        self.phone_number_id = phone_number_id
        self.lock = threading.Lock()
        self.requests = []
        self.faults = []
        self.delay_ms = 0
        self.sequence = itertools.count(1)

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.faults.clear()
            self.delay_ms = 0

    def pick_fault(self, to):
        with self.lock:
            for rule in self.faults:
                if rule.get("to") and rule["to"] != to:
                    continue
                if "times" in rule and rule["times"] <= 0:
                    continue
                if "rate" in rule and random.random() >= rule["rate"]:
                    continue
                if "times" in rule:
                    rule["times"] -= 1
                return dict(rule)
        return None


def meta_error(code, details=None):
    error = {"message": "(#%d) %s" % (code, ERROR_MESSAGES.get(code, "Error")), "type": "OAuthException",
             "code": code, "fbtrace_id": "Astandin%06d" % random.randrange(10**6)}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


def check_message(body):
    """Returns (error_code, details) for a request Meta would refuse, else None."""
    if not isinstance(body, dict):
        return 100, "the body must be a JSON object"
    if body.get("messaging_product") != "whatsapp":
        return 100, "messaging_product must be whatsapp"
    if body.get("type") != "template":
        return 100, "type must be template"
    to = body.get("to")
    if not isinstance(to, str) or not E164.match(to):
        return 100, "to must be an E.164 number with a leading +"
    template = body.get("template")
    if not isinstance(template, dict):
        return 131008, "template is missing"
    name = template.get("name")
    language = (template.get("language") or {}).get("code") if isinstance(template.get("language"), dict) else None
    if name not in TEMPLATE_PARAMETER_COUNTS or language not in LANGUAGES:
        return 132001, "template %r in language %r is not approved" % (name, language)
    parameters = []
    for component in template.get("components") or []:
        if isinstance(component, dict) and component.get("type") == "body":
            parameters = component.get("parameters") or []
    if len(parameters) != TEMPLATE_PARAMETER_COUNTS[name]:
        return 132000, "expected %d body parameters, got %d" % (TEMPLATE_PARAMETER_COUNTS[name], len(parameters))
    for parameter in parameters:
        if not isinstance(parameter, dict) or parameter.get("type") != "text" or not isinstance(parameter.get("text"), str):
            return 131009, "every body parameter must be {type: text, text: string}"
        text = parameter["text"]
        if not text or "\n" in text or "\t" in text or "     " in text:
            return 100, "Param text cannot be empty or have new-line/tab characters or more than 4 consecutive spaces"
        if len(text) > MAX_PARAMETER_CHARS:
            return 132005, "parameter longer than %d characters" % MAX_PARAMETER_CHARS
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Meta's servers do
    server_version = "whatsapp-standin/1.0"
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

    def do_GET(self):
        if self.path == "/_control/health":
            return self.send_json(200, {"ok": True})
        if self.path == "/_control/requests":
            with self.state.lock:
                return self.send_json(200, list(self.state.requests))
        self.send_json(404, meta_error(100, "unknown path"))

    def do_POST(self):
        raw = self.read_body()
        if self.path.startswith("/_control/"):
            return self.control(raw)
        match = re.fullmatch(r"/v[0-9.]+/([^/]+)/messages", self.path)
        if not match:
            return self.send_json(404, meta_error(100, "Unknown path components: " + self.path))
        self.message(match.group(1), raw)

    def control(self, raw):
        try:
            payload = json.loads(raw or b"null")
        except ValueError:
            return self.send_json(400, {"error": "control payload is not JSON"})
        if self.path == "/_control/reset":
            self.state.reset()
        elif self.path == "/_control/faults":
            rules = payload if isinstance(payload, list) else [payload]
            with self.state.lock:
                self.state.faults = rules
        elif self.path == "/_control/delay":
            self.state.delay_ms = int(payload.get("ms", 0))
        else:
            return self.send_json(404, {"error": "unknown control path"})
        self.send_json(200, {"ok": True})

    def message(self, phone_number_id, raw):
        state = self.state
        record = {"seq": next(state.sequence), "at": time.time(), "path": self.path, "status": None, "accepted": False,
                  "client_port": self.client_address[1]}  # the same port twice means a reused connection
        authorization = self.headers.get("Authorization") or ""
        record["auth_ok"] = authorization == "Bearer " + state.token
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if isinstance(body, dict):
            template = body.get("template") if isinstance(body.get("template"), dict) else {}
            record["to"] = body.get("to")
            record["template"] = template.get("name")
            record["language"] = (template.get("language") or {}).get("code") if isinstance(template.get("language"), dict) else None
            params = []
            for component in template.get("components") or []:
                if isinstance(component, dict) and component.get("type") == "body":
                    params = [p.get("text") for p in component.get("parameters") or [] if isinstance(p, dict)]
            record["params"] = params
        with state.lock:  # recorded on arrival: a request the client gave up on still counts
            state.requests.append(record)

        if state.delay_ms:
            time.sleep(state.delay_ms / 1000.0)

        if not record["auth_ok"]:
            return self.finish_record(record, 401, meta_error(190, "Invalid OAuth access token"))
        if phone_number_id != state.phone_number_id:
            return self.finish_record(record, 400, meta_error(100, "Object with ID '%s' does not exist" % phone_number_id))
        if body is None:
            return self.finish_record(record, 400, meta_error(100, "the body is not JSON"))
        problem = check_message(body)
        if problem:
            return self.finish_record(record, 400, meta_error(problem[0], problem[1]))

        fault = state.pick_fault(record.get("to"))
        if fault:
            record["fault"] = fault["mode"]
            if self.inject(fault, record):
                return

        wamid = "wamid.standin%08d" % record["seq"]
        record["wamid"] = wamid
        self.finish_record(record, 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"].lstrip("+")}],
            "messages": [{"id": wamid}],
        })

    def inject(self, fault, record):
        """Applies a fault; returns True when the request has been answered (or dropped)."""
        mode = fault["mode"]
        if mode == "error":
            code = int(fault.get("code", 131000))
            self.finish_record(record, int(fault.get("http_status", 400)), meta_error(code), fault.get("headers"))
            return True
        if mode == "http":
            status = int(fault.get("http_status", 500))
            data = fault.get("body", "").encode()
            self.record(record, status, accepted=False)
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (fault.get("headers") or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            return True
        if mode == "not_json":
            record["wamid"] = "wamid.standin%08d" % record["seq"]
            self.record(record, 200, accepted=True)
            data = b"<html>OK</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return True
        if mode == "truncate":
            self.record(record, 200, accepted=False)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "400")
            self.end_headers()
            self.wfile.write(b'{"messaging_product":"whatsapp","messages":[{"id":"wam')
            self.close_connection = True
            return True
        if mode == "reset":
            self.record(record, 0, accepted=False)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.close_connection = True
            return True
        if mode == "hang":
            self.record(record, 0, accepted=False)
            time.sleep(float(fault.get("seconds", 30)))
            self.close_connection = True
            return True
        return False

    def record(self, record, status, accepted):
        with self.state.lock:
            record["status"] = status
            record["accepted"] = accepted

    def finish_record(self, record, status, payload, headers=None):
        if status != 200:
            record["code"] = payload["error"]["code"]
        self.record(record, status, accepted=status == 200)
        self.send_json(status, payload, headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):  # clients that hang up are part of the tests
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--token-file", required=True, help="file holding the expected access token")
    parser.add_argument("--phone-number-id", required=True)
    args = parser.parse_args()
    with open(args.token_file) as f:
        token = f.read().strip()
    server = Server(("127.0.0.1", args.port), Handler)
    server.state = State(token, args.phone_number_id)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
