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
