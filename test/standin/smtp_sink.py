#!/usr/bin/python3
"""A local SMTP sink for tests and benchmarks: it accepts mail submissions on loopback, records every
message (envelope, raw bytes, headers, decoded MIME parts), and can be told to refuse at each stage
of the transaction with the reply code and text of choice. Needs aiosmtpd (Debian's
python3-aiosmtpd, so run it with /usr/bin/python3 where the python3 on PATH lacks it).

    smtp_sink.py --port-file FILE [--port 0] [--control-port 0]
        [--tls-cert CERT --tls-key KEY]  STARTTLS offered, and required before any mail command
        [--smtps-port 0]                 also an implicit-TLS (smtps) listener; needs the cert and key
        [--auth-file FILE]               AUTH PLAIN and LOGIN required: the file's first line is the
                                         user, its second the password (never printed nor recorded);
                                         over TLS only when TLS is configured

Every port 0 is a free one. The port file is written (atomically) once everything listens:
{"smtp": P, "smtps": P or null, "control": P}.

SMTP: EHLO/HELO, STARTTLS, AUTH, MAIL, RCPT, DATA, RSET, NOOP, QUIT as aiosmtpd implements them
(RFC 5321, RFC 3207, RFC 4954). Accepted messages are answered "250 2.0.0 OK: queued as <seq>".

Control API on 127.0.0.1:control (bodies JSON; answers {"ok": true} unless said; 400 with
{"error": ...} on a bad payload). Everything set here lasts until POST /_control/reset.
    GET  /_control/health      {"ok": true}
    GET  /_control/messages    (also /_control/requests) every accepted message, oldest first: seq, at, connection (the number
                               of the connection it came on, from 1: the same number twice means a
                               reused connection), tls, auth_user, mail_from, rcpt_tos, raw (the
                               message as received, decoded as UTF-8), headers ([[name, value], ...]
                               in order, values as sent), structure ("multipart/alternative(text/plain,
                               text/html)"), parts (each leaf: content_type, charset,
                               transfer_encoding, text: the payload decoded, then read in its charset,
                               its line breaks as "\n" whatever the encoding)
    GET  /_control/state       {"connections": opened since the reset, "open": open now, "tls_connections",
                               "auth_successes", "auth_failures", "transactions": MAIL commands accepted,
                               "ends_of_data": messages whose final "." arrived (before the delay and
                               the end_of_data faults), "messages": accepted, "refusals": replies given by fault rules,
                               "faults": the rules left, "delay_ms"}
    POST /_control/reset       forgets the messages, counters, fault rules and the delay
    POST /_control/faults      [rule, ...] replaces the fault rules. A rule: {"stage": "mail" | "rcpt"
                               | "data" (the DATA command, before 354) | "end_of_data" (the reply to
                               the final "."; the message was transmitted and is discarded),
                               "code": 550, "text": "5.1.1 User unknown", "close": true (instead of a
                               reply, close the connection: after the final "." the client cannot
                               know whether the message was taken; nothing is recorded),
                               "to": "addr" (optional: only the RCPT of that address, or a
                               transaction with it among its recipients), "times": N (optional: the
                               first N matches; default every one), "rate": 0..1 (optional: drawn)}
    POST /_control/delay       {"ms": N}: the reply to each message's final "." comes N ms late

A self-test: /usr/bin/python3 test/standin/test_smtp_sink.py
"""

import argparse
import asyncio
import email.parser
import email.policy
import json
import logging
import os
import socket
import ssl
import sys
import threading
import time
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from standin_http import Controls, JsonHandler, Server, expect, pick_rule  # noqa: E402

STAGES = {"mail", "rcpt", "data", "end_of_data"}


def check_rule(rule):
    expect(isinstance(rule, dict) and rule.get("stage") in STAGES,
           "a rule is an object with a stage among " + ", ".join(sorted(STAGES)))
    expect(rule.get("close") or (isinstance(rule.get("code"), int) and 400 <= rule["code"] <= 599),
           "a rule has a code from 400 to 599, or close: true")
    expect("times" not in rule or (isinstance(rule["times"], int) and rule["times"] > 0), "times is a positive number")
    return dict(rule)


