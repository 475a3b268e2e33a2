import { useQuery } from "@tanstack/react-query"
import { sdk } from "./sdk"
import type { Day, Run, Stats } from "./types"

/** One key prefix: a run invalidates every figure of the page at once. */
export const QUERY_KEY = "cart-abandonment"

export const useStats = () =>
  useQuery({ queryKey: [QUERY_KEY, "stats"], queryFn: () => sdk.client.fetch<Stats>("/admin/cart-abandonment") })

export const useDaily = (days: number) =>
  useQuery({
    queryKey: [QUERY_KEY, "daily", days],
    queryFn: () => sdk.client.fetch<{ days: Day[] }>("/admin/cart-abandonment/daily", { query: { days } }),
  })

export const useRuns = (limit: number) =>
  useQuery({
    queryKey: [QUERY_KEY, "runs", limit],
    queryFn: () => sdk.client.fetch<{ runs: Run[] }>("/admin/cart-abandonment/runs", { query: { limit } }),
  })

/**
 * The route's message (the extension's, with its SQLSTATE's meaning) as the admin should read
 * it. Medusa's JS SDK keeps only the body's `message` and the HTTP status of an error answer.
 */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as Error & { status?: number }).status
    return status ? `${error.message} (HTTP ${status})` : error.message
  }
  return String(error)
}
