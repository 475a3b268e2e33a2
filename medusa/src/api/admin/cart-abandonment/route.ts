import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import * as cartAbandon from "../../../lib/cart-abandon"
import { withDatabaseErrors } from "../../../lib/errors"

/** GET /admin/cart-abandonment: cart_abandon_stats(), as the extension computes it. */
export const GET = withDatabaseErrors(async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  res.json(await cartAbandon.stats(req.scope))
})
