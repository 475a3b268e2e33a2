import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

export const PLUGIN_NAME = "medusa-plugin-cart-abandon"

/** The plugin's options, from `plugins: [{ resolve: "medusa-plugin-cart-abandon", options }]`. */
export type CartAbandonOptions = {
  /** The "Verify token" typed into Meta's webhook settings; the handshake answers 403 without it. */
  verifyToken?: string
  /**
   * The shop's public origin as Twilio calls it ("https://shop.example"), when Medusa runs behind
   * a proxy that changes the scheme or host: Twilio signs the exact URL it called. Default: the
   * request's own protocol and Host header.
   */
  publicUrl?: string
}

export function pluginOptions(scope: MedusaContainer): CartAbandonOptions {
  const config = scope.resolve(ContainerRegistrationKeys.CONFIG_MODULE)
  for (const plugin of config.plugins ?? []) {
    if (typeof plugin === "object" && plugin.resolve === PLUGIN_NAME) return (plugin.options ?? {}) as CartAbandonOptions
  }
  return {}
}
