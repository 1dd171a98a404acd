// Variants that check refusals in the wrong order (R5.order): when the
// reference refuses with a rule that comes first, the variant answers with a
// later rule that also applies, as a server that checks that rule earlier
// would. Each pair is one the refusal-order cases set up.
import type { Interceptor } from "@connectrpc/connect";
import { CoHostErrorDetailSchema, CoHostErrorReason, CoHostStatus } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { CoHostServer } from "@cohost-kit/server";
import { newServer } from "@cohost-kit/server/testing";
import { Code, ConnectError, onUnary, refusal, wrapped, type BrokenVariant } from "./tools.js";

type Room = NonNullable<Awaited<ReturnType<CoHostServer["core"]["readRoom"]>>>;

interface Situation {
  message: Record<string, unknown>;
  /** The refusal the reference gave, and its field. */
  field: string;
  caller?: Room;
  target?: Room;
  /** Reads any room. */
  read(liveId: string): Promise<Room | undefined>;
}

const MUTATIONS = ["RequestHostConnection", "CancelHostConnection", "AcceptHostConnection", "RejectHostConnection", "ExitHostConnection"];

/**
 * Where the reference refuses `methods` with one of `winners`, refuses with
 * `loser` instead when `applies` says the later rule holds too.
 */
function checkedFirst(
  methods: string[],
  winners: CoHostErrorReason[],
  loser: () => ConnectError,
  applies: (s: Situation) => boolean | Promise<boolean>,
): (server: () => CoHostServer) => Interceptor[] {
  return (server) => [
    onUnary(methods, async (message, next) => {
      try {
        return await next();
      } catch (err) {
        const detail = ConnectError.from(err).findDetails(CoHostErrorDetailSchema)[0];
        if (!detail || !winners.includes(detail.reason)) throw err;
        const read = (liveId: string) => server().core.readRoom(liveId);
        const situation: Situation = {
          message,
          field: detail.field,
          caller: message.liveId ? await read(String(message.liveId)) : undefined,
          target: message.targetHostLiveId ? await read(String(message.targetHostLiveId)) : undefined,
          read,
        };
        if (await applies(situation)) throw loser();
        throw err;
      }
    }),
  ];
}

const capacityOf = (layout: number) => (layout === 601 ? 7 : 9);
const busy = (room?: Room) => !!room && (room.outgoing.length > 0 || !!room.state?.applicant);
const connected = (room?: Room) => !!room && room.state?.status === CoHostStatus.CONNECTED;

/** The request's layout differs from the caller's connection or its other pending requests (rule 11). */
function layoutDiffers({ message, caller }: Situation): boolean {
  if (!caller) return false;
  const layout = Number(message.layoutTemplate);
  if (connected(caller) && caller.state?.layoutTemplate !== layout) return true;
  return caller.outgoing.some((r) => r.layout !== layout);
}

/** The caller's connection (or the caller alone), its pending requests and this one exceed the layout (rule 12). */
async function overCapacity({ message, caller, read }: Situation): Promise<boolean> {
  if (!caller) return false;
  const members = connected(caller) ? caller.connectedLiveIds : [caller.host.liveId];
  let pending = 0;
  for (const m of members) pending += (await read(m))?.outgoing.length ?? 0;
  return members.length + pending + 1 > capacityOf(Number(message.layoutTemplate));
}

const R = CoHostErrorReason;
const requestOnly = ["RequestHostConnection"];

/** An order variant: the reference, reordered by `checkedFirst`. */
function orderVariant(name: string, interceptors: (server: () => CoHostServer) => Interceptor[], caughtBy: string[]): BrokenVariant {
  return { name, breaks: "R5.order", make: () => wrapped({}, interceptors), caughtBy };
}

