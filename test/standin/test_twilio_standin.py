"""Self-test of the Twilio stand-in: starts twilio_standin.py on port 0 as a subprocess and checks
each behaviour its docstring promises. Stdlib only; about 2 s. From any directory:
    python3 test/standin/test_twilio_standin.py [-v]
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import time
import unittest
import urllib.parse

import standin_testing
from standin_testing import Receiver, wait_for

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "twilio_standin.py")
ACCOUNT = "AC0123456789abcdef0123456789abcdef"
TOKEN = "self-test-auth-token-0123456789"
SERVICE = "MG0123456789abcdef0123456789abcdef"
FROM = "+15005550001"
TO = "+15005550006"
PATH = "/2010-04-01/Accounts/%s/Messages.json" % ACCOUNT


def expected_signature(url, body):
    """Twilio's X-Twilio-Signature of a form body POSTed to url, computed here apart from the stand-in."""
    pairs = urllib.parse.parse_qsl(body, keep_blank_values=True)
    text = url + "".join(k + v for k, v in sorted(pairs))
    return base64.b64encode(hmac.new(TOKEN.encode(), text.encode(), hashlib.sha1).digest()).decode()


class StandIn(standin_testing.Process):
    def __init__(self):
        super().__init__(SCRIPT, ["--account-sid", ACCOUNT, "--auth-token-file", "{dir}/token", "--from", FROM,
                                  "--from", "+15005550002", "--messaging-service-sid", SERVICE], {"token": TOKEN})

    def send(self, fields=None, user=ACCOUNT, token=TOKEN, path=PATH, content_type="application/x-www-form-urlencoded",
             **overrides):
        form = {"To": TO, "From": FROM, "Body": "Hi Anna, your cart is waiting"} if fields is None else dict(fields)
        form.update(overrides)
        form = {k: v for k, v in form.items() if v is not None}
        headers = {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, token)).encode()).decode()}
        if content_type:
            headers["Content-Type"] = content_type
        return self.call("POST", path, raw=urllib.parse.urlencode(form).encode(), headers=headers)


class TwilioStandInTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.standin = StandIn()

    @classmethod
    def tearDownClass(cls):
        output = cls.standin.stop()
        assert TOKEN not in output, "the auth token was printed"

    def setUp(self):
        self.s = self.standin
        self.assertEqual(self.s.control("POST", "reset", {}), {"ok": True})

    def assertTwilioError(self, answer, status, code):
        self.assertEqual(answer[0], status, answer)
        self.assertEqual(answer[1]["code"], code, answer)
        self.assertEqual(answer[1]["status"], status)
        self.assertEqual(answer[1]["more_info"], "https://www.twilio.com/docs/errors/%d" % code)
        self.assertTrue(answer[1]["message"])

    def last_request(self):
        return self.s.control("GET", "requests")[-1]

    # ---- sending ----

    def test_accepted_send_is_201_with_a_message_resource(self):
        status, answer = self.s.send(Body="a&b=c + 😀")
        self.assertEqual(status, 201, answer)
        self.assertRegex(answer["sid"], r"^SM[0-9a-f]{32}$")
        self.assertEqual((answer["status"], answer["to"], answer["from"]), ("queued", TO, FROM))
        self.assertEqual(answer["body"], "a&b=c + 😀")
        self.assertEqual(answer["num_segments"], "1")
        self.assertIsNone(answer["error_code"])
        record = self.last_request()
        self.assertTrue(record["accepted"])
        self.assertEqual((record["To"], record["Body"], record["sid"]), (TO, "a&b=c + 😀", answer["sid"]))
        recorded = json.dumps(self.s.control("GET", "requests")) + json.dumps(self.s.control("GET", "state"))
        self.assertNotIn(TOKEN, recorded)

    def test_messaging_service_is_accepted_and_wins_over_from(self):
        status, answer = self.s.send(MessagingServiceSid=SERVICE, From=None)
        self.assertEqual((status, answer["status"], answer["from"], answer["messaging_service_sid"]),
                         (201, "accepted", None, SERVICE))
        self.assertTwilioError(self.s.send(MessagingServiceSid="MG" + "f" * 32), 404, 20404)

    def test_segments_gsm7_and_ucs2(self):
        self.assertEqual(self.s.send(Body="a" * 160)[1]["num_segments"], "1")
        self.assertEqual(self.s.send(Body="a" * 161)[1]["num_segments"], "2")
        self.assertEqual(self.s.send(Body="€" * 80)[1]["num_segments"], "1")  # two septets each
        self.assertEqual(self.s.send(Body="Привет" + "a" * 64)[1]["num_segments"], "1")
        self.assertEqual(self.s.send(Body="Привет" + "a" * 65)[1]["num_segments"], "2")

    def test_auth_comes_first(self):
        self.assertTwilioError(self.s.send(token="wrong", To="nope"), 401, 20003)
        self.assertFalse(self.last_request()["auth_ok"])
        self.assertTwilioError(self.s.send(user="AC" + "0" * 32), 401, 20003)
        status, answer = self.s.call("POST", PATH, raw=b"To=%2B15005550006")
        self.assertTwilioError((status, answer), 401, 20003)
        self.assertTwilioError(self.s.send(path="/2010-04-01/Accounts/AC%s/Messages.json" % ("1" * 32)), 404, 20404)

    def test_form_checks_in_twilios_order(self):
        self.assertTwilioError(self.s.send(To=None), 400, 21604)
        self.assertTwilioError(self.s.send(To="15005550006"), 400, 21211)
        self.assertTwilioError(self.s.send(To="+1 500 555 0006"), 400, 21211)
        self.assertTwilioError(self.s.send(From=None), 400, 21603)
        self.assertTwilioError(self.s.send(From="shop"), 400, 21212)
        self.assertTwilioError(self.s.send(From="+15005550009"), 400, 21606)
        self.assertEqual(self.s.send(From="+15005550002")[0], 201)
        self.assertTwilioError(self.s.send(Body=""), 400, 21602)
        self.assertTwilioError(self.s.send(Body="x" * 1601), 400, 21617)
        self.assertTwilioError(self.s.send(StatusCallback="ftp://x/y"), 400, 21609)

    def test_only_one_form_content_type_is_read(self):
        self.assertTwilioError(self.s.send(content_type="application/json"), 400, 21604)
        self.assertFalse(self.last_request()["form"])
        # Two Content-Type headers (a client that adds its own default): not a form either.
        connection = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=10)
        connection.putrequest("POST", PATH)
        credentials = base64.b64encode(("%s:%s" % (ACCOUNT, TOKEN)).encode()).decode()
        connection.putheader("Authorization", "Basic " + credentials)
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Type", "application/json")
        body = urllib.parse.urlencode({"To": TO, "From": FROM, "Body": "x"}).encode()
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        self.assertEqual(connection.getresponse().status, 400)
        connection.close()
        self.assertEqual(self.last_request()["content_types"],
                         ["application/x-www-form-urlencoded", "application/json"])
        self.assertEqual(self.s.send(content_type="application/x-www-form-urlencoded; charset=utf-8")[0], 201)

    def test_blocked_region_and_opt_out(self):
        self.s.control("POST", "regions", {"blocked": ["44"]})
        self.assertTwilioError(self.s.send(To="+447700900123"), 400, 21408)
        self.assertEqual(self.s.send()[0], 201)
        self.s.control("POST", "opt_outs", {"add": [TO]})
        self.assertTwilioError(self.s.send(), 400, 21610)
        self.s.control("POST", "opt_outs", {"remove": [TO]})
        self.assertEqual(self.s.send()[0], 201)

    # ---- faults ----

    def test_error_fault_per_to_with_times_and_headers(self):
        self.s.control("POST", "faults", [{"to": TO, "code": 20429, "http_status": 429, "times": 2,
                                           "headers": {"Retry-After": "1"}}])
        self.assertEqual(self.s.send(To="+15005550007")[0], 201)
        for _ in range(2):
            self.assertTwilioError(self.s.send(), 429, 20429)
            self.assertEqual(self.s.last_headers.get("Retry-After"), "1")
        self.assertEqual(self.s.send()[0], 201, "times ran out")
        self.assertEqual([r["fault"] for r in self.s.control("GET", "requests") if "fault" in r], ["error", "error"])
        self.s.control("POST", "faults", [{"code": 21614}])
        self.assertTwilioError(self.s.send(), 400, 21614)

    def test_http_reset_and_delay_faults(self):
        self.s.control("POST", "faults", [{"mode": "http", "http_status": 503, "body": "busy", "times": 1},
                                          {"mode": "reset", "times": 1}])
        self.assertEqual(self.s.send(), (503, "busy"))
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.s.send()
        self.s.control("POST", "delay", {"ms": 200})
        started = time.time()
        self.assertEqual(self.s.send()[0], 201)
        self.assertGreaterEqual(time.time() - started, 0.2)

    # ---- webhooks ----

    def test_status_callbacks_are_posted_signed_to_the_exact_url(self):
        receiver = Receiver()
        try:
            callback = receiver.base + "/hooks/twilio?cart_abandon_ref=cart_abandon%3A42%3A17"
            self.s.control("POST", "callback_plan",
                           {"failures": {"+15005550007": {"code": 30003, "after": ["sent"]}}})
            sid = self.s.send(StatusCallback=callback)[1]["sid"]
            failed_sid = self.s.send(To="+15005550007", StatusCallback=callback)[1]["sid"]
            self.assertTrue(wait_for(lambda: len(receiver.received) == 4), receiver.received)
            seen = []
            for path, (headers, raw) in zip(receiver.paths, receiver.received):
                raw = raw.decode()
                self.assertEqual(receiver.base + path, callback)
                self.assertEqual(headers["Content-Type"], "application/x-www-form-urlencoded")
                self.assertEqual(headers["X-Twilio-Signature"], expected_signature(callback, raw))
                fields = dict(urllib.parse.parse_qsl(raw))
                self.assertEqual(fields["AccountSid"], ACCOUNT)
                seen.append((fields["MessageSid"], fields["MessageStatus"], fields.get("ErrorCode")))
            self.assertEqual(sorted(seen), sorted([(sid, "sent", None), (sid, "delivered", None),
                                                   (failed_sid, "sent", None), (failed_sid, "undelivered", "30003")]))
            deliveries = self.s.control("GET", "callback_deliveries")
            self.assertTrue(all(d["delivered"] and d["statuses"] == [200] for d in deliveries))
        finally:
            receiver.close()

    def test_callbacks_wait_for_pulling_when_push_is_off(self):
        self.s.control("POST", "callback_plan", {"push": False, "statuses": ["queued", "sent", "delivered", "read"]})
        url = "https://shop.example/hooks/twilio"
        sid = self.s.send(StatusCallback=url)[1]["sid"]
        self.s.send()  # no StatusCallback: no callbacks
        taken = self.s.control("GET", "callbacks?max=10")
        self.assertEqual([dict(urllib.parse.parse_qsl(t["body"]))["MessageStatus"] for t in taken],
                         ["queued", "sent", "delivered", "read"])
        for item in taken:
            self.assertEqual((item["kind"], item["url"]), ("status", url))
            self.assertEqual(item["signature"], expected_signature(url, item["body"]))
            self.assertEqual(dict(urllib.parse.parse_qsl(item["body"]))["MessageSid"], sid)
        self.assertEqual(self.s.control("GET", "callbacks"), [])
        self.assertEqual(self.s.control("POST", "callback_plan", {"statuses": ["nope"]}).get("error")[:9], "statuses:")

    def test_inbound_stop_opts_out_and_start_opts_back_in(self):
        receiver = Receiver()
        try:
            incoming = receiver.base + "/hooks/twilio/inbound"
            self.s.control("POST", "incoming_url", {"url": incoming})
            answer = self.s.control("POST", "inbound", {"from": TO, "body": " stop "})
            self.assertEqual(answer["keyword"], "opt_out")
            self.assertTrue(wait_for(lambda: len(receiver.received) == 1))
            headers, raw = receiver.received[0]
            raw = raw.decode()
            self.assertEqual(headers["X-Twilio-Signature"], expected_signature(incoming, raw))
            fields = dict(urllib.parse.parse_qsl(raw))
            self.assertEqual((fields["From"], fields["To"], fields["Body"], fields["MessageSid"]),
                             (TO, FROM, " stop ", answer["sid"]))
            self.assertEqual(fields["SmsStatus"], "received")
            self.assertNotIn("OptOutType", fields)
            self.assertTwilioError(self.s.send(), 400, 21610)
            self.assertEqual(self.s.control("POST", "inbound", {"from": TO, "body": "STOP please"})["keyword"], None)
            self.assertTwilioError(self.s.send(), 400, 21610)
            self.assertEqual(self.s.control("POST", "inbound", {"from": TO, "body": "Unstop",
                                                                "advanced_opt_out": True})["keyword"], "opt_in")
            self.assertEqual(self.s.send()[0], 201)
            self.assertTrue(wait_for(lambda: len(receiver.received) == 3))
            self.assertEqual(dict(urllib.parse.parse_qsl(receiver.received[2][1].decode()))["OptOutType"], "START")
        finally:
            receiver.close()

    def test_inbound_without_incoming_url_waits_for_pulling(self):
        self.assertEqual(self.s.control("POST", "inbound", {"from": TO, "body": "HELP"})["keyword"], "help")
        taken = self.s.control("GET", "callbacks")
        self.assertEqual(len(taken), 1)
        self.assertEqual((taken[0]["kind"], taken[0]["url"]), ("inbound", None))
        self.assertIn("error", self.s.control("POST", "inbound", {"from": "5550006", "body": "x"}))

    def test_reset_forgets_everything(self):
        self.s.control("POST", "faults", [{"code": 21614}])
        self.s.control("POST", "regions", {"blocked": ["1"]})
        self.s.control("POST", "callback_plan", {"push": False})
        self.s.send()
        self.s.control("POST", "reset", {})
        state = self.s.control("GET", "state")
        self.assertEqual((state["faults"], state["regions"]["blocked"], state["requests"]), ([], [], 0))
        self.assertTrue(state["callbacks"]["plan"]["push"])
        self.assertEqual(self.s.send()[0], 201)


if __name__ == "__main__":
    unittest.main()
