// One store under test, seen through the client runner protocol: what its
// listeners heard, every state its value listeners saw, its current values,
// and its operations' completions, each in the order the driver wrote them.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  CancelReasonSchema,
  CoHostLayoutTemplate,
  CoHostStateSchema,
  CoHostStatus,
  LeaveReasonSchema,
  RejectReasonSchema,
  type SeatUserInfo,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import {
  type CallSchema,
  Feature,
  type FeedStatus,
  StoreStateSchema,
  StoreValue,
  type Completion,
  type Result,
  type StoreEvent,
  type StoreState,
  type Transport,
} from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";
import { renderState, type Cast } from "../expectations.js";
import { ConformanceFailure } from "../feed-watcher.js";
import type { DriverChannel, Ordered } from "./driver-channel.js";
import { ProtocolError } from "./protocol.js";

/** One listener callback the store made. */
export interface Heard extends Ordered {
  callback: "received" | "cancelled" | "accepted" | "rejected" | "timeout" | "joined" | "left";
  seats: (SeatUserInfo | undefined)[];
  extensionInfo?: string;
  /** The reason's enum name (CANCELLED_BY_INVITER, ...), "" when none was given. */
  reason?: string;
}

export interface Seen extends Ordered {
  value: StoreValue;
  state: StoreState;
}

export type Operation = MessageInitShape<typeof CallSchema>["operation"];
type ResultValue = Result["result"];
type ResultValues = { [R in ResultValue as R["case"] & string]: R["value"] };

export interface RemoteStoreSpec {
  storeId: string;
  liveId: string;
  serverUrl: string;
  transport: Transport;
  token: string;
}

const enumName = (schema: { values: readonly { number: number; localName: string }[] }, n: number) =>
  n === 0 ? "" : (schema.values.find((v) => v.number === n)?.localName ?? `#${n}`);

export class RemoteStore {
  readonly heard: Heard[] = [];
  readonly seen: Seen[] = [];
  /** States a value listener saw that no store may show (half a change). */
  readonly violations: string[] = [];
  /** The values as of the last report. */
  latest: StoreState = create(StoreStateSchema, { coHostStatus: CoHostStatus.DISCONNECTED });
  private readonly wakers = new Set<() => void>();
  private readonly unlisten: () => void;
  private disposed = false;

  private constructor(
    private readonly channel: DriverChannel,
    readonly spec: RemoteStoreSpec,
    private readonly commandTimeoutMs: number,
  ) {
    this.unlisten = channel.listen(spec.storeId, (event, index) => this.record(event, index));
  }

  static async create(channel: DriverChannel, spec: RemoteStoreSpec, commandTimeoutMs: number): Promise<RemoteStore> {
    const store = new RemoteStore(channel, spec, commandTimeoutMs);
    const { storeId, liveId, serverUrl, transport, token } = spec;
    store.expect(
      "done",
      await channel.send({ case: "createStore", value: { storeId, liveId, serverUrl, transport, token } }, commandTimeoutMs),
    );
    return store;
  }

  has(feature: Feature): boolean {
    return this.channel.hello.features.includes(feature);
  }

  /** Calls an operation; resolves with its Completion and the place of the result line. */
  async call(operation: Operation, timeoutMs = this.commandTimeoutMs): Promise<Completion & Ordered> {
    const result = await this.channel.send({ case: "call", value: { storeId: this.spec.storeId, operation } }, timeoutMs);
    const completion = this.expect("completion", result);
    return Object.assign(completion, { index: result.index });
  }

  ready(timeoutMs = this.commandTimeoutMs): Promise<Completion & Ordered> {
    return this.call({ case: "ready", value: {} }, timeoutMs);
  }

  async state(): Promise<StoreState> {
    return this.expect(
      "state",
      await this.channel.send({ case: "getState", value: { storeId: this.spec.storeId } }, this.commandTimeoutMs),
    );
  }

