#!/usr/bin/env python3
"""A local stand-in for Twilio's Messages API (SMS), for tests and the demo.

It checks sends the way Twilio documents them (HTTP Basic auth with the account SID and auth token,
a form-encoded body, To in E.164, From one of the account's numbers or the Messaging Service SID,
Body), answers in Twilio's success and error formats, can be told to fail per recipient, records
every request, and produces Twilio's signed webhooks: status callbacks to each message's
StatusCallback URL and inbound messages to the number's incoming URL. Loopback only.

    twilio_standin.py --port 0 --port-file FILE --account-sid AC... --auth-token-file FILE
        [--from +15005550001 ...]              the account's SMS numbers (default +15005550001)
        [--messaging-service-sid MG...]        the account's Messaging Service (none by default)

SENDING: POST /2010-04-01/Accounts/{AccountSid}/Messages.json. Checked in order (answers are
Twilio's {"code", "message", "more_info", "status"} with that HTTP status):
    auth                Authorization: Basic base64(account SID:auth token), else 401 code 20003
    account             {AccountSid} of the path is the account's, else 404 code 20404
    form                exactly one Content-Type, application/x-www-form-urlencoded: else Twilio
                        sees no parameters (so 21604); the record's content_types says what came
    To                  missing 21604; not E.164 (+ and 7 to 15 digits) 21211
    sender              neither From nor MessagingServiceSid 21603; a MessagingServiceSid that is not
                        the account's 404 code 20404 (it wins over From); From not E.164 21212, not
                        one of --from 21606
    Body                missing or empty 21602; longer than 1,600 characters 21617
    StatusCallback      not an http(s) URL 21609
    region              To in a blocked calling code (POST /_control/regions) 21408
    opted out           To sent STOP (POST /_control/inbound) or was added (/_control/opt_outs) 21610
    fault rules         see FAULT MODES
Success: 201 with Twilio's Message resource: {"sid": "SM" + 32 hex, "status": "queued" ("accepted"
through a Messaging Service, "from" then null), "to", "from", "body", "num_segments" (a string: GSM-7
160/153 characters a segment, else UCS-2 70/67), "messaging_service_sid", "error_code": null, ...}.

STATUS CALLBACKS: for each accepted message with a StatusCallback, the plan's statuses in order,
POSTed form-encoded to that URL (exactly as given, query included) with MessageSid, SmsSid,
AccountSid, From, To, MessageStatus, SmsStatus, ApiVersion, MessagingServiceSid (when used) and
ErrorCode (undelivered, failed), signed: X-Twilio-Signature = base64(HMAC-SHA1(auth token, URL +
each parameter's name and value, sorted by name)).
INBOUND: POST /_control/inbound queues what a person texted to the incoming URL (fields ToCountry,
SmsMessageSid, NumMedia, SmsSid, SmsStatus=received, Body, To, NumSegments, MessageSid, AccountSid,
From, ApiVersion, MessagingServiceSid when the account has one, OptOutType with advanced_opt_out),
signed alike. Twilio's default keywords act first: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT
(whole message, trimmed, any case) opt the number out (sends to it answer 21610); START, YES,
UNSTOP opt it back in. A background thread POSTs each webhook that has a URL (http to loopback
only: others are recorded as not posted) unless the plan's push is false; the rest wait for
GET /_control/callbacks.

Control endpoints (loopback; bodies JSON; answers {"ok": true} unless said; 400 with {"error": ...}
on a bad payload). Everything set here lasts until POST /_control/reset.
    GET  /_control/health                 {"ok": true}
    GET  /_control/requests               every send request so far, oldest first (never the token):
                                          seq, at, path, account_in_path, auth_ok, content_types, form,
                                          To, From, MessagingServiceSid, Body, StatusCallback, status,
                                          code, accepted, sid, message_status, num_segments, fault,
                                          client_port
    GET  /_control/state                  every setting below (never the token)
    POST /_control/reset                  requests, faults, delay, regions, opt-outs, plan, queued
                                          webhooks, deliveries and the incoming URL forgotten
    POST /_control/faults                 [rule, ...] replaces the fault rules (FAULT MODES)
    POST /_control/delay                  {"ms": N}: answer every send N ms late
    POST /_control/regions                {"blocked": ["44", "33"]}: calling codes SMS may not go to (21408)
    POST /_control/opt_outs               {"add": ["+E164"], "remove": ["+E164"]}
    POST /_control/callback_plan          the keys given replace theirs: {"statuses": ["sent",
                                          "delivered"] (each accepted message's, in order; also queued,
                                          sending, read, accepted, scheduled), "failures": {"+E164":
                                          {"code": 30003, "status": "undelivered" | "failed", "after":
                                          ["sent"]}} (that To gets the `after` statuses, then the failure
                                          with ErrorCode), "push": true (false: webhooks wait for GET
                                          /_control/callbacks), "attempts": 1 (Twilio does not retry a
                                          status callback), "retry_ms": 100}
    POST /_control/incoming_url           {"url": "http://127.0.0.1:PORT/path" | null}: the number's
                                          "a message comes in" webhook
    POST /_control/inbound                {"from": "+E164", "body": "STOP", "to": "+E164" (default the
                                          first --from), "advanced_opt_out": false}: answers {"ok": true,
                                          "sid": "SM...", "keyword": "opt_out" | "opt_in" | "help" | null}
    GET  /_control/callbacks?max=N        removes up to N (default 1) queued webhooks, oldest first:
                                          [{"kind": "status" | "inbound", "url", "body", "signature"}]
    GET  /_control/callback_deliveries    [{"seq", "kind", "url", "fields", "signature", "statuses": [HTTP
                                          status or null per attempt], "delivered", "error"}, ...]

FAULT MODES (each rule: {"mode": ... (default "error"), optional "to": "+E164", "times": N (the first
N matching sends), "rate": 0..1}), applied after the checks above:
    error      {"code": 21614, "http_status": 400, "headers": {"Retry-After": "1"}, "message": "..."}
               Twilio's error body (20429 with http_status 429 for a rate limit)
    http       {"http_status": 503, "body": "...", "headers": {...}}   a raw HTTP answer
    reset      close the connection without answering
    hang       {"seconds": 30}: accept and never answer (until the client gives up)

FILES: twilio_standin.py (HTTP), twilio_state.py (record, settings, control endpoints), twilio_api.py
(Twilio's checks, errors, segments, signature, keywords), twilio_callbacks.py (webhooks),
standin_http.py (what the stand-ins share); test_twilio_standin.py tests them all: python3 test/standin/test_twilio_standin.py.
"""

