// The shape of a conformance case file (conformance/cases/*.yaml), and a
// strict validator so a typo in a case is an error, never a silent no-op.
// Cases name parties by actor name; the runner gives every actor a unique
// room per run, so cases can run concurrently against one shared server.

export const METHODS = [
  "RequestHostConnection",
  "CancelHostConnection",
  "AcceptHostConnection",
  "RejectHostConnection",
  "ExitHostConnection",
  "GetCoHostCandidates",
  "WatchCoHost",
  "OpenRoom",
  "CloseRoom",
  "GetRoom",
  "ListRooms",
] as const;
export type Method = (typeof METHODS)[number];
export const ADMIN_METHODS: ReadonlySet<Method> = new Set(["OpenRoom", "CloseRoom", "GetRoom", "ListRooms"]);

export const LAYOUTS = [
  "HOST_VOICE_CONNECTION",
  "HOST_DYNAMIC_GRID",
  "HOST_DYNAMIC_1V6",
  "HOST_VIDEO_LEFT_FOCUS_9_SEATS",
  "HOST_VIDEO_UNIFORM_GRID_9_SEATS",
] as const;

/**
 * A string argument: a literal, an actor's room/user id, a generated string,
 * or a cursor in the spec's form (of an actor's live id, or of any text).
 */
export type Arg =
  string | number | { repeat: string; count: number } | { user_of: string } | { cursor_after: string } | { cursor_of: string };

/**
 * A token with chosen claims. Times are seconds relative to the server's
 * clock (learnt from RequestHostConnection deadlines); `null` leaves the
 * claim out; `sub` defaults to the caller's user id.
 */
export interface TokenSpec {
  sub?: string | null;
  exp?: number | null;
  nbf?: number;
  iat?: number | null;
  alg?: "HS256" | "HS384" | "HS512" | "none";
  /** Sign with a secret other than the server's. */
  forged?: boolean;
  /**
   * The payload as this JSON text, signed as it stands in place of the
   * claims (which are then ignored): a payload that is JSON but not an
   * object, such as `null` or an array.
   */
  payload?: string;
}

export type AuthVariant =
  | "missing"
  | "forged"
  | "expired"
  | "no_exp"
  | "malformed"
  | { as: string }
  /** The whole Authorization header; `{token}` stands for a valid token of the caller. */
  | { header: string }
  | { token: TokenSpec };

export interface Outcome {
  code: string;
  reason: string;
  field?: string;
}

export interface CallStep {
  call: Method;
  /** The acting host (its token, its room as live_id); "admin" for RoomAdminService. */
  by: string;
  args?: Record<string, Arg>;
  auth?: AuthVariant;
  /** "ok", or the refusal. Defaults to "ok". */
  expect?: "ok" | Outcome;
  /** Remember the outcome under this name. */
  save?: string;
  /** The outcome (response or refusal) must equal the one saved under this name. */
  same_as?: string;
}

export interface StateSpec {
  connected?: string[];
  invitees?: string[];
  applicant?: string;
  layout?: (typeof LAYOUTS)[number];
}

export type EventSpec =
  | { request_received: { inviter: string; invitee: string; extension_info?: string | { repeat: string; count: number }; layout?: string } }
  | { request_cancelled: { inviter: string; invitee: string; reason: string } }
  | { request_accepted: string }
  | { request_rejected: { invitee: string; reason: string } }
  | { request_timeout: { inviter: string; invitee: string } }
  | { user_joined: string }
  | { user_left: { user: string; reason: string } };

export interface ExpectedMessage {
  events?: EventSpec[];
  state?: StateSpec;
  room_closed?: boolean;
}

export interface FeedsStep {
  /** Per actor, the CHANGE messages it must receive next, in order. */
  feeds: Record<string, ExpectedMessage[]>;
}

export interface WaitStep {
  /** Seconds of real time. */
  wait: number;
}

export interface WaitDeadlineStep {
  /** Waits until the deadline of the request saved under this name has passed on the server's clock. */
  wait_deadline: string;
}

export interface WaitRetryAfterStep {
  /** Waits the retry_after of the RATE_LIMITED refusal saved under this name. */
  wait_retry_after: string;
}

export interface KeepAliveStep {
  /** The actor's feed must send a KEEP_ALIVE within its keep_alive_interval (the client's bound: twice that). */
  keep_alive: string;
}

