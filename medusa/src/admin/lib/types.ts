import type { BatchRow, RunColumns } from "../../lib/cart-abandon-types"

/** What the plugin's routes answer: cart_abandon's SQL results, as they are. */
export type { Day, Run, Stats } from "../../lib/cart-abandon-types"

export type BatchAnswer = { mode: "batch"; rows: BatchRow[]; next_cursor: string | null }

/** The run's row comes from `SELECT *` through node-postgres: its bigint columns as text. */
export type RunAnswer = { mode: "run"; run: RunColumns<string, string> | null; summary: string | null; warnings: string[] }
