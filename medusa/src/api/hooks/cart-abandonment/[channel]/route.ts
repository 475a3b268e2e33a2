import { createHash, timingSafeEqual } from "node:crypto"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import * as cartAbandon from "../../../../lib/cart-abandon"
import { withDatabaseErrors } from "../../../../lib/errors"
import { pluginOptions } from "../../../../lib/options"

/**
 * The channels whose webhooks the extension applies. WhatsApp's path,
 * /hooks/cart-abandonment/whatsapp, is the callback URL shops gave Meta: it must not move.
 */
const CHANNELS = ["whatsapp"] as const

/**
 * GET /hooks/cart-abandonment/whatsapp: Meta's verification handshake. The query is read from
 * the raw URL: an extended query parser would turn "hub.mode" into nested objects.
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const query = new URL(req.originalUrl, "http://localhost").searchParams
  // Before any answer, an unknown channel's 404 included: a token typed into a wrong URL is not logged either.
  hideTokenFromRequestLog(req, query)
  if (!isServedChannel(req, res)) return
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
  if (!Buffer.isBuffer(raw)) {
    // A 4xx: Meta always sends JSON, and a body that can never succeed must not be retried.
    res.status(415).json({ type: "invalid_data", message: "expected Meta's JSON body (Content-Type: application/json)" })
    return
  }
  const counts = await cartAbandon.webhook(req.scope, raw, req.get("x-hub-signature-256") ?? null)
  res.status(200).json(counts)
})

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
