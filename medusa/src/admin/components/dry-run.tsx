import { Button, Container, Heading, Table, Text } from "@medusajs/ui"
import { useMutation } from "@tanstack/react-query"
import { useState } from "react"
import { errorText } from "../lib/queries"
import { sdk } from "../lib/sdk"
import type { BatchAnswer } from "../lib/types"

const BATCH_SIZE = 50

/**
 * What a run would do now, batch by batch (cart_abandon_process with dryRun: nothing is sent or
 * written). "Next" follows next_cursor; null means the scan is complete.
 */
export const DryRun = () => {
  const [page, setPage] = useState<BatchAnswer | null>(null)
  const batch = useMutation({
    mutationFn: (cursor: string | null) =>
      sdk.client.fetch<BatchAnswer>("/admin/cart-abandonment/process", {
        method: "POST",
        body: { cursor, dryRun: true, batchSize: BATCH_SIZE },
      }),
    onSuccess: setPage,
  })
  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between px-6 py-4">
        <div>
          <Heading level="h2">Dry run</Heading>
          <Text size="small" className="text-ui-fg-subtle">What the next run would do, {BATCH_SIZE} carts at a time; nothing is sent.</Text>
        </div>
        <div className="flex gap-x-2">
          <Button size="small" variant="secondary" isLoading={batch.isPending} onClick={() => batch.mutate(null)} data-testid="dry-run">
            Dry run
          </Button>
          {page?.next_cursor && (
            <Button size="small" variant="secondary" disabled={batch.isPending} onClick={() => batch.mutate(page.next_cursor)} data-testid="dry-run-next">
              Next
            </Button>
          )}
        </div>
      </div>
      {batch.isError && (
        <div className="px-6 py-3"><Text size="small" className="text-ui-fg-error" data-testid="dry-run-error">{errorText(batch.error)}</Text></div>
      )}
      {page && page.rows.length === 0 && (
        <div className="px-6 py-3"><Text size="small" className="text-ui-fg-subtle" data-testid="dry-run-done">No more carts: the scan is complete.</Text></div>
      )}
      {page && page.rows.length > 0 && (
        <Table data-testid="dry-run-table">
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Cart</Table.HeaderCell><Table.HeaderCell>Stage</Table.HeaderCell>
              <Table.HeaderCell>Action</Table.HeaderCell><Table.HeaderCell>Detail</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {page.rows.map((row) => (
              <Table.Row key={`${row.cart_id}:${row.stage}`} data-cart-id={row.cart_id}>
                <Table.Cell><code>{row.cart_id}</code></Table.Cell><Table.Cell>{row.stage}</Table.Cell>
                <Table.Cell>{row.action}</Table.Cell><Table.Cell>{row.detail ?? ""}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </Container>
  )
}
