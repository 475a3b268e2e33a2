"""The stand-in's memory: the request record, fault rules and every setting the control endpoints
change (see whatsapp_standin.py's docstring), and the decisions made from them.
"""

import itertools
import json
import hmac
import re
import threading
import time

import meta_api
from meta_webhooks import WebhookHub, check_plan
from standin_http import Controls, expect, pick_rule

SEND_PATH = re.compile(r"/v([0-9]+\.[0-9]+)/([^/]+)/(messages|marketing_messages)")
FAULT_MODES = {"error", "http", "not_json", "truncate", "reset", "hang"}


class State(Controls):
    def __init__(self, token, phone_number_id, app_secret, options):
        self.token = token
        self.app_secret = app_secret  # bytes or None
        self.phone_number_id = phone_number_id
        self.business_country_code = options.business_country_code
        self.brazil_all_default = options.brazil_old_accounts
        self.webhooks = WebhookHub(app_secret, options.waba_id, phone_number_id, options.display_phone_number)
        self.lock = threading.Lock()
        self.sequence = itertools.count(1)
        self.requests = []
        self.reset()

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.faults = []
            self.delay_ms = 0
            self.marketing_on_messages = True
            self.require_app_secret = False
            self.templates = json.loads(json.dumps(meta_api.DEFAULT_TEMPLATES))
            self.template_failures = {}
            self.pacing = {}
            self.brazil_old = {"all": self.brazil_all_default, "numbers": set()}
            self.last_wamid = {}  # digits or wa_id -> the last wamid accepted for that number
        self.webhooks.reset()

    def describe(self):
        with self.lock:
            state = {"faults": self.faults, "delay_ms": self.delay_ms,
                     "account": {"marketing_on_messages": self.marketing_on_messages,
                                 "require_app_secret": self.require_app_secret},
                     "approved_templates": self.templates, "templates": self.template_failures,
                     "pacing": self.pacing,
                     "brazil_old_accounts": {"all": self.brazil_old["all"],
                                             "numbers": ["+" + n for n in sorted(self.brazil_old["numbers"])]},
                     "requests": len(self.requests)}
        state["webhooks"] = self.webhooks.describe()
        return json.loads(json.dumps(state))

    # ---- requests ----

    def new_record(self, path, endpoint, version, body, client_port, auth_ok):
        record = {"seq": next(self.sequence), "at": time.time(), "path": path, "endpoint": endpoint,
                  "version": version, "status": None, "accepted": False, "client_port": client_port,
                  "auth_ok": auth_ok}  # the same client_port twice means a reused connection
        if isinstance(body, dict):
            name, language, parameters = meta_api.template_of(body)
            resolved = meta_api.resolve_to(body.get("to"), self.business_country_code)
            record.update({
                "to": body.get("to"), "to_had_plus": resolved[1] if resolved else None,
                "template": name, "language": language,
                "params": [p.get("text") for p in parameters or [] if isinstance(p, dict)],
                "biz_opaque_callback_data": body.get("biz_opaque_callback_data")})
        with self.lock:  # recorded on arrival: a request the client gave up on still counts
            self.requests.append(record)
        return record

    def busiest_second(self):
        """The most send requests that arrived within one second ([t, t + 1 s) from each arrival),
        accepted or not (Meta's throughput limit counts every call), that window's start, and all."""
        with self.lock:
            arrivals = sorted(record["at"] for record in self.requests)
        busiest, start, first = 0, 0, None
        for end, at in enumerate(arrivals):
            while at - arrivals[start] >= 1.0:
                start += 1
            if end - start + 1 > busiest:
                busiest, first = end - start + 1, arrivals[start]
        return {"requests": busiest, "from": first, "total": len(arrivals)}

    def check(self, body, endpoint):
        """Meta's refusal of a request as (http status, code, details), else None."""
        problem = meta_api.check_shape(body, self.business_country_code)
        if problem:
            return (400,) + problem
        name, language, parameters = meta_api.template_of(body)
        with self.lock:
            template = self.templates.get(name) if isinstance(name, str) else None
            if template is None or language not in template["languages"]:
                return 400, 132001, "template %r in language %r is not approved" % (name, language)
            marketing = template.get("category", "marketing").lower() == "marketing"
            if endpoint == "messages" and marketing and not self.marketing_on_messages:
                return 400, 131063, meta_api.ERROR_DETAILS[131063]
            if endpoint == "marketing_messages" and not marketing:
                return 400, 100, "the Marketing Messages API sends marketing templates only"
            failure = self.template_failures.get(name)
            if failure and failure.get("language") in (None, language):
                code = int(failure["code"])
                return (int(failure.get("http_status", 400)), code,
                        "template %s (%s): %s" % (name, language, meta_api.ERROR_TITLES.get(code, "error")))
            expected = template.get("body_parameters", 0)
        problem = meta_api.check_parameters(parameters, expected)
        return (400,) + problem if problem else None

    def pick_fault(self, record, endpoint):
        to_digits = meta_api.digits_of(record.get("to") or "")
        def applies(rule):
            if rule.get("to") and rule["to"] != record.get("to") and meta_api.digits_of(rule["to"]) != to_digits:
                return False
            return (rule.get("endpoint", endpoint) == endpoint
                    and rule.get("template", record.get("template")) == record.get("template"))

        with self.lock:
            return pick_rule(self.faults, applies)

    def identify(self, record):
        """The wamid, wa_id and message_status of an accepted message (once)."""
        if "wamid" in record:
            return
        digits, _ = meta_api.resolve_to(record["to"], self.business_country_code)
        with self.lock:
            record["wamid"] = "wamid.standin%08d" % record["seq"]
            record["wa_id"] = meta_api.wa_id_for(digits, self.brazil_old)
            if record.get("template") in self.pacing:
                record["message_status"] = self.pacing[record["template"]]
            self.last_wamid[digits] = self.last_wamid[record["wa_id"]] = record["wamid"]

    def accept(self, record, body):
        """Meta's answer to an accepted message."""
        self.identify(record)
        message = {"id": record["wamid"]}
        if "message_status" in record:
            message["message_status"] = record["message_status"]
        return {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": record["wa_id"]}],
                "messages": [message]}

    def settle(self, record, status, accepted):
        if accepted:
            self.identify(record)
        with self.lock:
            record["status"] = status
            record["accepted"] = accepted
            category = self.templates.get(record.get("template"), {}).get("category", "marketing").lower()
        if accepted:
            digits, _ = meta_api.resolve_to(record["to"], self.business_country_code)
            self.webhooks.message_accepted(record["wamid"], digits, record["wa_id"],
                                           record.get("biz_opaque_callback_data"), category,
                                           held=record.get("message_status") == "held_for_quality_assessment")

    # ---- control endpoints ----

    def conflict(self, message):
        return message.startswith("webhooks are off")

    def control_reset(self, payload):
        self.reset()

    def control_faults(self, payload):
        rules = payload if isinstance(payload, list) else [payload]
        expect(all(isinstance(r, dict) and r.get("mode") in FAULT_MODES for r in rules),
               "each rule needs a mode among %s" % sorted(FAULT_MODES))
        with self.lock:
            self.faults = rules

    def control_delay(self, payload):
        self.delay_ms = int(payload.get("ms", 0))

    def control_account(self, payload):
        expect(isinstance(payload, dict) and set(payload) <= {"marketing_on_messages", "require_app_secret"}
               and isinstance(payload.get("marketing_on_messages", True), bool)
               and isinstance(payload.get("require_app_secret", False), bool),
               "expected {\"marketing_on_messages\": bool, \"require_app_secret\": bool}")
        expect(not payload.get("require_app_secret") or self.app_secret is not None,
               "require_app_secret needs --app-secret-file")
        with self.lock:
            self.marketing_on_messages = payload.get("marketing_on_messages", self.marketing_on_messages)
            self.require_app_secret = payload.get("require_app_secret", self.require_app_secret)

    def judge_proof(self, proof):
        """What a request's appsecret_proof is: "absent", "valid", or "invalid" (also when no secret is known)."""
        if proof is None:
            return "absent"
        if self.app_secret is None:
            return "invalid"
        return "valid" if hmac.compare_digest(proof, meta_api.appsecret_proof(self.token, self.app_secret)) else "invalid"

    def control_templates(self, payload):
        expect(isinstance(payload, dict) and all(
            v is None or (isinstance(v, dict) and isinstance(v.get("code"), int)) for v in payload.values()),
            "expected {\"NAME\": {\"code\": N, \"language\": \"en\", \"http_status\": 400} | null}")
        with self.lock:
            for name, failure in payload.items():
                if failure is None:
                    self.template_failures.pop(name, None)
                else:
                    self.template_failures[name] = failure

    def control_approved_templates(self, payload):
        problem = meta_api.check_templates(payload)
        expect(problem is None, problem)
        with self.lock:
            self.templates = payload

    def control_pacing(self, payload):
        expect(isinstance(payload, dict) and all(v is None or v in meta_api.PACING_STATUSES for v in payload.values()),
               "expected {\"NAME\": \"accepted\" | \"held_for_quality_assessment\" | null}")
        with self.lock:
            for name, status in payload.items():
                if status is None:
                    self.pacing.pop(name, None)
                else:
                    self.pacing[name] = status

    def control_brazil_old_accounts(self, payload):
        expect(isinstance(payload, dict) and isinstance(payload.get("all", False), bool)
               and isinstance(payload.get("numbers", []), list), "expected {\"all\": bool, \"numbers\": [\"+55...\"]}")
        with self.lock:
            self.brazil_old = {"all": payload.get("all", False),
                               "numbers": {meta_api.digits_of(n) for n in payload.get("numbers", [])}}

    def control_webhook_plan(self, payload):
        problem = check_plan(payload)
        expect(problem is None, problem)
        self.webhooks.set_plan(payload)

    def control_webhook_release(self, payload):
        expect(self.webhooks.enabled, "webhooks are off: start the stand-in with --app-secret-file")
        expect(isinstance(payload, dict) and set(payload) <= {"to", "reverse"}
               and (payload.get("to") is None or isinstance(payload["to"], list)),
               "expected {\"to\": [\"+E164\" or wa_id, ...] (absent: all), \"reverse\": bool}")
        return {"ok": True, "released": self.webhooks.release(payload.get("to"), bool(payload.get("reverse")))}

    def control_webhook_target(self, payload):
        expect(self.webhooks.enabled, "webhooks are off: start the stand-in with --app-secret-file")
        expect(isinstance(payload, dict) and "url" in payload,
               "expected {\"url\": \"http://127.0.0.1:PORT/path\" | null}")
        self.webhooks.set_target(payload["url"], payload.get("max", 1), payload.get("attempts", 4),
                                 payload.get("retry_ms", 100))

    def control_inbound(self, payload):
        expect(self.webhooks.enabled, "webhooks are off: start the stand-in with --app-secret-file")
        expect(isinstance(payload, dict) and payload.get("type") in ("text", "button", "user_preferences"),
               "expected {\"type\": \"text\" | \"button\" | \"user_preferences\", \"from\": \"+E164\", ...}")
        resolved = meta_api.resolve_to(payload.get("from"), self.business_country_code)
        expect(resolved is not None, "from: a phone number")
        kind, text = payload["type"], payload.get("text")
        with self.lock:
            wa_id = meta_api.wa_id_for(resolved[0], self.brazil_old)
            context_id = payload.get("context_id") or self.last_wamid.get(resolved[0])
        if kind == "user_preferences":
            expect(payload.get("value") in ("stop", "resume"), "value: stop or resume")
        elif kind == "text":
            expect(isinstance(text, str), "text: a string")
        else:
            text = text if text is not None else "Stop promotions"
            expect(isinstance(text, str) and context_id,
                   "button: text and a context_id (or a message sent to that number)")
        wamid = self.webhooks.inbound(kind, wa_id, payload.get("name", "Shopper"), text=text,
                                      payload=payload.get("payload", text), context_id=context_id,
                                      value=payload.get("value"))
        return {"ok": True, "id": wamid}