export interface WatchersStep {
  /** Opens `count` more watches of the actor's room at once; each must start with a SNAPSHOT. */
  watchers: { actor: string; count: number };
}

export interface DropStep {
  /** Cuts the actor's feed stream (the client goes away). */
  drop: string;
}

export interface ResumeStep {
  /**
   * Reopens the actor's feed from its last sequence (plus `ahead`, to
   * resume from beyond the latest); with `epoch`, from a made-up epoch.
   * `not_found`: the room is closed and the resume is refused (R13).
   */
  resume: { actor: string; epoch?: string; ahead?: number; expect?: "replay" | "resync" | "not_found"; state?: StateSpec };
}

export interface SnapshotStep {
  /** Opens a fresh watch: its first message is a SNAPSHOT of this state. */
  snapshot: { actor: string; state: StateSpec };
}

export interface FloodStep {
  /**
   * Repeats a call, one attempt after another, until the refusal `until`
   * comes back; fails when it does not within `max` attempts, or when fewer
   * than `min_passed` attempts came back otherwise first. `within_ms` says
   * how long the attempts may take before the result cannot be judged.
   */
  flood: { call: CallStep; until: Outcome; max: number; within_ms?: number; min_passed?: number; save?: string };
}

export interface PageStep {
  /**
   * Pages through GetCoHostCandidates (from the cursor after an actor's
   * room, if given); checks order, page sizes, cursors and membership.
   */
  page_candidates: { by: string; page_size?: number; cursor_after?: string; include: string[]; exclude: string[] };
}

export interface PageRoomsStep {
  /** Pages through ListRooms over the case's own rooms; checks as page_candidates. */
  page_rooms: { page_size?: number; include: string[]; exclude: string[] };
}

export type Step =
  | CallStep
  | FeedsStep
  | WaitStep
  | WaitDeadlineStep
  | WaitRetryAfterStep
  | KeepAliveStep
  | WatchersStep
  | DropStep
  | ResumeStep
  | SnapshotStep
  | FloodStep
  | PageStep
  | PageRoomsStep;

/** Step kinds that only a wire case can run. */
export const WIRE_ONLY_STEPS = ["wait_deadline", "wait_retry_after", "keep_alive", "watchers", "page_rooms"] as const;

export interface CaseSpec {
  name: string;
  /** The rules (R1..R20) and the spec's MUST statements (R7.overdue, ...) this case checks. */
  rules: string[];
  procedure: string;
  asserts: string;
  /** Rooms opened (and watched) for the case. */
  actors: string[];
  /** Names that get unique ids but no room. */
  unopened?: string[];
  /** Rooms opened but not watched (for paging). */
  extra_rooms?: string[];
  steps: Step[];
}

export interface CaseFile {
  family: string;
  description: string;
  cases: CaseSpec[];
}

// ---- validation ----------------------------------------------------------

export class CaseFormatError extends Error {}

type Obj = Record<string, unknown>;

function fail(where: string, message: string): never {
  throw new CaseFormatError(`${where}: ${message}`);
}

function obj(where: string, v: unknown): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(where, "must be a mapping");
  return v as Obj;
}

function only(where: string, o: Obj, keys: string[]) {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(where, `unknown key "${k}" (expected one of ${keys.join(", ")})`);
}

function str(where: string, v: unknown): string {
  if (typeof v !== "string") fail(where, "must be a string");
  return v;
}

function strList(where: string, v: unknown): string[] {
  if (!Array.isArray(v)) fail(where, "must be a list");
  return v.map((x, i) => str(`${where}[${i}]`, x));
}

export function validateCaseFile(source: string, raw: unknown): CaseFile {
  const file = obj(source, raw);
  only(source, file, ["family", "description", "cases"]);
  str(`${source}.family`, file.family);
  str(`${source}.description`, file.description);
  if (!Array.isArray(file.cases) || file.cases.length === 0) fail(`${source}.cases`, "must be a non-empty list");
  file.cases.forEach((c, i) => validateCase(`${source}.cases[${i}]`, c));
  return file as unknown as CaseFile;
}

