import { Container, Heading, Table, Text } from "@medusajs/ui"
import { formatCount } from "../lib/format"
import type { Stats } from "../lib/types"

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
