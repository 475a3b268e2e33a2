"""The fault modes of POST /_control/faults, applied to one request (see whatsapp_standin.py)."""

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
        handler.record(record, status, accepted=False)
        handler.send_raw(status, fault.get("body", "").encode(), fault.get("headers"))
        return True
    if mode == "not_json":
        handler.record(record, 200, accepted=True)  # Meta accepted it: wamid, wa_id and webhooks
        handler.send_raw(200, b"<html>OK</html>")
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
    if mode in ("reset", "hang"):
        handler.record(record, 0, accepted=False)
        handler.drop(float(fault.get("seconds", 30)) if mode == "hang" else None)
        return True
    return False