function validateCase(where: string, raw: unknown) {
  const c = obj(where, raw);
  only(where, c, ["name", "rules", "procedure", "asserts", "actors", "unopened", "extra_rooms", "steps"]);
  const name = str(`${where}.name`, c.name);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) fail(`${where}.name`, "must be kebab-case");
  const rules = strList(`${where}.rules`, c.rules);
  if (rules.length === 0) fail(`${where}.rules`, "must name at least one rule");
  for (const r of rules) {
    if (!/^R([1-9]|1[0-9]|20)(\.[a-z0-9-]+)?$/.test(r))
      fail(`${where}.rules`, `"${r}" is not a rule id (R1..R20) or a statement id (R7.overdue)`);
  }
  str(`${where}.procedure`, c.procedure);
  str(`${where}.asserts`, c.asserts);
  const actors = strList(`${where}.actors`, c.actors);
  const names = new Set([
    ...actors,
    ...(c.unopened === undefined ? [] : strList(`${where}.unopened`, c.unopened)),
    ...(c.extra_rooms === undefined ? [] : strList(`${where}.extra_rooms`, c.extra_rooms)),
  ]);
  if (!Array.isArray(c.steps) || c.steps.length === 0) fail(`${where}.steps`, "must be a non-empty list");
  c.steps.forEach((s, i) => validateStep(`${where}.steps[${i}]`, s, names, actors));
}

function actorName(where: string, v: unknown, names: Set<string>, allowAdmin = false): string {
  const name = str(where, v);
  if (!names.has(name) && !(allowAdmin && name === "admin")) fail(where, `"${name}" is not an actor of this case`);
  return name;
}

const STEP_KINDS = ["call", "feeds", "wait", "drop", "resume", "snapshot", "flood", "page_candidates", ...WIRE_ONLY_STEPS] as string[];

