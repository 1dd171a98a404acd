// The scripted cases, driven through a CoHostStore (one store per actor)
// over the client runner protocol: our TypeScript store in this process by
// default, or any client's driver. The store's values and listener
// callbacks must follow the same expected feeds as the wire case, and its
// CompletionHandler the same outcomes.
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { CoHostErrorReasonSchema, RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import {
  Feature,
  FeedStatus,
  HttpVersion,
  Protocol,
  type Completion,
  type StoreState,
  type Transport as StoreTransport,
} from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";
import { DriverChannel, inProcessDriver } from "./client-runner/driver-channel.js";
import {
  layoutIf,
  onlyTimeouts,
  RemoteStore,
  renderHeard,
  renderStoreState,
  type Heard,
  type Operation,
} from "./client-runner/remote-store.js";
import { adminAuthorization, hostAuthorization, type Credentials } from "./credentials.js";
import { Cast, renderExpectedState } from "./expectations.js";
import { ConformanceFailure, withTimeout } from "./feed-watcher.js";
import { resolveArg } from "./args.js";
import {
  WIRE_ONLY_STEPS,
  type Arg,
  type CallStep,
  type CaseSpec,
  type EventSpec,
  type ExpectedMessage,
  type Outcome,
  type PageStep,
  type SnapshotStep,
  type Step,
} from "./schema.js";
import { codeName, outcomeOfError } from "./wire-case.js";

/** Why a case cannot be expressed through CoHostStore's API, or undefined when it can. */
export function clientInapplicable(spec: CaseSpec): string | undefined {
  for (const step of spec.steps) {
    const wireOnly = WIRE_ONLY_STEPS.find((kind) => kind in step);
    if (wireOnly) return `checks the wire itself (${wireOnly})`;
    if ("drop" in step || "resume" in step) return "drives the feed's resume by hand (the store resumes on its own)";
    if ("flood" in step) return "floods calls (rate limiting is a server rule)";
    if ("page_candidates" in step && step.page_candidates.cursor_after)
      return "starts paging at a chosen cursor (the store pages on its own)";
    const call = "call" in step ? step : undefined;
    if (!call) continue;
    if (call.auth) return "presents bad or foreign credentials";
    if (call.by !== "admin" && !spec.actors.includes(call.by)) return "calls as a room the case does not follow (an extra room)";
    if (call.call === "WatchCoHost" || call.call === "ListRooms") return `calls ${call.call} directly`;
    if (Object.values(call.args ?? {}).some((a) => typeof a === "object" && ("cursor_after" in a || "cursor_of" in a)))
      return "sets a cursor (the store pages on its own)";
    if (call.same_as || call.args?.request_id !== undefined) return "sets request_id (the store chooses its own)";
    if (call.args?.live_id !== undefined && call.by !== "admin") return "calls for a room other than the store's";
    if (call.call === "GetCoHostCandidates" && call.args?.page_size !== undefined) return "sets page_size (the store uses the default)";
  }
  return undefined;
}

/** A client under test: a driver session and how its stores reach the server. */
export interface ClientUnderTest {
  channel: DriverChannel;
  serverUrl: string;
  transport: StoreTransport;
}

export interface ClientCaseOptions {
  /** Reaches the server for the suite's own (admin) calls; the in-process store uses it too. */
  transport: Transport;
  credentials: Credentials;
  prefix: string;
  timeoutMs: number;
  trace: (line: string) => void;
  /** The client under test; without it, our CoHostStore in this process over `transport`. */
  client?: ClientUnderTest;
}

interface ActorStore {
  store: RemoteStore;
  /** Callbacks matched by `feeds` steps so far. */
  matched: number;
}

export class ClientCase {
  private readonly cast: Cast;
  private readonly stores = new Map<string, ActorStore>();
  private readonly extraStores: RemoteStore[] = [];
  private readonly admin;
  private readonly opened = new Set<string>();
  private client: ClientUnderTest | undefined;

  constructor(
    private readonly spec: CaseSpec,
    private readonly options: ClientCaseOptions,
  ) {
    this.cast = new Cast(options.prefix, spec);
    this.admin = createClient(RoomAdminService, options.transport);
  }

  async run(): Promise<void> {
    let cleanupErrors: string[] = [];
    const ownChannel = this.options.client === undefined;
    try {
      this.client = this.options.client ?? (await this.inProcessClient());
      for (const name of [...this.spec.actors, ...(this.spec.extra_rooms ?? [])]) {
        const a = this.cast.actor(name);
        await this.admin.openRoom(
          { liveId: a.liveId, userId: a.userId, userName: a.userName, avatarUrl: a.avatarUrl },
          this.adminHeaders(),
        );
        this.opened.add(name);
      }
      for (const name of this.spec.actors) this.stores.set(name, { store: await this.newStore(name), matched: 0 });
      for (const [i, step] of this.spec.steps.entries()) await this.step(`step ${i + 1}`, step);
      await new Promise((r) => setTimeout(r, 200));
      for (const [name, s] of this.stores) {
        const extra = s.store.heard.slice(s.matched);
        if (extra.length > 0)
          throw new ConformanceFailure(
            `${name}'s store heard unexpected callbacks: ${extra.map((h) => this.render(h, s.store)).join("; ")}`,
          );
        if (s.store.violations.length > 0) throw new ConformanceFailure(`${name}'s store: ${s.store.violations.join("; ")}`);
      }
    } finally {
      cleanupErrors = await this.cleanup(ownChannel);
    }
    if (cleanupErrors.length > 0) throw new ConformanceFailure(`closing the case's rooms failed:\n  ${cleanupErrors.join("\n  ")}`);
  }

  private inProcessClient(): Promise<ClientUnderTest> {
    const transport = { protocol: Protocol.CONNECT, httpVersion: HttpVersion.HTTP_VERSION_1_1 } as StoreTransport;
    const pipe = inProcessDriver({
      clientName: "@cohost-kit/client CoHostStore (in process)",
      transports: [transport],
      makeTransport: () => this.options.transport,
    });
    return DriverChannel.open(pipe, "in-process", this.options.timeoutMs).then((channel) => ({
      channel,
      serverUrl: "in-process",
      transport,
    }));
  }

  /** Disposes the stores and closes every room the case opened; a refusal other than NOT_FOUND (closed by the case) is an error. */
  private async cleanup(ownChannel: boolean): Promise<string[]> {
    const errors: string[] = [];
    for (const store of [...[...this.stores.values()].map((s) => s.store), ...this.extraStores]) {
      await store.dispose().catch((err: unknown) => errors.push(`disposing ${store.spec.storeId}: ${String(err)}`));
    }
    await Promise.all(
      [...this.opened].map(async (name) => {
        try {
          await withTimeout(
            this.admin.closeRoom({ liveId: this.cast.actor(name).liveId }, this.adminHeaders()),
            this.options.timeoutMs,
            "CloseRoom",
          );
        } catch (err) {
          if (!(err instanceof ConnectError && err.code === Code.NotFound))
            errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
    if (ownChannel) await this.client?.channel.close();
    return errors;
  }

  private adminHeaders() {
    return { headers: { authorization: adminAuthorization(this.options.credentials)! } };
  }

  private async newStore(name: string, suffix = ""): Promise<RemoteStore> {
    const actor = this.cast.actor(name);
    const client = this.client!;
    const store = await RemoteStore.create(
      client.channel,
      {
        storeId: `${this.options.prefix}-${name}${suffix}`,
        liveId: actor.liveId,
        serverUrl: client.serverUrl,
        transport: client.transport,
        token: (await hostAuthorization(this.options.credentials, actor.userId))!.slice("Bearer ".length),
      },
      this.options.timeoutMs,
    );
    const ready = await store.ready();
    if (ready.code !== 0) throw new ConformanceFailure(`${name}'s store did not get ready: ${completionText(ready)}`);
    return store;
  }

  private async step(where: string, step: Step): Promise<void> {
    if ("call" in step) return this.call(where, step);
    if ("feeds" in step) {
      for (const [name, expected] of Object.entries(step.feeds)) await this.checkFeed(where, name, expected);
      return;
    }
    if ("wait" in step) return new Promise((r) => setTimeout(r, step.wait * 1000));
    if ("snapshot" in step) return this.snapshot(where, step);
    if ("page_candidates" in step) return this.page(where, step);
    throw new ConformanceFailure(`${where}: not expressible through CoHostStore`);
  }

  private async call(where: string, step: CallStep): Promise<void> {
    const label = `${where} (${step.by} ${step.call})`;
    if (step.by === "admin") {
      const args = Object.fromEntries(Object.entries(step.args ?? {}).map(([k, v]) => [camel(k), this.arg(k, v)]));
      let outcome: { code: number; reason: string; field: string; message: string } = { code: 0, reason: "", field: "", message: "" };
      try {
        const method = { OpenRoom: "openRoom", CloseRoom: "closeRoom", GetRoom: "getRoom" }[step.call as "OpenRoom"];
        await (this.admin as unknown as Record<string, (a: object, o: object) => Promise<unknown>>)[method]!(args, this.adminHeaders());
      } catch (err) {
        const o = outcomeOfError(err);
        if (!o.ok)
          outcome = { code: ConnectError.from(err).code, reason: o.details > 0 ? o.reason : "", field: o.field, message: o.message };
      }
      return check(label, outcome, step.expect ?? "ok");
    }
    const store = this.stores.get(step.by)?.store;
    if (!store) throw new ConformanceFailure(`${label}: ${step.by} has no store`);
    const a = (k: string) => (step.args?.[k] === undefined ? undefined : this.arg(k, step.args[k]!));
    const operation = this.operation(label, step, a);
    this.options.trace(`-> ${step.by} ${step.call}`);
    const result = await store.call(operation);
    this.options.trace(`<- code ${result.code} ${reasonName(result)}`);
    check(label, { code: result.code, reason: reasonName(result), field: result.field, message: result.message }, step.expect ?? "ok");
  }

  private operation(label: string, step: CallStep, a: (k: string) => unknown): Operation {
    const text = (k: string) => String(a(k) ?? "");
    switch (step.call) {
      case "RequestHostConnection":
        return {
          case: "requestHostConnection",
          value: {
            targetHostLiveId: text("target_host_live_id"),
            layoutTemplate: Number(a("layout_template") ?? 600),
            timeout: Number(a("timeout_seconds") ?? 30),
            extraInfo: text("extra_info"),
          },
        };
      case "CancelHostConnection":
        return { case: "cancelHostConnection", value: { toHostLiveId: text("to_host_live_id") } };
      case "AcceptHostConnection":
        return { case: "acceptHostConnection", value: { fromHostLiveId: text("from_host_live_id") } };
      case "RejectHostConnection":
        return { case: "rejectHostConnection", value: { fromHostLiveId: text("from_host_live_id") } };
      case "ExitHostConnection":
        return { case: "exitHostConnection", value: {} };
      case "GetCoHostCandidates":
        return { case: "getCoHostCandidates", value: { cursor: text("cursor") } };
      default:
        throw new ConformanceFailure(`${label}: not a host call`);
    }
  }

  private arg(key: string, value: Arg): unknown {
    return resolveArg(this.cast, key, value);
  }

  private async checkFeed(where: string, name: string, expected: ExpectedMessage[]): Promise<void> {
    const s = this.stores.get(name)!;
    const reasons = s.store.has(Feature.EVENT_REASONS);
    const events = expected.flatMap((m) => (m.events ?? []).map((e) => expectedCallback(e, reasons)));
    const last = expected.at(-1);
    const wantState = last ? this.expectedState(last.state ?? {}, s.store) : undefined;
    const done = () =>
      s.store.heard.length >= s.matched + events.length &&
      (wantState === undefined || this.stateText(s.store.latest, s.store) === wantState);
    await s.store
      .until(done, `${name}'s store to hear ${events.length} callback(s) and show the expected state`, this.options.timeoutMs)
      .catch(onlyTimeouts);
    const got = s.store.heard.slice(s.matched, s.matched + events.length).map((h) => this.render(h, s.store));
    if (got.join("; ") !== events.join("; ")) {
      throw new ConformanceFailure(
        `${where}: ${name}'s listener\n  expected: ${events.join("; ") || "(none)"}\n  actual:   ${got.join("; ") || "(none)"}`,
      );
    }
    s.matched += events.length;
    if (wantState !== undefined && this.stateText(s.store.latest, s.store) !== wantState) {
      throw new ConformanceFailure(
        `${where}: ${name}'s coHostState\n  expected: ${wantState}\n  actual:   ${this.stateText(s.store.latest, s.store)}`,
      );
    }
    if (last?.room_closed && s.store.has(Feature.FEED_STATUS))
      await s.store.until(() => s.store.feedStatus === FeedStatus.CLOSED, `${name}'s store to see its room closed`, this.options.timeoutMs);
  }

  private stateText(s: StoreState, store: RemoteStore): string {
    return renderStoreState(s, this.cast, store.has(Feature.CONNECTION_LAYOUT));
  }

  private expectedState(spec: Parameters<typeof renderExpectedState>[0], store: RemoteStore): string {
    return layoutIf(renderExpectedState(spec), store.has(Feature.CONNECTION_LAYOUT));
  }

  private render(h: Heard, store: RemoteStore): string {
    return renderHeard(h, this.cast, store.has(Feature.EVENT_REASONS));
  }

  private async snapshot(where: string, step: SnapshotStep): Promise<void> {
    const fresh = await this.newStore(step.snapshot.actor, `-snapshot${this.extraStores.length}`);
    this.extraStores.push(fresh);
    const want = this.expectedState(step.snapshot.state, fresh);
    const actual = this.stateText(fresh.latest, fresh);
    if (actual !== want) throw new ConformanceFailure(`${where}: a new store's state\n  expected: ${want}\n  actual:   ${actual}`);
  }

  private async page(where: string, step: PageStep): Promise<void> {
    const { by, include, exclude } = step.page_candidates;
    const store = this.stores.get(by)!.store;
    let result = await store.call({ case: "getCoHostCandidates", value: { cursor: "" } });
    for (let i = 0; result.code === 0 && store.latest.candidatesCursor !== "" && i < 10_000; i++) {
      result = await store.call({ case: "getCoHostCandidates", value: { cursor: store.latest.candidatesCursor } });
    }
    check(where, { code: result.code, reason: reasonName(result), field: result.field, message: result.message }, "ok");
    const seen = store.latest.candidates.map((c) => c.liveId);
    for (const name of include) {
      const count = seen.filter((id) => id === this.cast.actor(name).liveId).length;
      if (count !== 1) throw new ConformanceFailure(`${where}: ${name} is in candidates ${count} times, expected once`);
    }
    for (const name of exclude)
      if (seen.includes(this.cast.actor(name).liveId)) throw new ConformanceFailure(`${where}: ${name} must not be a candidate`);
  }
}

function camel(field: string): string {
  return field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function reasonName(c: Completion): string {
  return c.reason === 0 ? "" : (CoHostErrorReasonSchema.values.find((v) => v.number === c.reason)?.localName ?? String(c.reason));
}

function completionText(c: Completion): string {
  return `${codeName(c.code as Code)}/${reasonName(c)}: ${c.message}`;
}

function check(where: string, result: { code: number; reason: string; field: string; message: string }, expected: "ok" | Outcome): void {
  if (expected === "ok") {
    if (result.code !== 0)
      throw new ConformanceFailure(`${where}: expected code 0, got ${codeName(result.code as Code)}/${result.reason}: ${result.message}`);
    return;
  }
  const got =
    result.code === 0 ? "ok" : `${codeName(result.code as Code)}/${result.reason}${result.field ? ` (field ${result.field})` : ""}`;
  const fieldOk = expected.field === undefined || expected.field === result.field;
  if (result.code === 0 || codeName(result.code as Code) !== expected.code || result.reason !== expected.reason || !fieldOk) {
    throw new ConformanceFailure(`${where}: expected ${expected.code}/${expected.reason}, got ${got}`);
  }
}

/** The callback an expected event becomes, with the arguments Tencent's listener passes (plus the reason when the client reports it). */
function expectedCallback(spec: EventSpec, reasons: boolean): string {
  const r = (reason: string) => (reasons ? `, ${reason}` : "");
  if ("request_received" in spec) {
    const info = spec.request_received.extension_info;
    const text = typeof info === "object" ? info.repeat.repeat(info.count) : (info ?? "");
    return `received(${spec.request_received.inviter}, ${JSON.stringify(text)})`;
  }
  if ("request_cancelled" in spec)
    return `cancelled(${spec.request_cancelled.inviter}, ${spec.request_cancelled.invitee}${r(spec.request_cancelled.reason)})`;
  if ("request_accepted" in spec) return `accepted(${spec.request_accepted})`;
  if ("request_rejected" in spec) return `rejected(${spec.request_rejected.invitee}${r(spec.request_rejected.reason)})`;
  if ("request_timeout" in spec) return `timeout(${spec.request_timeout.inviter}, ${spec.request_timeout.invitee})`;
  if ("user_joined" in spec) return `joined(${spec.user_joined})`;
  return `left(${spec.user_left.user}${r(spec.user_left.reason)})`;
}
