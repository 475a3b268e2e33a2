import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import * as cartAbandon from "../../../../lib/cart-abandon"
import { withDatabaseErrors } from "../../../../lib/errors"
import type { ProcessBody } from "../validators"

/**
 * POST /admin/cart-abandonment/process. Without `cursor`: the whole job, `CALL
 * cart_abandon_run(options)`, answered with the run row whose id the CALL answered (null for a
 * dry run) and its summary. With `cursor` (null for the start): one batch of
 * `cart_abandon_process`, its rows and the next cursor.
 */
export const POST = withDatabaseErrors(async (req: AuthenticatedMedusaRequest<ProcessBody>, res: MedusaResponse) => {
  const { cursor, batchSize, ...options } = req.validatedBody
  if (cursor !== undefined) {
    const rows = await cartAbandon.processBatch(req.scope, cursor, options, batchSize)
    res.json({
      mode: "batch",
      rows,
      // No rows: the scan is complete.
      next_cursor: rows.length > 0 ? rows[rows.length - 1].next_cursor : null,
    })
    return
  }
  const { run, summary, warnings } = await cartAbandon.run(req.scope, batchSize === undefined ? options : { ...options, batchSize })
  res.json({ mode: "run", run, summary, warnings })
})
