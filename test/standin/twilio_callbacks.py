"""Twilio's webhooks, as the stand-in produces them: status callbacks of accepted messages (to each
message's StatusCallback URL) and inbound messages (to the number's incoming URL), form-encoded and
signed (X-Twilio-Signature), POSTed by a background thread or handed out on request. See
twilio_standin.py's docstring."""

import json
import threading
import urllib.parse
import urllib.request

import standin_http
import twilio_api

STATUSES = ("queued", "sending", "sent", "delivered", "read", "accepted", "scheduled")
FAILED = ("undelivered", "failed")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_QUEUED = 100000
DEFAULT_PLAN = {"statuses": ["sent", "delivered"], "failures": {}, "push": True, "attempts": 1, "retry_ms": 100}


def check_plan(plan):
    """Validates a POST /_control/callback_plan payload; returns an error text or None."""
    if not isinstance(plan, dict) or set(plan) - set(DEFAULT_PLAN):
        return "expected an object with keys among %s" % sorted(DEFAULT_PLAN)
    if "statuses" in plan and (not isinstance(plan["statuses"], list) or set(plan["statuses"]) - set(STATUSES)):
        return "statuses: a list among %s" % ", ".join(STATUSES)
    failures = plan.get("failures", {})
    if not isinstance(failures, dict) or not all(
            isinstance(f, dict) and isinstance(f.get("code"), int) and f.get("status", "undelivered") in FAILED
            and set(f.get("after", [])) <= set(STATUSES) for f in failures.values()):
        return ("failures: {\"+E164\": {\"code\": 30003, \"status\": \"undelivered\" | \"failed\", "
                "\"after\": [statuses before it]}}")
    if not isinstance(plan.get("push", True), bool):
        return "push: true or false"
    if int(plan.get("attempts", 1)) < 1:
        return "attempts: at least 1"
    return None


class CallbackHub:
    def __init__(self, account_sid, auth_token):
        self.account_sid = account_sid
        self._token = auth_token  # never printed, never in control output
        self.cond = threading.Condition()
        self.thread = None
        self.generation = 0
        self.inbound_sequence = 0  # not reset: an inbound sid is never reused
        self.reset()

    def reset(self):
        with self.cond:
            self.plan = json.loads(json.dumps(DEFAULT_PLAN))
            self.queue = []  # (kind, url or None, [(name, value), ...])
            self.dropped = 0
            self.deliveries = []
            self.incoming_url = None
            self.generation += 1
            self.cond.notify_all()

    def set_plan(self, plan):
        with self.cond:
            self.plan.update(plan)
            self._start()
            self.cond.notify_all()

    def set_incoming_url(self, url):
        with self.cond:
            self.incoming_url = url

    def describe(self):
        with self.cond:
            return {"plan": self.plan, "queued": len(self.queue), "dropped": self.dropped,
                    "incoming_url": self.incoming_url, "deliveries": len(self.deliveries)}

    def _put(self, kind, url, params):
        self.queue.append((kind, url, params))
        if len(self.queue) > MAX_QUEUED:
            del self.queue[0]
            self.dropped += 1
        self._start()
        self.cond.notify_all()

    def message_accepted(self, sid, params, sender):
        """Queues the statuses the plan gives the message's To, when the send named a StatusCallback;
        `sender`: the number it went from (a Messaging Service's pool picks one)."""
        url = params.get("StatusCallback")
        if not url:
            return
        with self.cond:
            failure = self.plan["failures"].get(params["To"])
            statuses = list(failure.get("after", [])) + [failure.get("status", "undelivered")] if failure \
                else list(self.plan["statuses"])
            for status in statuses:
                fields = [("MessageSid", sid), ("SmsSid", sid), ("AccountSid", self.account_sid),
                          ("From", sender), ("To", params["To"]),
                          ("MessageStatus", status), ("SmsStatus", status), ("ApiVersion", twilio_api.API_VERSION)]
                if params.get("MessagingServiceSid"):
                    fields.append(("MessagingServiceSid", params["MessagingServiceSid"]))
                if status in FAILED:
                    fields.append(("ErrorCode", str(failure["code"])))
                self._put("status", url, fields)

    def inbound(self, sender, to, body, messaging_service_sid=None, advanced_opt_out=False):
        """Queues an inbound message to the number's incoming URL; returns its sid."""
        with self.cond:
            self.inbound_sequence += 1
            sid = "SM%032x" % (0xF << 124 | self.inbound_sequence)
            count, _ = twilio_api.segments(body)
            fields = [("ToCountry", "US"), ("SmsMessageSid", sid), ("NumMedia", "0"), ("SmsSid", sid),
                      ("SmsStatus", "received"), ("Body", body), ("To", to), ("NumSegments", str(count)),
                      ("MessageSid", sid), ("AccountSid", self.account_sid), ("From", sender),
                      ("ApiVersion", twilio_api.API_VERSION)]
            if messaging_service_sid:
                fields.append(("MessagingServiceSid", messaging_service_sid))
            keyword = twilio_api.keyword_of(body)
            if advanced_opt_out and keyword:
                fields.append(("OptOutType", {"opt_out": "STOP", "opt_in": "START", "help": "HELP"}[keyword]))
            self._put("inbound", self.incoming_url, fields)
            return sid

    def signed(self, url, fields):
        return twilio_api.signature(self._token, url or "", fields)

    def take(self, count):
        """Removes up to `count` queued webhooks: [{"kind", "url", "body", "signature"}]."""
        taken = []
        with self.cond:
            while self.queue and len(taken) < count:
                kind, url, fields = self.queue.pop(0)
                taken.append({"kind": kind, "url": url, "body": urllib.parse.urlencode(fields),
                              "signature": self.signed(url, fields)})
        return taken

    # ---- pushing ----

    def _start(self):
        if self.thread is None:
            self.thread = threading.Thread(target=self._deliver_forever, name="callbacks", daemon=True)
            self.thread.start()

    def _next_pushable(self):
        if not self.plan["push"]:
            return None
        for index, (_, url, _) in enumerate(self.queue):
            if url:
                return index
        return None

    def _deliver_forever(self):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
        while True:
            with self.cond:
                while self._next_pushable() is None:
                    self.cond.wait()
                kind, url, fields = self.queue.pop(self._next_pushable())
                attempts, retry_ms, generation = self.plan["attempts"], self.plan["retry_ms"], self.generation
            raw = urllib.parse.urlencode(fields).encode()
            record = {"kind": kind, "url": url, "signature": self.signed(url, fields), "statuses": [],
                      "delivered": False, "fields": dict(fields)}
            parts = urllib.parse.urlsplit(url)
            if parts.scheme != "http" or parts.hostname not in LOOPBACK:
                record["error"] = "not posted: http:// to 127.0.0.1, localhost or ::1 only"
                attempts = 0
            standin_http.post(opener, url, raw, {
                "Content-Type": twilio_api.FORM_TYPE, "X-Twilio-Signature": record["signature"],
                "User-Agent": "TwilioProxy/1.1"}, attempts, retry_ms, record)
            with self.cond:
                if generation == self.generation:  # not across a reset
                    record["seq"] = len(self.deliveries) + 1
                    self.deliveries.append(record)
                    self.cond.notify_all()
