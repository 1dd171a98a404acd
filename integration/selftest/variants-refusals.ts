// Variants that answer refusals wrongly: field, retry_after, order, limits.
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { newServer } from "@cohost-kit/server/testing";
import { Code, onUnary, reasonOf, refusal, rewriteDetail, wrapped, type BrokenVariant } from "./tools.js";

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001f\u007f]/;

const capacityOf = (layout: number) => (layout === 601 ? 7 : 9);

export const refusalVariants: BrokenVariant[] = [
  {
    name: "request-not-found-without-field",
    breaks: "R5.field",
    make: () => newServer({ interceptors: [rewriteDetail(CoHostErrorReason.REQUEST_NOT_FOUND, () => ({ field: "" }))] }),
    caughtBy: [
      "accept/accept-only-once-and-only-by-invitee",
      "cancel/cancel-only-by-inviter-only-while-pending",
      "reject/reject-only-by-invitee",
    ],
  },
  {
    name: "target-busy-names-the-target",
    breaks: "R5.field",
    make: () => newServer({ interceptors: [rewriteDetail(CoHostErrorReason.TARGET_BUSY, () => ({ field: "target_host_live_id" }))] }),
    caughtBy: ["request/request-refuses-busy-target"],
  },
  {
    name: "retry-after-on-not-connected",
    breaks: "R19.retry-after",
    make: () => newServer({ interceptors: [rewriteDetail(CoHostErrorReason.NOT_CONNECTED, (d) => ({ ...d, retryAfterMs: 1000 }))] }),
    caughtBy: ["exit/exit-when-not-connected-refused"],
  },
  {
    name: "full-checked-before-layout",
    breaks: "R5.order",
    // A request refused for its layout is refused as full instead when the caller's requests already fill that layout.
    make: () =>
      wrapped({}, (server) => [
        onUnary(["RequestHostConnection"], async (message, next) => {
          try {
            return await next();
          } catch (err) {
            if (reasonOf(err) !== CoHostErrorReason.LAYOUT_MISMATCH) throw err;
            const room = await server().core.readRoom(String(message.liveId));
            if (room && room.outgoing.length + 2 > capacityOf(Number(message.layoutTemplate)))
              throw refusal(Code.ResourceExhausted, CoHostErrorReason.CONNECTION_FULL);
            throw err;
          }
        }),
      ]),
    caughtBy: ["request/request-refusal-order-at-capacity"],
  },
  {
    name: "display-names-unchecked",
    breaks: "R5.limits",
    // OpenRoom takes any user_name and avatar_url: the variant cleans them before the server checks.
    make: () =>
      newServer({
        interceptors: [
          onUnary(["OpenRoom"], async (message, next) => {
            message.userName = String(message.userName).replace(CONTROL, "").slice(0, 64);
            message.avatarUrl = String(message.avatarUrl).replace(CONTROL, "").slice(0, 512);
            return next();
          }),
        ],
      }),
    caughtBy: ["bad-input/bad-input-open-room-fields"],
  },
  {
    name: "extra-info-control-characters-refused",
    breaks: "R5.limits",
    make: () =>
      newServer({
        interceptors: [
          onUnary(["RequestHostConnection"], async (message, next) => {
            if (HAS_CONTROL.test(String(message.extraInfo)))
              throw refusal(Code.InvalidArgument, CoHostErrorReason.INVALID_FIELD, "extra_info");
            return next();
          }),
        ],
      }),
    caughtBy: ["bad-input/bad-input-extra-info-any-text"],
  },
  {
    name: "request-limit-4-mib",
    breaks: "R5.size",
    // A message over 1 MiB is decoded and judged by its fields instead of refused for its size.
    make: () => newServer({ limits: { maxRequestBytes: 4 * 1024 * 1024 } }),
    caughtBy: ["generated/malformed-input-changes-nothing"],
  },
  {
    name: "request-limit-8-kib",
    breaks: "R5.size",
    make: () => newServer({ limits: { maxRequestBytes: 8 * 1024 } }),
    caughtBy: ["generated/malformed-input-changes-nothing"],
  },
];
