import { defineMiddlewares, validateAndTransformBody } from "@medusajs/framework/http"
import { ProcessBody } from "./admin/cart-abandonment/validators"

export default defineMiddlewares({
  routes: [
    {
      matcher: "/admin/cart-abandonment/process",
      method: ["POST"],
      middlewares: [validateAndTransformBody(ProcessBody)],
    },
    {
      matcher: "/hooks/cart-abandonment/whatsapp",
      method: ["POST"],
      // The signature covers the exact bytes: keep them (req.rawBody). Meta batches up to 1,000
      // updates in about 3 MB; a larger body is refused (413) before it is parsed.
      bodyParser: { preserveRawBody: true, sizeLimit: "3mb" },
    },
  ],
})
