import { z } from "@medusajs/framework/zod"

/**
 * POST /admin/cart-abandonment/process, the seed's names. Types only: ranges and meanings are
 * the extension's to judge (its 22023 comes back as a 400 naming the option). Medusa's
 * validator makes the object strict, so an unknown key is a 400 naming it.
 */
export const ProcessBody = z
  .object({
    batchSize: z.number().int().optional(),
    firstNotificationDelayHours: z.number().optional(),
    secondNotificationDelayHours: z.number().optional(),
    enableWhatsApp: z.boolean().optional(),
    enableEmail: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    // Present (a cursor, or null for the start): one batch. Absent: the whole job.
    cursor: z.string().nullable().optional(),
  })
  .strict()

export type ProcessBody = z.infer<typeof ProcessBody>

/**
 * Query strings arrive as text: z.coerce turns "30" into 30, "abc" into NaN, which zod refuses
 * (a 400 naming the key); an empty value ("?days=") is refused too rather than read as 0. An
 * unknown key is a 400 as well (strict).
 */
const integer = (min?: number, max?: number) => {
  let number = z.coerce.number().int()
  if (min !== undefined) number = number.min(min)
  if (max !== undefined) number = number.max(max)
  return z.preprocess((value) => (value === "" ? Number.NaN : value), number)
}

/** GET /admin/cart-abandonment/daily: the range of days is the extension's to judge (22023). */
export const DailyQuery = z.object({ days: integer().optional() }).strict()
export type DailyQuery = z.infer<typeof DailyQuery>

/** GET /admin/cart-abandonment/runs: a plain read of cart_abandon.runs, so the range is ours. */
export const RunsQuery = z.object({ limit: integer(1, 100).optional() }).strict()
export type RunsQuery = z.infer<typeof RunsQuery>
