import { Container, Heading, Text } from "@medusajs/ui"
import { formatCount, formatMoney, formatRate, formatTime } from "../lib/format"
import type { Stats } from "../lib/types"

type FigureProps = { label: string; testId: string; value: string; note?: string }

/** One figure; data-testid lets the end-to-end test read it against cart_abandon_stats(). */
const Figure = ({ label, testId, value, note }: FigureProps) => (
  <div className="flex flex-col gap-y-1 px-6 py-4">
    <Text size="small" leading="compact" className="text-ui-fg-subtle">
      {label}
    </Text>
    <Text size="xlarge" weight="plus" data-testid={testId}>
      {value}
    </Text>
    {note && (
      <Text size="xsmall" className="text-ui-fg-muted">
        {note}
      </Text>
    )}
  </div>
)

const sum = (stages: { first: number; second: number }) => stages.first + stages.second

/** The headline figures, as cart_abandon_stats() gives them. */
export const Figures = ({ stats }: { stats: Stats }) => {
  const value = stats.recovered_value
  const currencies = value ? Object.keys(value).sort() : []
  return (
    <Container className="divide-y p-0">
      <div className="px-6 py-4">
        <Heading level="h2">Figures</Heading>
        <Text size="small" className="text-ui-fg-subtle" data-testid="carts-counted-at">
          {stats.carts_counted_at
            ? `Carts counted ${formatTime(stats.carts_counted_at)} (by the latest full run)`
            : "Carts not counted yet: the first full run counts them"}
        </Text>
      </div>
      <div className="grid grid-cols-2 divide-x md:grid-cols-4">
        <Figure
          label="Abandoned carts"
          testId="abandoned-carts"
          value={stats.abandoned_carts === null ? "not counted yet" : formatCount(stats.abandoned_carts)}
          note={stats.open_carts === null ? undefined : `of ${formatCount(stats.open_carts)} open`}
        />
        <Figure label="Reminded carts" testId="reminded-carts" value={formatCount(stats.reminded_carts)}
          note={`${formatCount(stats.first_sent)} first, ${formatCount(stats.second_sent)} second reminders`} />
        <Figure label="Delivered" testId="delivered" value={formatCount(sum(stats.delivered))} note="reminders, as Meta reported" />
        <Figure label="Read" testId="read" value={formatCount(sum(stats.read))} note="reminders, as Meta reported" />
      </div>
      <div className="grid grid-cols-2 divide-x md:grid-cols-4">
        <Figure
          label="Recovered carts"
          testId="recovered-carts"
          value={stats.recovered_carts === null ? "not checked yet" : formatCount(stats.recovered_carts)}
          note={stats.recoveries_checked_at ? `checked ${formatTime(stats.recoveries_checked_at)}` : undefined}
        />
        <div className="flex flex-col gap-y-1 px-6 py-4 md:col-span-2">
          <Text size="small" leading="compact" className="text-ui-fg-subtle">
            Recovered value
          </Text>
          {value === null ? (
            <Text size="xlarge" weight="plus" data-testid="recovered-value">not checked yet</Text>
          ) : currencies.length === 0 ? (
            <Text size="xlarge" weight="plus" data-testid="recovered-value">none yet</Text>
          ) : (
            <div className="flex flex-wrap gap-x-6" data-testid="recovered-value">
              {currencies.map((currency) => (
                <Text key={currency} size="xlarge" weight="plus" data-testid={`recovered-value-${currency}`}>
                  {formatMoney(value[currency], currency)}
                </Text>
              ))}
            </div>
          )}
        </div>
        <Figure
          label="Recovery rate"
          testId="recovery-rate"
          value={stats.recovery_rate === null ? "not checked yet" : formatRate(stats.recovery_rate)}
          note="recovered of reminded carts"
        />
      </div>
    </Container>
  )
}
