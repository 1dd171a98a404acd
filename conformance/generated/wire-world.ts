// Rooms opened on the server under test for a generated case, with their
// feeds followed and helpers to call and read back state.
import { createClient, type Client } from "@connectrpc/connect";
import { CoHostService, RoomAdminService, type RoomInfo } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { adminAuthorization, hostAuthorization } from "../credentials.js";
import { Cast } from "../expectations.js";
import { FeedWatcher } from "../feed-watcher.js";
import type { CaseContext } from "../runner.js";
import { outcomeOfError, type CallOutcome } from "../outcome.js";

export class WireWorld {
  readonly cast: Cast;
  readonly cohost: Client<typeof CoHostService>;
  readonly admin: Client<typeof RoomAdminService>;
  readonly watchers = new Map<string, FeedWatcher>();

  constructor(
    readonly ctx: CaseContext,
    readonly names: string[],
    prefix: string,
  ) {
    this.cast = new Cast(prefix, { name: "generated", rules: [], procedure: "", asserts: "", actors: names, steps: [] });
    this.cohost = createClient(CoHostService, ctx.transport);
    this.admin = createClient(RoomAdminService, ctx.transport);
  }

  adminHeaders() {
    return { headers: { authorization: adminAuthorization(this.ctx.credentials)! } };
  }

  async hostHeaders(name: string) {
    return { headers: { authorization: (await hostAuthorization(this.ctx.credentials, this.cast.actor(name).userId))! } };
  }

  liveId(name: string): string {
    return this.cast.actor(name).liveId;
  }

  /** Opens every room; follows the feeds of `watched` (default: all). */
  async open(watched: string[] = this.names): Promise<void> {
    for (const name of this.names) {
      const a = this.cast.actor(name);
      await this.admin.openRoom({ liveId: a.liveId, userId: a.userId, userName: a.userName, avatarUrl: a.avatarUrl }, this.adminHeaders());
      if (!watched.includes(name)) continue;
      const watcher = new FeedWatcher(
        name,
        this.cohost,
        a.liveId,
        () => hostAuthorization(this.ctx.credentials, a.userId),
        this.ctx.trace,
        this.ctx.timeoutMs,
      );
      await watcher.open();
      this.watchers.set(name, watcher);
    }
  }

  /** Runs one host call as `name`; returns its outcome, never throws. */
  async call(name: string, run: (headers: { headers: Record<string, string> }) => Promise<unknown>): Promise<CallOutcome> {
    try {
      const response = (await run(await this.hostHeaders(name))) as { $typeName: string };
      return { ok: true, response, schema: undefined as never };
    } catch (err) {
      return outcomeOfError(err);
    }
  }

  async rooms(): Promise<Map<string, RoomInfo>> {
    const out = new Map<string, RoomInfo>();
    for (const name of this.names) {
      const { room } = await this.admin.getRoom({ liveId: this.liveId(name) }, this.adminHeaders());
      out.set(name, room!);
    }
    return out;
  }

  /** Waits until every feed has delivered up to the sequence GetRoom reports. */
  async quiesce(rooms: Map<string, RoomInfo>): Promise<void> {
    for (const [name, room] of rooms) {
      const watcher = this.watchers.get(name)!;
      await watcher.waitForSequence(Number(room.position?.sequence ?? 0n));
    }
  }

  async close(): Promise<void> {
    for (const w of this.watchers.values()) w.drop();
    for (const name of this.names) await this.admin.closeRoom({ liveId: this.liveId(name) }, this.adminHeaders()).catch(() => {});
  }
}
