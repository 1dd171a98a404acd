// The scripted cases, driven through CoHostStore (one store per actor):
// the adapter's coHostState values and listener callbacks must follow the
// same expected feeds, and its CompletionHandler the same outcomes.
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { CoHostLayoutTemplate, CoHostStatus, CoHostStore, type CompletionHandler, type SeatUserInfo } from "@cohost-kit/client";
import { RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { adminAuthorization, hostAuthorization, type Credentials } from "./credentials.js";
import { Cast } from "./expectations.js";
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
  type StateSpec,
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

interface ActorStore {
  store: CoHostStore;
  heard: string[];
  /** Events matched by `feeds` steps so far. */
  matched: number;
}

export interface ClientCaseOptions {
  transport: Transport;
  credentials: Credentials;
  prefix: string;
  timeoutMs: number;
  trace: (line: string) => void;
}

export class ClientCase {
  private readonly cast: Cast;
  private readonly stores = new Map<string, ActorStore>();
  private readonly admin;
  private readonly opened = new Set<string>();

  constructor(
    private readonly spec: CaseSpec,
    private readonly options: ClientCaseOptions,
  ) {
    this.cast = new Cast(options.prefix, spec);
    this.admin = createClient(RoomAdminService, options.transport);
  }

  async run(): Promise<void> {
    let cleanupErrors: string[] = [];
    try {
      for (const name of [...this.spec.actors, ...(this.spec.extra_rooms ?? [])]) {
        const a = this.cast.actor(name);
        await this.admin.openRoom(
          { liveId: a.liveId, userId: a.userId, userName: a.userName, avatarUrl: a.avatarUrl },
          this.adminHeaders(),
        );
        this.opened.add(name);
      }
      for (const name of this.spec.actors) this.stores.set(name, await this.newStore(name));
      for (const [i, step] of this.spec.steps.entries()) await this.step(`step ${i + 1}`, step);
      await new Promise((r) => setTimeout(r, 200));
      for (const [name, s] of this.stores) {
        if (s.heard.length > s.matched)
          throw new ConformanceFailure(`${name}'s store heard unexpected callbacks: ${s.heard.slice(s.matched).join("; ")}`);
      }
    } finally {
      for (const s of this.stores.values()) s.store.dispose();
      cleanupErrors = await this.closeRooms();
    }
    if (cleanupErrors.length > 0) throw new ConformanceFailure(`closing the case's rooms failed:\n  ${cleanupErrors.join("\n  ")}`);
  }

  /** Closes every room the case opened; a refusal other than NOT_FOUND (closed by the case) is an error. */
  private async closeRooms(): Promise<string[]> {
    const errors: string[] = [];
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
    return errors;
  }

  private adminHeaders() {
    return { headers: { authorization: adminAuthorization(this.options.credentials)! } };
  }

  private async newStore(name: string): Promise<ActorStore> {
    const actor = this.cast.actor(name);
    const store = CoHostStore.create(actor.liveId, {
      transport: this.options.transport,
      token: async () => (await hostAuthorization(this.options.credentials, actor.userId))!.slice("Bearer ".length),
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    const heard: string[] = [];
    const n = (s: SeatUserInfo) => this.seatName(s);
    store.addCoHostListener({
      onCoHostRequestReceived: (inviter, info) => heard.push(`received(${n(inviter)}, ${JSON.stringify(info)})`),
      onCoHostRequestCancelled: (inviter, invitee) => heard.push(`cancelled(${n(inviter)}, ${n(invitee)})`),
      onCoHostRequestAccepted: (invitee) => heard.push(`accepted(${n(invitee)})`),
      onCoHostRequestRejected: (invitee) => heard.push(`rejected(${n(invitee)})`),
      onCoHostRequestTimeout: (inviter, invitee) => heard.push(`timeout(${n(inviter)}, ${n(invitee)})`),
      onCoHostUserJoined: (user) => heard.push(`joined(${n(user)})`),
      onCoHostUserLeft: (user) => heard.push(`left(${n(user)})`),
    });
    await this.until(() => store.feedStatus.value === "live", `${name}'s store to go live`);
    return { store, heard, matched: 0 };
  }

  private seatName(seat: SeatUserInfo): string {
    return this.cast.nameOf({
      liveId: seat.liveID,
      userId: seat.userID,
      userName: seat.userName,
      avatarUrl: seat.avatarURL,
      $typeName: "cohost.v1.SeatUserInfo",
    });
  }

  private async until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new ConformanceFailure(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
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
      let result: CompletionHandler = { code: 0, message: "", reason: "", field: "" };
      try {
        const method = { OpenRoom: "openRoom", CloseRoom: "closeRoom", GetRoom: "getRoom" }[step.call as "OpenRoom"];
        await (this.admin as unknown as Record<string, (a: object, o: object) => Promise<unknown>>)[method]!(args, this.adminHeaders());
      } catch (err) {
        result = completionOf(err);
      }
      return check(label, result, step.expect ?? "ok");
    }
    const store = this.stores.get(step.by)?.store;
    if (!store) throw new ConformanceFailure(`${label}: ${step.by} has no store`);
    const a = (k: string) => (step.args?.[k] === undefined ? undefined : this.arg(k, step.args[k]!));
    this.options.trace(`-> ${step.by} ${step.call} (CoHostStore)`);
    let result: CompletionHandler;
    switch (step.call) {
      case "RequestHostConnection":
        result = await store.requestHostConnection({
          targetHostLiveID: String(a("target_host_live_id") ?? ""),
          layoutTemplate: (a("layout_template") ?? CoHostLayoutTemplate.hostDynamicGrid) as CoHostLayoutTemplate,
          timeout: Number(a("timeout_seconds") ?? 30),
          extraInfo: String(a("extra_info") ?? ""),
        });
        break;
      case "CancelHostConnection":
        result = await store.cancelHostConnection(String(a("to_host_live_id") ?? ""));
        break;
      case "AcceptHostConnection":
        result = await store.acceptHostConnection(String(a("from_host_live_id") ?? ""));
        break;
      case "RejectHostConnection":
        result = await store.rejectHostConnection(String(a("from_host_live_id") ?? ""));
        break;
      case "ExitHostConnection":
        result = await store.exitHostConnection();
        break;
      case "GetCoHostCandidates":
        result = await store.getCoHostCandidates(String(a("cursor") ?? ""));
        break;
      default:
        throw new ConformanceFailure(`${label}: not a host call`);
    }
    this.options.trace(`<- code ${result.code} ${result.reason}`);
    check(label, result, step.expect ?? "ok");
  }

  private arg(key: string, value: Arg): unknown {
    return resolveArg(this.cast, key, value);
  }

  private async checkFeed(where: string, name: string, expected: ExpectedMessage[]): Promise<void> {
    const s = this.stores.get(name)!;
    const events = expected.flatMap((m) => (m.events ?? []).map(expectedCallback));
    const last = expected.at(-1);
    const wantState = last ? expectedState(last.state ?? {}) : undefined;
    const done = () => s.heard.length >= s.matched + events.length && (wantState === undefined || this.state(s.store) === wantState);
    const deadline = Date.now() + this.options.timeoutMs;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const got = s.heard.slice(s.matched, s.matched + events.length);
    if (got.join("; ") !== events.join("; ")) {
      throw new ConformanceFailure(
        `${where}: ${name}'s listener\n  expected: ${events.join("; ") || "(none)"}\n  actual:   ${got.join("; ") || "(none)"}`,
      );
    }
    s.matched += events.length;
    if (wantState !== undefined && this.state(s.store) !== wantState) {
      throw new ConformanceFailure(`${where}: ${name}'s coHostState\n  expected: ${wantState}\n  actual:   ${this.state(s.store)}`);
    }
    if (last?.room_closed) await this.until(() => s.store.feedStatus.value === "closed", `${name}'s store to see its room closed`);
  }

  private state(store: CoHostStore): string {
    const s = store.coHostState;
    return [
      `status=${s.coHostStatus.value === CoHostStatus.connected ? "connected" : "disconnected"}`,
      `connected=[${s.connected.value.map((x) => this.seatName(x)).join(",")}]`,
      `invitees=[${s.invitees.value.map((x) => this.seatName(x)).join(",")}]`,
      `applicant=${s.applicant.value ? this.seatName(s.applicant.value) : "-"}`,
    ].join(" ");
  }

  private async snapshot(where: string, step: SnapshotStep): Promise<void> {
    const fresh = await this.newStore(step.snapshot.actor);
    try {
      const want = expectedState(step.snapshot.state);
      if (this.state(fresh.store) !== want)
        throw new ConformanceFailure(`${where}: a new store's state\n  expected: ${want}\n  actual:   ${this.state(fresh.store)}`);
    } finally {
      fresh.store.dispose();
    }
  }

  private async page(where: string, step: PageStep): Promise<void> {
    const { by, include, exclude } = step.page_candidates;
    const store = this.stores.get(by)!.store;
    let result = await store.getCoHostCandidates("");
    for (let i = 0; result.code === 0 && store.coHostState.candidatesCursor.value !== "" && i < 10_000; i++) {
      result = await store.getCoHostCandidates(store.coHostState.candidatesCursor.value);
    }
    check(where, result, "ok");
    const seen = store.coHostState.candidates.value.map((c) => c.liveID);
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

function check(where: string, result: CompletionHandler, expected: "ok" | Outcome): void {
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

/** The callback an expected event becomes, with the arguments Tencent's listener passes. */
function expectedCallback(spec: EventSpec): string {
  if ("request_received" in spec) {
    const info = spec.request_received.extension_info;
    const text = typeof info === "object" ? info.repeat.repeat(info.count) : (info ?? "");
    return `received(${spec.request_received.inviter}, ${JSON.stringify(text)})`;
  }
  if ("request_cancelled" in spec) return `cancelled(${spec.request_cancelled.inviter}, ${spec.request_cancelled.invitee})`;
  if ("request_accepted" in spec) return `accepted(${spec.request_accepted})`;
  if ("request_rejected" in spec) return `rejected(${spec.request_rejected.invitee})`;
  if ("request_timeout" in spec) return `timeout(${spec.request_timeout.inviter}, ${spec.request_timeout.invitee})`;
  if ("user_joined" in spec) return `joined(${spec.user_joined})`;
  return `left(${spec.user_left.user})`;
}

function expectedState(spec: StateSpec): string {
  const connected = spec.connected ?? [];
  return [
    `status=${connected.length > 0 ? "connected" : "disconnected"}`,
    `connected=[${connected.join(",")}]`,
    `invitees=[${(spec.invitees ?? []).join(",")}]`,
    `applicant=${spec.applicant ?? "-"}`,
  ].join(" ");
}

/** An admin call's failure in the shape of a CompletionHandler, to check it like the store's results. */
function completionOf(err: unknown): CompletionHandler {
  const outcome = outcomeOfError(err);
  if (outcome.ok) throw new Error("unreachable: an error has no ok outcome");
  return {
    code: ConnectError.from(err).code,
    message: outcome.message,
    reason: outcome.details > 0 ? outcome.reason : "",
    field: outcome.field,
  };
}
