import { createHash, timingSafeEqual } from "node:crypto"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import * as cartAbandon from "../../../../lib/cart-abandon"
import { withDatabaseErrors } from "../../../../lib/errors"
import { pluginOptions } from "../../../../lib/options"

/**
 * The channels whose webhooks the extension applies. WhatsApp's path,
 * /hooks/cart-abandonment/whatsapp, is the callback URL shops gave Meta: it must not move.
 * SMS's, /hooks/cart-abandonment/sms, takes Twilio's status callbacks
 * (cart_abandon.twilio_status_callback_url) and the number's incoming messages (STOP, START).
 */
const CHANNELS = ["whatsapp", "sms"] as const

/** An empty TwiML answer: Twilio sends no reply to the person (its own STOP/START replies stand). */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

/**
 * GET /hooks/cart-abandonment/whatsapp: Meta's verification handshake. The query is read from
 * the raw URL: an extended query parser would turn "hub.mode" into nested objects.
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const query = new URL(req.originalUrl, "http://localhost").searchParams
  // Before any answer, an unknown channel's 404 included: a token typed into a wrong URL is not logged either.
  hideTokenFromRequestLog(req, query)
  if (!isServedChannel(req, res)) return
  if (req.params.channel !== "whatsapp") {
    res.status(405).set("Allow", "POST").json({ type: "not_allowed", message: "Twilio's webhooks are POSTs" })
    return
  }
  const expected = pluginOptions(req.scope).verifyToken
  if (!expected) {
    req.scope.resolve(ContainerRegistrationKeys.LOGGER).warn("cart_abandon: the plugin option verifyToken is not set: Meta's handshake is refused")
  }
  const given = query.get("hub.verify_token")
  const challenge = query.get("hub.challenge")
  if (query.get("hub.mode") !== "subscribe" || !expected || given === null || !sameSecret(given, expected) || challenge === null) {
    res.status(403).type("text/plain").send("Forbidden")
    return
  }
  res.status(200).type("text/plain").set("X-Content-Type-Options", "nosniff").send(challenge)
}

/**
 * POST /hooks/cart-abandonment/whatsapp: one of Meta's webhook deliveries. The exact bytes
 * received (Medusa's bodyParser preserveRawBody, see middlewares.ts) and X-Hub-Signature-256 go
 * to cart_abandon_webhook; any error is an answer other than 200 (errors.ts), so Meta retries
 * rather than a status being dropped.
 */
export const POST = withDatabaseErrors(async (req: MedusaRequest, res: MedusaResponse) => {
  if (!isServedChannel(req, res)) return
  const raw = (req as MedusaRequest & { rawBody?: Buffer }).rawBody
  if (req.params.channel === "sms") {
    await postSms(req, res, raw)
    return
  }
  if (!Buffer.isBuffer(raw)) {
    // A 4xx: Meta always sends JSON, and a body that can never succeed must not be retried.
    res.status(415).json({ type: "invalid_data", message: "expected Meta's JSON body (Content-Type: application/json)" })
    return
  }
  const counts = await cartAbandon.webhook(req.scope, raw, req.get("x-hub-signature-256") ?? null)
  res.status(200).json(counts)
})

/**
 * POST /hooks/cart-abandonment/sms: one of Twilio's webhooks. Twilio signs the URL it called and
 * the form's parameters: the URL is rebuilt from the plugin option publicUrl (else this request's
 * protocol and Host) and the path and query as received, the exact form bytes go with
 * X-Twilio-Signature to cart_abandon_sms_webhook. Any error is an answer other than 2xx (errors.ts):
 * Twilio records it (error 11200) rather than a status being taken for applied.
 */
async function postSms(req: MedusaRequest, res: MedusaResponse, raw: Buffer | undefined): Promise<void> {
  if (!Buffer.isBuffer(raw) || !req.is("application/x-www-form-urlencoded")) {
    res.status(415).json({ type: "invalid_data", message: "expected Twilio's form body (Content-Type: application/x-www-form-urlencoded)" })
    return
  }
  const origin = (pluginOptions(req.scope).publicUrl ?? `${req.protocol}://${req.get("host")}`).replace(/\/+$/, "")
  const result = await cartAbandon.smsWebhook(req.scope, origin + req.originalUrl, raw, req.get("x-twilio-signature") ?? null)
  if (result.kind === "inbound") {
    res.status(200).type("text/xml").send(EMPTY_TWIML)
    return
  }
  res.status(200).json(result)
}

/** A channel of the path other than those served: a 404 that names the ones served. */
function isServedChannel(req: MedusaRequest, res: MedusaResponse): boolean {
  const channel = req.params.channel
  if ((CHANNELS as readonly string[]).includes(channel)) return true
  res.status(404).json({
    type: "not_found",
    message: `no cart_abandon webhook for the channel "${channel}": the channels served are ${CHANNELS.join(", ")}`,
  })
  return false
}

/**
 * Meta sends the verify token in the URL, and Medusa's request log (morgan) prints the URL once
 * the answer is sent: the logged URL is made without it.
 */
function hideTokenFromRequestLog(req: MedusaRequest, query: URLSearchParams): void {
  if (!query.has("hub.verify_token")) return
  const shown = new URLSearchParams(query)
  shown.set("hub.verify_token", "[redacted]")
  req.originalUrl = `${req.path}?${shown.toString()}`
}

/** Constant-time comparison of two secrets of any length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest()
  return timingSafeEqual(digest(given), digest(expected))
}
