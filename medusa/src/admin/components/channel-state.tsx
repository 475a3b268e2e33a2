import { Container, Heading, StatusBadge } from "@medusajs/ui"
import { formatTime } from "../lib/format"
import type { Stats } from "../lib/types"
import { Row } from "./row"

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
