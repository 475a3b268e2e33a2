import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { type PgClient, withConnection } from "../../../../lib/connection"
import { sendDatabaseError } from "../../../../lib/errors"
import type { ProcessBody } from "../validators"

type ProcessRow = { cart_id: string; stage: number; action: string; detail: string | null; next_cursor: string }

/**
 * POST /admin/cart-abandonment/process. Without `cursor`: the whole job, `CALL
 * cart_abandon_run(options)`, answered with the run row it wrote and its summary. With `cursor`
 * (null for the start): one batch of `cart_abandon_process`, its rows and the next cursor.
 */
export const POST = async (req: AuthenticatedMedusaRequest<ProcessBody>, res: MedusaResponse) => {
  const { cursor, batchSize, ...options } = req.validatedBody
  try {
    if (cursor !== undefined) {
      const { result: rows } = await withConnection(req.scope, (client) => processBatch(client, cursor, batchSize, options))
      res.json({
        mode: "batch",
        rows,
        // No rows: the scan is complete.
        next_cursor: rows.length > 0 ? rows[rows.length - 1].next_cursor : null,
      })
      return
    }
    const runOptions = batchSize === undefined ? options : { ...options, batchSize }
    const { result: run, notices } = await withConnection(req.scope, (client) => runJob(client, runOptions))
    res.json({
      mode: "run",
      run,
      summary: notices.find((n) => n.message.startsWith("cart_abandon "))?.message ?? null,
      warnings: notices.filter((n) => n.severity === "WARNING").map((n) => n.message),
    })
  } catch (error) {
    sendDatabaseError(req, res, error)
  }
}

async function processBatch(client: PgClient, cursor: string | null, batchSize: number | undefined, options: object) {
  // Named arguments: an absent batchSize takes the function's own default.
  const args = ['"cursor" => $1::text', "options => $2::jsonb"]
  const values: unknown[] = [cursor, JSON.stringify(options)]
  if (batchSize !== undefined) {
    args.push("batch_size => $3::integer")
    values.push(batchSize)
  }
  const { rows } = await client.query<ProcessRow>(
    `SELECT cart_id, stage, action, detail, next_cursor FROM cart_abandon_process(${args.join(", ")})`,
    values
  )
  return rows
}

async function runJob(client: PgClient, options: object) {
  // The run id is read back on the same connection: pid = this backend, newer than before.
  const before = await client.query<{ id: string }>("SELECT coalesce(max(id), 0) AS id FROM cart_abandon.runs")
  // The run's started_by (cart_abandon.runs) names the plugin, as it names pg_cron for a scheduled
  // run; the pooled connection gets its own name back after.
  await client.query("SET application_name = 'medusa-plugin-cart-abandon'")
  try {
    await client.query("CALL cart_abandon_run($1::jsonb)", [JSON.stringify(options)])
  } finally {
    await client.query("RESET application_name")
  }
  // A dry run writes no run row: its summary is the NOTICE.
  const { rows } = await client.query(
    "SELECT * FROM cart_abandon.runs WHERE id > $1 AND pid = pg_backend_pid() ORDER BY id DESC LIMIT 1",
    [before.rows[0].id]
  )
  return rows[0] ?? null
}
