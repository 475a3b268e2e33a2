"""Twilio's Messages API as the stand-in mirrors it: the error body, the checks of a send in
Twilio's order, the message resource of an accepted one, segments (GSM-7 or UCS-2), the request
signature (X-Twilio-Signature) and the default opt-out keywords. See twilio_standin.py."""

import base64
import hashlib
import hmac
import re
import time
import urllib.parse
from email.utils import formatdate

API_VERSION = "2010-04-01"
SEND_PATH = re.compile(r"/2010-04-01/Accounts/([^/]+)/Messages\.json")
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
MESSAGING_SERVICE_SID = re.compile(r"MG[0-9a-f]{32}")
MAX_BODY_CHARS = 1600
FORM_TYPE = "application/x-www-form-urlencoded"

OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
OPT_IN_WORDS = {"START", "YES", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}

MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource %s was not found",
    20429: "Too Many Requests",
    21211: "The 'To' number %s is not a valid phone number.",
    21212: "The 'From' number %s is not a valid phone number, shortcode, or alphanumeric sender ID.",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: %s.",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21606: ("The From phone number %s is not a valid, SMS-capable inbound phone number or short code for your "
            "account."),
    21609: "The StatusCallback URL %s is not a valid URL.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
}

# GSM 03.38: the default alphabet (one septet) and the extension table (two).
GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
                "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = set("\f^{}\\[~]|€")


def error(code, status=400, detail=None):
    """Twilio's error body and its HTTP status."""
    text = MESSAGES.get(code, "Error %d" % code)
    if "%s" in text:
        text = text % (detail if detail is not None else "")
    return status, {"code": code, "message": text, "more_info": "https://www.twilio.com/docs/errors/%d" % code,
                    "status": status}


def segments(body):
    """(num_segments, encoding) as carriers bill them: GSM-7 160 / 153, else UCS-2 70 / 67 UTF-16 units."""
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in body):
        units, single, multi, encoding = sum(2 if c in GSM_EXTENSION else 1 for c in body), 160, 153, "GSM-7"
    else:
        units, single, multi, encoding = len(body.encode("utf-16-le")) // 2, 70, 67, "UCS-2"
    if units == 0:
        return 0, encoding
    return (1 if units <= single else -(-units // multi)), encoding


def form_of(raw, content_types):
    """The form's pairs, or None when the request is not exactly one form (one Content-Type,
    application/x-www-form-urlencoded): Twilio then sees no parameters at all."""
    if len(content_types) != 1 or content_types[0].split(";")[0].strip().lower() != FORM_TYPE:
        return None
    try:
        return urllib.parse.parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        return None


def check_send(params, config):
    """Twilio's refusal of a send's parameters as (http status, body), else None. `config`: the
    account's numbers, Messaging Service, blocked calling codes and opted-out numbers."""
    to = params.get("To")
    if not to:
        return error(21604)
    if not E164.fullmatch(to):
        return error(21211, detail=to)
    service, sender = params.get("MessagingServiceSid"), params.get("From")
    if not service and not sender:
        return error(21603)
    if service:
        if not MESSAGING_SERVICE_SID.fullmatch(service) or service != config["messaging_service_sid"]:
            return error(20404, 404, "/2010-04-01/Accounts/%s/Messages.json" % config["account_sid"])
    elif not E164.fullmatch(sender):
        return error(21212, detail=sender)
    elif sender not in config["numbers"]:
        return error(21606, detail=sender)
    body = params.get("Body")
    if not body:
        return error(21602)
    if len(body) > MAX_BODY_CHARS:
        return error(21617)
    callback = params.get("StatusCallback")
    if callback is not None:
        parts = urllib.parse.urlsplit(callback)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return error(21609, detail=callback)
    if any(to.startswith("+" + code) for code in config["blocked_regions"]):
        return error(21408, detail=to)
    if to in config["opted_out"]:
        return error(21610)
    return None


def message_resource(sid, params, config, status):
    """The 201 answer: Twilio's Message resource as created."""
    now = formatdate(time.time(), usegmt=True)
    count, _ = segments(params["Body"])
    service = params.get("MessagingServiceSid")
    return {"sid": sid, "account_sid": config["account_sid"], "api_version": API_VERSION,
            "body": params["Body"], "date_created": now, "date_updated": now, "date_sent": None,
            "direction": "outbound-api", "error_code": None, "error_message": None,
            "from": None if service else params["From"], "messaging_service_sid": service,
            "num_media": "0", "num_segments": str(count), "price": None, "price_unit": "USD",
            "status": status, "to": params["To"],
            "uri": "/%s/Accounts/%s/Messages/%s.json" % (API_VERSION, config["account_sid"], sid)}


def signature(auth_token, url, params):
    """X-Twilio-Signature: base64(HMAC-SHA1(auth token, url + name + value of each parameter, sorted))."""
    text = url + "".join(name + value for name, value in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), text.encode(), hashlib.sha1).digest()).decode()


def keyword_of(body):
    """"opt_out", "opt_in", "help" or None: Twilio's default keywords, the whole message trimmed, any case."""
    word = body.strip(" \t\r\n\f\v")
    if not word.isascii():  # Python's upper() would make "ſtop" STOP
        return None
    word = word.upper()
    if word in OPT_OUT_WORDS:
        return "opt_out"
    if word in OPT_IN_WORDS:
        return "opt_in"
    return "help" if word in HELP_WORDS else None