export const orderVariants: BrokenVariant[] = [
  orderVariant(
    "pending-incoming-checked-before-self-and-target",
    checkedFirst(
      requestOnly,
      [R.SELF_REQUEST, R.ROOM_NOT_FOUND],
      () => refusal(Code.FailedPrecondition, R.PENDING_INCOMING_REQUEST),
      (s) => s.field !== "live_id" && !!s.caller?.state?.applicant,
    ),
    ["request/request-refusal-order"],
  ),
  orderVariant(
    "busy-checked-before-connected-elsewhere",
    checkedFirst(
      requestOnly,
      [R.TARGET_CONNECTED_ELSEWHERE],
      () => refusal(Code.FailedPrecondition, R.TARGET_BUSY),
      (s) => busy(s.target),
    ),
    ["request/request-refusal-order-connected-before-busy"],
  ),
  orderVariant(
    "layout-checked-before-busy",
    checkedFirst(requestOnly, [R.TARGET_BUSY], () => refusal(Code.FailedPrecondition, R.LAYOUT_MISMATCH, "layout_template"), layoutDiffers),
    ["request/request-refusal-order-connected-before-busy"],
  ),
  orderVariant(
    "layout-checked-before-already-and-connected",
    checkedFirst(
      requestOnly,
      [R.ALREADY_INVITED_OR_CONNECTED, R.TARGET_CONNECTED_ELSEWHERE],
      () => refusal(Code.FailedPrecondition, R.LAYOUT_MISMATCH, "layout_template"),
      layoutDiffers,
    ),
    ["request/request-refusal-order-later-rules"],
  ),
  orderVariant(
    "busy-checked-before-already",
    checkedFirst(
      requestOnly,
      [R.ALREADY_INVITED_OR_CONNECTED],
      () => refusal(Code.FailedPrecondition, R.TARGET_BUSY),
      (s) => busy(s.target),
    ),
    ["request/request-refusal-order-later-rules", "request/request-refuses-duplicate-and-connected"],
  ),
  orderVariant(
    "connected-elsewhere-checked-before-pending-incoming",
    checkedFirst(
      requestOnly,
      [R.PENDING_INCOMING_REQUEST],
      () => refusal(Code.FailedPrecondition, R.TARGET_CONNECTED_ELSEWHERE),
      (s) => connected(s.target),
    ),
    ["request/request-refusal-order-later-rules"],
  ),
  orderVariant(
    "capacity-checked-before-target-rules",
    checkedFirst(
      requestOnly,
      [R.ALREADY_INVITED_OR_CONNECTED, R.TARGET_CONNECTED_ELSEWHERE, R.TARGET_BUSY],
      () => refusal(Code.ResourceExhausted, R.CONNECTION_FULL),
      overCapacity,
    ),
    ["request/request-refusal-order-at-capacity"],
  ),
  orderVariant(
    "self-checked-before-rate-limit",
    checkedFirst(
      requestOnly,
      [R.RATE_LIMITED],
      () => refusal(Code.InvalidArgument, R.SELF_REQUEST, "target_host_live_id"),
      (s) => s.message.targetHostLiveId === s.message.liveId,
    ),
    ["rate-limit/rate-limit-refuses-floods"],
  ),
  orderVariant(
    "host-checked-before-room-is-open",
    checkedFirst(
      MUTATIONS,
      [R.ROOM_NOT_FOUND],
      () => refusal(Code.PermissionDenied, R.NOT_ROOM_HOST, "live_id"),
      (s) => s.field === "live_id",
    ),
    ["auth/auth-room-not-open-before-host-check"],
  ),
  orderVariant(
    "room-checked-before-fields",
    checkedFirst(
      MUTATIONS,
      [R.INVALID_FIELD],
      () => refusal(Code.NotFound, R.ROOM_NOT_FOUND, "live_id"),
      (s) => !!s.message.liveId && !s.caller,
    ),
    ["bad-input/bad-input-request-fields"],
  ),
  {
    name: "fields-checked-before-the-token",
    breaks: "R5.order",
    make: () =>
      newServer({
        interceptors: [
          onUnary(requestOnly, async (message, next) => {
            const timeout = Number(message.timeoutSeconds);
            if (timeout < 1 || timeout > 300) throw refusal(Code.InvalidArgument, R.INVALID_FIELD, "timeout_seconds");
            return next();
          }),
        ],
      }),
    caughtBy: ["auth/auth-missing-forged-expired-token", "bad-input/bad-input-request-fields"],
  },
];
