import { Alert } from "@medusajs/ui"
import type { Stats } from "../lib/types"

/** The extension's recommended indexes that the shop's database lacks. */
export const MissingIndexes = ({ stats }: { stats: Stats }) =>
  stats.missing_indexes.length === 0 ? null : (
    <Alert variant="warning" data-testid="missing-indexes">
      {`Missing recommended indexes: ${stats.missing_indexes.join(", ")}. Without them the runs read every cart instead of `}
      {"the carts changed lately, slower at scale; a superuser creates them in psql with "}
      <code>{"SELECT * FROM cart_abandon_recommended_indexes() \\gexec"}</code>.
    </Alert>
  )
