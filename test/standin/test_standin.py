"""Self-test of the WhatsApp stand-in: starts whatsapp_standin.py on port 0 as a subprocess and
checks each behaviour its docstring promises. Stdlib only; about 2 s. From any directory:
    python3 test/standin/test_standin.py [-v]
    python3 -m unittest discover -s test/standin
(not `python3 -m unittest test/standin/test_standin.py`: that names Python's own `test` package).
"""

import hashlib
import hmac
import json
import os
import threading
import time
import unittest

import standin_testing
from standin_testing import Receiver, wait_for

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "whatsapp_standin.py")
TOKEN = "self-test-token-0123456789"
SECRET = "self-test-app-secret-9876543210"
PHONE_NUMBER_ID = "1234567890"
UNKNOWN_ID_TEXT = ("Unsupported post request. Object with ID 'wrong' does not exist, cannot be loaded due to "
                   "missing permissions, or does not support this operation")


class StandIn(standin_testing.Process):
    def __init__(self, *extra, secret=True):
        args = ["--token-file", "{dir}/token", "--phone-number-id", PHONE_NUMBER_ID, *extra]
        files = {"token": TOKEN}
        if secret:
            files["secret"] = SECRET
            args += ["--app-secret-file", "{dir}/secret"]
        super().__init__(SCRIPT, args, files)

    def send(self, to="+4915110000001", template="cart_abandonment_first", language="en", params=("Anna", "c1", "u"),
             endpoint="messages", phone_number_id=PHONE_NUMBER_ID, token=TOKEN, query="", **extra):
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "template",
                "template": {"name": template, "language": {"code": language},
                             "components": [{"type": "body",
                                             "parameters": [{"type": "text", "text": p} for p in params]}]}}
        body.update(extra)
        return self.call("POST", "/v21.0/%s/%s%s" % (phone_number_id, endpoint, query), body,
                         {"Authorization": "Bearer " + token, "Content-Type": "application/json"})

    def webhooks(self, query="max=1"):
        bodies = self.control("GET", "webhooks?" + query)
        for item in bodies:
            assert_signed(item["body"].encode(), item["signature"])
        return [json.loads(item["body"]) for item in bodies]


def assert_signed(raw, signature):
    expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise AssertionError("bad X-Hub-Signature-256 %r for %r" % (signature, raw[:200]))


def updates_of(body, kind="statuses"):
    return [item for change in body["entry"][0]["changes"] for item in change["value"].get(kind, [])]


class StandInTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.standin = StandIn("--business-country-code", "49", "--display-phone-number", "4930901820",
                              "--waba-id", "555000111")

    @classmethod
    def tearDownClass(cls):
        output = cls.standin.stop()
        assert SECRET not in output, "the app secret was printed"

    def setUp(self):
        self.s = self.standin
        self.assertEqual(self.s.control("POST", "reset", {}), {"ok": True})

    def last_request(self):
        return self.s.control("GET", "requests")[-1]

    def assertMetaError(self, answer, status, code):
        self.assertEqual(answer[0], status, answer)
        self.assertEqual(answer[1]["error"]["code"], code, answer)
        self.assertIn("fbtrace_id", answer[1]["error"])

    # ---- 1. the two endpoints ----

    def test_messages_and_marketing_messages_answer_alike(self):
        for endpoint in ("messages", "marketing_messages"):
            status, answer = self.s.send(endpoint=endpoint)
            self.assertEqual(status, 200)
            self.assertEqual(answer["contacts"], [{"input": "+4915110000001", "wa_id": "4915110000001"}])
            self.assertTrue(answer["messages"][0]["id"].startswith("wamid."))
            self.assertEqual(self.last_request()["endpoint"], endpoint)
        self.assertMetaError(self.s.send(params=("a",), endpoint="marketing_messages"), 400, 132000)

    def test_require_app_secret_refuses_calls_without_a_valid_proof(self):
        proof = hmac.new(SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()
        self.assertEqual(self.s.send(query="?appsecret_proof=" + proof)[0], 200, "not required by default")
        self.assertEqual(self.s.send()[0], 200)
        self.s.control("POST", "account", {"require_app_secret": True})
        self.assertTrue(self.s.control("GET", "state")["account"]["require_app_secret"])
        status, answer = self.s.send()
        self.assertMetaError((status, answer), 400, 100)
        self.assertEqual(answer["error"]["type"], "GraphMethodException")
        self.assertEqual(answer["error"]["message"], "API calls from the server require an appsecret_proof argument")
        status, answer = self.s.send(query="?appsecret_proof=" + "0" * 64)
        self.assertMetaError((status, answer), 400, 100)
        self.assertEqual(answer["error"]["message"], "Invalid appsecret_proof provided in the API argument")
        self.assertEqual(self.s.send(query="?appsecret_proof=" + proof)[0], 200)
        records = self.s.control("GET", "requests")
        self.assertEqual([r["appsecret_proof"] for r in records], ["valid", "absent", "absent", "invalid", "valid"])
        self.assertEqual([r["accepted"] for r in records], [True, True, False, False, True])
        self.assertNotIn("?", records[0]["path"], "the proof is not recorded")
        self.s.control("POST", "reset")
        self.assertFalse(self.s.control("GET", "state")["account"]["require_app_secret"])

    def test_marketing_disabled_on_messages_answers_131063(self):
        self.s.control("POST", "account", {"marketing_on_messages": False})
        self.assertMetaError(self.s.send(endpoint="messages"), 400, 131063)
        self.assertEqual(self.s.send(endpoint="marketing_messages")[0], 200)
        self.s.control("POST", "reset", {})
        self.assertEqual(self.s.send(endpoint="messages")[0], 200, "reset turns it back on")
        # the same through a fault rule limited to one endpoint
        self.s.control("POST", "faults", [{"mode": "error", "code": 131063, "endpoint": "messages"}])
        self.assertMetaError(self.s.send(endpoint="messages"), 400, 131063)
        self.assertEqual(self.s.send(endpoint="marketing_messages")[0], 200)

    def test_non_marketing_template_is_refused_by_marketing_messages(self):
        self.s.control("POST", "approved_templates", {"order_update": {"languages": ["en"], "body_parameters": 1,
                                                                       "category": "utility"}})
        self.assertEqual(self.s.send(template="order_update", params=("x",))[0], 200)
        self.assertMetaError(self.s.send(template="order_update", params=("x",), endpoint="marketing_messages"), 400, 100)

    # ---- 2. unknown phone-number id ----

    def test_unknown_phone_number_id_is_a_graph_method_exception(self):
        status, answer = self.s.send(phone_number_id="wrong")
        self.assertEqual(status, 400)
        error = answer["error"]
        self.assertEqual(set(error), {"message", "type", "code", "error_subcode", "fbtrace_id"})
        self.assertTrue(error["message"].startswith(UNKNOWN_ID_TEXT), error["message"])
        self.assertEqual((error["type"], error["code"], error["error_subcode"]), ("GraphMethodException", 100, 33))
        self.assertEqual(self.last_request()["code"], 100)

    def test_bad_token_comes_first(self):
        self.assertMetaError(self.s.send(token="nope", phone_number_id="wrong"), 401, 190)
        self.assertFalse(self.last_request()["auth_ok"])

    # ---- 3. parameter text ----

    def test_newline_tab_and_five_spaces_are_132018(self):
        for text in ("two\nlines", "a\ttab", "five     spaces"):
            self.assertMetaError(self.s.send(params=("Anna", text, "u")), 400, 132018)
        self.assertEqual(self.s.send(params=("Anna", "four    spaces", "u"))[0], 200)
        self.assertMetaError(self.s.send(params=("Anna", "", "u")), 400, 100)
        self.assertMetaError(self.s.send(params=("Anna", "x" * 1025, "u")), 400, 132005)
        self.assertMetaError(self.s.send(params=("Anna", "u")), 400, 132000)

    # ---- 4. `to` ----

    def test_to_without_plus_gets_the_business_country_code(self):
        status, answer = self.s.send(to="15110000002")
        self.assertEqual(status, 200)
        self.assertEqual(answer["contacts"], [{"input": "15110000002", "wa_id": "4915110000002"}])
        self.assertFalse(self.last_request()["to_had_plus"])
        self.assertEqual(self.s.send(to="+49 (151) 100-00003")[0], 200, "spaces, dashes, brackets are tolerated")
        self.assertTrue(self.last_request()["to_had_plus"])
        for garbage in ("+49151abc", "call me", "", "+", "49.151.1000", "++4915110000001", 4915110000001):
            self.assertMetaError(self.s.send(to=garbage), 400, 100)

    # ---- 5. template failures and the approved list ----

    def test_a_template_fails_with_the_code_set_until_lifted(self):
        self.s.control("POST", "templates", {"cart_abandonment_first": {"code": 132015}})
        for _ in range(2):
            self.assertMetaError(self.s.send(), 400, 132015)
        self.assertEqual(self.s.send(template="cart_abandonment_second")[0], 200)
        self.s.control("POST", "templates", {"cart_abandonment_second": {"code": 132016, "language": "en_US"}})
        self.assertEqual(self.s.send(template="cart_abandonment_second", language="en")[0], 200)
        self.assertMetaError(self.s.send(template="cart_abandonment_second", language="en_US"), 400, 132016)
        self.assertMetaError(self.s.send(), 400, 132015)
        self.s.control("POST", "templates", {"cart_abandonment_first": None})
        self.assertEqual(self.s.send()[0], 200, "null lifts it")
        self.s.control("POST", "templates", {"cart_abandonment_first": {"code": 132001}})
        self.assertMetaError(self.s.send(), 400, 132001)
        self.s.control("POST", "reset", {})
        self.assertEqual(self.s.send()[0], 200, "reset lifts it")
        self.assertEqual(self.s.call("POST", "/_control/templates", {"x": {"code": "nope"}})[0], 400)

    def test_the_approved_templates_can_be_replaced(self):
        self.s.control("POST", "approved_templates", {"winback": {"languages": ["de"], "body_parameters": 1}})
        self.assertMetaError(self.s.send(), 400, 132001)
        self.assertEqual(self.s.send(template="winback", language="de", params=("x",))[0], 200)
        self.assertMetaError(self.s.send(template="winback", language="en", params=("x",)), 400, 132001)
        self.assertEqual(self.s.control("GET", "state")["approved_templates"],
                         {"winback": {"languages": ["de"], "body_parameters": 1}})
        self.assertEqual(self.s.call("POST", "/_control/approved_templates", ["no"])[0], 400)

    # ---- 6. wa_id ----

    def test_wa_ids_as_meta_gives_them(self):
        def wa_id(to):
            status, answer = self.s.send(to=to)
            self.assertEqual(status, 200, answer)
            return answer["contacts"][0]["wa_id"]

        self.assertEqual(wa_id("+5511987654321"), "5511987654321", "a new Brazilian account keeps the 9")
        self.assertEqual(wa_id("+525512345678"), "5215512345678", "Mexico: 521")
        self.assertEqual(wa_id("+919876543210"), "919876543210")
        self.s.control("POST", "brazil_old_accounts", {"numbers": ["+55 11 98765 4321"]})
        self.assertEqual(wa_id("+5511987654321"), "551187654321", "an old Brazilian account: no 9")
        self.assertEqual(wa_id("+5521987654321"), "5521987654321", "not in the list")
        self.assertEqual(self.last_request()["wa_id"], "5521987654321")
        self.s.control("POST", "brazil_old_accounts", {"all": True})
        self.assertEqual(wa_id("+5521987654321"), "552187654321")
        self.assertEqual(wa_id("+551133334444"), "551133334444", "a landline has no 9 to drop")

    def test_brazil_old_accounts_option(self):
        other = StandIn("--brazil-old-accounts")
        try:
            self.assertEqual(other.send(to="+5511987654321")[1]["contacts"][0]["wa_id"], "551187654321")
            other.control("POST", "brazil_old_accounts", {"all": False})
            self.assertEqual(other.send(to="+5511987654321")[1]["contacts"][0]["wa_id"], "5511987654321")
            other.control("POST", "reset", {})
            self.assertEqual(other.send(to="+5511987654321")[1]["contacts"][0]["wa_id"], "551187654321")
        finally:
            other.stop()

    # ---- 7. message_status ----

    def test_paced_templates_carry_message_status(self):
        self.assertNotIn("message_status", self.s.send()[1]["messages"][0])
        self.s.control("POST", "pacing", {"cart_abandonment_first": "held_for_quality_assessment"})
        self.assertEqual(self.s.send()[1]["messages"][0]["message_status"], "held_for_quality_assessment")
        self.assertEqual(self.last_request()["message_status"], "held_for_quality_assessment")
        self.assertNotIn("message_status", self.s.send(template="cart_abandonment_second")[1]["messages"][0])
        self.s.control("POST", "pacing", {"cart_abandonment_first": "accepted"})
        self.assertEqual(self.s.send()[1]["messages"][0]["message_status"], "accepted")
        self.assertEqual(self.s.call("POST", "/_control/pacing", {"cart_abandonment_first": "maybe"})[0], 400)

    # ---- 8. webhooks ----

    def test_statuses_in_metas_shape_signed_with_the_app_secret(self):
        status, answer = self.s.send(to="+525512345678", biz_opaque_callback_data="cart:c1/stage:1 ü")
        wamid = answer["messages"][0]["id"]
        self.assertEqual(self.last_request()["biz_opaque_callback_data"], "cart:c1/stage:1 ü")
        raw = self.s.control("GET", "webhooks")
        self.assertEqual(len(raw), 3, "sent, delivered, read: one per body by default")
        for item in raw:
            self.assertTrue(item["signature"].startswith("sha256="))
            assert_signed(item["body"].encode(), item["signature"])
            with self.assertRaises(AssertionError):
                assert_signed(item["body"].encode() + b" ", item["signature"])
        bodies = [json.loads(item["body"]) for item in raw]
        self.assertEqual([updates_of(b)[0]["status"] for b in bodies], ["sent", "delivered", "read"])
        body = bodies[0]
        self.assertEqual(body["object"], "whatsapp_business_account")
        self.assertEqual(body["entry"][0]["id"], "555000111")
        change = body["entry"][0]["changes"][0]
        self.assertEqual(change["field"], "messages")
        self.assertEqual(change["value"]["messaging_product"], "whatsapp")
        self.assertEqual(change["value"]["metadata"], {"display_phone_number": "4930901820", "phone_number_id": PHONE_NUMBER_ID})
        update = change["value"]["statuses"][0]
        self.assertEqual(update["id"], wamid)
        self.assertEqual(update["recipient_id"], "5215512345678", "the wa_id, not the input")
        self.assertIsInstance(update["timestamp"], str)
        self.assertTrue(update["timestamp"].isdigit())
        self.assertEqual(update["biz_opaque_callback_data"], "cart:c1/stage:1 ü")
        self.assertNotIn("conversation", update)
        self.assertNotIn("errors", update)
        self.assertEqual(self.s.control("GET", "webhooks"), [], "handed out once")
        self.assertNotIn("biz_opaque_callback_data", updates_of(self.send_and_collect()[0])[0])

    def send_and_collect(self, **send):
        self.assertEqual(self.s.send(**send)[0], 200)
        return self.s.webhooks()

    def test_no_webhooks_for_refused_requests(self):
        self.s.send(params=("a",))
        self.s.send(token="bad")
        self.assertEqual(self.s.webhooks(), [])

    def test_batches_up_to_max_updates_per_body(self):
        for n in range(3):
            self.s.send(to="+49151200000%02d" % n)
        bodies = self.s.webhooks("max=4")
        self.assertEqual([len(updates_of(b)) for b in bodies], [4, 4, 1])
        self.assertEqual(len(bodies[0]["entry"][0]["changes"]), 1, "statuses share one change")
        for n in range(3):
            self.s.send(to="+49151200000%02d" % n)
        self.assertEqual([len(updates_of(b)) for b in self.s.webhooks("max=1000")], [9])
        for n in range(3):
            self.s.send(to="+49151200000%02d" % n)
        self.assertEqual(len(self.s.webhooks("max=2&bodies=2")), 2)
        self.assertEqual(len(self.s.webhooks("max=100")), 1, "the rest stayed queued")

    def test_the_plan_chooses_statuses_and_failures(self):
        self.s.control("POST", "webhook_plan", {"statuses": ["sent", "read"], "failures": {
            "+4915110000009": {"code": 131049}, "4915110000008": {"code": 131026, "after": ["sent"]}}})
        self.assertEqual([updates_of(b)[0]["status"] for b in self.send_and_collect()], ["sent", "read"])
        failed = self.send_and_collect(to="+4915110000009")
        self.assertEqual(len(failed), 1)
        update = updates_of(failed[0])[0]
        self.assertEqual(update["status"], "failed")
        self.assertEqual(update["recipient_id"], "4915110000009")
        self.assertNotIn("pricing", update)
        error = update["errors"][0]
        self.assertEqual(set(error), {"code", "title", "message", "error_data"})
        self.assertEqual(error["code"], 131049)
        self.assertEqual(set(error["error_data"]), {"details"})
        self.assertEqual([updates_of(b)[0]["status"] for b in self.send_and_collect(to="+4915110000008")], ["sent", "failed"])
        for code in (131050, 130472):
            self.s.control("POST", "webhook_plan", {"failures": {"+4915110000007": {"code": code}}})
            self.assertEqual(updates_of(self.send_and_collect(to="+4915110000007")[0])[0]["errors"][0]["code"], code)
        self.assertEqual(self.s.call("POST", "/_control/webhook_plan", {"statuses": ["lost"]})[0], 400)

    def test_shuffled_and_duplicated(self):
        self.s.control("POST", "webhook_plan",
                       {"statuses": ["sent"], "order": "shuffled", "duplicate_rate": 1.0, "seed": 7})
        wamids = [self.s.send(to="+49151300000%02d" % n)[1]["messages"][0]["id"] for n in range(20)]
        got = [updates_of(b)[0]["id"] for b in self.s.webhooks()]
        self.assertEqual(sorted(got), sorted(wamids * 2), "each update arrives twice")
        self.assertNotEqual(got[:20], wamids, "and out of order")
        self.s.control("POST", "webhook_plan", {"order": "produced", "duplicate_rate": 0})
        wamids = [self.s.send(to="+49151300000%02d" % n)[1]["messages"][0]["id"] for n in range(5)]
        self.assertEqual([updates_of(b)[0]["id"] for b in self.s.webhooks()], wamids)

    def test_statuses_before_the_answer(self):
        self.s.control("POST", "webhook_plan", {"statuses": ["sent"], "timing": "before_answer"})
        self.s.control("POST", "delay", {"ms": 600})
        answer = {}
        sender = threading.Thread(target=lambda: answer.update(result=self.s.send(to="+4915130000101")))
        sender.start()
        time.sleep(0.3)
        early = self.s.webhooks()
        self.assertNotIn("result", answer, "the send is not answered yet")
        self.assertEqual([u["status"] for u in updates_of(early[0])], ["sent"], "its status is already there")
        sender.join()
        self.assertEqual(answer["result"][1]["messages"][0]["id"], updates_of(early[0])[0]["id"])
        self.assertEqual(self.s.call("POST", "/_control/webhook_plan", {"timing": "soon"})[0], 400)

    def test_withheld_statuses_come_when_released(self):
        self.s.control("POST", "webhook_plan", {"statuses": ["sent", "delivered"], "withhold": ["+4915130000201"]})
        late = self.s.send(to="+4915130000201")[1]["messages"][0]["id"]
        self.s.send(to="+4915130000202")
        self.assertEqual([updates_of(b)[0]["recipient_id"] for b in self.s.webhooks()], ["4915130000202"] * 2,
                         "only the other recipient's statuses come")
        self.assertEqual(self.s.control("GET", "state")["webhooks"]["withheld"], 2)
        self.assertEqual(self.s.control("POST", "webhook_release", {"to": ["+4915130000201"], "reverse": True})["released"], 2)
        self.assertEqual([(updates_of(b)[0]["id"], updates_of(b)[0]["status"]) for b in self.s.webhooks()],
                         [(late, "delivered"), (late, "sent")], "late, and newest first when asked")
        # Meta sends no status for a template message held for quality assessment until it releases it.
        self.s.control("POST", "webhook_plan", {"withhold": []})
        self.s.control("POST", "pacing", {"cart_abandonment_first": "held_for_quality_assessment"})
        self.s.send(to="+4915130000203")
        self.assertEqual(self.s.webhooks(), [])
        self.assertEqual(self.s.control("POST", "webhook_release", {})["released"], 2)
        self.assertEqual(len(self.s.webhooks()), 2)

    def test_user_preferences_text_and_button_events(self):
        self.s.control("POST", "webhook_plan", {"statuses": []})
        wamid = self.s.send(to="+525512345678")[1]["messages"][0]["id"]
        self.assertEqual(self.s.control("POST", "inbound", {"type": "user_preferences", "from": "+525512345678",
                                                             "value": "stop"}), {"ok": True, "id": None})
        text_id = self.s.control("POST", "inbound", {"type": "text", "from": "+525512345678", "text": "STOP"})["id"]
        button_id = self.s.control("POST", "inbound",
                                   {"type": "button", "from": "+525512345678", "text": "Stop promotions"})["id"]
        self.s.control("POST", "inbound", {"type": "user_preferences", "from": "+525512345678", "value": "resume"})
        preferences, text, button, resume = self.s.webhooks()
        change = preferences["entry"][0]["changes"][0]
        self.assertEqual(change["field"], "user_preferences")
        self.assertEqual(change["value"]["contacts"][0]["wa_id"], "5215512345678")
        event = change["value"]["user_preferences"][0]
        self.assertEqual((event["wa_id"], event["category"], event["value"]), ("5215512345678", "marketing_messages", "stop"))
        self.assertIsInstance(event["timestamp"], int)
        self.assertEqual(updates_of(resume, "user_preferences")[0]["value"], "resume")
        message = updates_of(text, "messages")[0]
        self.assertEqual(text["entry"][0]["changes"][0]["field"], "messages")
        self.assertEqual((message["from"], message["id"], message["type"], message["text"]),
                         ("5215512345678", text_id, "text", {"body": "STOP"}))
        self.assertEqual(text["entry"][0]["changes"][0]["value"]["contacts"][0]["wa_id"], "5215512345678")
        message = updates_of(button, "messages")[0]
        self.assertEqual((message["id"], message["type"], message["button"]["text"]), (button_id, "button", "Stop promotions"))
        self.assertEqual(message["context"]["id"], wamid, "a reply to the message sent")
        self.assertEqual(self.s.call("POST", "/_control/inbound", {"type": "button", "from": "+4915199999999"})[0], 400,
                         "no message to reply to and no context_id")

    def test_pushed_to_a_target_with_retries(self):
        receiver = Receiver([500, 503, 200])
        try:
            self.s.control("POST", "webhook_target", {"url": receiver.url, "max": 3, "retry_ms": 10})
            self.s.send(biz_opaque_callback_data="ref-1")
            self.assertTrue(wait_for(lambda: self.s.control("GET", "webhook_deliveries")), "nothing delivered")
            delivery = self.s.control("GET", "webhook_deliveries")[0]
            self.assertEqual((delivery["statuses"], delivery["delivered"], delivery["updates"]), ([500, 503, 200], True, 3))
            self.assertEqual(len(receiver.received), 3)
            headers, raw = receiver.received[-1]
            assert_signed(raw, headers["X-Hub-Signature-256"])
            self.assertEqual(headers["Content-Type"], "application/json")
            self.assertEqual([u["status"] for u in updates_of(json.loads(raw))], ["sent", "delivered", "read"])
            receiver.answers = [500]
            self.s.send()
            self.assertTrue(wait_for(lambda: len(self.s.control("GET", "webhook_deliveries")) == 2))
            self.assertEqual(self.s.control("GET", "webhook_deliveries")[1]["statuses"], [500] * 4)
            self.assertFalse(self.s.control("GET", "webhook_deliveries")[1]["delivered"])
            self.assertEqual(self.s.call("POST", "/_control/webhook_target", {"url": "http://example.com/x"})[0], 400)
        finally:
            self.s.control("POST", "webhook_target", {"url": None})
            receiver.close()

    def test_the_app_secret_is_never_shown(self):
        self.s.send()
        self.s.control("POST", "webhook_plan", {"seed": 1})
        for path in ("state", "requests", "webhook_deliveries", "webhooks?max=10"):
            self.assertNotIn(SECRET, json.dumps(self.s.control("GET", path)), path)

    def test_without_an_app_secret_there_are_no_webhooks(self):
        other = StandIn(secret=False)
        try:
            self.assertEqual(other.send()[0], 200)
            self.assertEqual(other.call("GET", "/_control/webhooks")[0], 409)
            inbound = {"type": "text", "from": "+4915110000001", "text": "hi"}
            self.assertEqual(other.call("POST", "/_control/inbound", inbound)[0], 409)
            self.assertFalse(other.control("GET", "state")["webhooks"]["enabled"])
        finally:
            other.stop()

    # ---- the request record and the older fault modes ----

    def test_the_request_record(self):
        self.s.send(biz_opaque_callback_data="x" * 513)
        record = self.last_request()
        self.assertEqual((record["status"], record["code"], record["accepted"]), (400, 100, False))
        self.s.send(endpoint="marketing_messages", biz_opaque_callback_data="ok")
        record = self.last_request()
        for key, value in {"endpoint": "marketing_messages", "version": "21.0", "to": "+4915110000001", "to_had_plus": True,
                           "template": "cart_abandonment_first", "language": "en", "params": ["Anna", "c1", "u"],
                           "biz_opaque_callback_data": "ok", "status": 200, "accepted": True, "auth_ok": True,
                           "wa_id": "4915110000001"}.items():
            self.assertEqual(record[key], value, key)
        self.assertNotIn(TOKEN, json.dumps(self.s.control("GET", "requests")))

    def test_the_busiest_second_counts_arrivals_in_a_sliding_window(self):
        self.assertEqual(self.s.control("GET", "busiest_second"), {"requests": 0, "from": None, "total": 0})
        self.s.send()
        first = self.last_request()["at"]
        self.s.send(token="wrong")  # refused requests count too: Meta's limit counts every call
        self.s.send()
        time.sleep(1.05)
        self.s.send()
        self.s.send()
        self.assertEqual(self.s.control("GET", "busiest_second"), {"requests": 3, "from": first, "total": 5})
        self.s.send()
        self.assertEqual(self.s.control("GET", "busiest_second")["requests"], 3, "a later window holds 3 too, not more")
        self.s.send()
        self.assertEqual(self.s.control("GET", "busiest_second")["requests"], 4)

    def test_fault_rules_still_work(self):
        self.s.control("POST", "faults", [{"mode": "error", "code": 131056, "to": "+4915110000005", "times": 1},
                                          {"mode": "not_json", "template": "cart_abandonment_second", "times": 1}])
        self.assertMetaError(self.s.send(to="+4915110000005"), 400, 131056)
        self.assertEqual(self.s.send(to="+4915110000005")[0], 200)
        self.assertEqual(self.s.send(template="cart_abandonment_second"), (200, "<html>OK</html>"))
        record = self.last_request()
        self.assertTrue(record["accepted"])
        self.assertEqual(record["fault"], "not_json")
        self.assertEqual(len(self.s.webhooks()), 6, "both accepted messages are webhooked")
        self.assertEqual(self.s.call("POST", "/_control/faults", [{"mode": "nope"}])[0], 400)
        self.s.control("POST", "delay", {"ms": 200})
        started = time.time()
        self.s.send()
        self.assertGreaterEqual(time.time() - started, 0.19)


if __name__ == "__main__":
    unittest.main()
