// Runs one scripted case against a server over the wire: opens the actors'
// rooms, follows every actor's feed with two watchers, performs the steps,
// checks each outcome and each feed message, then closes what it opened.
import { toBinary, type DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client, type Transport } from "@connectrpc/connect";
import {
  CoHostErrorDetailSchema,
  CoHostErrorReasonSchema,
  CoHostLayoutTemplateSchema,
  CoHostService,
  RoomAdminService,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { adminAuthorization, hostAuthorization, type Credentials } from "./credentials.js";
import { Cast, renderExpectedMessage, renderExpectedState, renderMessage, renderState } from "./expectations.js";
import { ConformanceFailure, FeedWatcher, withTimeout } from "./feed-watcher.js";
import { compareBytes } from "./order.js";
import {
  ADMIN_METHODS,
  type Arg,
  type CallStep,
  type CaseSpec,
  type FeedsStep,
  type FloodStep,
  type Method,
  type Outcome,
  type PageStep,
  type ResumeStep,
  type SnapshotStep,
  type Step,
} from "./schema.js";

export interface WireCaseOptions {
  transport: Transport;
  credentials: Credentials;
  /** Unique per run and case; prefixes every id the case uses. */
  prefix: string;
  /** How long to wait for an expected message. */
  timeoutMs: number;
  trace: (line: string) => void;
}

/** A call's outcome as the contract sees it. */
export type CallOutcome =
  | { ok: true; response: { $typeName: string }; schema: DescMessage }
  | { ok: false; code: string; reason: string; field: string; details: number; retryAfterMs?: number; message: string };

export function codeName(code: Code): string {
  return Code[code].replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

export function outcomeOfError(err: unknown): CallOutcome {
  const error = ConnectError.from(err);
  const details = error.findDetails(CoHostErrorDetailSchema);
  const detail = details[0];
  const retry = detail?.retryAfter;
  return {
    ok: false,
    code: codeName(error.code),
    reason: detail
      ? (CoHostErrorReasonSchema.values.find((v) => v.number === detail.reason)?.localName ?? String(detail.reason))
      : "(no CoHostErrorDetail)",
    field: detail?.field ?? "",
    details: details.length,
    retryAfterMs: retry ? Number(retry.seconds) * 1000 + retry.nanos / 1e6 : undefined,
    message: error.rawMessage,
  };
}

/**
 * A failure of the connection rather than an answer of the server: no
 * CoHostErrorDetail and a code the contract never uses for a refusal.
 */
export function isTransportFailure(o: CallOutcome): boolean {
  return !o.ok && o.details === 0 && (o.code === "ABORTED" || o.code === "UNAVAILABLE");
}

export function describeOutcome(o: CallOutcome): string {
  return o.ok ? "ok" : `${o.code}/${o.reason}${o.field ? ` (field ${o.field})` : ""}`;
}

/** Checks an outcome against "ok" or a refusal: code, reason, field, exactly one detail. */
export function checkOutcome(where: string, actual: CallOutcome, expected: "ok" | Outcome): void {
  if (expected === "ok") {
    if (!actual.ok) throw new ConformanceFailure(`${where}: expected ok, got ${describeOutcome(actual)}: ${actual.message}`);
    return;
  }
  if (actual.ok) throw new ConformanceFailure(`${where}: expected ${expected.code}/${expected.reason}, got ok`);
  const fieldOk = expected.field === undefined || expected.field === actual.field;
  if (actual.code !== expected.code || actual.reason !== expected.reason || !fieldOk || actual.details !== 1) {
    const want = `${expected.code}/${expected.reason}${expected.field ? ` (field ${expected.field})` : ""}`;
    const extra = actual.details !== 1 ? ` with ${actual.details} CoHostErrorDetail (exactly 1 required)` : "";
    throw new ConformanceFailure(`${where}: expected ${want}, got ${describeOutcome(actual)}${extra}`);
  }
}

const REQUEST_DEFAULTS: Record<string, Arg> = { layout_template: "HOST_DYNAMIC_GRID", timeout_seconds: 30 };

export class WireCase {
  readonly cast: Cast;
  private readonly cohost: Client<typeof CoHostService>;
  private readonly admin: Client<typeof RoomAdminService>;
  private readonly primary = new Map<string, FeedWatcher>();
  private readonly secondary = new Map<string, FeedWatcher>();
  private readonly saved = new Map<string, CallOutcome>();
  private readonly opened = new Set<string>();

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
          if (renderState(first.state, this.cast) !== renderExpectedState({})) {
            throw new ConformanceFailure(`${label}: a new room's snapshot should be empty, got ${renderState(first.state, this.cast)}`);
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

  private async openRoom(name: string): Promise<void> {
    const a = this.cast.actor(name);
    await this.admin.openRoom(
      { liveId: a.liveId, userId: a.userId, userName: a.userName, avatarUrl: a.avatarUrl },
      { headers: { authorization: adminAuthorization(this.options.credentials)! } },
    );
    this.opened.add(name);
  }

  private async step(where: string, step: Step): Promise<void> {
    if ("call" in step) return this.callStep(where, step);
    if ("feeds" in step) return this.feedsStep(where, step);
    if ("wait" in step) return new Promise((r) => setTimeout(r, step.wait * 1000));
    if ("drop" in step) return this.primary.get(step.drop)!.drop();
    if ("resume" in step) return this.resumeStep(where, step);
    if ("snapshot" in step) return this.snapshotStep(where, step);
    if ("flood" in step) return this.floodStep(where, step);
    return this.pageStep(where, step as PageStep);
  }

  /** Performs one call as its actor (or with a bad credential) and returns its outcome. */
  async call(step: CallStep): Promise<CallOutcome> {
    const isAdmin = ADMIN_METHODS.has(step.call);
    const args = this.resolveArgs(step);
    let authorization: string | undefined;
    if (isAdmin) authorization = adminAuthorization(this.options.credentials, step.auth);
    else if (typeof step.auth === "object")
      authorization = await hostAuthorization(this.options.credentials, this.cast.actor(step.auth.as).userId);
    else authorization = await hostAuthorization(this.options.credentials, this.cast.actor(step.by).userId, step.auth);
    const headers: Record<string, string> = authorization ? { authorization } : {};
    this.options.trace(
      `-> ${step.by} ${step.call} ${JSON.stringify(args, (_, v) => (typeof v === "string" && v.length > 80 ? `${v.slice(0, 20)}...(${v.length})` : v))}`,
    );
    try {
      const { method, schema } = this.method(step.call);
      const response = (await method(args, { headers })) as { $typeName: string };
      this.options.trace(`<- ok`);
      return { ok: true, response, schema };
    } catch (err) {
      const outcome = outcomeOfError(err);
      this.options.trace(`<- ${describeOutcome(outcome)}`);
      return outcome;
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
      out[field.localName] = this.resolveArg(key, value);
    }
    return out;
  }

  private resolveArg(key: string, value: Arg): unknown {
    if (typeof value === "object") {
      return "repeat" in value ? value.repeat.repeat(value.count) : this.cast.actor(value.user_of).userId;
    }
    if (key === "layout_template" && typeof value === "string") {
      const v = CoHostLayoutTemplateSchema.values.find((x) => x.localName === value);
      if (!v) throw new ConformanceFailure(`unknown layout ${value}`);
      return v.number;
    }
    if (key.endsWith("live_id") && typeof value === "string" && this.cast.has(value)) return this.cast.actor(value).liveId;
    return value;
  }

  private async callStep(where: string, step: CallStep): Promise<void> {
    const outcome = await this.call(step);
    const label = `${where} (${step.by} ${step.call})`;
    checkOutcome(label, outcome, step.expect ?? "ok");
    if (outcome.ok && !ADMIN_METHODS.has(step.call)) this.checkPosition(label, step, outcome);
    if (step.save) this.saved.set(step.save, outcome);
    if (step.same_as) {
      const first = this.saved.get(step.same_as);
      if (!first) throw new ConformanceFailure(`${label}: nothing saved as ${step.same_as}`);
      if (!sameOutcome(first, outcome)) throw new ConformanceFailure(`${label}: the retry's outcome differs from the first (R18)`);
    }
  }

  /** A mutation's response names the caller's feed epoch (R15). */
  private checkPosition(where: string, step: CallStep, outcome: Extract<CallOutcome, { ok: true }>): void {
    const position = (outcome.response as { position?: { epoch: string; sequence: bigint } }).position;
    if (step.call === "GetCoHostCandidates") return;
    const watcher = this.primary.get(step.by);
    if (!position) throw new ConformanceFailure(`${where}: response has no position`);
    if (watcher && position.epoch !== watcher.epoch)
      throw new ConformanceFailure(`${where}: response position epoch ${position.epoch} is not the feed's ${watcher.epoch}`);
  }

  private async feedsStep(where: string, step: FeedsStep): Promise<void> {
    for (const [name, expected] of Object.entries(step.feeds)) {
      const watcher = this.primary.get(name)!;
      await watcher.waitFor(expected.length);
      const got = watcher.pending.splice(0, expected.length);
      for (const [i, spec] of expected.entries()) {
        const want = renderExpectedMessage(spec);
        const actual = got[i] ? renderMessage(got[i]!, this.cast) : "(no message arrived)";
        if (actual !== want) {
          throw new ConformanceFailure(
            `${where}: ${name}'s feed message ${i + 1} of ${expected.length}\n  expected: ${want}\n  actual:   ${actual}`,
          );
        }
      }
      this.failOnFeedErrors();
    }
  }

  private async resumeStep(where: string, step: ResumeStep): Promise<void> {
    const { actor, epoch, expect = "replay", state } = step.resume;
    const old = this.primary.get(actor)!;
    const watcher = this.watcher(actor, actor);
    watcher.epoch = old.epoch;
    watcher.last = old.last;
    const first = await watcher.open({ epoch: epoch ?? old.epoch, after: old.last }, expect);
    if (expect === "resync" && state && renderState(first.state, this.cast) !== renderExpectedState(state)) {
      throw new ConformanceFailure(
        `${where}: RESYNC state\n  expected: ${renderExpectedState(state)}\n  actual:   ${renderState(first.state, this.cast)}`,
      );
    }
    // Messages from before the drop come first (the new stream may have delivered already).
    watcher.pending.unshift(...old.pending);
    watcher.all.unshift(...old.all);
    this.primary.set(actor, watcher);
  }

  private async snapshotStep(where: string, step: SnapshotStep): Promise<void> {
    const watcher = this.watcher(step.snapshot.actor, `${step.snapshot.actor}(snapshot)`);
    const first = await watcher.open();
    watcher.drop();
    const want = renderExpectedState(step.snapshot.state);
    const actual = renderState(first.state, this.cast);
    if (actual !== want)
      throw new ConformanceFailure(`${where}: snapshot of ${step.snapshot.actor}\n  expected: ${want}\n  actual:   ${actual}`);
  }

  private async floodStep(where: string, step: FloodStep): Promise<void> {
    const { call, until, max } = step.flood;
    for (let i = 1; i <= max; i++) {
      const outcome = await this.call(call);
      if (!outcome.ok && outcome.code === until.code && outcome.reason === until.reason) {
        checkOutcome(`${where} (attempt ${i})`, outcome, until);
        if (step.flood.retry_after && !(outcome.retryAfterMs !== undefined && outcome.retryAfterMs > 0)) {
          throw new ConformanceFailure(`${where}: ${until.reason} without a positive retry_after`);
        }
        return;
      }
    }
    throw new ConformanceFailure(`${where}: no ${until.code}/${until.reason} within ${max} attempts`);
  }

  private async pageStep(where: string, step: PageStep): Promise<void> {
    const { by, page_size: pageSize, include, exclude } = step.page_candidates;
    const limit = pageSize ?? 20;
    const seen: string[] = [];
    let cursor = "";
    for (let page = 0; ; page++) {
      if (page > 10_000) throw new ConformanceFailure(`${where}: paging did not end`);
      const outcome = await this.call({ call: "GetCoHostCandidates", by, args: { cursor, ...(pageSize ? { page_size: pageSize } : {}) } });
      checkOutcome(`${where} page ${page + 1}`, outcome, "ok");
      const response = (outcome as Extract<CallOutcome, { ok: true }>).response as unknown as {
        candidates: { liveId: string }[];
        nextCursor: string;
      };
      if (response.candidates.length > limit)
        throw new ConformanceFailure(`${where}: page ${page + 1} has ${response.candidates.length} rooms, more than ${limit}`);
      seen.push(...response.candidates.map((c) => c.liveId));
      cursor = response.nextCursor;
      if (!cursor) break;
    }
    for (let i = 1; i < seen.length; i++) {
      if (compareBytes(seen[i - 1]!, seen[i]!) >= 0)
        throw new ConformanceFailure(`${where}: candidates not in ascending live_id order at ${seen[i]}`);
    }
    for (const name of include) {
      const count = seen.filter((id) => id === this.cast.actor(name).liveId).length;
      if (count !== 1) throw new ConformanceFailure(`${where}: ${name} appeared ${count} times, expected exactly once`);
    }
    for (const name of exclude) {
      if (seen.includes(this.cast.actor(name).liveId)) throw new ConformanceFailure(`${where}: ${name} must not be a candidate`);
    }
  }

  private failOnFeedErrors(): void {
    const errors = [...this.primary.values(), ...this.secondary.values()].flatMap((w) => w.errors);
    if (errors.length > 0) throw new ConformanceFailure(errors.join("\n"));
  }

  /** Every message was expected, and every watcher of a room saw the same feed. */
  private async finish(): Promise<void> {
    await new Promise((r) => setTimeout(r, 200));
    this.failOnFeedErrors();
    for (const [name, watcher] of this.primary) {
      if (watcher.pending.length > 0) {
        throw new ConformanceFailure(
          `${name}'s feed got ${watcher.pending.length} unexpected message(s):\n  ${watcher.pending.map((m) => renderMessage(m, this.cast)).join("\n  ")}`,
        );
      }
      const second = this.secondary.get(name)!;
      await second.waitFor(watcher.all.length);
      const a = watcher.all.map((m) => `${m.sequence}:${renderMessage(m, this.cast)}`);
      const b = second.all.map((m) => `${m.sequence}:${renderMessage(m, this.cast)}`);
      if (a.join("\n") !== b.join("\n")) {
        throw new ConformanceFailure(
          `${name}: two watchers of one room saw different feeds (R15)\n  first:  ${a.join(" | ")}\n  second: ${b.join(" | ")}`,
        );
      }
    }
  }

  /** Closes every room the case opened; a refusal other than NOT_FOUND (closed by the case) is a failure. */
  private async cleanup(): Promise<string[]> {
    for (const w of [...this.primary.values(), ...this.secondary.values()]) w.drop();
    const errors: string[] = [];
    await Promise.all(
      [...this.opened].map(async (name) => {
        try {
          await withTimeout(
            this.admin.closeRoom(
              { liveId: this.cast.actor(name).liveId },
              { headers: { authorization: adminAuthorization(this.options.credentials)! } },
            ),
            this.options.timeoutMs,
            "CloseRoom",
          );
        } catch (err) {
          const outcome = outcomeOfError(err);
          if (outcome.ok || outcome.code !== "NOT_FOUND") errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
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
