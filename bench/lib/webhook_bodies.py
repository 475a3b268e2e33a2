#!/usr/bin/env python3
"""Writes an SQL script that feeds cart_abandon_webhook CALLS bodies of PER statuses each, signed
as Meta signs them, for messages wamid.bench<N> (1..CALLS*PER), then prints the milliseconds the
calls took (measured inside the session, so psql's start is not counted).

    webhook_bodies.py STATUS CALLS PER APP_SECRET_FILE > script.sql
"""
import hashlib
import hmac
import json
import sys


def body(status, first, count):
    statuses = [{"id": "wamid.bench%d" % n, "status": status, "timestamp": str(1764460800 + n),
                 "recipient_id": "4915100%06d" % n, "biz_opaque_callback_data": "cart_abandon:%d:0" % n}
                for n in range(first, first + count)]
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "100000000000001", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp",
                                        "metadata": {"display_phone_number": "15550001234", "phone_number_id": "1"},
                                        "statuses": statuses}}]}]}, separators=(",", ":"))


def main():
    status, calls, per, secret_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open(secret_file, "rb") as f:
        secret = f.read().strip()
    print("SELECT clock_timestamp() AS t0 \\gset")
    for call in range(calls):
        text = body(status, 1 + call * per, per)
        signature = "sha256=" + hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()
        print("SELECT cart_abandon_webhook($body$%s$body$, '%s') \\g /dev/null" % (text, signature))
    print("SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000);")


if __name__ == "__main__":
    main()
