"""The Twilio stand-in's memory: the request record, fault rules and the settings the control
endpoints change (see twilio_standin.py's docstring), and the decisions made from them."""

import itertools
import json
import threading
import time

import twilio_api
from standin_http import Controls, expect, pick_rule
from twilio_callbacks import CallbackHub, check_plan

FAULT_MODES = {"error", "http", "reset", "hang"}


class State(Controls):
    def __init__(self, account_sid, auth_token, numbers, messaging_service_sid):
        self.account_sid = account_sid
        self._token = auth_token  # never printed, never in control output
        self.numbers = list(numbers)
        self.messaging_service_sid = messaging_service_sid
        self.callbacks = CallbackHub(account_sid, auth_token)
        self.lock = threading.Lock()
        self.sequence = itertools.count(1)
        self.requests = []
        self.reset()

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.faults = []
            self.delay_ms = 0
            self.blocked_regions = []  # calling codes, digits
            self.opted_out = set()  # "+E164" numbers that sent STOP
        self.callbacks.reset()

    def config(self):
        with self.lock:
            return {"account_sid": self.account_sid, "numbers": self.numbers,
                    "messaging_service_sid": self.messaging_service_sid,
                    "blocked_regions": list(self.blocked_regions), "opted_out": set(self.opted_out)}

    def describe(self):
        with self.lock:
            state = {"faults": self.faults, "delay_ms": self.delay_ms, "numbers": self.numbers,
                     "messaging_service_sid": self.messaging_service_sid,
                     "regions": {"blocked": self.blocked_regions}, "opted_out": sorted(self.opted_out),
                     "requests": len(self.requests)}
        state["callbacks"] = self.callbacks.describe()
        return json.loads(json.dumps(state))

    def auth_ok(self, user, password):
        return user == self.account_sid and password == self._token

    # ---- requests ----

    def new_record(self, path, account_in_path, auth_ok, content_types, params, client_port):
        record = {"seq": next(self.sequence), "at": time.time(), "path": path, "account_in_path": account_in_path,
                  "auth_ok": auth_ok, "content_types": content_types, "form": params is not None,
                  "status": None, "code": None, "accepted": False, "client_port": client_port}
        for field in ("To", "From", "MessagingServiceSid", "Body", "StatusCallback"):
            record[field] = (params or {}).get(field)
        with self.lock:  # recorded on arrival: a request the client gave up on still counts
            self.requests.append(record)
        return record

    def pick_fault(self, record):
        with self.lock:
            return pick_rule(self.faults, lambda rule: not rule.get("to") or rule["to"] == record.get("To"))

    def accept(self, record, params):
        """The message resource of an accepted send; queues its status callbacks."""
        sid = "SM%032x" % record["seq"]
        status = "accepted" if params.get("MessagingServiceSid") else "queued"
        with self.lock:
            record.update({"sid": sid, "message_status": status,
                           "num_segments": twilio_api.segments(params["Body"])[0]})
        self.callbacks.message_accepted(sid, params, params.get("From") or self.numbers[0])
        return twilio_api.message_resource(sid, params, self.config(), status)

    def settle(self, record, status, body=None):
        with self.lock:
            record["status"] = status
            record["accepted"] = status == 201
            if isinstance(body, dict) and isinstance(body.get("code"), int):
                record["code"] = body["code"]

    # ---- control endpoints (POST /_control/<name>: standin_http.Controls) ----

    def control_reset(self, payload):
        self.reset()

    def control_faults(self, payload):
        rules = payload if isinstance(payload, list) else [payload]
        expect(all(isinstance(r, dict) and r.get("mode", "error") in FAULT_MODES for r in rules),
               "each rule's mode among %s (default error)" % sorted(FAULT_MODES))
        with self.lock:
            self.faults = rules

    def control_delay(self, payload):
        self.delay_ms = int(payload.get("ms", 0))

    def control_regions(self, payload):
        expect(isinstance(payload, dict) and isinstance(payload.get("blocked"), list)
               and all(isinstance(c, str) and c.isdigit() for c in payload["blocked"]),
               "expected {\"blocked\": [\"44\", ...]}: calling codes")
        with self.lock:
            self.blocked_regions = list(payload["blocked"])

    def control_opt_outs(self, payload):
        expect(isinstance(payload, dict) and all(
            isinstance(payload.get(k, []), list) for k in ("add", "remove")),
            "expected {\"add\": [\"+E164\", ...], \"remove\": [...]}")
        with self.lock:
            self.opted_out |= set(payload.get("add", []))
            self.opted_out -= set(payload.get("remove", []))

    def control_callback_plan(self, payload):
        problem = check_plan(payload)
        expect(problem is None, problem)
        self.callbacks.set_plan(payload)

    def control_incoming_url(self, payload):
        expect(isinstance(payload, dict) and "url" in payload, "expected {\"url\": \"http://...\" | null}")
        self.callbacks.set_incoming_url(payload["url"])

    def control_inbound(self, payload):
        expect(isinstance(payload, dict) and isinstance(payload.get("from"), str)
               and twilio_api.E164.fullmatch(payload["from"]) and isinstance(payload.get("body"), str),
               "expected {\"from\": \"+E164\", \"body\": \"STOP\", \"to\": \"+E164\" (default the first number)}")
        sender = payload["from"]
        keyword = twilio_api.keyword_of(payload["body"])
        with self.lock:  # Twilio acts on its keywords before it forwards the message
            if keyword == "opt_out":
                self.opted_out.add(sender)
            elif keyword == "opt_in":
                self.opted_out.discard(sender)
        sid = self.callbacks.inbound(sender, payload.get("to") or self.numbers[0], payload["body"],
                                     self.messaging_service_sid, bool(payload.get("advanced_opt_out")))
        return {"ok": True, "sid": sid, "keyword": keyword}
