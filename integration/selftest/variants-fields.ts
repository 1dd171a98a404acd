// Variants that put the wrong `field` in a refusal's detail (R5.field: the
// field CoHostErrorReason gives for each reason, empty where it gives none),
// or get retry_after wrong (R19.retry-after). One per reason the suite
// expects, each caught by the cases that expect that reason.
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { newServer } from "@cohost-kit/server/testing";
import { rewriteDetail, type BrokenVariant, type DetailShape } from "./tools.js";

/** A server whose refusals with `reason` (those `when` picks) name `field` instead. */
function fieldVariant(
  name: string,
  reason: CoHostErrorReason,
  field: string,
  caughtBy: string[],
  when?: (detail: DetailShape) => boolean,
): BrokenVariant {
  return {
    name,
    breaks: "R5.field",
    make: () => newServer({ interceptors: [rewriteDetail(reason, (d) => ({ ...d, field }), when)] }),
    caughtBy,
  };
}

export const fieldVariants: BrokenVariant[] = [
  fieldVariant("not-room-host-without-field", CoHostErrorReason.NOT_ROOM_HOST, "", ["auth/auth-room-of-another-host"]),
  fieldVariant(
    "caller-room-not-found-without-field",
    CoHostErrorReason.ROOM_NOT_FOUND,
    "",
    ["auth/auth-room-not-open-before-host-check", "auth/admin-open-room-rules"],
    (d) => d.field === "live_id",
  ),
  fieldVariant(
    "target-room-not-found-names-live-id",
    CoHostErrorReason.ROOM_NOT_FOUND,
    "live_id",
    ["request/request-refuses-target-not-open", "request/request-refusal-order"],
    (d) => d.field === "target_host_live_id",
  ),
  fieldVariant("self-request-names-live-id", CoHostErrorReason.SELF_REQUEST, "live_id", ["request/request-refuses-self"]),
  fieldVariant("pending-incoming-names-live-id", CoHostErrorReason.PENDING_INCOMING_REQUEST, "live_id", [
    "request/request-refuses-while-invited",
  ]),
  fieldVariant("already-invited-names-the-target", CoHostErrorReason.ALREADY_INVITED_OR_CONNECTED, "target_host_live_id", [
    "request/request-refuses-duplicate-and-connected",
  ]),
  fieldVariant("connected-elsewhere-names-the-target", CoHostErrorReason.TARGET_CONNECTED_ELSEWHERE, "target_host_live_id", [
    "request/request-refuses-target-connected-elsewhere",
  ]),
  fieldVariant("layout-mismatch-without-field", CoHostErrorReason.LAYOUT_MISMATCH, "", ["request/request-refuses-layout-mismatch"]),
  fieldVariant("connection-full-names-the-layout", CoHostErrorReason.CONNECTION_FULL, "layout_template", [
    "multi-room/capacity-counts-pending-requests",
  ]),
  fieldVariant("not-connected-names-live-id", CoHostErrorReason.NOT_CONNECTED, "live_id", ["exit/exit-when-not-connected-refused"]),
  fieldVariant("room-already-open-names-user-id", CoHostErrorReason.ROOM_ALREADY_OPEN, "user_id", ["auth/admin-open-room-rules"]),
  fieldVariant("request-id-reused-without-field", CoHostErrorReason.REQUEST_ID_REUSED, "", [
    "idempotency/idempotent-key-reused-for-other-call",
  ]),
  fieldVariant("rate-limited-names-live-id", CoHostErrorReason.RATE_LIMITED, "live_id", ["rate-limit/rate-limit-refuses-floods"]),
  fieldVariant("token-expired-names-authorization", CoHostErrorReason.TOKEN_EXPIRED, "authorization", [
    "auth/auth-missing-forged-expired-token",
  ]),
  fieldVariant("invalid-field-without-field", CoHostErrorReason.INVALID_FIELD, "", [
    "bad-input/bad-input-request-fields",
    "bad-input/bad-input-other-calls",
  ]),
  {
    name: "rate-limited-without-retry-after",
    breaks: "R19.retry-after",
    make: () => newServer({ interceptors: [rewriteDetail(CoHostErrorReason.RATE_LIMITED, (d) => ({ field: d.field }))] }),
    caughtBy: ["rate-limit/rate-limit-refuses-floods"],
  },
  {
    name: "retry-after-over-60-seconds",
    breaks: "R19.retry-after",
    make: () => newServer({ interceptors: [rewriteDetail(CoHostErrorReason.RATE_LIMITED, (d) => ({ ...d, retryAfterMs: 61_000 }))] }),
    caughtBy: ["rate-limit/rate-limit-refuses-floods"],
  },
];
