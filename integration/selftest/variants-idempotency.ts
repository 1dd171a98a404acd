// Variants that remember request ids wrongly: after the room checks, across
// users, across a reopen of the room, RATE_LIMITED and INVALID_FIELD
// refusals remembered.
import type { DescMessage } from "@bufbuild/protobuf";
import type { UnaryResponse } from "@connectrpc/connect";
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { newServer } from "@cohost-kit/server/testing";
import { Code, onUnary, reasonOf, refusal, subOf, wrapped, type BrokenVariant } from "./tools.js";

const MUTATIONS = ["RequestHostConnection", "CancelHostConnection", "AcceptHostConnection", "RejectHostConnection", "ExitHostConnection"];
const fingerprint = (method: string, message: Record<string, unknown>) =>
  `${method}:${JSON.stringify({ ...message, requestId: "" }, (_, v) => (typeof v === "bigint" ? String(v) : v))}`;

/** A memory of request ids in front of the server's: `keyOf` scopes it, `keep` says which outcomes it holds. */
function memory(
  keyOf: (user: string, id: string) => string,
  keep: (outcome: { ok: true } | { ok: false; err: unknown }) => boolean,
  fingerprintOf: (method: string, message: Record<string, unknown>) => string = fingerprint,
) {
  const remembered = new Map<string, { fp: string; res?: UnaryResponse<DescMessage, DescMessage>; err?: unknown }>();
  return onUnary(MUTATIONS, async (message, next, req) => {
    const id = String(message.requestId ?? "");
    if (!id) return next();
    const key = keyOf(subOf(req.header.get("authorization")), id);
    const fp = fingerprintOf(req.method.name, message);
    const prior = remembered.get(key);
    if (prior) {
      if (prior.fp !== fp) throw refusal(Code.InvalidArgument, CoHostErrorReason.REQUEST_ID_REUSED, "request_id");
      if (prior.res) return prior.res;
      throw prior.err;
    }
    try {
      const res = await next();
      if (keep({ ok: true })) remembered.set(key, { fp, res });
      return res;
    } catch (err) {
      if (keep({ ok: false, err })) remembered.set(key, { fp, err });
      throw err;
    }
  });
}

const refusedWith = (reason: CoHostErrorReason) => (o: { ok: true } | { ok: false; err: unknown }) => !o.ok && reasonOf(o.err) === reason;

export const idempotencyVariants: BrokenVariant[] = [
  {
    name: "request-id-checked-after-the-room",
    breaks: "R18.order",
    make: () =>
      wrapped({}, (server) => [
        onUnary(MUTATIONS, async (message, next) => {
          if (message.requestId && !(await server().core.readRoom(String(message.liveId))))
            throw refusal(Code.NotFound, CoHostErrorReason.ROOM_NOT_FOUND, "live_id");
          return next();
        }),
      ]),
    caughtBy: ["idempotency/idempotent-answered-before-room-checks"],
  },
  {
    name: "request-ids-shared-by-all-users",
    breaks: "R18.per-user",
    make: () =>
      newServer({
        interceptors: [
          memory(
            (_user, id) => id,
            () => true,
          ),
        ],
      }),
    caughtBy: ["idempotency/idempotent-keys-are-per-user"],
  },
  {
    name: "reused-id-replays-the-first-outcome",
    breaks: "R18.reused",
    // Only the method is compared: the same id with other fields gets the first call's answer.
    make: () =>
      newServer({
        interceptors: [
          memory(
            (user, id) => `${user}\n${id}`,
            () => true,
            (method) => method,
          ),
        ],
      }),
    caughtBy: ["idempotency/idempotent-key-reused-for-other-call"],
  },
  {
    name: "request-ids-survive-a-reopen",
    breaks: "R18.reopen",
    // Outcomes are kept per user and id only, so a room's new incarnation gets its former one's answers.
    make: () =>
      newServer({
        interceptors: [
          memory(
            (user, id) => `${user}\n${id}`,
            (o) => o.ok,
          ),
        ],
      }),
    caughtBy: ["idempotency/idempotent-void-after-reopen"],
  },
  {
    name: "rate-limited-refusals-remembered",
    breaks: "R18.not-remembered",
    make: () => newServer({ interceptors: [memory((user, id) => `${user}\n${id}`, refusedWith(CoHostErrorReason.RATE_LIMITED))] }),
    caughtBy: ["rate-limit/rate-limited-refusals-not-remembered-nor-charged"],
  },
  {
    name: "invalid-field-refusals-remembered",
    breaks: "R18.not-remembered",
    make: () => newServer({ interceptors: [memory((user, id) => `${user}\n${id}`, refusedWith(CoHostErrorReason.INVALID_FIELD))] }),
    caughtBy: ["idempotency/idempotent-refused-early-not-remembered"],
  },
];
