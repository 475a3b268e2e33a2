"""What Meta's Cloud API checks in a template send, and how it answers: error bodies, the template
catalogue, recipients (`to` and the `wa_id` Meta gives back). No HTTP here: whatsapp_standin.py
serves it. Source: docs/whatsapp-cloud-api.md (Meta's documented behaviour).
"""

import hashlib
import hmac
import random
import re

# Titles as Meta puts them in `message` ("(#code) title") and in webhook errors[].title.
ERROR_TITLES = {
    0: "AuthException", 1: "API Unknown", 2: "API Service", 3: "API Method", 4: "Too many calls",
    10: "Permission denied", 100: "Invalid parameter", 190: "Access token has expired",
    368: "Temporarily blocked for policies violations", 130429: "Rate limit hit",
    130472: "User's number is part of an experiment", 131000: "Something went wrong",
    131008: "Required parameter is missing", 131009: "Parameter value is not valid",
    131016: "Service unavailable", 131021: "Recipient cannot be sender", 131026: "Message undeliverable",
    131031: "Business Account locked", 131042: "Business eligibility payment issue",
    131047: "Re-engagement message", 131048: "Spam rate limit hit",
    131049: "This message was not delivered to maintain healthy ecosystem engagement",
    131050: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages "
            "on WhatsApp from your business",
    131056: "(Business Account, Consumer Account) pair rate limit hit", 131057: "Account in maintenance mode",
    131063: "Marketing messages are disabled on the Cloud API for this phone number",
    131064: "Account limited after template category violations",
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation", 132005: "Translated text too long",
    132007: "Template format character policy violated", 132012: "Parameter format mismatch",
    132015: "Template is paused", 132016: "Template is disabled",
    132018: "There was an issue with the parameters in your template.",
    133004: "Server temporarily unavailable", 80007: "Rate limit issues",
}

# error_data.details for the failures that mostly arrive by webhook (and a fallback: the title).
ERROR_DETAILS = {
    130472: "Message was not sent as part of an experiment.",
    131026: "Message Undeliverable.",
    131049: "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
    131050: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages "
            "on WhatsApp from your business",
    131063: "Marketing template messages cannot be sent with /messages for this phone number: "
            "use the Marketing Messages API (/marketing_messages).",
}

# The approved templates at start (POST /_control/approved_templates replaces them).
DEFAULT_TEMPLATES = {
    "cart_abandonment_first": {"languages": ["en", "en_US"], "body_parameters": 3, "category": "marketing"},
    "cart_abandonment_second": {"languages": ["en", "en_US"], "body_parameters": 3, "category": "marketing"},
}
MAX_PARAMETER_CHARS = 1024
MAX_CALLBACK_DATA_CHARS = 512
PACING_STATUSES = ("accepted", "held_for_quality_assessment")

# `to`: Meta tolerates spaces, dashes and brackets; without '+' it prepends the business number's
# country code. Anything else that is not a digit is refused.
TO_FORMATTING = re.compile(r"[ \-()]")
WITH_PLUS = re.compile(r"\+[1-9][0-9]{6,14}")
WITHOUT_PLUS = re.compile(r"[0-9]{6,15}")
BRAZIL_MOBILE = re.compile(r"55[1-9][1-9]9[0-9]{8}")  # 55, area code, the mobile 9, 8 digits
MEXICO = re.compile(r"52[0-9]{10}")


def fbtrace_id():
    return "Astandin" + "".join(random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                                for _ in range(15))


def meta_error(code, details=None):
    """A Cloud API error body (OAuthException, Meta's usual type for messaging errors)."""
    error = {"message": "(#%d) %s" % (code, ERROR_TITLES.get(code, "Error")), "type": "OAuthException",
             "code": code, "fbtrace_id": fbtrace_id()}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


def unknown_object_error(object_id):
    """What the Graph API answers for a phone-number id that does not exist or the token cannot use."""
    return {"error": {
        "message": "Unsupported post request. Object with ID '%s' does not exist, cannot be loaded due to missing "
                   "permissions, or does not support this operation. Please read the Graph API documentation at "
                   "https://developers.facebook.com/docs/graph-api" % object_id,
        "type": "GraphMethodException", "code": 100, "error_subcode": 33, "fbtrace_id": fbtrace_id()}}


def appsecret_proof(token, app_secret):
    """Graph's appsecret_proof: hex HMAC-SHA256 of the access token keyed with the app secret (bytes)."""
    return hmac.new(app_secret, token.encode(), hashlib.sha256).hexdigest()


