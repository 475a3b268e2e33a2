#!/usr/bin/env python3
"""A local stand-in for Meta's WhatsApp Cloud API, for tests and the demo.

It checks template sends the way Meta does (bearer token, phone-number id, JSON shape, approved
template names and languages, parameter counts and text, the recipient), answers in Meta's success
and error formats, can be told to fail in each documented way, records every request, and produces
Meta's signed webhooks (statuses, inbound messages, user_preferences). What it mirrors is
docs/whatsapp-cloud-api.md. Loopback only.

    whatsapp_standin.py --port 0 --port-file FILE --token-file FILE --phone-number-id ID
        [--app-secret-file FILE]         webhooks on, signed with this secret (never printed)
        [--display-phone-number 15550001234] [--business-country-code 1] [--waba-id 100000000000001]
        [--brazil-old-accounts]          every Brazilian mobile is an account older than the 9

SENDING: POST /vNN.N/{phone_number_id}/messages and POST /vNN.N/{phone_number_id}/marketing_messages
(the Marketing Messages API: same body, same answers; marketing templates only). Checked in order:
    token                   401, code 190
    appsecret_proof         while the app requires it (POST /_control/account): the query parameter
                            appsecret_proof must be hex HMAC-SHA256(token, app secret), else 400
                            GraphMethodException code 100 ("API calls from the server require an
                            appsecret_proof argument" / "Invalid appsecret_proof provided in the API argument")
    phone_number_id         400, GraphMethodException code 100 error_subcode 33 ("Unsupported post request...")
    body                    100 (not JSON, messaging_product, type, biz_opaque_callback_data > 512 chars);
                            `to`: digits with an optional leading + (spaces, dashes, brackets tolerated),
                            else 100; without + Meta prepends the business country code (to_had_plus false)
    template                131008 missing; 132001 name+language not approved
    account                 131063 marketing template on /messages while marketing_on_messages is off
    template failure        the code set by POST /_control/templates
    parameters              132000 count; 131009 shape; 100 empty; 132018 newline, tab or > 4 spaces in a
                            row; 132005 longer than 1,024 characters
    fault rules             see FAULT MODES
Success: {"messaging_product":"whatsapp","contacts":[{"input": to, "wa_id": W}],"messages":[{"id": wamid}]}
with W Meta's wa_id: digits without '+'; Mexico +52 + 10 digits -> 521 + 10 digits; Brazil +55 AA 9XXXXXXXX
-> 55 AA XXXXXXXX for old accounts. A paced template adds "message_status" to messages[0].

Control endpoints (loopback; bodies JSON; answers {"ok": true} unless said; 400 with {"error": ...}
on a bad payload). Everything set here lasts until POST /_control/reset.
    GET  /_control/health                 {"ok": true}
    GET  /_control/requests               every request so far, oldest first (never the token): seq, at,
                                          path (without the query), endpoint ("messages"|"marketing_messages"),
                                          version, auth_ok, appsecret_proof ("absent"|"valid"|"invalid"),
                                          to, to_had_plus, template, language, params, biz_opaque_callback_data,
                                          status, code, accepted, fault, wamid, wa_id, message_status, client_port
    GET  /_control/state                  every setting below (never the token nor the app secret)
    GET  /_control/busiest_second         {"requests": N, "from": t, "total": M}: the most send requests
                                          (accepted or not) that arrived within one second, [t, t + 1 s)
                                          from an arrival, of M since the reset; "from" null when none
    POST /_control/reset                  back to the start: requests, faults, settings, webhooks forgotten
    POST /_control/faults                 [rule, ...] replaces the fault rules (FAULT MODES)
    POST /_control/delay                  {"ms": N}: answer every send (and POST to an unknown path) N ms late
    POST /_control/account                {"marketing_on_messages": false}: marketing templates on /messages
                                          answer 131063, /marketing_messages still works (default true);
                                          {"require_app_secret": true}: the app's "Require App Secret" (needs
                                          --app-secret-file; default false)
    POST /_control/templates              {"NAME": {"code": 132015, "language": "en" (optional: every
                                          language), "http_status": 400 (optional)} | null, ...}: every send of
                                          that template fails with that code (132001, 132015, 132016, ...);
                                          null lifts it; names not given are kept
    POST /_control/approved_templates     {"NAME": {"languages": ["en"], "body_parameters": 3, "category":
                                          "marketing"}, ...}: replaces the approved templates
    POST /_control/pacing                 {"NAME": "accepted" | "held_for_quality_assessment" | null, ...}: the
                                          template is paced; answers carry that message_status
    POST /_control/brazil_old_accounts    {"all": bool, "numbers": ["+5511987654321", ...]}: replaces which
                                          Brazilian mobiles have wa_ids without the 9
    POST /_control/webhook_plan           the keys given replace theirs:
                                          {"statuses": ["sent", "delivered", "read"] (each accepted message's,
                                           in order), "failures": {"+E164 or wa_id": {"code": 131049, "after":
                                           ["sent"]}} (that recipient gets the `after` statuses then `failed`
                                           with Meta's errors[]), "order": "produced" | "shuffled",
                                           "duplicate_rate": 0..1 (an update handed out is queued again once,
                                           to arrive later), "seed": N, "timing": "after_answer" |
                                           "before_answer" (statuses queued before the send is answered:
                                           with /delay, they can be applied while the sender waits),
                                           "withhold": ["+E164" or wa_id, ... or "all"] (their statuses
                                           wait for /webhook_release: late, or never)}
                                          Statuses of a message answered held_for_quality_assessment (see
                                          /pacing) are withheld likewise: Meta sends none until it releases it.
    POST /_control/webhook_release        {"to": ["+E164" or wa_id, ...] (absent: all), "reverse": bool}:
                                          queues the withheld statuses, answers {"ok": true, "released": N}
    POST /_control/inbound                queues what a user did; answers {"ok": true, "id": wamid | null}:
                                          {"type": "text", "from": "+E164", "text": "STOP", "name": "..."}
                                          {"type": "button", "from": "+E164", "text": "Stop promotions",
                                           "payload": "..." (default the text), "context_id": "wamid..."
                                           (default the last wamid accepted for that number)}
                                          {"type": "user_preferences", "from": "+E164", "value": "stop"|"resume"}
    GET  /_control/webhooks?max=N[&bodies=K]   removes queued updates, answers [{"body": "<raw body>",
                                          "signature": "sha256=<hex>"}, ...], up to N updates per body
                                          (default 1, at most 1,000), every update (or K bodies)
    POST /_control/webhook_target         {"url": "http://127.0.0.1:PORT/path", "max": N, "attempts": 4,
                                          "retry_ms": 100} | {"url": null}: a background thread POSTs each
                                          body there (X-Hub-Signature-256), retrying non-2xx answers
    GET  /_control/webhook_deliveries     [{"seq", "url", "updates", "signature", "statuses": [HTTP status
                                          or null per attempt], "delivered", "error"}, ...]
Webhooks need --app-secret-file: without it none are produced, and /_control/webhooks, /inbound and
/webhook_target answer 409.

WEBHOOK BODIES, as Meta's (Graph API v24+), compact JSON with non-ASCII as \\u escapes:
    {"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": [{"value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number", "phone_number_id"},
        "statuses": [...] | "contacts": [...], "messages": [...] | "contacts": [...], "user_preferences": [...]},
      "field": "messages" | "user_preferences"}, ...]}]}          one change per kind of update in a body
    status: {"id": wamid, "status": "sent"|"delivered"|"read"|"failed", "timestamp": "<unix s>",
             "recipient_id": wa_id, "pricing": {...} (not when failed), "biz_opaque_callback_data" (when
             the send had it), "errors": [{"code", "title", "message", "error_data": {"details"}}] (failed)}
             and no "conversation"
    inbound: {"from": wa_id, "id": wamid, "timestamp": "<unix s>", "type": "text", "text": {"body"}} or
             "type": "button", "button": {"payload", "text"}, "context": {"from": business number, "id": wamid}
    user_preferences: {"wa_id", "detail", "category": "marketing_messages", "value": "stop"|"resume",
             "timestamp": <unix s, a number>}
    Each body is signed: X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>. At most
    100,000 updates wait; beyond that the oldest are dropped (counted in /_control/state).

FILES: whatsapp_standin.py (HTTP), standin_state.py (record, settings, control endpoints), meta_api.py
(Meta's checks, errors, wa_ids), meta_webhooks.py (webhooks), faults.py (fault modes), standin_http.py
(what the stand-ins share); test_standin.py tests them all: python3 test/standin/test_standin.py.

FAULT MODES (each rule: {"mode": ..., optional filters "to": "+E164", "endpoint": "messages" |
"marketing_messages", "template": NAME; "times": N (the first N matching requests), "rate": 0..1}):
    error      {"code": 131026, "http_status": 400, "headers": {"Retry-After": "1"}}   a Meta error body
    http       {"http_status": 503, "body": "..."}     a raw HTTP answer
    not_json   200 with a body that is not JSON (the message IS accepted, recorded and webhooked)
    truncate   a Content-Length longer than the body, then close
    reset      close the connection without answering
    hang       {"seconds": 30}: accept and never answer (until the client gives up)
"""

