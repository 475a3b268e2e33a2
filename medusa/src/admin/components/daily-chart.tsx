import { Container, Heading, Text } from "@medusajs/ui"
import { formatCount, formatDay } from "../lib/format"
import type { Day } from "../lib/types"

/*
 * A small hand-made SVG chart rather than a chart library: Medusa's plugin:build leaves every
 * package the admin code imports external (devDependencies too), so a library such as recharts
 * would become a runtime dependency each shop's admin build must install and bundle, for two
 * series of bars. The colors are Medusa UI's (CSS variables), so the dark theme follows.
 */
const WIDTH = 900
const HEIGHT = 180
const PAD = { top: 10, right: 10, bottom: 24, left: 32 }

const reminders = (d: Day) => d.first_sent + d.second_sent

export const DailyChart = ({ days }: { days: Day[] }) => {
  const max = Math.max(1, ...days.map((d) => Math.max(reminders(d), d.recovered_carts)))
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(1, days.length)
  const bar = Math.max(1, slot / 2 - 2)
  const y = (n: number) => PAD.top + (HEIGHT - PAD.top - PAD.bottom) * (1 - n / max)
  const title = `Reminders sent and carts recovered per day, last ${days.length} days`
  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Last {days.length} days</Heading>
        <div className="flex gap-x-4">
          <Text size="small" className="flex items-center gap-x-1">
            <span className="inline-block h-2 w-2 rounded-sm" style={{ background: "var(--fg-interactive)" }} /> Reminders
          </Text>
          <Text size="small" className="flex items-center gap-x-1">
            <span className="inline-block h-2 w-2 rounded-sm" style={{ background: "var(--tag-green-icon)" }} /> Recovered carts
          </Text>
        </div>
      </div>
      <div className="px-6 py-4">
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title} className="w-full" data-testid="daily-chart">
          <title>{title}</title>
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} stroke="var(--border-base)" />
          <text x={PAD.left - 6} y={y(max) + 4} textAnchor="end" fontSize="10" fill="var(--fg-muted)">{max}</text>
          <text x={PAD.left - 6} y={y(0)} textAnchor="end" fontSize="10" fill="var(--fg-muted)">0</text>
          {days.map((d, i) => {
            const x = PAD.left + i * slot + 1
            return (
              <g key={d.day} data-day={d.day} data-reminders={reminders(d)} data-recoveries={d.recovered_carts}>
                <title>{`${d.day}: ${reminders(d)} reminders, ${d.recovered_carts} recovered`}</title>
                <rect x={x} y={y(reminders(d))} width={bar} height={y(0) - y(reminders(d))} fill="var(--fg-interactive)" />
                <rect x={x + bar + 1} y={y(d.recovered_carts)} width={bar} height={y(0) - y(d.recovered_carts)} fill="var(--tag-green-icon)" />
                {(days.length - 1 - i) % 5 === 0 && ( // every fifth day, today's included
                  <text x={x + bar} y={HEIGHT - 8} textAnchor="middle" fontSize="10" fill="var(--fg-muted)">{formatDay(d.day)}</text>
                )}
              </g>
            )
          })}
        </svg>
        <details className="mt-2">
          <summary className="cursor-pointer"><Text as="span" size="small" className="text-ui-fg-subtle">The figures per day</Text></summary>
          <table className="mt-2 w-full text-left" data-testid="daily-table">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr className="text-ui-fg-subtle txt-small">
                <th>Day</th><th>Reminders</th><th>Delivered</th><th>Read</th><th>Failed</th><th>Recovered carts</th>
              </tr>
            </thead>
            <tbody className="txt-small">
              {days.map((d) => (
                <tr key={d.day} data-day={d.day}>
                  <td>{d.day}</td><td>{formatCount(reminders(d))}</td><td>{formatCount(d.delivered)}</td>
                  <td>{formatCount(d.read)}</td><td>{formatCount(d.failed)}</td><td>{formatCount(d.recovered_carts)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </div>
    </Container>
  )
}
