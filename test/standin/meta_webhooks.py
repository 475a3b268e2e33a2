"""Meta's webhooks, as the stand-in produces them: status notifications for accepted messages,
inbound messages and user_preferences events, in Meta's body shape (Graph API v24+: statuses carry
no `conversation`), signed with the app secret (X-Hub-Signature-256), batched, possibly shuffled and
duplicated, handed out on request or POSTed to a target by a background thread.
"""

import hashlib
import hmac
import json
import random
import threading
import time
import urllib.parse
import urllib.request

import meta_api
import standin_http

STATUSES = ("sent", "delivered", "read")
MAX_BATCH = 1000  # Meta batches up to 1,000 updates in one POST
MAX_QUEUED = 100000  # a bound on the stand-in's memory: beyond it the oldest updates are dropped (counted)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_PLAN = {"statuses": list(STATUSES), "failures": {}, "order": "produced", "duplicate_rate": 0.0, "seed": None,
                "timing": "after_answer", "withhold": []}


def check_plan(plan):
    """Validates a POST /_control/webhook_plan payload; returns an error text or None."""
    if not isinstance(plan, dict) or set(plan) - set(DEFAULT_PLAN):
        return "expected an object with keys among %s" % sorted(DEFAULT_PLAN)
    if "statuses" in plan and (not isinstance(plan["statuses"], list) or set(plan["statuses"]) - set(STATUSES)):
        return "statuses: a list of sent, delivered, read"
    failures = plan.get("failures", {})
    if not isinstance(failures, dict) or not all(
            isinstance(f, dict) and isinstance(f.get("code"), int) and set(f.get("after", [])) <= set(STATUSES)
            for f in failures.values()):
        return "failures: {\"+E164 or wa_id\": {\"code\": N, \"after\": [statuses before the failure]}}"
    if plan.get("order", "produced") not in ("produced", "shuffled"):
        return "order: produced or shuffled"
    if not 0 <= float(plan.get("duplicate_rate", 0)) <= 1:
        return "duplicate_rate: 0 to 1"
    if plan.get("timing", "after_answer") not in ("after_answer", "before_answer"):
        return "timing: after_answer or before_answer"
    withhold = plan.get("withhold", [])
    if not isinstance(withhold, list) or not all(isinstance(w, str) for w in withhold):
        return "withhold: a list of \"+E164\", wa_ids or \"all\""
    return None


