/**
 * How the booking stream reaches the inventory and payment functions (docs/design.md,
 * Topologies): `fifo-fanout`, the design's answer (SNS FIFO → SQS FIFO, one ordered
 * stream per seat), and three classic alternatives: `standard-fanout` (standard SNS →
 * standard SQS: no order, at-least-once, one seat's bookings handled at once),
 * `shared-queue` (one standard queue polled by both functions: each message reaches only
 * one of them) and `direct-chain` (no stream: the booking API calls inventory, then
 * payment, while the client waits).
 */
export const topologies = ['fifo-fanout', 'standard-fanout', 'shared-queue', 'direct-chain'] as const;
export type Topology = (typeof topologies)[number];
