import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/** What the plugin uses of a node-postgres client from Medusa's pool. */
export type PgClient = {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>
  on(event: "notice", listener: (notice: PgNotice) => void): unknown
  off(event: "notice", listener: (notice: PgNotice) => void): unknown
}

export type PgNotice = { severity?: string; message: string }

type KnexPool = {
  client: {
    acquireConnection(): Promise<PgClient>
    releaseConnection(connection: PgClient): Promise<unknown>
  }
}

/**
 * Runs fn on one connection of Medusa's own pool (the knex registered as PG_CONNECTION): no
 * pool or credentials of the plugin's own. A connection handed out by the pool is idle, never
 * inside a transaction block (knex keeps a transaction's connection until it ends), which
 * `CALL cart_abandon_run()` needs: it commits batch by batch. The NOTICEs and WARNINGs the
 * server sends meanwhile (the run's summary, a paused channel) are collected.
 */
export async function withConnection<T>(
  scope: MedusaContainer,
  fn: (client: PgClient) => Promise<T>
): Promise<{ result: T; notices: PgNotice[] }> {
  const knex = scope.resolve<KnexPool>(ContainerRegistrationKeys.PG_CONNECTION)
  const client = await knex.client.acquireConnection()
  const notices: PgNotice[] = []
  const collect = (notice: PgNotice) => notices.push({ severity: notice.severity, message: notice.message })
  client.on("notice", collect)
  try {
    const result = await fn(client)
    return { result, notices }
  } finally {
    client.off("notice", collect)
    await knex.client.releaseConnection(client)
  }
}