def describe_mime(raw):
    """The message's MIME tree as one line, and its leaf parts decoded."""
    message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw)
    parts = []

    def walk(part):
        if part.is_multipart():
            return "%s(%s)" % (part.get_content_type(), ",".join(walk(p) for p in part.get_payload()))
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset()
        parts.append({"content_type": part.get("Content-Type"), "charset": charset,
                      "transfer_encoding": part.get("Content-Transfer-Encoding"),
                      "text": payload.decode(charset or "ascii", errors="replace").replace("\r\n", "\n")})
        return part.get_content_type()

    return message.items(), walk(message), parts


class State(Controls):
    def __init__(self):
        self.lock = threading.Lock()
        self.open = 0
        self.messages = []
        self.control_reset(None)

    @property
    def requests(self):  # GET /_control/requests, as every stand-in has
        return self.messages

    def control_reset(self, payload):
        with self.lock:
            self.messages.clear()
            self.faults = []
            self.delay_ms = 0
            self.counts = dict.fromkeys(("connections", "tls_connections", "auth_successes", "auth_failures",
                                         "transactions", "ends_of_data", "messages", "refusals"), 0)

    def control_faults(self, payload):
        expect(isinstance(payload, list), "faults takes a list of rules")
        rules = [check_rule(rule) for rule in payload]
        with self.lock:
            self.faults = rules

    def control_delay(self, payload):
        expect(isinstance(payload, dict) and isinstance(payload.get("ms"), int) and payload["ms"] >= 0,
               'delay takes {"ms": N}')
        with self.lock:
            self.delay_ms = payload["ms"]

    def count(self, name, by=1):
        with self.lock:
            self.counts[name] += by

    def pick_fault(self, stage, recipients):
        """The first rule for `stage` matching one of `recipients` that is due (its use counted)."""
        with self.lock:
            rule = pick_rule(self.faults, lambda r: r["stage"] == stage and ("to" not in r or r["to"] in recipients))
            if rule:
                self.counts["refusals"] += 1
            return rule

    def describe(self):
        with self.lock:
            return dict(self.counts, open=self.open, faults=[dict(rule) for rule in self.faults],
                        delay_ms=self.delay_ms)


def reply(rule):
    return "%d %s" % (rule["code"], rule.get("text", "refused by the sink"))


class Handler:
    """aiosmtpd's hooks: the transaction's replies, and the record."""

    def __init__(self, state):
        self.state = state

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        rule = self.state.pick_fault("mail", [])
        if rule:
            return server.refuse(rule)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        self.state.count("transactions")
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        rule = self.state.pick_fault("rcpt", [address])
        if rule:
            return server.refuse(rule)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.state.count("ends_of_data")
        delay_ms = self.state.delay_ms
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000.0)
        rule = self.state.pick_fault("end_of_data", envelope.rcpt_tos)
        if rule:
            return server.refuse(rule)
        raw = bytes(envelope.original_content)
        headers, structure, parts = describe_mime(raw)
        with self.state.lock:
            seq = len(self.state.messages) + 1
            self.state.messages.append({
                "seq": seq, "at": time.time(), "connection": server.connection_number, "tls": server.tls,
                "auth_user": session.auth_data.decode() if isinstance(session.auth_data, bytes) else None,
                "mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                "raw": raw.decode("utf-8", errors="replace"), "headers": headers, "structure": structure,
                "parts": parts})
            self.state.counts["messages"] += 1
        return "250 2.0.0 OK: queued as %d" % seq