import argparse
import base64
import binascii
import json
import os
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import standin_http  # noqa: E402
import twilio_api  # noqa: E402
import twilio_state  # noqa: E402


def basic_credentials(header):
    """(user, password) of an Authorization: Basic header, else (None, None)."""
    if not header or not header.startswith("Basic "):
        return None, None
    try:
        user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return user, password


class Handler(standin_http.JsonHandler):
    server_version = "twilio-standin/1.0"

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        state = self.state
        if self.common_get(url.path):
            return None
        if url.path == "/_control/callbacks":
            try:
                return self.send_json(200, state.callbacks.take(int(query.get("max", 1))))
            except ValueError:
                return self.send_json(400, {"error": "max is a number"})
        if url.path == "/_control/callback_deliveries":
            with state.callbacks.cond:
                return self.send_json(200, list(state.callbacks.deliveries))
        self.send_json(*twilio_api.error(20404, 404, url.path))

    def do_POST(self):
        raw = self.read_body()
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/_control/"):
            try:
                payload = json.loads(raw or b"null")
            except ValueError:
                return self.send_json(400, {"error": "control payload is not JSON"})
            return self.send_json(*self.state.control(path[len("/_control/"):], payload))
        match = twilio_api.SEND_PATH.fullmatch(path)
        if not match:
            return self.send_json(*twilio_api.error(20404, 404, path))
        self.message(match.group(1), path, raw)

    def message(self, account_in_path, path, raw):
        state = self.state
        content_types = self.headers.get_all("Content-Type") or []
        pairs = twilio_api.form_of(raw, content_types)
        params = None
        if pairs is not None:
            params = {}
            for name, value in pairs:
                params.setdefault(name, value)  # Twilio reads a parameter's first value
        auth_ok = state.auth_ok(*basic_credentials(self.headers.get("Authorization")))
        record = state.new_record(path, account_in_path, auth_ok, content_types, params, self.client_address[1])
        if state.delay_ms:
            time.sleep(state.delay_ms / 1000.0)
        if not auth_ok:
            return self.answer(record, *twilio_api.error(20003, 401))
        if account_in_path != state.account_sid:
            return self.answer(record, *twilio_api.error(20404, 404, path))
        refusal = twilio_api.check_send(params or {}, state.config())
        if refusal:
            return self.answer(record, *refusal)
        fault = state.pick_fault(record)
        if fault:
            record["fault"] = fault.get("mode", "error")
            return self.inject(record, fault)
        self.answer(record, 201, state.accept(record, params))

    def answer(self, record, status, body, headers=None):
        self.state.settle(record, status, body)
        self.send_json(status, body, headers)

    def inject(self, record, fault):
        mode = fault.get("mode", "error")
        if mode == "error":
            status, body = twilio_api.error(int(fault.get("code", 30008)), int(fault.get("http_status", 400)),
                                            record.get("To"))
            if "message" in fault:
                body["message"] = fault["message"]
            return self.answer(record, status, body, fault.get("headers"))
        if mode == "http":
            status = int(fault.get("http_status", 500))
            self.state.settle(record, status)
            return self.send_raw(status, fault.get("body", "").encode(), fault.get("headers"))
        self.state.settle(record, 0)
        return self.drop(float(fault.get("seconds", 30)) if mode == "hang" else None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--account-sid", required=True)
    parser.add_argument("--auth-token-file", required=True, help="file holding the account's auth token")
    parser.add_argument("--from", dest="numbers", action="append", help="an SMS number of the account (E.164)")
    parser.add_argument("--messaging-service-sid", help="the account's Messaging Service (MG + 32 hex)")
    args = parser.parse_args()
    with open(args.auth_token_file) as f:
        token = f.read().strip()
    server = standin_http.Server(("127.0.0.1", args.port), Handler)
    server.state = twilio_state.State(args.account_sid, token, args.numbers or ["+15005550001"],
                                      args.messaging_service_sid)
    if args.port_file:
        standin_http.write_port_file(args.port_file, server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
