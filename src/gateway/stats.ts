/** Requests and replays seen on one endpoint. */
export interface EndpointStats {
  requests: number;
  replays: number;
}

/**
 * The gateway's traffic: every request, and how many were idempotent replays, overall
 * and by endpoint (`POST /charges`, `GET /charges/:bookingId`, …, `unmatched`). Replays
 * are counted here rather than in the ledger, which holds effects only.
 */
export interface GatewayStats extends EndpointStats {
  byEndpoint: Record<string, EndpointStats>;
}

/** Counts requests as they are answered. */
export class StatsCounter {
  private readonly byEndpoint = new Map<string, EndpointStats>();

  count(endpoint: string, replayed: boolean): void {
    const stats = this.byEndpoint.get(endpoint) ?? { requests: 0, replays: 0 };
    this.byEndpoint.set(endpoint, { requests: stats.requests + 1, replays: stats.replays + (replayed ? 1 : 0) });
  }

  /** A snapshot the caller may keep. */
  snapshot(): GatewayStats {
    const endpoints = [...this.byEndpoint.values()];
    return {
      requests: endpoints.reduce((sum, e) => sum + e.requests, 0),
      replays: endpoints.reduce((sum, e) => sum + e.replays, 0),
      byEndpoint: Object.fromEntries(this.byEndpoint),
    };
  }
}