class SinkSMTP(SMTP):
    """aiosmtpd's SMTP with connections counted and the DATA command open to faults."""

    def __init__(self, handler, state, **kwargs):
        super().__init__(handler, **kwargs)
        self.state = state
        self.connection_number = None
        self.tls = False

    def connection_made(self, transport):
        first = self.connection_number is None  # STARTTLS makes the same connection again
        super().connection_made(transport)
        self.tls = transport.get_extra_info("ssl_object") is not None
        with self.state.lock:
            if first:
                self.state.counts["connections"] += 1
                self.state.open += 1
                self.connection_number = self.state.counts["connections"]
            if self.tls:
                self.state.counts["tls_connections"] += 1

    def connection_lost(self, error):
        with self.state.lock:
            self.state.open -= 1
        super().connection_lost(error)

    def refuse(self, rule):
        if rule.get("close"):
            # abort(), not close(): a closed transport still sends what is written before it goes.
            self.transport.abort()
            return "421 4.3.0 closing"  # dropped: the connection is gone
        return reply(rule)

    async def smtp_DATA(self, arg):
        if self.envelope.rcpt_tos and not arg:  # RCPT passed: HELO, STARTTLS and AUTH did
            rule = self.state.pick_fault("data", self.envelope.rcpt_tos)
            if rule:
                await self.push(self.refuse(rule))
                return
        await super().smtp_DATA(arg)


def authenticator(state, user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user and auth_data.password == password
        state.count("auth_successes" if ok else "auth_failures")
        # Only the login is kept for the record; a refusal gets aiosmtpd's 535 5.7.8.
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    return check


class Control(JsonHandler):
    def do_GET(self):
        if self.path == "/_control/messages":
            with self.state.lock:
                return self.send_json(200, list(self.state.messages))
        if not self.common_get(self.path):
            self.send_json(404, {"error": "unknown path"})

    def do_POST(self):
        raw = self.read_body()
        if not self.path.startswith("/_control/"):
            return self.send_json(404, {"error": "unknown path"})
        try:
            payload = json.loads(raw or b"null")
        except ValueError:
            return self.send_json(400, {"error": "control payload is not JSON"})
        self.send_json(*self.state.control(self.path[len("/_control/"):], payload))


def listening_socket(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)
    return sock


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="SMTP (STARTTLS when a certificate is given)")
    parser.add_argument("--smtps-port", type=int, help="implicit TLS; needs --tls-cert and --tls-key")
    parser.add_argument("--control-port", type=int, default=0)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth-file", help="user on the first line, password on the second")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key) or (args.smtps_port is not None and not args.tls_cert):
        parser.error("--tls-cert and --tls-key go together, and --smtps-port needs them")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)  # quiet: tests read the record
    warnings.simplefilter("ignore")  # aiosmtpd warns of AUTH without TLS, which a plain sink tests

    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    user = password = None
    if args.auth_file:
        with open(args.auth_file, "rb") as f:
            lines = f.read().splitlines()
        if len(lines) < 2:
            parser.error("--auth-file holds the user on its first line and the password on its second")
        user, password = lines[0], lines[1]

    state = State()
    loop = asyncio.new_event_loop()

    def protocol(implicit_tls=False):
        # On smtps the connection is TLS from the start: no STARTTLS there, and AUTH is offered
        # (aiosmtpd only sees STARTTLS as TLS).
        options = {"hostname": "smtp-sink.test", "tls_context": None if implicit_tls else tls,
                   "require_starttls": tls is not None and not implicit_tls, "loop": loop}
        if user is not None:
            options.update(auth_required=True, auth_require_tls=tls is not None and not implicit_tls,
                           authenticator=authenticator(state, user, password))
        return SinkSMTP(Handler(state), state, **options)

    smtp_socket = listening_socket(args.port)
    loop.run_until_complete(loop.create_server(protocol, sock=smtp_socket))
    smtps_socket = None
    if args.smtps_port is not None:
        smtps_socket = listening_socket(args.smtps_port)
        loop.run_until_complete(loop.create_server(lambda: protocol(True), sock=smtps_socket, ssl=tls))
    threading.Thread(target=loop.run_forever, daemon=True).start()

    control = Server(("127.0.0.1", args.control_port), Control)
    control.state = state
    ports = {"smtp": smtp_socket.getsockname()[1], "smtps": smtps_socket.getsockname()[1] if smtps_socket else None,
             "control": control.server_address[1]}
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        json.dump(ports, f)
    os.replace(tmp, args.port_file)
    try:
        control.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
