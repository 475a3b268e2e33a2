import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { withConnection } from "../../../../lib/connection"
import { sendDatabaseError } from "../../../../lib/errors"
import type { RunsQuery } from "../validators"

/**
 * GET /admin/cart-abandonment/runs?limit=10: the latest runs, newest first, each as
 * cart_abandon_stats() shows its last_run (the options and the backend's pid left out).
 * cart_abandon_operator may read cart_abandon.runs.
 */
export const GET = async (req: AuthenticatedMedusaRequest<unknown, RunsQuery>, res: MedusaResponse) => {
  const { limit = 10 } = req.validatedQuery as RunsQuery
  try {
    const { result } = await withConnection(req.scope, (client) =>
      client.query<{ run: Record<string, unknown> }>(
        "SELECT to_jsonb(r) - 'options' - 'pid' AS run FROM cart_abandon.runs r ORDER BY r.id DESC LIMIT $1",
        [limit]
      )
    )
    res.json({ runs: result.rows.map((row) => row.run) })
  } catch (error) {
    sendDatabaseError(req, res, error)
  }
}
