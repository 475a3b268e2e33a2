import { defineMiddlewares, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
import { DailyQuery, ProcessBody, RunsQuery } from "./admin/cart-abandonment/validators"

export default defineMiddlewares({
  routes: [
    {
      matcher: "/admin/cart-abandonment/daily",
      method: ["GET"],
      // Not a Medusa entity: no fields or pagination to configure.
      middlewares: [validateAndTransformQuery(DailyQuery, {})],
    },
    {
      matcher: "/admin/cart-abandonment/runs",
      method: ["GET"],
      middlewares: [validateAndTransformQuery(RunsQuery, {})],
    },
    {
      matcher: "/admin/cart-abandonment/process",
      method: ["POST"],
      middlewares: [validateAndTransformBody(ProcessBody)],
    },
    {
      matcher: "/hooks/cart-abandonment/:channel",
      method: ["POST"],
      // The signature covers the exact bytes: keep them (req.rawBody). Meta batches up to 1,000
      // updates in about 3 MB; a larger body is refused (413) before it is parsed. Every channel
      // of the path: an unknown one is the route's 404, not a parse error of Medusa's own parser.
      bodyParser: { preserveRawBody: true, sizeLimit: "3mb" },
    },
  ],
})
