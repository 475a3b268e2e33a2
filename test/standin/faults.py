"""The fault modes of POST /_control/faults, applied to one request (see whatsapp_standin.py)."""

import socket
import time

import meta_api


def inject(handler, fault, record):
    """Applies a fault; returns True when the request has been answered (or dropped)."""
    mode = fault["mode"]
    if mode == "error":
        code = int(fault.get("code", 131000))
        handler.finish_record(record, int(fault.get("http_status", 400)), meta_api.meta_error(code),
                              fault.get("headers"))
        return True
    if mode == "http":
        status = int(fault.get("http_status", 500))
        data = fault.get("body", "").encode()
        handler.record(record, status, accepted=False)
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (fault.get("headers") or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)
        return True
    if mode == "not_json":
        handler.record(record, 200, accepted=True)  # Meta accepted it: wamid, wa_id and webhooks
        data = b"<html>OK</html>"
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        return True
    if mode == "truncate":
        handler.record(record, 200, accepted=False)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "400")
        handler.end_headers()
        handler.wfile.write(b'{"messaging_product":"whatsapp","messages":[{"id":"wam')
        handler.close_connection = True
        return True
    if mode == "reset":
        handler.record(record, 0, accepted=False)
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        handler.close_connection = True
        return True
    if mode == "hang":
        handler.record(record, 0, accepted=False)
        time.sleep(float(fault.get("seconds", 30)))
        handler.close_connection = True
        return True
    return False
