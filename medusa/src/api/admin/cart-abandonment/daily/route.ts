import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { withConnection } from "../../../../lib/connection"
import { sendDatabaseError } from "../../../../lib/errors"
import type { DailyQuery } from "../validators"

type DailyRow = {
  day: string
  first_sent: string
  second_sent: string
  delivered: string
  read: string
  failed: string
  recovered_carts: string
  recovered_value: Record<string, number>
}

const COUNTS = ["first_sent", "second_sent", "delivered", "read", "failed", "recovered_carts"] as const

/**
 * GET /admin/cart-abandonment/daily?days=30: cart_abandon_daily(days), oldest day first. The
 * days are calendar days in the database session's TimeZone (the server's default: Medusa's
 * pool sets none), so the admin's chart and a Grafana panel on the same database agree.
 */
export const GET = async (req: AuthenticatedMedusaRequest<unknown, DailyQuery>, res: MedusaResponse) => {
  const { days } = req.validatedQuery as DailyQuery
  try {
    // day as text: node-postgres would turn a date into a JavaScript Date at the server's local
    // midnight, which JSON then shifts to UTC. Bigints come as strings: counts of a day fit a number.
    const { result } = await withConnection(req.scope, (client) =>
      client.query<DailyRow>(
        `SELECT day::text AS day, first_sent, second_sent, delivered, read, failed, recovered_carts, recovered_value
           FROM cart_abandon_daily(${days === undefined ? "" : "$1::integer"})`,
        days === undefined ? [] : [days]
      )
    )
    res.json({
      days: result.rows.map((row) => ({
        ...row,
        ...Object.fromEntries(COUNTS.map((key) => [key, Number(row[key])])),
      })),
    })
  } catch (error) {
    sendDatabaseError(req, res, error)
  }
}