import argparse
import json
import os
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import meta_api  # noqa: E402
import standin_http  # noqa: E402
import standin_state  # noqa: E402
from faults import inject  # noqa: E402

SEND_PATH = standin_state.SEND_PATH


class Handler(standin_http.JsonHandler):
    server_version = "whatsapp-standin/2.0"

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        state = self.state
        if self.common_get(url.path):
            return None
        if url.path == "/_control/busiest_second":
            return self.send_json(200, state.busiest_second())
        if url.path == "/_control/webhook_deliveries":
            with state.webhooks.cond:
                return self.send_json(200, list(state.webhooks.deliveries))
        if url.path == "/_control/webhooks":
            if not state.webhooks.enabled:
                return self.send_json(409, {"error": "webhooks are off: start the stand-in with --app-secret-file"})
            try:
                per_body = int(query.get("max", 1))
                bodies = state.webhooks.take(per_body, int(query["bodies"]) if "bodies" in query else None)
            except ValueError:
                return self.send_json(400, {"error": "max and bodies are numbers"})
            return self.send_json(200, [{"body": raw.decode(), "signature": signature} for raw, signature, _ in bodies])
        self.send_json(404, meta_api.meta_error(100, "unknown path"))

    def do_POST(self):
        raw = self.read_body()
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/_control/"):
            try:
                payload = json.loads(raw or b"null")
            except ValueError:
                return self.send_json(400, {"error": "control payload is not JSON"})
            status, answer = self.state.control(path[len("/_control/"):], payload)
            return self.send_json(status, answer)
        match = SEND_PATH.fullmatch(path)
        if not match:
            # Late like every answer (the engine's tests drive a fake channel through this path).
            if self.state.delay_ms:
                time.sleep(self.state.delay_ms / 1000.0)
            return self.send_json(404, meta_api.meta_error(100, "Unknown path components: " + self.path))
        self.message(match, raw)

    def message(self, match, raw):
        state = self.state
        version, phone_number_id, endpoint = match.groups()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        url = urllib.parse.urlsplit(self.path)
        record = state.new_record(url.path, endpoint, version, body, self.client_address[1],
                                  (self.headers.get("Authorization") or "") == "Bearer " + state.token)
        proof = urllib.parse.parse_qs(url.query).get("appsecret_proof", [None])[0]
        record["appsecret_proof"] = state.judge_proof(proof)
        # Meta's statuses often arrive before its answer: with timing before_answer the delay
        # comes after the message is accepted and its statuses queued.
        statuses_first = state.webhooks.plan.get("timing") == "before_answer"
        if state.delay_ms and not statuses_first:
            time.sleep(state.delay_ms / 1000.0)

        if not record["auth_ok"]:
            return self.finish_record(record, 401, meta_api.meta_error(190, "Invalid OAuth access token"))
        if state.require_app_secret and record["appsecret_proof"] != "valid":
            return self.finish_record(record, 400, meta_api.appsecret_proof_error(proof))
        if phone_number_id != state.phone_number_id:
            return self.finish_record(record, 400, meta_api.unknown_object_error(phone_number_id))
        if body is None:
            return self.finish_record(record, 400, meta_api.meta_error(100, "the body is not JSON"))
        refusal = state.check(body, endpoint)
        if refusal:
            status, code, details = refusal
            return self.finish_record(record, status, meta_api.meta_error(code, details))

        fault = state.pick_fault(record, endpoint)
        if fault:
            record["fault"] = fault["mode"]
            if inject(self, fault, record):
                return
        answer = state.accept(record, body)
        if statuses_first:
            self.record(record, 200, accepted=True)
            if state.delay_ms:
                time.sleep(state.delay_ms / 1000.0)
            return self.send_json(200, answer)
        self.finish_record(record, 200, answer)

    def record(self, record, status, accepted):
        """Sets the outcome of a request; an accepted one gets its wamid and its webhooks."""
        self.state.settle(record, status, accepted)

    def finish_record(self, record, status, payload, headers=None):
        if status != 200:
            record["code"] = payload["error"]["code"]
        self.record(record, status, accepted=status == 200)
        self.send_json(status, payload, headers)


def read_secret(path):
    with open(path, "rb") as f:
        return f.read().strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--token-file", required=True, help="file holding the expected access token")
    parser.add_argument("--phone-number-id", required=True)
    parser.add_argument("--app-secret-file", help="file holding the app secret that signs webhooks")
    parser.add_argument("--display-phone-number", default="15550001234", help="the business number, digits")
    parser.add_argument("--business-country-code", default="1", help="prepended to a `to` without '+'")
    parser.add_argument("--waba-id", default="100000000000001", help="entry[].id of webhooks")
    parser.add_argument("--brazil-old-accounts", action="store_true",
                        help="every Brazilian mobile number has a wa_id without the 9")
    args = parser.parse_args()
    server = standin_http.Server(("127.0.0.1", args.port), Handler)
    server.state = standin_state.State(
        read_secret(args.token_file).decode(), args.phone_number_id,
        read_secret(args.app_secret_file) if args.app_secret_file else None, args)
    if args.port_file:
        standin_http.write_port_file(args.port_file, server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
