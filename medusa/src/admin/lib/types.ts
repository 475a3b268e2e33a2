/** What the plugin's routes answer: cart_abandon's SQL results, as they are. */

type PerStage = { first: number; second: number }

export type Run = {
  id: number
  status: string
  started_at: string
  finished_at: string | null
  started_by: string | null
  examined: number
  sent_first: number
  sent_second: number
  failed: number
  retry: number
  skipped: number
  held: number
  scan: string | null
  detail: string | null
}

export type Stats = {
  open_carts: number | null
  abandoned_carts: number | null
  carts_counted_at: string | null
  first_sent: number
  second_sent: number
  reminded_carts: number
  delivered: PerStage
  read: PerStage
  failed: PerStage
  skipped: Record<string, number>
  held: Record<string, number>
  recovered_carts: number | null
  recovered_value: Record<string, number> | null
  recoveries_checked_at: string | null
  recovery_rate: number | null
  last_webhook_at: string | null
  missing_indexes: string[]
  channels: {
    whatsapp: {
      paused: boolean
      error_code?: number | null
      error_message?: string | null
      since?: string
      resumed_at?: string
      last_webhook_at: string | null
    }
  }
  last_run: Run | null
  schedule: {
    pg_cron: boolean
    scheduled: boolean | null
    pg_cron_database: string | null
    schedule?: string
    active?: boolean
    last_result?: { status: string; start_time: string | null; end_time: string | null; message: string | null } | null
    last_scheduled_run: { id: number; status: string; started_at: string; finished_at: string | null } | null
  }
}

export type Day = {
  day: string
  first_sent: number
  second_sent: number
  delivered: number
  read: number
  failed: number
  recovered_carts: number
  recovered_value: Record<string, number>
}

export type DryRunRow = { cart_id: string; stage: number; action: string; detail: string | null }

export type BatchAnswer = { mode: "batch"; rows: DryRunRow[]; next_cursor: string | null }
export type RunAnswer = { mode: "run"; run: Run | null; summary: string | null; warnings: string[] }
