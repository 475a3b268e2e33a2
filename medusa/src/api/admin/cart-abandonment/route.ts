import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { withConnection } from "../../../lib/connection"
import { sendDatabaseError } from "../../../lib/errors"

/** GET /admin/cart-abandonment: cart_abandon_stats(), as the extension computes it. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  try {
    const { result } = await withConnection(req.scope, (client) =>
      client.query<{ stats: Record<string, unknown> }>("SELECT cart_abandon_stats() AS stats")
    )
    res.json(result.rows[0].stats)
  } catch (error) {
    sendDatabaseError(req, res, error)
  }
}
