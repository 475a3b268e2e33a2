import Medusa from "@medusajs/js-sdk"

/**
 * The admin's own session (the cookie Medusa's login set): the page calls the plugin's routes
 * as the logged-in user, as Medusa's docs for admin customizations do. "/" is the backend that
 * serves the admin; VITE_BACKEND_URL is for an admin hosted elsewhere.
 */
export const sdk = new Medusa({
  baseUrl: import.meta.env.VITE_BACKEND_URL || "/",
  debug: import.meta.env.DEV,
  auth: { type: "session" },
})
