import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ChatBubbleLeftRight } from "@medusajs/icons"
import { Container, Heading, Text } from "@medusajs/ui"
import { ChannelState } from "../../components/channel-state"
import { DailyChart } from "../../components/daily-chart"
import { DryRun } from "../../components/dry-run"
import { Figures } from "../../components/figures"
import { MissingIndexes } from "../../components/missing-indexes"
import { RunNow } from "../../components/run-now"
import { RunsTable } from "../../components/runs-table"
import { ScheduleState } from "../../components/schedule-state"
import { SkipReasons } from "../../components/skip-reasons"
import { errorText, useDaily, useRuns, useStats } from "../../lib/queries"

const Failure = ({ what, error }: { what: string; error: unknown }) => (
  <Container>
    <Text size="small" className="text-ui-fg-error" data-testid="load-error">{`${what}: ${errorText(error)}`}</Text>
  </Container>
)

/**
 * Cart recovery: what cart_abandon did and does, as its SQL functions report it (the plugin
 * adds no figure of its own).
 */
const CartRecoveryPage = () => {
  const stats = useStats()
  const daily = useDaily(30)
  const runs = useRuns(10)
  return (
    <div className="flex flex-col gap-y-3" data-testid="cart-recovery">
      <Container className="flex items-center justify-between px-6 py-4">
        <div>
          <Heading level="h1">Cart recovery</Heading>
          <Text size="small" className="text-ui-fg-subtle">WhatsApp reminders for abandoned carts (cart_abandon)</Text>
        </div>
        <RunNow />
      </Container>
      {stats.isError && <Failure what="The statistics could not be read" error={stats.error} />}
      {stats.data && (
        <>
          <MissingIndexes stats={stats.data} />
          <Figures stats={stats.data} />
        </>
      )}
      {daily.isError && <Failure what="The daily figures could not be read" error={daily.error} />}
      {daily.data && <DailyChart days={daily.data.days} />}
      {stats.data && (
        <div className="grid grid-cols-1 gap-3 lg:grid-cols-3">
          <SkipReasons stats={stats.data} />
          <ChannelState stats={stats.data} />
          <ScheduleState stats={stats.data} />
        </div>
      )}
      {runs.isError && <Failure what="The runs could not be read" error={runs.error} />}
      {runs.data && <RunsTable runs={runs.data.runs} />}
      <DryRun />
    </div>
  )
}

export const config = defineRouteConfig({
  label: "Cart recovery",
  icon: ChatBubbleLeftRight,
})

export default CartRecoveryPage
