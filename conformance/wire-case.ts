// Runs one scripted case against a server over the wire: opens the actors'
// rooms, follows every actor's feed with two watchers, performs the steps,
// checks each outcome and each feed message, then closes what it opened.
// Besides what a case spells out, every case checks what the spec says of
// every call: refusal details, response positions, request deadlines, the
// feeds' own rules, and GetRoom agreeing with the feeds.
import { equals, ScalarType, toBinary, toJsonString, type DescMessage } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import {
  CoHostService,
  RoomAdminService,
  RoomInfoSchema,
  WatchCoHostResponseSchema,
  type RoomInfo,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { cursorOf, resolveArg } from "./args.js";
import { adminAuthorization, hostAuthorization, type Credentials } from "./credentials.js";
import { Cast, renderExpectedMessage, renderExpectedState, renderMessage, renderState } from "./expectations.js";
import { ConformanceFailure, FeedWatcher, withTimeout } from "./feed-watcher.js";
import { checkOutcome, describeOutcome, outcomeOfError, type CallOutcome } from "./outcome.js";
import { pageThrough } from "./paging.js";
import {
  ADMIN_METHODS,
  type Arg,
  type CallStep,
  type CaseSpec,
  type FeedsStep,
  type FloodStep,
  type Method,
  type PageRoomsStep,
  type PageStep,
  type ResumeStep,
  type SnapshotStep,
  type Step,
} from "./schema.js";
import { ServerClock } from "./server-clock.js";

export { checkOutcome, codeName, describeOutcome, isTransportFailure, outcomeOfError, type CallOutcome } from "./outcome.js";

export interface WireCaseOptions {
  transport: Transport;
  credentials: Credentials;
  /** Unique per run and case; prefixes every id the case uses. */
  prefix: string;
  /** How long to wait for an expected message. */
  timeoutMs: number;
  trace: (line: string) => void;
}

const REQUEST_DEFAULTS: Record<string, Arg> = { layout_template: "HOST_DYNAMIC_GRID", timeout_seconds: 30 };
const MUTATIONS: ReadonlySet<Method> = new Set([
  "RequestHostConnection",
  "CancelHostConnection",
  "AcceptHostConnection",
  "RejectHostConnection",
  "ExitHostConnection",
]);
/** R7.when allows 1 s; this much more covers delivery to a loaded client before the suite calls a timeout late. */
const TIMEOUT_DELIVERY_SLACK_MS = 2_000;
/** R16.keepalive: slack on top of keep_alive_interval for delivery to a loaded client. */
const KEEPALIVE_DELIVERY_SLACK_MS = 1_000;

interface Saved {
  outcome: CallOutcome;
  receivedAt: number;
  /** For a RequestHostConnection: its deadline on the server's clock. */
  deadline?: number;
}

export class WireCase {
  readonly cast: Cast;
  private readonly cohost: Client<typeof CoHostService>;
  private readonly admin: Client<typeof RoomAdminService>;
  private readonly primary = new Map<string, FeedWatcher>();
  private readonly secondary = new Map<string, FeedWatcher>();
  private readonly saved = new Map<string, Saved>();
  /** Live ids of the rooms this case opened, to close at the end. */
  private readonly opened = new Set<string>();
  private readonly clock = new ServerClock();
  /** The deadlines of the requests the case made, in order, by "inviter>invitee" (actor names). */
  private readonly deadlines = new Map<string, number[]>();
  /** How many request_received events of each pair the feeds steps matched so far. */
  private readonly received = new Map<string, number>();
  /** Response positions to check against the callers' feeds at the end (R15.position). */
  private readonly positions: { where: string; actor: string; epoch: string; sequence: number; latest: number }[] = [];

  constructor(
    private readonly spec: CaseSpec,
    private readonly options: WireCaseOptions,
  ) {
    this.cast = new Cast(options.prefix, spec);
    this.cohost = createClient(CoHostService, options.transport);
    this.admin = createClient(RoomAdminService, options.transport);
  }

  async run(): Promise<void> {
    let cleanupErrors: string[] = [];
    try {
      for (const name of [...this.spec.actors, ...(this.spec.extra_rooms ?? [])]) await this.openRoom(name);
      for (const name of this.spec.actors) {
        for (const [map, label] of [
          [this.primary, name],
          [this.secondary, `${name}#2`],
        ] as const) {
          const watcher = this.watcher(name, label);
          const first = await watcher.open();
          if (renderState(first.state, this.cast) !== renderExpectedState({}) || first.sequence !== 0n) {
            throw new ConformanceFailure(
              `${label}: a new room's snapshot should be idle at sequence 0 (R1.open), got ${renderState(first.state, this.cast)} at ${first.sequence}`,
            );
          }
          map.set(name, watcher);
        }
      }
      for (const [i, step] of this.spec.steps.entries()) await this.step(`step ${i + 1}`, step);
      await this.finish();
    } finally {
      cleanupErrors = await this.cleanup();
    }
    if (cleanupErrors.length > 0) throw new ConformanceFailure(`closing the case's rooms failed:\n  ${cleanupErrors.join("\n  ")}`);
  }

  private watcher(name: string, label: string): FeedWatcher {
    const actor = this.cast.actor(name);
    return new FeedWatcher(
      label,
      this.cohost,
      actor.liveId,
      () => hostAuthorization(this.options.credentials, actor.userId),
      this.options.trace,
      this.options.timeoutMs,
    );
  }

  private adminHeaders() {
    return { headers: { authorization: adminAuthorization(this.options.credentials)! } };
  }

  /** R1.response: OpenRoom answers with the room as GetRoom shows it right after. */
  private async checkOpenedRoom(where: string, liveId: string, answered: RoomInfo | undefined): Promise<void> {
    const now = await this.getRoomById(liveId);
    if (!answered || !now || !equals(RoomInfoSchema, answered, now)) {
      throw new ConformanceFailure(
        `${where}: OpenRoom's room ${answered ? toJsonString(RoomInfoSchema, answered) : "(unset)"} is not GetRoom's right after, ${now ? toJsonString(RoomInfoSchema, now) : "(not found)"} (R1.response)`,
      );
    }
  }

  private async openRoom(name: string): Promise<void> {
    const a = this.cast.actor(name);
    const opened = await this.admin.openRoom(
      { liveId: a.liveId, userId: a.userId, userName: a.userName, avatarUrl: a.avatarUrl },
      this.adminHeaders(),
    );
    await this.checkOpenedRoom(`opening ${name}'s room`, a.liveId, opened.room);
    this.opened.add(a.liveId);
  }

  /** The room as GetRoom shows it, or undefined when it is not open. */
  private async getRoom(name: string): Promise<RoomInfo | undefined> {
    return this.getRoomById(this.cast.actor(name).liveId);
  }

  private async getRoomById(liveId: string): Promise<RoomInfo | undefined> {
    try {
      return (await this.admin.getRoom({ liveId }, this.adminHeaders())).room;
    } catch (err) {
      const outcome = outcomeOfError(err);
      if (!outcome.ok && outcome.code === "NOT_FOUND") return undefined;
      throw err;
    }
  }

  private async step(where: string, step: Step): Promise<void> {
    if ("call" in step) return this.callStep(where, step);
    if ("feeds" in step) return this.feedsStep(where, step);
    if ("wait" in step) return new Promise((r) => setTimeout(r, step.wait * 1000));
    if ("wait_deadline" in step) return this.waitDeadline(where, step.wait_deadline);
    if ("wait_retry_after" in step) return this.waitRetryAfter(where, step.wait_retry_after);
    if ("keep_alive" in step) return this.keepAliveStep(where, step.keep_alive);
    if ("watchers" in step) return this.watchersStep(where, step.watchers);
    if ("drop" in step) return this.primary.get(step.drop)!.drop();
    if ("resume" in step) return this.resumeStep(where, step);
    if ("snapshot" in step) return this.snapshotStep(where, step);
    if ("flood" in step) return this.floodStep(where, step);
    if ("page_rooms" in step) return this.pageRoomsStep(where, step);
    return this.pageStep(where, step as PageStep);
  }

  /** The server's time as far as the suite surely knows it has come (for tokens with chosen times). */
  private serverNow(): number {
    if (!this.clock.known) throw new ConformanceFailure("a token relative to the server's clock needs a RequestHostConnection first");
    return this.clock.passed();
  }

  /**
   * Waits until the server's clock surely began a new second. A token whose
   * `exp` or `nbf` is the current second is minted then, so the server
   * judges it within that second however the case's calls are timed
   * (R2.token: `exp` equal to now is expired, `nbf` equal to now is valid).
   */
  private async startOfServerSecond(): Promise<void> {
    const next = Math.floor(this.serverNow() / 1000) * 1000 + 1000;
    const wait = this.clock.localWhen(next) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  /** Performs one call as its actor (or with a bad credential) and returns its outcome. */
  async call(step: CallStep): Promise<CallOutcome> {
    const args = this.resolveArgs(step);
    if (typeof step.auth === "object" && "token" in step.auth && (step.auth.token.exp === 0 || step.auth.token.nbf === 0))
      await this.startOfServerSecond();
    let authorization: string | undefined;
    if (ADMIN_METHODS.has(step.call)) authorization = adminAuthorization(this.options.credentials, step.auth);
    else if (typeof step.auth === "object" && "as" in step.auth)
      authorization = await hostAuthorization(this.options.credentials, this.cast.actor(step.auth.as).userId);
    else
      authorization = await hostAuthorization(this.options.credentials, this.cast.actor(step.by).userId, step.auth, () => this.serverNow());
    const headers: Record<string, string> = authorization ? { authorization } : {};
    this.options.trace(
      `-> ${step.by} ${step.call} ${JSON.stringify(args, (_, v) => (typeof v === "string" && v.length > 80 ? `${v.slice(0, 20)}...(${v.length})` : typeof v === "bigint" ? String(v) : v))}`,
    );
    if (step.call === "WatchCoHost") return this.watchOnce(args, headers);
    const sentAt = Date.now();
    try {
      const { method, schema } = this.method(step.call);
      const response = (await method(args, { headers })) as { $typeName: string };
      this.options.trace(`<- ok`);
      if (step.call === "RequestHostConnection" && !step.same_as) {
        const deadline = (response as { deadline?: Parameters<typeof timestampMs>[0] }).deadline;
        if (deadline) this.clock.observe(sentAt, Date.now(), timestampMs(deadline) - Number(args.timeoutSeconds) * 1000);
      }
      return { ok: true, response, schema };
    } catch (err) {
      const outcome = outcomeOfError(err);
      this.options.trace(`<- ${describeOutcome(outcome)}`);
      return outcome;
    }
  }

  /** A watch as a call: ok with its first message, or the refusal. */
  private async watchOnce(args: Record<string, unknown>, headers: Record<string, string>): Promise<CallOutcome> {
    const abort = new AbortController();
    try {
      const stream = this.cohost.watchCoHost(args, { headers, signal: abort.signal })[Symbol.asyncIterator]();
      const first = await withTimeout(stream.next(), this.options.timeoutMs, "the first message of a watch");
      if (first.done) throw new ConformanceFailure("the watch ended before its first message");
      this.options.trace(`<- ok (first message kind ${first.value.kind})`);
      return { ok: true, response: first.value, schema: WatchCoHostResponseSchema };
    } catch (err) {
      if (err instanceof ConformanceFailure) throw err;
      const outcome = outcomeOfError(err);
      this.options.trace(`<- ${describeOutcome(outcome)}`);
      return outcome;
    } finally {
      abort.abort();
    }
  }

  private method(name: Method): { method: (req: object, opts: object) => Promise<unknown>; schema: DescMessage } {
    const service = ADMIN_METHODS.has(name) ? RoomAdminService : CoHostService;
    const client = (ADMIN_METHODS.has(name) ? this.admin : this.cohost) as unknown as Record<
      string,
      (req: object, opts: object) => Promise<unknown>
    >;
    const desc = service.methods.find((m) => m.name === name)!;
    return { method: client[desc.localName]!.bind(client), schema: desc.output };
  }

  private resolveArgs(step: CallStep): Record<string, unknown> {
    const service = ADMIN_METHODS.has(step.call) ? RoomAdminService : CoHostService;
    const input = service.methods.find((m) => m.name === step.call)!.input;
    const raw: Record<string, Arg> = {
      ...(ADMIN_METHODS.has(step.call) ? {} : { live_id: step.by }),
      ...(step.call === "RequestHostConnection" ? REQUEST_DEFAULTS : {}),
      ...step.args,
    };
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      const field = input.fields.find((f) => f.name === key);
      if (!field) throw new ConformanceFailure(`${step.call} has no field ${key}`);
      const resolved = resolveArg(this.cast, key, value);
      const wide = field.fieldKind === "scalar" && [ScalarType.UINT64, ScalarType.INT64].includes(field.scalar);
      out[field.localName] = wide && typeof resolved === "number" ? BigInt(resolved) : resolved;
    }
    return out;
  }

  private async callStep(where: string, step: CallStep): Promise<void> {
    const outcome = await this.call(step);
    const receivedAt = Date.now();
    const label = `${where} (${step.by} ${step.call})`;
    checkOutcome(label, outcome, step.expect ?? "ok");
    let deadline: number | undefined;
    if (outcome.ok) deadline = await this.afterSuccess(label, step, outcome);
    if (step.save) this.saved.set(step.save, { outcome, receivedAt, deadline });
    if (step.same_as) {
      const first = this.saved.get(step.same_as);
      if (!first) throw new ConformanceFailure(`${label}: nothing saved as ${step.same_as}`);
      if (!sameOutcome(first.outcome, outcome))
        throw new ConformanceFailure(`${label}: the retry's outcome differs from the first (R18.replay)`);
    }
  }

  /** What the spec says of every successful call; returns a new request's deadline. */
  private async afterSuccess(where: string, step: CallStep, outcome: Extract<CallOutcome, { ok: true }>): Promise<number | undefined> {
    const args = this.resolveArgs(step);
    if (step.call === "OpenRoom") {
      this.opened.add(String(args.liveId));
      await this.checkOpenedRoom(where, String(args.liveId), (outcome.response as { room?: RoomInfo }).room);
    }
    if (!MUTATIONS.has(step.call) || step.same_as) return undefined;
    const response = outcome.response as { position?: { epoch: string; sequence: bigint }; deadline?: Parameters<typeof timestampMs>[0] };
    const position = response.position;
    if (!position) throw new ConformanceFailure(`${where}: response has no position (R15.position)`);
    const room = await this.getRoom(step.by);
    if (room) {
      this.positions.push({
        where,
        actor: step.by,
        epoch: position.epoch,
        sequence: Number(position.sequence),
        latest: Number(room.position?.sequence ?? 0n),
      });
    }
    if (step.call !== "RequestHostConnection") return undefined;
    // R7.deadline, R1.get-room: the response's deadline is the pending request's, as GetRoom shows it.
    const deadline = response.deadline ? timestampMs(response.deadline) : undefined;
    if (deadline === undefined) throw new ConformanceFailure(`${where}: response has no deadline`);
    const target = this.cast.byLive(String(args.targetHostLiveId));
    if (target) {
      const key = `${step.by}>${target.name}`;
      this.deadlines.set(key, [...(this.deadlines.get(key) ?? []), deadline]);
    }
    const pending = room?.outgoingRequests.find((r) => r.invitee?.liveId === args.targetHostLiveId);
    if (room && (!pending?.deadline || timestampMs(pending.deadline) !== deadline)) {
      throw new ConformanceFailure(
        `${where}: GetRoom shows the new request with deadline ${pending?.deadline ? timestampMs(pending.deadline) : "(none)"}, the response said ${deadline} (R7.deadline)`,
      );
    }
    if (pending && (pending.layoutTemplate !== args.layoutTemplate || pending.extraInfo !== (args.extraInfo ?? ""))) {
      throw new ConformanceFailure(`${where}: GetRoom shows the new request with another layout or extra_info (R1.get-room)`);
    }
    return deadline;
  }

  private async feedsStep(where: string, step: FeedsStep): Promise<void> {
    for (const [name, expected] of Object.entries(step.feeds)) {
      const watcher = this.primary.get(name)!;
      await watcher.waitFor(expected.length);
      const got = watcher.pending.splice(0, expected.length);
      // The room closed while a resumed stream was down (spec: NOT_FOUND ends it): what it missed is out of reach.
      const reachable = watcher.closedAway && expected.at(-1)?.room_closed ? got.length : expected.length;
      if (reachable < expected.length)
        this.options.trace(`${name}: ${expected.length - reachable} message(s) not checked, the room closed while away`);
      for (const [i, spec] of expected.slice(0, reachable).entries()) {
        const want = renderExpectedMessage(spec);
        const actual = got[i] ? renderMessage(got[i]!, this.cast) : "(no message arrived)";
        if (actual !== want) {
          throw new ConformanceFailure(
            `${where}: ${name}'s feed message ${i + 1} of ${expected.length}\n  expected: ${want}\n  actual:   ${actual}`,
          );
        }
        this.checkTiming(`${where}: ${name}'s feed message ${i + 1}`, watcher, got[i]!);
      }
      this.failOnFeedErrors();
    }
  }

  /**
   * R7.deadline: the k-th request_received of a pair carries the k-th
   * request's deadline. R7.when: a timeout comes at the deadline of the
   * pair's latest request that was due by then, and at most 1 s later.
   */
  private checkTiming(where: string, watcher: FeedWatcher, message: WatchCoHostResponse): void {
    for (const { event } of message.events) {
      if (event.case !== "requestReceived" && event.case !== "requestTimeout") continue;
      const key = `${this.cast.nameOf(event.value.inviter)}>${this.cast.nameOf(event.value.invitee)}`;
      const deadlines = this.deadlines.get(key) ?? [];
      if (deadlines.length === 0) continue;
      if (event.case === "requestReceived") {
        const index = this.received.get(key) ?? 0;
        this.received.set(key, index + 1);
        const deadline = deadlines[index];
        const carried = event.value.deadline ? timestampMs(event.value.deadline) : undefined;
        if (deadline !== undefined && carried !== deadline)
          throw new ConformanceFailure(
            `${where}: request_received carries deadline ${carried}, the response said ${deadline} (R7.deadline)`,
          );
        continue;
      }
      const arrived = watcher.arrivals.get(message) ?? Date.now();
      const due = deadlines.filter((d) => d <= this.clock.notYet(arrived));
      const deadline = due.length > 0 ? due.at(-1)! : Math.min(...deadlines);
      if (this.clock.notYet(arrived) < deadline) {
        throw new ConformanceFailure(
          `${where}: request_timeout arrived ${Math.round(deadline - this.clock.notYet(arrived))} ms before the deadline (R7.when)`,
        );
      }
      const late = this.clock.passed(arrived) - deadline;
      if (late > 1000 + TIMEOUT_DELIVERY_SLACK_MS)
        throw new ConformanceFailure(
          `${where}: request_timeout arrived ${Math.round(late)} ms after the deadline; at most 1 s is allowed (R7.when)`,
        );
    }
  }

  private async waitDeadline(where: string, name: string): Promise<void> {
    const deadline = this.saved.get(name)?.deadline;
    if (deadline === undefined) throw new ConformanceFailure(`${where}: no request saved as ${name}`);
    const wait = this.clock.localWhen(deadline) + 20 - Date.now();
    if (wait > 310_000) throw new ConformanceFailure(`${where}: the deadline is ${wait} ms away`);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  private async waitRetryAfter(where: string, name: string): Promise<void> {
    const saved = this.saved.get(name);
    const retryAfter = saved && !saved.outcome.ok ? saved.outcome.retryAfterMs : undefined;
    if (retryAfter === undefined) throw new ConformanceFailure(`${where}: no RATE_LIMITED refusal saved as ${name}`);
    const wait = saved!.receivedAt + retryAfter + 20 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  /** R16.keepalive: a quiet stream hears a KEEP_ALIVE within keep_alive_interval. */
  private async keepAliveStep(where: string, name: string): Promise<void> {
    const watcher = this.primary.get(name)!;
    const since = watcher.lastMessageAt;
    const interval = watcher.keepAliveMs;
    const at = await watcher.nextKeepAlive(2 * interval + KEEPALIVE_DELIVERY_SLACK_MS);
    if (at === undefined)
      throw new ConformanceFailure(`${where}: ${name}'s feed sent no KEEP_ALIVE within twice its ${interval} ms interval (R16.keepalive)`);
    if (at - since > interval + KEEPALIVE_DELIVERY_SLACK_MS) {
      throw new ConformanceFailure(
        `${where}: ${name}'s feed was silent ${at - since} ms, longer than its ${interval} ms keep_alive_interval (R16.keepalive)`,
      );
    }
    this.failOnFeedErrors();
  }

  /** R16.streams: more watches of one room, all at once, each starting with a SNAPSHOT. */
  private async watchersStep(where: string, { actor, count }: { actor: string; count: number }): Promise<void> {
    const watchers = Array.from({ length: count }, (_, i) => this.watcher(actor, `${actor}(extra ${i + 1})`));
    try {
      await Promise.all(watchers.map((w) => w.open()));
      const errors = watchers.flatMap((w) => w.errors);
      if (errors.length > 0) throw new ConformanceFailure(`${where}: ${errors.join("\n")}`);
    } finally {
      for (const w of watchers) w.drop();
    }
  }

  private async resumeStep(where: string, step: ResumeStep): Promise<void> {
    const { actor, epoch, ahead = 0, expect = "replay", state } = step.resume;
    const old = this.primary.get(actor)!;
    const resume = { epoch: epoch ?? old.epoch, after: old.last + ahead };
    if (expect === "not_found") {
      const outcome = await this.call({
        call: "WatchCoHost",
        by: actor,
        args: { resume_epoch: resume.epoch, resume_after_sequence: resume.after },
      });
      return checkOutcome(`${where} (resume ${actor})`, outcome, { code: "NOT_FOUND", reason: "ROOM_NOT_FOUND", field: "live_id" });
    }
    const watcher = this.watcher(actor, actor);
    watcher.epoch = old.epoch;
    watcher.last = old.last;
    const before = Number((await this.getRoom(actor))?.position?.sequence ?? -1);
    const first = await watcher.open(resume, expect);
    if (expect === "resync") {
      const after = Number((await this.getRoom(actor))?.position?.sequence ?? -1);
      const sequence = Number(first.sequence);
      if (sequence < before || sequence > after)
        throw new ConformanceFailure(`${where}: RESYNC at sequence ${sequence}, the room was at ${before}..${after} (R16.resync)`);
      if (state && renderState(first.state, this.cast) !== renderExpectedState(state)) {
        throw new ConformanceFailure(
          `${where}: RESYNC state\n  expected: ${renderExpectedState(state)}\n  actual:   ${renderState(first.state, this.cast)}`,
        );
      }
    }
    // Messages from before the drop come first (the new stream may have delivered already).
    watcher.pending.unshift(...old.pending);
    watcher.all.unshift(...old.all);
    for (const [m, at] of old.arrivals) watcher.arrivals.set(m, at);
    this.primary.set(actor, watcher);
  }

  /** R15.snapshot: a fresh watch starts with the current state at the current sequence. */
  private async snapshotStep(where: string, step: SnapshotStep): Promise<void> {
    const name = step.snapshot.actor;
    const before = Number((await this.getRoom(name))?.position?.sequence ?? -1);
    const watcher = this.watcher(name, `${name}(snapshot)`);
    const first = await watcher.open();
    watcher.drop();
    const after = await this.getRoom(name);
    const sequence = Number(first.sequence);
    if (sequence < before || sequence > Number(after?.position?.sequence ?? -1))
      throw new ConformanceFailure(
        `${where}: snapshot of ${name} at sequence ${sequence}, the room was at ${before}..${after?.position?.sequence}`,
      );
    const primary = this.primary.get(name);
    if (primary && !primary.closed && first.epoch !== primary.epoch)
      throw new ConformanceFailure(`${where}: snapshot of ${name} in epoch ${first.epoch}, its feed's is ${primary.epoch} (R16.epoch)`);
    if (primary?.closed && first.epoch === primary.epoch)
      throw new ConformanceFailure(`${where}: the reopened room ${name} kept its old epoch ${first.epoch} (R1.open)`);
    const want = renderExpectedState(step.snapshot.state);
    const actual = renderState(first.state, this.cast);
    if (actual !== want) throw new ConformanceFailure(`${where}: snapshot of ${name}\n  expected: ${want}\n  actual:   ${actual}`);
    if (watcher.errors.length > 0) throw new ConformanceFailure(watcher.errors.join("\n"));
  }

  /**
   * Attempts one after another until `until` comes back (R19.bounds), so the
   * refusal is the last attempt the server saw.
   */
  private async floodStep(where: string, step: FloodStep): Promise<void> {
    const { call, until, max, within_ms: withinMs = 10_000, min_passed: minPassed = 0, save } = step.flood;
    const started = Date.now();
    for (let attempt = 1; attempt <= max; attempt++) {
      const outcome = await this.call(call);
      if (outcome.ok || outcome.code !== until.code || outcome.reason !== until.reason) continue;
      checkOutcome(`${where} (attempt ${attempt})`, outcome, until);
      if (attempt - 1 < minPassed)
        throw new ConformanceFailure(
          `${where}: only ${attempt - 1} attempts passed before ${until.reason}; at least ${minPassed} must (R19.bounds)`,
        );
      if (save) this.saved.set(save, { outcome, receivedAt: Date.now() });
      return;
    }
    const took = Date.now() - started;
    throw new ConformanceFailure(
      `${where}: no ${until.code}/${until.reason} within ${max} attempts in ${took} ms${took > withinMs ? ` (they took longer than ${withinMs} ms, too slow to judge)` : ""}`,
    );
  }

  private async pageStep(where: string, step: PageStep): Promise<void> {
    const { by, page_size: pageSize, cursor_after: after, include, exclude } = step.page_candidates;
    const seen = await pageThrough(
      where,
      async (cursor) => {
        const outcome = await this.call({
          call: "GetCoHostCandidates",
          by,
          args: { cursor, ...(pageSize ? { page_size: pageSize } : {}) },
        });
        checkOutcome(where, outcome, "ok");
        const page = (outcome as Extract<CallOutcome, { ok: true }>).response as unknown as {
          candidates: { liveId: string }[];
          nextCursor: string;
        };
        return { liveIds: page.candidates.map((c) => c.liveId), nextCursor: page.nextCursor };
      },
      { limit: pageSize || 20, cursor: after ? (resolveArg(this.cast, "cursor", { cursor_after: after }) as string) : "" },
    );
    this.checkMembers(where, seen, include, exclude);
  }

  /** ListRooms over this case's rooms only: they sort together, after the cursor of the case's prefix. */
  private async pageRoomsStep(where: string, step: PageRoomsStep): Promise<void> {
    const { page_size: pageSize, include, exclude } = step.page_rooms;
    const prefix = `${this.options.prefix}-`;
    const seen = await pageThrough(
      where,
      async (cursor) => {
        const outcome = await this.call({ call: "ListRooms", by: "admin", args: { cursor, ...(pageSize ? { page_size: pageSize } : {}) } });
        checkOutcome(where, outcome, "ok");
        const page = (outcome as Extract<CallOutcome, { ok: true }>).response as unknown as { rooms: RoomInfo[]; nextCursor: string };
        return { liveIds: page.rooms.map((r) => r.host?.liveId ?? ""), nextCursor: page.nextCursor };
      },
      { limit: pageSize || 20, cursor: cursorOf(`c1:${prefix}`), beyond: (id) => !id.startsWith(prefix) },
    );
    this.checkMembers(
      where,
      seen.filter((id) => id.startsWith(prefix)),
      include,
      exclude,
    );
  }

  private checkMembers(where: string, seen: string[], include: string[], exclude: string[]): void {
    for (const name of include) {
      const count = seen.filter((id) => id === this.cast.actor(name).liveId).length;
      if (count !== 1) throw new ConformanceFailure(`${where}: ${name} appeared ${count} times, expected exactly once (R17.paging)`);
    }
    for (const name of exclude) {
      if (seen.includes(this.cast.actor(name).liveId)) throw new ConformanceFailure(`${where}: ${name} must not be listed`);
    }
  }

  private failOnFeedErrors(): void {
    const errors = [...this.primary.values(), ...this.secondary.values()].flatMap((w) => w.errors);
    if (errors.length > 0) throw new ConformanceFailure(errors.join("\n"));
  }

  /**
   * Every message was expected, every watcher of a room saw the same feed,
   * feeds reached the position the server reports and agree with GetRoom,
   * closed rooms' streams ended with OK, and response positions were right.
   */
  private async finish(): Promise<void> {
    this.failOnFeedErrors();
    for (const [name, watcher] of this.primary) {
      if (watcher.end.kind === "dropped") continue; // left away by the case: its secondary watcher speaks for the room
      const room = await this.getRoom(name);
      if (watcher.closed || !room) {
        await watcher.waitForEnd();
        if (watcher.end.kind !== "ok" && !watcher.closedAway)
          throw new ConformanceFailure(`${name}'s feed did not end with OK after room_closed (R13.end-ok)`);
        continue;
      }
      const latest = Number(room.position?.sequence ?? 0n);
      await watcher.waitForSequence(latest);
      if (watcher.last !== latest || watcher.epoch !== room.position?.epoch) {
        throw new ConformanceFailure(
          `${name}'s feed is at ${watcher.epoch}/${watcher.last}, GetRoom says ${room.position?.epoch}/${latest} (R1.get-room)`,
        );
      }
      const last = watcher.all.at(-1);
      if (last && renderState(last.state, this.cast) !== renderState(room.state, this.cast)) {
        throw new ConformanceFailure(
          `${name}'s feed ends at ${renderState(last.state, this.cast)}, GetRoom says ${renderState(room.state, this.cast)} (R1.get-room)`,
        );
      }
    }
    this.failOnFeedErrors();
    for (const [name, watcher] of this.primary) {
      if (watcher.pending.length > 0) {
        throw new ConformanceFailure(
          `${name}'s feed got ${watcher.pending.length} unexpected message(s):\n  ${watcher.pending.map((m) => renderMessage(m, this.cast)).join("\n  ")}`,
        );
      }
      const second = this.secondary.get(name)!;
      if (watcher.end.kind !== "dropped") {
        await second.waitForSequence(watcher.last);
        // A watcher that lost the end of the feed (closed while away) is compared as far as both got.
        const common = watcher.closedAway || second.closedAway ? Math.min(watcher.all.length, second.all.length) : Infinity;
        const a = watcher.all.slice(0, common).map((m) => `${m.sequence}:${renderMessage(m, this.cast)}`);
        const b = second.all.slice(0, common).map((m) => `${m.sequence}:${renderMessage(m, this.cast)}`);
        if (a.join("\n") !== b.join("\n")) {
          throw new ConformanceFailure(
            `${name}: two watchers of one room saw different feeds (R15.watchers)\n  first:  ${a.join(" | ")}\n  second: ${b.join(" | ")}`,
          );
        }
      }
      if (second.closed || !(await this.getRoom(name))) {
        await second.waitForEnd();
        if (second.end.kind !== "ok" && !second.closedAway)
          throw new ConformanceFailure(`${second.label}'s feed did not end with OK after room_closed (R13.end-ok)`);
      }
    }
    this.checkPositions();
  }

  /**
   * R15.position: a response's position is the CHANGE the call produced on
   * the caller's feed; later messages up to what GetRoom said right after
   * may only be timeouts that were due anyway.
   */
  private checkPositions(): void {
    for (const p of this.positions) {
      const watcher = this.primary.get(p.actor);
      if (!watcher) continue;
      if (p.epoch !== watcher.epoch) {
        if (watcher.closed) continue; // the call was in a later incarnation of the room than this feed's
        throw new ConformanceFailure(`${p.where}: response position epoch ${p.epoch} is not the feed's ${watcher.epoch} (R15.position)`);
      }
      const feed = watcher.all.filter((m) => m.epoch === p.epoch);
      if (!feed.some((m) => Number(m.sequence) >= p.sequence)) continue; // the feed never got that far (a RESYNC)
      const own = feed.find((m) => Number(m.sequence) === p.sequence);
      const later = feed.filter((m) => Number(m.sequence) > p.sequence && Number(m.sequence) <= p.latest);
      const timeoutOnly = (m: WatchCoHostResponse) => m.events.length > 0 && m.events.every((e) => e.event.case === "requestTimeout");
      if (!own || p.sequence > p.latest || timeoutOnly(own) || !later.every(timeoutOnly)) {
        throw new ConformanceFailure(
          `${p.where}: the response's position ${p.sequence} is not the CHANGE the call produced on ${p.actor}'s feed (GetRoom right after: ${p.latest}) (R15.position)`,
        );
      }
    }
  }

  /** Closes every room the case opened; a refusal other than NOT_FOUND (closed by the case) is a failure. */
  private async cleanup(): Promise<string[]> {
    for (const w of [...this.primary.values(), ...this.secondary.values()]) w.drop();
    const errors: string[] = [];
    await Promise.all(
      [...this.opened].map(async (liveId) => {
        try {
          await withTimeout(this.admin.closeRoom({ liveId }, this.adminHeaders()), this.options.timeoutMs, "CloseRoom");
        } catch (err) {
          const outcome = outcomeOfError(err);
          if (outcome.ok || outcome.code !== "NOT_FOUND") errors.push(`${liveId}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
    return errors;
  }
}

function sameOutcome(a: CallOutcome, b: CallOutcome): boolean {
  if (a.ok && b.ok) {
    return Buffer.from(toBinary(a.schema, a.response as never)).equals(Buffer.from(toBinary(b.schema, b.response as never)));
  }
  if (!a.ok && !b.ok) return a.code === b.code && a.reason === b.reason && a.field === b.field;
  return false;
}
