/*
 * What the extension's SQL API returns, as the plugin's routes answer it in JSON: written once
 * for the typed client (cart-abandon.ts) and the admin page (admin/lib/types.ts). Types only,
 * importing nothing: the admin's type-only imports bring no server code into its bundle.
 */

/** The options cart_abandon_process and cart_abandon_run take as jsonb (the seed's names). */
export type Options = {
  firstNotificationDelayHours?: number
  secondNotificationDelayHours?: number
  enableWhatsApp?: boolean
  enableEmail?: boolean
  dryRun?: boolean
}

/** The columns of cart_abandon.runs (1.6); Int8 and Time are how bigint and timestamptz arrive. */
export type RunColumns<Int8, Time> = {
  id: Int8
  started_at: Time
  progress_at: Time | null
  finished_at: Time | null
  status: "running" | "succeeded" | "failed" | "interrupted" | "channel_paused"
  batches: number
  examined: number
  sent_first: number
  sent_second: number
  failed: number
  retry: number
  skipped: number
  last_cursor: string | null
  detail: string | null
  scan: "full" | "incremental" | null
  scan_from: Time | null
  scan_since: Time | null
  scan_key: string | null
  held: number
  imported: number
  started_by: string | null
  open_carts: Int8 | null
  abandoned_carts: Int8 | null
  abandoned_carts_in_window: Int8 | null
  carts_counted_at: Time | null
  recoveries_checked_at: Time | null
}

/** A row of cart_abandon.runs as to_jsonb writes it, without options and pid (the stats' last_run). */
export type Run = RunColumns<number, string>

type PerStage = { first: number; second: number }

/** cart_abandon_stats(). */
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
    whatsapp: ChannelState
    /** 1.9 */
    sms?: ChannelState
  }
  /** 1.9: what each channel did. */
  by_channel?: Record<"whatsapp" | "sms", ChannelFigures>
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

/** A channel as the stats show it: paused (and why), resumed, its last webhook. */
export type ChannelState = {
  paused: boolean
  error_code?: number | null
  error_message?: string | null
  since?: string
  resumed_at?: string
  last_webhook_at: string | null
}

/** A channel's figures in the stats' by_channel. */
export type ChannelFigures = { first_sent: number; second_sent: number; delivered: number; failed: number; skipped: number }

/** One row of cart_abandon_daily(days), its bigint counts as numbers (a day's counts fit one). */
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

/** One row of cart_abandon_process: a cart examined, and the cursor to resume after it. */
export type BatchRow = { cart_id: string; stage: number; action: string; detail: string | null; next_cursor: string }

/** cart_abandon_sms_webhook's answer: what one of Twilio's webhooks applied. */
export type SmsWebhookResult = {
  kind: "status" | "inbound"
  message_status?: string
  statuses_applied?: number
  statuses_unchanged?: number
  statuses_kept?: number
  ignored?: number
  opt_out?: boolean
  opt_in?: boolean
  opt_outs_added?: number
  opt_outs_removed?: number
}

/** cart_abandon_webhook's counts of what one delivery applied and ignored. */
export type WebhookCounts = {
  statuses: number
  statuses_applied: number
  statuses_unchanged: number
  statuses_kept: number
  opt_outs_added: number
  opt_outs_removed: number
  preferences: number
  replies: number
  templates: number
  templates_applied: number
  account_updates: number
  ignored: number
  unreadable: number
  unreadable_items: { path: string; reason: string }[]
}
