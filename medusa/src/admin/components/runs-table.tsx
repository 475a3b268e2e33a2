import { Container, Heading, StatusBadge, Table, Text } from "@medusajs/ui"
import { formatCount, formatTime } from "../lib/format"
import type { Run } from "../lib/types"

const COLORS: Record<string, "green" | "red" | "orange" | "blue" | "grey"> = {
  succeeded: "green",
  failed: "red",
  channel_paused: "orange",
  interrupted: "orange",
  running: "blue",
}

/** The latest rows of cart_abandon.runs, newest first. */
export const RunsTable = ({ runs }: { runs: Run[] }) => (
  <Container className="divide-y p-0">
    <div className="px-6 py-4"><Heading level="h2">Last runs</Heading></div>
    {runs.length === 0 ? (
      <div className="px-6 py-4"><Text size="small" className="text-ui-fg-subtle">No run yet.</Text></div>
    ) : (
      <Table data-testid="runs-table">
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Run</Table.HeaderCell><Table.HeaderCell>Started</Table.HeaderCell>
            <Table.HeaderCell>By</Table.HeaderCell><Table.HeaderCell>Status</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Examined</Table.HeaderCell><Table.HeaderCell className="text-right">First</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Second</Table.HeaderCell><Table.HeaderCell className="text-right">Failed</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Skipped</Table.HeaderCell><Table.HeaderCell>Detail</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {runs.map((run) => (
            <Table.Row key={run.id} data-run-id={run.id}>
              <Table.Cell>#{run.id}</Table.Cell>
              <Table.Cell>{formatTime(run.started_at)}</Table.Cell>
              <Table.Cell>{run.started_by ?? "—"}</Table.Cell>
              <Table.Cell><StatusBadge color={COLORS[run.status] ?? "grey"}>{run.status}</StatusBadge></Table.Cell>
              <Table.Cell className="text-right">{formatCount(run.examined)}</Table.Cell>
              <Table.Cell className="text-right">{formatCount(run.sent_first)}</Table.Cell>
              <Table.Cell className="text-right">{formatCount(run.sent_second)}</Table.Cell>
              <Table.Cell className="text-right">{formatCount(run.failed)}</Table.Cell>
              <Table.Cell className="text-right">{formatCount(run.skipped)}</Table.Cell>
              <Table.Cell className="max-w-[240px] truncate" title={run.detail ?? undefined}>{run.detail ?? ""}</Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    )}
  </Container>
)
