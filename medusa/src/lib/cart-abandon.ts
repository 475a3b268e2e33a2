import type { MedusaContainer } from "@medusajs/framework/types"
import type { BatchRow, Day, Options, Run, RunColumns, SmsWebhookResult, Stats, WebhookCounts } from "./cart-abandon-types"
import { type PgClient, type PgNotice, withConnection } from "./connection"

/*
 * The typed client of the extension's SQL API: one function per entry point the plugin calls,
 * each on one connection of Medusa's own pool (connection.ts). Every value travels as a
 * parameter, never in the SQL text. Errors are PostgreSQL's as they come (errors.ts turns them
 * into HTTP answers).
 */

/** cart_abandon_run's options: batchSize is one of them (cart_abandon_process takes it as batch_size). */
export type RunOptions = Options & { batchSize?: number }

/** A row of cart_abandon.runs as node-postgres reads `SELECT *`: bigint as text, timestamptz as Date. */
export type RunRow = RunColumns<string, Date> & { options: Record<string, unknown>; pid: number }

/** What a whole run answers: its row (null for a dry run, which writes none) and its messages. */
export type RunResult = { run: RunRow | null; summary: string | null; warnings: string[] }

export async function stats(scope: MedusaContainer): Promise<Stats> {
  const { result } = await withConnection(scope, (client) =>
    client.query<{ stats: Stats }>("SELECT cart_abandon_stats() AS stats")
  )
  return result.rows[0].stats
}

type DayRow = Record<Exclude<keyof Day, "recovered_value">, string> & Pick<Day, "recovered_value">

/**
 * cart_abandon_daily(days), oldest day first; without days, the function's own default. The days
 * are calendar days in the session's TimeZone (the server's default: Medusa's pool sets none).
 */
export async function daily(scope: MedusaContainer, days?: number): Promise<Day[]> {
  // day as text: node-postgres would turn a date into a JavaScript Date at the server's local
  // midnight, which JSON then shifts to UTC. Bigints come as text.
  const { result } = await withConnection(scope, (client) =>
    client.query<DayRow>(
      `SELECT day::text AS day, first_sent, second_sent, delivered, read, failed, recovered_carts, recovered_value
         FROM cart_abandon_daily(${days === undefined ? "" : "$1::integer"})`,
      days === undefined ? [] : [days]
    )
  )
  return result.rows.map((row) => ({
    day: row.day,
    first_sent: Number(row.first_sent),
    second_sent: Number(row.second_sent),
    delivered: Number(row.delivered),
    read: Number(row.read),
    failed: Number(row.failed),
    recovered_carts: Number(row.recovered_carts),
    recovered_value: row.recovered_value,
  }))
}

/** The latest rows of cart_abandon.runs, newest first (cart_abandon_operator may read the table). */
export async function latestRuns(scope: MedusaContainer, limit: number): Promise<Run[]> {
  const { result } = await withConnection(scope, (client) =>
    client.query<{ run: Run }>(
      "SELECT to_jsonb(r) - 'options' - 'pid' AS run FROM cart_abandon.runs r ORDER BY r.id DESC LIMIT $1",
      [limit]
    )
  )
  return result.rows.map((row) => row.run)
}

/**
 * One batch of cart_abandon_process after cursor (null: from the start), in its own
 * transaction. Without batchSize the function's own default applies.
 */
export async function processBatch(
  scope: MedusaContainer,
  cursor: string | null,
  options: Options,
  batchSize?: number
): Promise<BatchRow[]> {
  // Named arguments: batch_size is left out rather than sent as a copy of its default.
  const args = ['"cursor" => $1::text', "options => $2::jsonb"]
  const values: unknown[] = [cursor, JSON.stringify(options)]
  if (batchSize !== undefined) {
    args.push("batch_size => $3::integer")
    values.push(batchSize)
  }
  const { result } = await withConnection(scope, (client) =>
    client.query<BatchRow>(`SELECT cart_id, stage, action, detail, next_cursor FROM cart_abandon_process(${args.join(", ")})`, values)
  )
  return result.rows
}

/**
 * The whole job, `CALL cart_abandon_run(options)`, on a pooled connection outside any
 * transaction block (it commits batch by batch), answered with the run row it wrote, its
 * summary and its warnings.
 */
export async function run(scope: MedusaContainer, options: RunOptions): Promise<RunResult> {
  const { result: row, notices } = await withConnection(scope, (client) => callRun(client, options))
  return { run: row, summary: runSummary(notices), warnings: notices.filter((n) => n.severity === "WARNING").map((n) => n.message) }
}

/**
 * The CALL answers one row, its INOUT run_id: the id of the run row it wrote, null for a dry run
 * (which writes none). That row is then read by its id. The summary comes as a NOTICE.
 */
async function callRun(client: PgClient, options: RunOptions): Promise<RunRow | null> {
  // The run's started_by (cart_abandon.runs) names the plugin, as it names pg_cron for a scheduled
  // run; the pooled connection gets its own name back after.
  await client.query("SET application_name = 'medusa-plugin-cart-abandon'")
  let runId: string | null
  try {
    // bigint arrives as text.
    const { rows } = await client.query<{ run_id: string | null }>("CALL cart_abandon_run($1::jsonb)", [JSON.stringify(options)])
    runId = rows[0].run_id
  } finally {
    await client.query("RESET application_name")
  }
  if (runId === null) return null
  const { rows } = await client.query<RunRow>("SELECT * FROM cart_abandon.runs WHERE id = $1", [runId])
  return rows[0] ?? null
}

/** The run's summary NOTICE: "cart_abandon run 7: ..." or "cart_abandon dry run: ...". */
function runSummary(notices: PgNotice[]): string | null {
  return notices.find((n) => n.message.startsWith("cart_abandon "))?.message ?? null
}

/**
 * One of Meta's WhatsApp webhook deliveries: the exact bytes received and X-Hub-Signature-256
 * (null when absent) go to cart_abandon_webhook, which checks the signature and applies the
 * updates.
 */
export async function webhook(scope: MedusaContainer, payload: Buffer, signature: string | null): Promise<WebhookCounts> {
  const { result } = await withConnection(scope, (client) =>
    // Sent as bytes and decoded by the server: no byte changes on the way to the HMAC check.
    client.query<{ counts: WebhookCounts }>("SELECT cart_abandon_webhook(convert_from($1::bytea, 'UTF8'), $2::text) AS counts", [
      payload,
      signature,
    ])
  )
  return result.rows[0].counts
}

/**
 * One of Twilio's webhooks (an SMS status callback, or a message a person texted): the URL Twilio
 * called, the exact form bytes received and X-Twilio-Signature (null when absent) go to
 * cart_abandon_sms_webhook, which checks the signature and applies it.
 */
export async function smsWebhook(
  scope: MedusaContainer,
  url: string,
  body: Buffer,
  signature: string | null
): Promise<SmsWebhookResult> {
  const { result } = await withConnection(scope, (client) =>
    client.query<{ result: SmsWebhookResult }>(
      "SELECT cart_abandon_sms_webhook($1::text, convert_from($2::bytea, 'UTF8'), $3::text) AS result",
      [url, body, signature]
    )
  )
  return result.rows[0].result
}