def appsecret_proof_error(given):
    """Graph's refusal of a call while the app has "Require App Secret" on: no proof, or a wrong one."""
    message = ("API calls from the server require an appsecret_proof argument" if given is None
               else "Invalid appsecret_proof provided in the API argument")
    return {"error": {"message": message, "type": "GraphMethodException", "code": 100, "fbtrace_id": fbtrace_id()}}


def webhook_error(code):
    """One entry of a failed status's errors[]."""
    title = ERROR_TITLES.get(code, "Error")
    return {"code": code, "title": title, "message": title, "error_data": {"details": ERROR_DETAILS.get(code, title)}}


def resolve_to(to, business_country_code):
    """The number Meta delivers to, as digits, and whether `to` had the '+'; None if Meta refuses it."""
    if not isinstance(to, str):
        return None
    compact = TO_FORMATTING.sub("", to)
    if WITH_PLUS.fullmatch(compact):
        return compact[1:], True
    if WITHOUT_PLUS.fullmatch(compact):
        return business_country_code + compact, False
    return None


def digits_of(number):
    return re.sub(r"[^0-9]", "", str(number))


def wa_id_for(digits, brazil_old_accounts):
    """Meta's WhatsApp id for a number: Brazilian accounts made before the mobile 9 keep ids without
    it; Mexican ids carry 521 where E.164 has 52; others are the digits.
    brazil_old_accounts: {"all": bool, "numbers": set of digit strings}."""
    if BRAZIL_MOBILE.fullmatch(digits) and (brazil_old_accounts["all"] or digits in brazil_old_accounts["numbers"]):
        return digits[:4] + digits[5:]
    if MEXICO.fullmatch(digits):
        return "521" + digits[2:]
    return digits


def template_of(body):
    """(name, language code, body parameter list) of a request body, None where absent."""
    template = body.get("template") if isinstance(body, dict) and isinstance(body.get("template"), dict) else {}
    language = template.get("language")
    language = language.get("code") if isinstance(language, dict) else None
    parameters = None
    components = template.get("components")
    for component in components if isinstance(components, list) else []:
        if isinstance(component, dict) and component.get("type") == "body":
            parameters = component.get("parameters") if isinstance(component.get("parameters"), list) else []
    return template.get("name"), language, parameters


def check_shape(body, business_country_code):
    """The checks before the template is looked up: (code, details) for a refused request, else None."""
    if not isinstance(body, dict):
        return 100, "the body must be a JSON object"
    if body.get("messaging_product") != "whatsapp":
        return 100, "messaging_product must be whatsapp"
    if body.get("type") != "template":
        return 100, "type must be template"
    if resolve_to(body.get("to"), business_country_code) is None:
        return 100, "to must be a phone number: digits, optionally a leading + and spaces, dashes or brackets"
    if not isinstance(body.get("template"), dict):
        return 131008, "template is missing"
    callback = body.get("biz_opaque_callback_data")
    if callback is not None and (not isinstance(callback, str) or len(callback) > MAX_CALLBACK_DATA_CHARS):
        return 100, "biz_opaque_callback_data must be a string of at most %d characters" % MAX_CALLBACK_DATA_CHARS
    return None


def check_parameters(parameters, expected):
    """The body parameters against the template: (code, details) for a refused request, else None."""
    parameters = parameters or []
    if len(parameters) != expected:
        return 132000, "expected %d body parameters, got %d" % (expected, len(parameters))
    for parameter in parameters:
        if not isinstance(parameter, dict) or parameter.get("type") != "text" \
                or not isinstance(parameter.get("text"), str):
            return 131009, "every body parameter must be {type: text, text: string}"
        text = parameter["text"]
        if not text:
            return 100, "Param text cannot be empty"
        if "\n" in text or "\t" in text or "     " in text:
            return 132018, "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"
        if len(text) > MAX_PARAMETER_CHARS:
            return 132005, "parameter longer than %d characters" % MAX_PARAMETER_CHARS
    return None


def check_templates(catalogue):
    """Validates a POST /_control/approved_templates payload; returns an error text or None."""
    if not isinstance(catalogue, dict):
        return "expected {name: {languages, body_parameters, category}}"
    for name, entry in catalogue.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("languages"), list) \
                or not isinstance(entry.get("body_parameters", 0), int):
            return ("template %r: expected {\"languages\": [...], \"body_parameters\": N, "
                    "\"category\": \"marketing\"}" % name)
    return None