function validateStep(where: string, raw: unknown, names: Set<string>, watched: string[]) {
  const s = obj(where, raw);
  const kind = Object.keys(s).find((k) => STEP_KINDS.includes(k));
  switch (kind) {
    case "call":
      return validateCall(where, s, names);
    case "feeds": {
      only(where, s, ["feeds"]);
      const feeds = obj(`${where}.feeds`, s.feeds);
      for (const [actor, messages] of Object.entries(feeds)) {
        if (!watched.includes(actor)) fail(`${where}.feeds`, `"${actor}" is not a watched actor`);
        if (!Array.isArray(messages)) fail(`${where}.feeds.${actor}`, "must be a list of messages");
        messages.forEach((m, i) => validateMessage(`${where}.feeds.${actor}[${i}]`, m, names));
      }
      return;
    }
    case "wait":
      only(where, s, ["wait"]);
      if (typeof s.wait !== "number" || s.wait <= 0 || s.wait > 10) fail(`${where}.wait`, "must be 0 to 10 seconds");
      return;
    case "wait_deadline":
      only(where, s, ["wait_deadline"]);
      str(`${where}.wait_deadline`, s.wait_deadline);
      return;
    case "wait_retry_after":
      only(where, s, ["wait_retry_after"]);
      str(`${where}.wait_retry_after`, s.wait_retry_after);
      return;
    case "keep_alive":
      only(where, s, ["keep_alive"]);
      actorName(`${where}.keep_alive`, s.keep_alive, new Set(watched));
      return;
    case "watchers": {
      only(where, s, ["watchers"]);
      const w = obj(`${where}.watchers`, s.watchers);
      only(`${where}.watchers`, w, ["actor", "count"]);
      actorName(`${where}.watchers.actor`, w.actor, new Set(watched));
      if (typeof w.count !== "number" || w.count < 1 || w.count > 32) fail(`${where}.watchers.count`, "must be 1 to 32");
      return;
    }
    case "page_rooms": {
      only(where, s, ["page_rooms"]);
      const p = obj(`${where}.page_rooms`, s.page_rooms);
      only(`${where}.page_rooms`, p, ["page_size", "include", "exclude"]);
      strList(`${where}.page_rooms.include`, p.include).forEach((n) => actorName(`${where}.page_rooms.include`, n, names));
      strList(`${where}.page_rooms.exclude`, p.exclude).forEach((n) => actorName(`${where}.page_rooms.exclude`, n, names));
      return;
    }
    case "drop":
      only(where, s, ["drop"]);
      actorName(`${where}.drop`, s.drop, new Set(watched));
      return;
    case "resume": {
      only(where, s, ["resume"]);
      const r = obj(`${where}.resume`, s.resume);
      only(`${where}.resume`, r, ["actor", "epoch", "ahead", "expect", "state"]);
      actorName(`${where}.resume.actor`, r.actor, new Set(watched));
      if (r.epoch !== undefined) str(`${where}.resume.epoch`, r.epoch);
      if (r.ahead !== undefined && (typeof r.ahead !== "number" || r.ahead < 1)) fail(`${where}.resume.ahead`, "must be a positive number");
      if (r.expect !== undefined && !["replay", "resync", "not_found"].includes(r.expect as string))
        fail(`${where}.resume.expect`, "must be replay, resync or not_found");
      if (r.state !== undefined) validateState(`${where}.resume.state`, r.state, names);
      return;
    }
    case "snapshot": {
      only(where, s, ["snapshot"]);
      const sn = obj(`${where}.snapshot`, s.snapshot);
      only(`${where}.snapshot`, sn, ["actor", "state"]);
      actorName(`${where}.snapshot.actor`, sn.actor, names);
      validateState(`${where}.snapshot.state`, sn.state, names);
      return;
    }
    case "flood": {
      only(where, s, ["flood"]);
      const f = obj(`${where}.flood`, s.flood);
      only(`${where}.flood`, f, ["call", "until", "max", "within_ms", "min_passed", "save"]);
      validateCall(`${where}.flood.call`, obj(`${where}.flood.call`, f.call), names);
      validateOutcome(`${where}.flood.until`, f.until);
      if (typeof f.max !== "number" || f.max < 1) fail(`${where}.flood.max`, "must be a positive number");
      if (f.within_ms !== undefined && typeof f.within_ms !== "number") fail(`${where}.flood.within_ms`, "must be a number");
      if (f.min_passed !== undefined && typeof f.min_passed !== "number") fail(`${where}.flood.min_passed`, "must be a number");
      if (f.save !== undefined) str(`${where}.flood.save`, f.save);
      return;
    }
    case "page_candidates": {
      only(where, s, ["page_candidates"]);
      const p = obj(`${where}.page_candidates`, s.page_candidates);
      only(`${where}.page_candidates`, p, ["by", "page_size", "cursor_after", "include", "exclude"]);
      actorName(`${where}.page_candidates.by`, p.by, names);
      if (p.cursor_after !== undefined) actorName(`${where}.page_candidates.cursor_after`, p.cursor_after, names);
      strList(`${where}.page_candidates.include`, p.include).forEach((n) => actorName(`${where}.page_candidates.include`, n, names));
      strList(`${where}.page_candidates.exclude`, p.exclude).forEach((n) => actorName(`${where}.page_candidates.exclude`, n, names));
      return;
    }
    default:
      fail(where, `is not a step (${STEP_KINDS.join(", ")})`);
  }
}

