import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

type DatabaseError = Error & { code?: string; hint?: string; severity?: string }

/**
 * The HTTP status of a database error, by SQLSTATE. The extension's errors name their cause;
 * a caller can fix a 4xx, a 5xx is worth retrying later (Meta retries webhooks for 7 days).
 */
export function statusOf(sqlstate: string | undefined): number {
  switch (sqlstate) {
    case "0A000": // feature_not_supported
      return 400
    case "28000": // invalid_authorization_specification: a webhook signature that does not match
      return 401
    case "42501": // insufficient_privilege: Medusa's role lacks cart_abandon_operator
      return 403
    case "2D000": // invalid_transaction_termination: CALL inside a transaction
    case "40001": // serialization_failure
    case "40P01": // deadlock_detected: the batch needed a row another transaction holds
      return 409
    case "55000": // object_not_in_prerequisite_state: a setting is missing (token, app secret, ...)
    case "42P01": // undefined_table: Medusa's tables are not where cart_abandon looks
    case "42883": // undefined_function: the extension is not installed in this database
    case "57014": // query_canceled (statement_timeout)
      return 503
  }
  // Data exceptions: what the caller sent cannot be taken (22023 an option out of range or
  // enableEmail, 22P02 a cursor or webhook body that does not parse, 22021 a body that is not
  // UTF-8, 22003 a number beyond PostgreSQL's integer, 22004 a null where a value is needed).
  if (sqlstate?.startsWith("22")) return 400
  if (sqlstate?.startsWith("53")) return 503 // insufficient_resources: no worker slot free
  if (sqlstate?.startsWith("08")) return 503 // connection exceptions
  return 500
}

/**
 * A route handler whose errors are answered by sendDatabaseError: the one place that turns what
 * the typed client throws into an HTTP answer.
 */
export function withDatabaseErrors<Req extends MedusaRequest>(
  handler: (req: Req, res: MedusaResponse) => Promise<void>
): (req: Req, res: MedusaResponse) => Promise<void> {
  return async (req, res) => {
    try {
      await handler(req, res)
    } catch (error) {
      sendDatabaseError(req, res, error)
    }
  }
}

/**
 * Answers with the database's message and SQLSTATE, never a stack trace. The extension's
 * messages never hold a secret (it redacts them); errors that are not from PostgreSQL (a bug,
 * a lost connection) get a generic message and are logged here.
 */
function sendDatabaseError(req: MedusaRequest, res: MedusaResponse, error: unknown): void {
  const logger = req.scope.resolve(ContainerRegistrationKeys.LOGGER)
  const err = error as DatabaseError
  const fromPostgres = typeof err?.code === "string" && /^[0-9A-Z]{5}$/.test(err.code) && !!err.severity
  const status = fromPostgres ? statusOf(err.code) : 500
  const message = fromPostgres ? err.message : "An unexpected error occurred."
  if (status >= 500) logger.error(`cart_abandon: ${req.method} ${req.path}: ${fromPostgres ? `${err.code} ${err.message}` : String(err?.message ?? err)}`)
  else logger.info(`cart_abandon: ${req.method} ${req.path}: ${status} ${err.code} ${err.message}`)
  res.status(status).json({
    type: status < 500 ? "invalid_data" : "unexpected_state",
    code: fromPostgres ? err.code : "unknown_error",
    message,
    ...(fromPostgres && err.hint ? { hint: err.hint } : {}),
  })
}
