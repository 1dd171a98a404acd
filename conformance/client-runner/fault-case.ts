// What every fault case stands on: its own scripted server, one store of
// the client under test for room "self", message builders, and the checks
// every case ends with (no half-applied state seen, no stream left open
// once the store is disposed).
import { create } from "@bufbuild/protobuf";
import { CoHostStateSchema } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import {
  Feature,
  FeedStatus,
  HttpVersion,
  type StoreState,
  type Transport as StoreTransport,
} from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";
import { Cast, renderState } from "../expectations.js";
import { ConformanceFailure } from "../feed-watcher.js";
import type { DriverChannel } from "./driver-channel.js";
import { FaultMessages, type StateParts } from "./fault-messages.js";
import { layoutIf, onlyTimeouts, RemoteStore, renderHeard, renderStoreState } from "./remote-store.js";
import { ScriptedServer } from "./scripted-server.js";

export interface FaultCase {
  family: string;
  name: string;
  /** The SEMANTICS.md rules the case checks. */
  rules: string[];
  procedure: string;
  asserts: string;
  /** Features of the client's API the case cannot do without; otherwise it is not expressible. */
  needs?: Feature[];
  run(t: FaultTest): Promise<void>;
}

export interface FaultTestOptions {
  channel: DriverChannel;
  transport: StoreTransport;
  prefix: string;
  timeoutMs: number;
  trace: (line: string) => void;
}

export class FaultTest {
  readonly cast: Cast;
  readonly m: FaultMessages;
  private scripted: ScriptedServer | undefined;
  private created: RemoteStore | undefined;

  constructor(private readonly options: FaultTestOptions) {
    this.cast = new Cast(options.prefix, { name: "fault", rules: [], procedure: "", asserts: "", actors: ["self", "x", "y"], steps: [] });
    this.m = new FaultMessages(this.cast);
  }

  get server(): ScriptedServer {
    if (!this.scripted) throw new Error("the case's server is not started");
    return this.scripted;
  }

  get store(): RemoteStore {
    if (!this.created) throw new Error("the case has no store yet");
    return this.created;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  has(feature: Feature): boolean {
    return this.options.channel.hello.features.includes(feature);
  }

  /** Runs one case: server up, body, the common checks, clean-up. */
  static async run(c: FaultCase, options: FaultTestOptions): Promise<void> {
    const t = new FaultTest(options);
    t.scripted = await ScriptedServer.start(options.trace);
    try {
      await c.run(t);
      await t.finish();
    } finally {
      await t.created?.dispose().catch(() => {});
      await t.scripted.close();
    }
  }

  /** Creates the store for room "self" on this case's server (without waiting for it). */
  async createStore(token = "token-1"): Promise<RemoteStore> {
    const http = this.options.transport.httpVersion === HttpVersion.HTTP_VERSION_2 ? "2" : "1.1";
    this.created = await RemoteStore.create(
      this.options.channel,
      {
        storeId: `${this.options.prefix}-self`,
        liveId: this.cast.actor("self").liveId,
        serverUrl: this.server.urls[http],
        transport: this.options.transport,
        token,
      },
      this.options.timeoutMs,
    );
    return this.created;
  }

  /** Creates the store and waits until it shows its first state. */
  async readyStore(token?: string): Promise<RemoteStore> {
    const store = await this.createStore(token);
    const ready = await store.ready();
    if (ready.code !== 0) throw new ConformanceFailure(`ready() completed with code ${ready.code}: ${ready.message}`);
    return store;
  }

  until(condition: () => boolean, what: string): Promise<void> {
    return this.store.until(condition, what, this.options.timeoutMs);
  }

  /** Waits until the server has seen `n` WatchCoHost calls. */
  watchCalls(n: number): Promise<void> {
    return this.server.until(() => this.server.streams.length >= n, `WatchCoHost call ${n}`, this.options.timeoutMs);
  }

  /** The callbacks heard so far, rendered; reasons when the client reports them. */
  heard(): string[] {
    return this.store.heard.map((h) => renderHeard(h, this.cast, this.has(Feature.EVENT_REASONS)));
  }

  /** Waits for `expected.length` callbacks and compares them. */
  async expectHeard(expected: string[], where = "the listener"): Promise<void> {
    await this.until(() => this.store.heard.length >= expected.length, `${expected.length} callback(s)`).catch(onlyTimeouts);
    const reasons = this.has(Feature.EVENT_REASONS);
    const want = expected.map((e) => (reasons ? e : e.replace(/, [A-Z_]+\)$/, ")")));
    const got = this.heard();
    if (got.join("; ") !== want.join("; "))
      throw new ConformanceFailure(`${where}\n  expected: ${want.join("; ") || "(none)"}\n  actual:   ${got.join("; ") || "(none)"}`);
  }

  /** A state as reports show it; the layout only when the client shows it. */
  stateText(s: StoreState): string {
    return renderStoreState(s, this.cast, this.has(Feature.CONNECTION_LAYOUT));
  }

  expectedText(parts: StateParts = {}): string {
    return layoutIf(renderState(create(CoHostStateSchema, this.m.state(parts)), this.cast), this.has(Feature.CONNECTION_LAYOUT));
  }

  /** Waits until the store shows `parts`, then reads its values to be sure. */
  async expectState(parts: StateParts, where = "coHostState"): Promise<void> {
    const want = this.expectedText(parts);
    await this.until(() => this.stateText(this.store.latest) === want, `the state ${want}`).catch(onlyTimeouts);
    const actual = this.stateText(await this.store.state());
    if (actual !== want) throw new ConformanceFailure(`${where}\n  expected: ${want}\n  actual:   ${actual}`);
  }

  /** With FEATURE_FEED_STATUS: waits for the feed status. */
  async expectFeedStatus(status: FeedStatus): Promise<void> {
    if (!this.has(Feature.FEED_STATUS)) return;
    await this.until(() => this.store.latest.feedStatus === status, `feed status ${FeedStatus[status]}`);
  }

  fail(message: string): never {
    throw new ConformanceFailure(message);
  }

  /** The checks every case ends with. */
  private async finish(): Promise<void> {
    const store = this.created;
    if (!store) return;
    await new Promise((r) => setTimeout(r, 100));
    if (store.violations.length > 0) this.fail(store.violations.join("\n"));
    await this.server
      .until(() => this.server.openStreams <= 1, "the store to cancel every stream but its current one", this.options.timeoutMs)
      .catch(() => this.fail(`the store keeps ${this.server.openStreams} WatchCoHost streams open; a store needs one at most`));
    await store.dispose();
    await this.server
      .until(() => this.server.openStreams === 0, "the disposed store to cancel its stream", this.options.timeoutMs)
      .catch(() => this.fail(`${this.server.openStreams} WatchCoHost stream(s) still open after dispose`));
  }
}