function validateCall(where: string, s: Obj, names: Set<string>) {
  only(where, s, ["call", "by", "args", "auth", "expect", "save", "same_as"]);
  const method = str(`${where}.call`, s.call);
  if (!(METHODS as readonly string[]).includes(method)) fail(`${where}.call`, `unknown method "${method}"`);
  actorName(`${where}.by`, s.by, names, true);
  if ((s.by === "admin") !== ADMIN_METHODS.has(method as Method))
    fail(`${where}.by`, `${method} is called by ${ADMIN_METHODS.has(method as Method) ? "admin" : "a host"}`);
  if (s.args !== undefined) {
    for (const [k, v] of Object.entries(obj(`${where}.args`, s.args))) {
      if (typeof v === "string" || typeof v === "number") continue;
      const o = obj(`${where}.args.${k}`, v);
      if ("repeat" in o) {
        only(`${where}.args.${k}`, o, ["repeat", "count"]);
        str(`${where}.args.${k}.repeat`, o.repeat);
        if (typeof o.count !== "number") fail(`${where}.args.${k}.count`, "must be a number");
      } else if ("cursor_after" in o) {
        only(`${where}.args.${k}`, o, ["cursor_after"]);
        actorName(`${where}.args.${k}.cursor_after`, o.cursor_after, names);
      } else if ("cursor_of" in o) {
        only(`${where}.args.${k}`, o, ["cursor_of"]);
        str(`${where}.args.${k}.cursor_of`, o.cursor_of);
      } else {
        only(`${where}.args.${k}`, o, ["user_of"]);
        actorName(`${where}.args.${k}.user_of`, o.user_of, names);
      }
    }
  }
  if (s.auth !== undefined && !["missing", "forged", "expired", "no_exp", "malformed"].includes(s.auth as string)) {
    const a = obj(`${where}.auth`, s.auth);
    const kind = Object.keys(a)[0];
    if (Object.keys(a).length !== 1 || !["as", "header", "token"].includes(kind!))
      fail(`${where}.auth`, "must be one of as, header, token");
    if (kind === "as") actorName(`${where}.auth.as`, a.as, names);
    if (kind === "header") str(`${where}.auth.header`, a.header);
    if (kind === "token") {
      const t = obj(`${where}.auth.token`, a.token);
      only(`${where}.auth.token`, t, ["sub", "exp", "nbf", "iat", "alg", "forged", "payload"]);
      if (t.payload !== undefined) str(`${where}.auth.token.payload`, t.payload);
      for (const c of ["exp", "nbf", "iat"]) {
        if (t[c] !== undefined && t[c] !== null && typeof t[c] !== "number") fail(`${where}.auth.token.${c}`, "must be a number or null");
      }
      if (t.sub !== undefined && t.sub !== null) str(`${where}.auth.token.sub`, t.sub);
      if (t.alg !== undefined && !["HS256", "HS384", "HS512", "none"].includes(t.alg as string))
        fail(`${where}.auth.token.alg`, "unknown alg");
    }
  }
  if (s.expect !== undefined && s.expect !== "ok") validateOutcome(`${where}.expect`, s.expect);
  if (s.save !== undefined) str(`${where}.save`, s.save);
  if (s.same_as !== undefined) str(`${where}.same_as`, s.same_as);
}

function validateOutcome(where: string, raw: unknown) {
  const o = obj(where, raw);
  only(where, o, ["code", "reason", "field"]);
  str(`${where}.code`, o.code);
  str(`${where}.reason`, o.reason);
  if (o.field !== undefined) str(`${where}.field`, o.field);
}

function validateState(where: string, raw: unknown, names: Set<string>) {
  const s = obj(where, raw);
  only(where, s, ["connected", "invitees", "applicant", "layout"]);
  for (const k of ["connected", "invitees"] as const) {
    if (s[k] !== undefined) strList(`${where}.${k}`, s[k]).forEach((n) => actorName(`${where}.${k}`, n, names));
  }
  if (s.applicant !== undefined) actorName(`${where}.applicant`, s.applicant, names);
  if (s.layout !== undefined && !(LAYOUTS as readonly string[]).includes(s.layout as string)) fail(`${where}.layout`, "unknown layout");
}

const EVENT_KEYS: Record<string, string[] | null> = {
  request_received: ["inviter", "invitee", "extension_info", "layout"],
  request_cancelled: ["inviter", "invitee", "reason"],
  request_accepted: null,
  request_rejected: ["invitee", "reason"],
  request_timeout: ["inviter", "invitee"],
  user_joined: null,
  user_left: ["user", "reason"],
};

function validateMessage(where: string, raw: unknown, names: Set<string>) {
  const m = obj(where, raw);
  only(where, m, ["events", "state", "room_closed"]);
  if (m.state !== undefined) validateState(`${where}.state`, m.state, names);
  if (m.room_closed !== undefined && typeof m.room_closed !== "boolean") fail(`${where}.room_closed`, "must be true or false");
  if (m.events === undefined) return;
  if (!Array.isArray(m.events)) fail(`${where}.events`, "must be a list");
  m.events.forEach((e, i) => {
    const ew = `${where}.events[${i}]`;
    const event = obj(ew, e);
    const keys = Object.keys(event);
    if (keys.length !== 1 || !(keys[0]! in EVENT_KEYS)) fail(ew, `must be one of ${Object.keys(EVENT_KEYS).join(", ")}`);
    const kind = keys[0]!;
    const fields = EVENT_KEYS[kind];
    if (fields === null) return void actorName(`${ew}.${kind}`, event[kind], names);
    const args = obj(`${ew}.${kind}`, event[kind]);
    only(`${ew}.${kind}`, args, fields!);
    for (const f of ["inviter", "invitee", "user"]) if (args[f] !== undefined) actorName(`${ew}.${kind}.${f}`, args[f], names);
  });
}
