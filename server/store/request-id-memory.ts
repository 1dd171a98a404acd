import type { IdempotencyRecord } from "../engine/transaction.js";

/**
 * The in-memory store's request_id records (R18). Each user holds at most
 * `perUser` of them: a user who sends more forgets its own oldest first, so
 * no user can push another user's records out. Records also expire after
 * their TTL; TTLs are one configured value, so insertion order is expiry order.
 */
export class RequestIdMemory {
  private readonly records = new Map<string, { record: IdempotencyRecord; expiresAt: number; owner: string }>();
  private readonly byOwner = new Map<string, Set<string>>();

  constructor(private readonly perUser: number) {}

  get size(): number {
    return this.records.size;
  }

  /** Records `owner` holds now. */
  heldBy(owner: string): number {
    return this.byOwner.get(owner)?.size ?? 0;
  }

  get(key: string, now: number): IdempotencyRecord | undefined {
    const entry = this.records.get(key);
    return entry && entry.expiresAt > now ? entry.record : undefined;
  }

  put(key: string, record: IdempotencyRecord, expiresAt: number, owner: string): void {
    this.forget(key); // re-inserted, so the map stays in expiry order
    this.records.set(key, { record, expiresAt, owner });
    let keys = this.byOwner.get(owner);
    if (!keys) this.byOwner.set(owner, (keys = new Set()));
    keys.add(key);
    if (keys.size > this.perUser) this.forget(keys.values().next().value!);
  }

  expire(now: number): void {
    for (const [key, entry] of this.records) {
      if (entry.expiresAt > now) break;
      this.forget(key);
    }
  }

  private forget(key: string): void {
    const entry = this.records.get(key);
    if (!entry) return;
    this.records.delete(key);
    const keys = this.byOwner.get(entry.owner)!;
    keys.delete(key);
    if (keys.size === 0) this.byOwner.delete(entry.owner);
  }
}
