"""Self-test of the SMTP sink: starts smtp_sink.py under /usr/bin/python3 (which has aiosmtpd) and
talks to it with the standard library's smtplib. Skipped when that Python lacks aiosmtpd or the
openssl command is missing. About 2 s. From any directory:
    python3 test/standin/test_smtp_sink.py [-v]
"""

import email.message
import http.client
import json
import os
import shutil
import smtplib
import ssl
import subprocess
import tempfile
import time
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "smtp_sink.py")
PYTHON = "/usr/bin/python3"
USER, PASSWORD = "shop@sink.test", "self-test-password-31d7"


def usable():
    try:
        return subprocess.run([PYTHON, "-c", "import aiosmtpd"], capture_output=True).returncode == 0 and \
            shutil.which("openssl") is not None
    except OSError:
        return False


class Sink:
    def __init__(self, directory, *extra):
        port_file = os.path.join(directory, "ports")
        self.process = subprocess.Popen([PYTHON, SCRIPT, "--port-file", port_file, *extra], cwd="/",
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(400):
            if os.path.exists(port_file):
                break
            if self.process.poll() is not None:
                raise RuntimeError("the sink exited: %s" % self.process.stdout.read().decode())
            time.sleep(0.02)
        with open(port_file) as f:
            self.ports = json.load(f)
        os.remove(port_file)

    def stop(self):
        self.process.terminate()
        return self.process.communicate(timeout=5)[0].decode()

    def control(self, method, path, payload=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.ports["control"], timeout=5)
        connection.request(method, "/_control/" + path, json.dumps(payload).encode() if payload is not None else None)
        answer = connection.getresponse()
        status, body = answer.status, json.loads(answer.read())
        connection.close()
        return status, body

    def smtp(self):
        return smtplib.SMTP("127.0.0.1", self.ports["smtp"], timeout=5)


def message(text="Hallo 👋 שלום", html="<p>Hallo 👋 שלום</p>"):
    m = email.message.EmailMessage()
    m["From"] = "shop@shop.test"
    m["To"] = "anna@example.test"
    m["Subject"] = "Your cart"
    m.set_content(text, cte="quoted-printable")
    m.add_alternative(html, subtype="html", cte="base64")
    return m.as_bytes()


@unittest.skipUnless(usable(), PYTHON + " lacks aiosmtpd, or no openssl command")
class SinkTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="smtp_sink_test.")
        cls.cert, key = os.path.join(cls.dir, "cert.pem"), os.path.join(cls.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cls.cert], check=True, capture_output=True)
        with open(os.path.join(cls.dir, "auth"), "w") as f:
            f.write(USER + "\n" + PASSWORD + "\n")
        cls.plain = Sink(cls.dir)
        cls.tls = Sink(cls.dir, "--tls-cert", cls.cert, "--tls-key", key, "--smtps-port", "0",
                       "--auth-file", os.path.join(cls.dir, "auth"))

    @classmethod
    def tearDownClass(cls):
        output = cls.plain.stop() + cls.tls.stop()
        shutil.rmtree(cls.dir)
        assert PASSWORD not in output, "the sink printed the password"

    def setUp(self):
        for sink in (self.plain, self.tls):
            sink.control("POST", "reset", {})

    def tls_context(self):
        return ssl.create_default_context(cafile=self.cert)

    def test_records_envelope_headers_and_parts(self):
        with self.plain.smtp() as smtp:
            smtp.sendmail("bounces@shop.test", ["anna@example.test", "ben@example.test"], message())
        _, messages = self.plain.control("GET", "messages")
        self.assertEqual(len(messages), 1)
        m = messages[0]
        self.assertEqual((m["seq"], m["connection"], m["tls"], m["auth_user"]), (1, 1, False, None))
        self.assertEqual(m["mail_from"], "bounces@shop.test")
        self.assertEqual(m["rcpt_tos"], ["anna@example.test", "ben@example.test"])
        self.assertIn(["Subject", "Your cart"], m["headers"])
        self.assertEqual(m["structure"], "multipart/alternative(text/plain,text/html)")
        self.assertEqual([(p["charset"], p["transfer_encoding"], p["text"]) for p in m["parts"]],
                         [("utf-8", "quoted-printable", "Hallo 👋 שלום\n"),
                          ("utf-8", "base64", "<p>Hallo 👋 שלום</p>\n")])
        _, state = self.plain.control("GET", "state")
        self.assertEqual((state["connections"], state["transactions"], state["messages"]), (1, 1, 1))

    def test_faults_at_each_stage(self):
        self.plain.control("POST", "faults", [
            {"stage": "rcpt", "to": "bad@example.test", "code": 550, "text": "5.1.1 User unknown"},
            {"stage": "mail", "code": 451, "text": "4.3.0 later", "times": 1},
            {"stage": "data", "code": 452, "text": "4.3.1 full", "times": 1},
            {"stage": "end_of_data", "code": 554, "text": "5.7.1 spam", "times": 1}])
        with self.plain.smtp() as smtp:
            smtp.ehlo()
            self.assertEqual(smtp.mail("a@shop.test"), (451, b"4.3.0 later"))
            self.assertEqual(smtp.mail("a@shop.test")[0], 250)
            self.assertEqual(smtp.rcpt("bad@example.test"), (550, b"5.1.1 User unknown"))
            self.assertEqual(smtp.rcpt("good@example.test")[0], 250)
            self.assertEqual(smtp.docmd("DATA"), (452, b"4.3.1 full"))
            self.assertEqual(smtp.data(message()), (554, b"5.7.1 spam"))
            smtp.rset()
            smtp.sendmail("a@shop.test", ["good@example.test"], message())  # every `times` rule is spent
        _, state = self.plain.control("GET", "state")
        self.assertEqual((state["refusals"], state["messages"], state["ends_of_data"]), (4, 1, 2))
        self.assertEqual([rule["stage"] for rule in state["faults"] if rule.get("times", 1) > 0], ["rcpt"])

    def test_close_after_the_end_of_data(self):
        self.plain.control("POST", "faults", [{"stage": "end_of_data", "close": True}])
        with self.assertRaises(smtplib.SMTPServerDisconnected):
            with self.plain.smtp() as smtp:
                smtp.sendmail("a@shop.test", ["anna@example.test"], message())
        _, messages = self.plain.control("GET", "messages")
        self.assertEqual(messages, [])

    def test_delay(self):
        self.plain.control("POST", "delay", {"ms": 300})
        with self.plain.smtp() as smtp:
            start = time.monotonic()
            smtp.sendmail("a@shop.test", ["anna@example.test"], message())
            self.assertGreaterEqual(time.monotonic() - start, 0.3)

    def test_starttls_required_then_auth(self):
        with self.tls.smtp() as smtp:
            smtp.ehlo()
            self.assertEqual(smtp.mail("a@shop.test")[0], 530)  # STARTTLS first
            smtp.starttls(context=self.tls_context())
            smtp.ehlo()
            self.assertEqual(smtp.mail("a@shop.test")[0], 530)  # AUTH first
            with self.assertRaises(smtplib.SMTPAuthenticationError):
                smtp.login(USER, "wrong")
            smtp.login(USER, PASSWORD)
            smtp.sendmail("a@shop.test", ["anna@example.test"], message())
        _, messages = self.tls.control("GET", "messages")
        self.assertEqual((messages[0]["tls"], messages[0]["auth_user"]), (True, USER))
        _, state = self.tls.control("GET", "state")
        self.assertGreaterEqual(state["auth_failures"], 1)  # smtplib tries each mechanism offered
        self.assertEqual((state["auth_successes"], state["connections"]), (1, 1))
        self.assertNotIn(PASSWORD, json.dumps([messages, state]))

    def test_implicit_tls(self):
        with smtplib.SMTP_SSL("127.0.0.1", self.tls.ports["smtps"], context=self.tls_context(), timeout=5) as smtp:
            smtp.login(USER, PASSWORD)
            smtp.sendmail("a@shop.test", ["anna@example.test"], message())
        _, messages = self.tls.control("GET", "messages")
        self.assertEqual(messages[0]["tls"], True)

    def test_bad_control(self):
        self.assertEqual(self.plain.control("POST", "faults", [{"stage": "quit", "code": 550}])[0], 400)
        self.assertEqual(self.plain.control("POST", "faults", [{"stage": "rcpt", "code": 250}])[0], 400)
        self.assertEqual(self.plain.control("POST", "delay", {"ms": -1})[0], 400)
        self.assertEqual(self.plain.control("POST", "nothing", {})[0], 404)


if __name__ == "__main__":
    unittest.main()