  async updateToken(token: string): Promise<void> {
    this.expect(
      "done",
      await this.channel.send({ case: "updateToken", value: { storeId: this.spec.storeId, token } }, this.commandTimeoutMs),
    );
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.expect("done", await this.channel.send({ case: "disposeStore", value: { storeId: this.spec.storeId } }, this.commandTimeoutMs));
    } finally {
      this.unlisten();
    }
  }

  /** Waits until `condition` holds, re-checking on every event of this store. */
  async until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.channel.failure) throw new ProtocolError(this.channel.failure);
      const left = deadline - Date.now();
      if (left <= 0) throw new ConformanceFailure(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, Math.min(left, 250));
        function wake() {
          clearTimeout(timer);
          resolve();
        }
        this.wakers.add(wake);
      });
    }
  }

  /** The feed status as reported, or undefined without FEATURE_FEED_STATUS. */
  get feedStatus(): FeedStatus | undefined {
    return this.has(Feature.FEED_STATUS) ? this.latest.feedStatus : undefined;
  }

  private expect<K extends keyof ResultValues>(kind: K, result: ResultValue): ResultValues[K] {
    if (result.case !== kind) throw new ProtocolError(`the driver answered with ${result.case ?? "nothing"} where ${kind} belongs`);
    return result.value as ResultValues[K];
  }

  private record(event: StoreEvent, index: number): void {
    const e = event.event;
    switch (e.case) {
      case "valueChanged": {
        const state = e.value.state ?? create(StoreStateSchema);
        this.seen.push({ value: e.value.value, state, index });
        this.latest = state;
        this.checkWhole(e.value.value, state);
        break;
      }
      case "requestReceived":
        this.heard.push({ callback: "received", seats: [e.value.inviter], extensionInfo: e.value.extensionInfo, index });
        break;
      case "requestCancelled":
        this.heard.push({
          callback: "cancelled",
          seats: [e.value.inviter, e.value.invitee],
          reason: enumName(CancelReasonSchema, e.value.reason),
          index,
        });
        break;
      case "requestAccepted":
        this.heard.push({ callback: "accepted", seats: [e.value.invitee], index });
        break;
      case "requestRejected":
        this.heard.push({ callback: "rejected", seats: [e.value.invitee], reason: enumName(RejectReasonSchema, e.value.reason), index });
        break;
      case "requestTimeout":
        this.heard.push({ callback: "timeout", seats: [e.value.inviter, e.value.invitee], index });
        break;
      case "userJoined":
        this.heard.push({ callback: "joined", seats: [e.value.userInfo], index });
        break;
      case "userLeft":
        this.heard.push({ callback: "left", seats: [e.value.userInfo], reason: enumName(LeaveReasonSchema, e.value.reason), index });
        break;
      default:
        this.violations.push("an event of a kind this suite does not know");
    }
    for (const wake of [...this.wakers]) wake();
    this.wakers.clear();
  }

  /** A value listener must see a whole state (R11, R14): never half of a change. */
  private checkWhole(value: StoreValue, s: StoreState): void {
    const problems: string[] = [];
    const connected = s.coHostStatus === CoHostStatus.CONNECTED;
    if (connected !== s.connected.length > 0) problems.push(`status ${CoHostStatus[s.coHostStatus]} with ${s.connected.length} connected`);
    if (s.connected.length > 0 && !s.connected.some((c) => c.liveId === this.spec.liveId))
      problems.push("connected without the room itself");
    if (s.applicant && s.invitees.some((i) => i.liveId === s.applicant!.liveId)) problems.push("the applicant is also an invitee");
    if (this.has(Feature.CONNECTION_LAYOUT) && (s.layoutTemplate !== CoHostLayoutTemplate.UNSPECIFIED) !== connected)
      problems.push(`layout ${CoHostLayoutTemplate[s.layoutTemplate]} while ${connected ? "connected" : "not connected"}`);
    if (problems.length > 0) this.violations.push(`the ${StoreValue[value]} listener saw half a change: ${problems.join("; ")}`);
  }
}

/** A callback as reports show it: "cancelled(alice, bob, CANCELLED_BY_INVITER)"; the reason only when the client reports reasons. */
export function renderHeard(h: Heard, cast: Cast, withReasons: boolean): string {
  const args = h.seats.map((seat) => cast.nameOf(seat));
  if (h.extensionInfo !== undefined) args.push(JSON.stringify(h.extensionInfo));
  if (h.reason !== undefined && withReasons) args.push(h.reason || "(no reason)");
  return `${h.callback}(${args.join(", ")})`;
}

/** A store's values in the wire cases' rendering of a state; the layout only when the client shows it. */
export function renderStoreState(s: StoreState, cast: Cast, withLayout: boolean): string {
  const state = create(CoHostStateSchema, {
    status: s.coHostStatus,
    connected: s.connected,
    invitees: s.invitees,
    applicant: s.applicant,
    layoutTemplate: s.layoutTemplate,
  });
  return layoutIf(renderState(state, cast), withLayout);
}

/** A rendered state without its layout part, unless the client shows layouts. */
export function layoutIf(rendered: string, withLayout: boolean): string {
  return withLayout ? rendered : rendered.replace(/ layout=\S+$/, "");
}

/** For a wait whose timeout the next check reports better: swallows the suite's own failures, rethrows the rest (a broken driver). */
export function onlyTimeouts(err: unknown): void {
  if (!(err instanceof ConformanceFailure)) throw err;
}
