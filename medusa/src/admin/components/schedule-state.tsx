import { Container, Heading, StatusBadge, Text } from "@medusajs/ui"
import { formatTime } from "../lib/format"
import type { Stats } from "../lib/types"
import { Row } from "./row"

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
