import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import * as cartAbandon from "../../../../lib/cart-abandon"
import { withDatabaseErrors } from "../../../../lib/errors"
import type { RunsQuery } from "../validators"

/**
 * GET /admin/cart-abandonment/runs?limit=10: the latest runs, newest first, each as
 * cart_abandon_stats() shows its last_run (the options and the backend's pid left out).
 */
export const GET = withDatabaseErrors(async (req: AuthenticatedMedusaRequest<unknown, RunsQuery>, res: MedusaResponse) => {
  const { limit = 10 } = req.validatedQuery as RunsQuery
  res.json({ runs: await cartAbandon.latestRuns(req.scope, limit) })
})
