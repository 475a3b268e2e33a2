import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import * as cartAbandon from "../../../../lib/cart-abandon"
import { withDatabaseErrors } from "../../../../lib/errors"
import type { DailyQuery } from "../validators"

/**
 * GET /admin/cart-abandonment/daily?days=30: cart_abandon_daily(days), oldest day first. The
 * days are calendar days in the database session's TimeZone, so the admin's chart and a Grafana
 * panel on the same database agree.
 */
export const GET = withDatabaseErrors(async (req: AuthenticatedMedusaRequest<unknown, DailyQuery>, res: MedusaResponse) => {
  const { days } = req.validatedQuery as DailyQuery
  res.json({ days: await cartAbandon.daily(req.scope, days) })
})
