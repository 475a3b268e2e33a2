"""What the stand-ins' self-tests share: a stand-in process on its own port with its files in a
temporary directory, a webhook receiver, and waiting for a condition."""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Process:
    """One stand-in process, on its own port, talked to over a plain connection (no proxy).
    `files`: {name: text} written in its directory first; "{dir}" in `args` names that directory."""

    def __init__(self, script, args, files):
        self.dir = tempfile.mkdtemp(prefix="standin_test.")
        for name, text in files.items():
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text + "\n")
        port_file = os.path.join(self.dir, "port")
        command = [sys.executable, script, "--port", "0", "--port-file", port_file] + [
            a.replace("{dir}", self.dir) for a in args]
        # From another directory: the script must find its modules wherever it is started.
        self.process = subprocess.Popen(command, cwd="/", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(port_file):
                break
            if self.process.poll() is not None:
                raise RuntimeError("the stand-in exited: %s" % self.process.stdout.read().decode())
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read())

    def stop(self):
        """Ends the process; returns what it printed."""
        self.process.terminate()
        output = self.process.communicate(timeout=5)[0].decode()
        shutil.rmtree(self.dir)
        return output

    def call(self, method, path, body=None, headers=None, raw=None):
        """(status, JSON answer or text); `body` is sent as JSON, `raw` as it is. The answer's
        headers stay in last_headers."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        connection.request(method, path, body=data, headers=headers or {})
        answer = connection.getresponse()
        text = answer.read().decode()
        self.last_headers = dict(answer.getheaders())
        connection.close()
        try:
            return answer.status, json.loads(text)
        except ValueError:
            return answer.status, text

    def control(self, method, path, body=None):
        status, answer = self.call(method, "/_control/" + path, body)
        return answer


class Receiver:
    """A webhook endpoint: records each POST (headers and raw body in `received`, the path with its
    query in `paths`), answers the given statuses in turn (the last one from then on)."""

    def __init__(self, answers=(200,)):
        self.answers, self.received, self.paths = list(answers), [], []
        receiver = self

        class Handle(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.paths.append(self.path)
                receiver.received.append((dict(self.headers), raw))
                status = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.url = self.base + "/webhook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def wait_for(condition, seconds=5):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False
