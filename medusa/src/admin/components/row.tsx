import { Text } from "@medusajs/ui"

/** One labelled value of a panel (the channel's, the schedule's). */
export const Row = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <div className="grid grid-cols-2 items-center px-6 py-3">
    <Text size="small" weight="plus" className="text-ui-fg-subtle">{label}</Text>
    <div className="txt-small">{children}</div>
  </div>
)
