// A store that cannot reach its backend (Redis down, frozen, restarting)
// fails calls with StoreUnavailableError, which the error boundary answers
// as UNAVAILABLE (clients retry, safely with a request_id, R18). The outage
// is logged once when it starts and once when it ends, not once per call.
import type { Logger } from "../logger.js";

export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "StoreUnavailableError";
  }
}

export class OutageLog {
  private since: number | undefined;
  private failures = 0;

  constructor(
    private readonly logger: Logger,
    private readonly store: string,
    private readonly now: () => number = Date.now,
  ) {}

  get down(): boolean {
    return this.since !== undefined;
  }

  /** Something failed for want of the backend; only the first failure of an outage is logged. */
  failed(err: unknown): void {
    this.failures++;
    if (this.since !== undefined) return;
    this.since = this.now();
    this.logger.error("store unavailable", { store: this.store, error: err instanceof Error ? err.message : String(err) });
  }

  /** The backend answered again: ends the outage, if there was one. */
  recovered(): void {
    if (this.since === undefined) return;
    this.logger.warn("store recovered", { store: this.store, downMs: this.now() - this.since, failures: this.failures });
    this.since = undefined;
    this.failures = 0;
  }
}
