import { Alert, Container, Heading, StatusBadge, Table, Text } from "@medusajs/ui"
import { formatCount, formatTime } from "../lib/format"
import type { Stats } from "../lib/types"

const Row = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <div className="grid grid-cols-2 items-center px-6 py-3">
    <Text size="small" weight="plus" className="text-ui-fg-subtle">{label}</Text>
    <div className="txt-small">{children}</div>
  </div>
)

/** The WhatsApp channel: paused (Meta refused the account or its token) or sending. */
export const ChannelState = ({ stats }: { stats: Stats }) => {
  const channel = stats.channels.whatsapp
  return (
    <Container className="divide-y p-0" data-testid="channel">
      <div className="px-6 py-4"><Heading level="h2">WhatsApp channel</Heading></div>
      <Row label="State">
        <StatusBadge color={channel.paused ? "red" : "green"} data-testid="channel-state">
          {channel.paused ? "Paused" : "Sending"}
        </StatusBadge>
      </Row>
      {channel.paused && (
        <>
          <Row label="Why"><span data-testid="channel-why">{`${channel.error_code ?? ""} ${channel.error_message ?? ""}`.trim() || "—"}</span></Row>
          <Row label="Since"><span data-testid="channel-since">{formatTime(channel.since)}</span></Row>
        </>
      )}
      {!channel.paused && channel.resumed_at && <Row label="Resumed">{formatTime(channel.resumed_at)}</Row>}
      <Row label="Last webhook">{formatTime(channel.last_webhook_at)}</Row>
    </Container>
  )
}

/** pg_cron's job, when it can be read from this database; else the latest run it started. */
export const ScheduleState = ({ stats }: { stats: Stats }) => {
  const s = stats.schedule
  const elsewhere = !s.pg_cron && s.pg_cron_database !== null
  const badge = s.scheduled === null ? (
    <StatusBadge color="grey">Unknown from here</StatusBadge>
  ) : s.scheduled ? (
    <StatusBadge color={s.active === false ? "orange" : "green"}>{s.active === false ? "Scheduled, inactive" : "Scheduled"}</StatusBadge>
  ) : (
    <StatusBadge color="orange">Not scheduled</StatusBadge>
  )
  return (
    <Container className="divide-y p-0" data-testid="schedule">
      <div className="px-6 py-4"><Heading level="h2">Schedule</Heading></div>
      <Row label="pg_cron">
        {s.pg_cron ? "in this database" : elsewhere ? `in database "${s.pg_cron_database}"` : "not installed"}
      </Row>
      <Row label="Job"><span data-testid="schedule-job">{badge}</span></Row>
      {s.schedule && <Row label="Schedule"><code>{s.schedule}</code></Row>}
      {s.last_result && (
        <Row label="pg_cron's last result">{`${s.last_result.status}, ${formatTime(s.last_result.start_time)}${s.last_result.message ? `: ${s.last_result.message}` : ""}`}</Row>
      )}
      <Row label="Last scheduled run">
        {s.last_scheduled_run ? `#${s.last_scheduled_run.id} ${s.last_scheduled_run.status}, ${formatTime(s.last_scheduled_run.started_at)}` : "none"}
      </Row>
      {elsewhere && (
        <div className="px-6 py-3">
          <Text size="small" className="text-ui-fg-subtle">
            pg_cron runs in another database: its job cannot be read from here; the last scheduled run above tells whether it runs.
          </Text>
        </div>
      )}
    </Container>
  )
}

const reasons = (counts: Record<string, number>) => Object.entries(counts).sort((a, b) => b[1] - a[1])

/** Why carts were not reminded (skipped for good) or not yet (held). */
export const SkipReasons = ({ stats }: { stats: Stats }) => {
  const rows = [
    ...reasons(stats.skipped).map(([reason, n]) => ({ kind: "skipped", reason, n })),
    ...reasons(stats.held).map(([reason, n]) => ({ kind: "held", reason, n })),
  ]
  return (
    <Container className="divide-y p-0">
      <div className="px-6 py-4"><Heading level="h2">Skip reasons</Heading></div>
      {rows.length === 0 ? (
        <div className="px-6 py-4"><Text size="small" className="text-ui-fg-subtle">No cart skipped or held.</Text></div>
      ) : (
        <Table data-testid="skip-reasons">
          <Table.Header>
            <Table.Row><Table.HeaderCell>Reason</Table.HeaderCell><Table.HeaderCell>Kind</Table.HeaderCell><Table.HeaderCell className="text-right">Carts</Table.HeaderCell></Table.Row>
          </Table.Header>
          <Table.Body>
            {rows.map((r) => (
              <Table.Row key={`${r.kind}:${r.reason}`}>
                <Table.Cell><code>{r.reason}</code></Table.Cell><Table.Cell>{r.kind}</Table.Cell>
                <Table.Cell className="text-right">{formatCount(r.n)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </Container>
  )
}

/** The extension's recommended indexes that the shop's database lacks. */
export const MissingIndexes = ({ stats }: { stats: Stats }) =>
  stats.missing_indexes.length === 0 ? null : (
    <Alert variant="warning" data-testid="missing-indexes">
      {`Missing recommended indexes: ${stats.missing_indexes.join(", ")}. Without them the runs read every cart instead of `}
      {"the carts changed lately, slower at scale; a superuser creates them in psql with "}
      <code>{"SELECT * FROM cart_abandon_recommended_indexes() \\gexec"}</code>.
    </Alert>
  )