class WebhookHub:
    def __init__(self, secret, waba_id, phone_number_id, display_phone_number):
        self._secret = secret  # bytes, or None: webhooks off. Never printed, never in control output.
        self.metadata = {"display_phone_number": display_phone_number, "phone_number_id": phone_number_id}
        self.waba_id = waba_id
        self.cond = threading.Condition()
        self.thread = None
        self.generation = 0
        self.inbound_sequence = 0  # not reset: an inbound wamid is never reused
        self.reset()

    @property
    def enabled(self):
        return self._secret is not None

    def reset(self):
        with self.cond:
            self.plan = json.loads(json.dumps(DEFAULT_PLAN))
            self.rng = random.Random()
            self.queue = []  # updates: (kind, item, contact, duplicated)
            self.withheld = []  # (recipient digits, wa_id, update): statuses Meta has not sent yet
            self.dropped = 0
            self.deliveries = []
            self.target = None
            self.generation += 1
            self.cond.notify_all()

    def set_plan(self, plan):
        with self.cond:
            if "failures" in plan:
                plan = dict(plan, failures={meta_api.digits_of(k): v for k, v in plan["failures"].items()})
            if "withhold" in plan:
                plan = dict(plan, withhold=[w if w == "all" else meta_api.digits_of(w) for w in plan["withhold"]])
            self.plan.update(plan)
            if "seed" in plan:
                self.rng = random.Random(plan["seed"])

    def describe(self):
        with self.cond:
            plan = dict(self.plan, failures={"+" + k: v for k, v in self.plan["failures"].items()})
            return {"enabled": self.enabled, "plan": plan, "queued": len(self.queue), "dropped": self.dropped,
                    "withheld": len(self.withheld),
                    "target": self.target, "deliveries": len(self.deliveries)}

    # ---- producing updates ----

    def _put(self, kind, item, contact=None):
        self.queue.append((kind, item, contact, False))
        if len(self.queue) > MAX_QUEUED:
            del self.queue[0]
            self.dropped += 1
        self.cond.notify_all()

    def message_accepted(self, wamid, digits, wa_id, callback_data, category, held=False):
        """The statuses Meta would send for an accepted message (as planned for its recipient). A
        message held for quality assessment, or a recipient the plan withholds, gets them only when
        released (POST /_control/webhook_release): Meta's late or missing statuses."""
        if not self.enabled:
            return
        now = str(int(time.time()))
        with self.cond:
            withhold = self.plan["withhold"]
            held = held or "all" in withhold or digits in withhold or wa_id in withhold
            failure = self.plan["failures"].get(digits) or self.plan["failures"].get(wa_id)
            statuses = list(failure.get("after", [])) + ["failed"] if failure else self.plan["statuses"]
            for status in statuses:
                item = {"id": wamid, "status": status, "timestamp": now, "recipient_id": wa_id}
                if status == "failed":
                    item["errors"] = [meta_api.webhook_error(failure["code"])]
                else:
                    item["pricing"] = {"billable": True, "pricing_model": "PMP", "type": "regular",
                                       "category": category}
                if callback_data is not None:
                    item["biz_opaque_callback_data"] = callback_data
                if held:
                    self.withheld.append((digits, wa_id, ("statuses", item, None, False)))
                else:
                    self._put("statuses", item)

    def release(self, recipients=None, reverse=False):
        """Queues the withheld statuses of these recipients ("+E164" or wa_ids; None: all), in the
        order produced (reverse: newest first). Returns how many."""
        keys = None if recipients is None else {meta_api.digits_of(r) for r in recipients}
        with self.cond:
            chosen = [w for w in self.withheld if keys is None or w[0] in keys or w[1] in keys]
            self.withheld = [w for w in self.withheld if not (keys is None or w[0] in keys or w[1] in keys)]
            for _, _, update in (reversed(chosen) if reverse else chosen):
                self.queue.append(update)
            self.cond.notify_all()
            return len(chosen)

    def inbound(self, kind, wa_id, name, text=None, payload=None, context_id=None, value=None):
        """Queues what a user did: a text, a quick-reply button, a marketing preference. Returns the
        inbound message's wamid (None for user_preferences)."""
        now = int(time.time())
        contact = {"profile": {"name": name}, "wa_id": wa_id}
        with self.cond:
            if kind == "user_preferences":
                detail = "User requested to %s marketing messages" % value
                self._put("user_preferences", {"wa_id": wa_id, "detail": detail, "category": "marketing_messages",
                                               "value": value, "timestamp": now}, contact)
                return None
            self.inbound_sequence += 1
            wamid = "wamid.standin.in%08d" % self.inbound_sequence
            item = {"from": wa_id, "id": wamid, "timestamp": str(now), "type": kind}
            if kind == "text":
                item["text"] = {"body": text}
            else:
                item["context"] = {"from": self.metadata["display_phone_number"], "id": context_id}
                item["button"] = {"payload": payload, "text": text}
            self._put("messages", item, contact)
            return wamid

    # ---- handing out bodies ----

    def _take_one(self):
        index = self.rng.randrange(len(self.queue)) if self.plan["order"] == "shuffled" else 0
        update = self.queue.pop(index)
        if not update[3] and self.plan["duplicate_rate"] and self.rng.random() < self.plan["duplicate_rate"]:
            duplicate = update[:3] + (True,)  # once: a copy arrives again, later
            if self.plan["order"] == "shuffled":
                self.queue.insert(self.rng.randrange(len(self.queue) + 1), duplicate)
            else:
                self.queue.append(duplicate)
        return update

    def _render(self, updates):
        changes = {}
        for kind, item, contact, _ in updates:
            # one change per kind of update; inbound ones name their users in value.contacts
            change = changes.get(kind)
            if change is None:
                value = {"messaging_product": "whatsapp", "metadata": dict(self.metadata)}
                if contact is not None:
                    value["contacts"] = []
                value[kind] = []
                change = changes[kind] = {"value": value,
                                          "field": "user_preferences" if kind == "user_preferences" else "messages"}
            value = change["value"]
            if contact is not None and contact not in value["contacts"]:
                value["contacts"].append(contact)
            value[kind].append(item)
        body = {"object": "whatsapp_business_account",
                "entry": [{"id": self.waba_id, "changes": list(changes.values())}]}
        raw = json.dumps(body, separators=(",", ":")).encode()  # non-ASCII as \u escapes, as Meta sends it
        return raw, "sha256=" + hmac.new(self._secret, raw, hashlib.sha256).hexdigest()

    def take(self, per_body=1, max_bodies=None):
        """Removes queued updates and returns them as signed bodies [(raw bytes, signature, updates)]."""
        per_body = max(1, min(int(per_body), MAX_BATCH))
        bodies = []
        with self.cond:
            while self.queue and (max_bodies is None or len(bodies) < max_bodies):
                updates = [self._take_one() for _ in range(min(per_body, len(self.queue)))]
                bodies.append(self._render(updates) + (len(updates),))
        return bodies

    # ---- pushing bodies to a receiver ----

    def set_target(self, url, per_body=1, attempts=4, retry_ms=100):
        if url is not None:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme != "http" or parts.hostname not in LOOPBACK:
                raise ValueError("url: http:// to 127.0.0.1, localhost or ::1 only")
        with self.cond:
            self.target = None if url is None else {"url": url, "max": max(1, min(int(per_body), MAX_BATCH)),
                                                    "attempts": max(1, int(attempts)), "retry_ms": int(retry_ms)}
            if self.target and self.thread is None:
                self.thread = threading.Thread(target=self._deliver_forever, name="webhooks", daemon=True)
                self.thread.start()
            self.cond.notify_all()

    def _deliver_forever(self):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
        while True:
            with self.cond:
                while not (self.target and self.queue):
                    self.cond.wait()
                target, generation = dict(self.target), self.generation
                raw, signature, count = self.take(target["max"], 1)[0]
            record = {"url": target["url"], "updates": count, "signature": signature, "statuses": [],
                      "delivered": False}
            standin_http.post(opener, target["url"], raw, {
                "Content-Type": "application/json", "X-Hub-Signature-256": signature,
                "User-Agent": "facebookexternalua"}, target["attempts"], target["retry_ms"], record)
            with self.cond:
                if generation == self.generation:  # not across a reset
                    record["seq"] = len(self.deliveries) + 1
                    self.deliveries.append(record)
