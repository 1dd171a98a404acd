// Variants for the gaps the mutation run found (conformance/MUTATION.md):
// admin calls that skip their field checks, tokens whose payload is JSON
// but not an object, an OpenRoom that takes other host fields as a retry,
// and paging that ends with an extra empty page.
import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { CoHostErrorReason, RoomInfoSchema, type RoomInfo, type SeatUserInfo } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken } from "@cohost-kit/server";
import { newServer, TEST_SECRET } from "@cohost-kit/server/testing";
import type { Interceptor } from "@connectrpc/connect";
import { onUnary, refusal, wrapped, type BrokenVariant } from "./tools.js";

// eslint-disable-next-line no-control-regex
const badId = (id: string) => id === "" || Buffer.byteLength(id) > 64 || /[\u0000-\u001f\u007f]/.test(id);
const specCursor = (liveId: string) => Buffer.from(`c1:${liveId}`).toString("base64url");

/** The JSON payload of a bearer token, unverified, whatever JSON it is. */
function payloadOf(authorization: string | null): { json: unknown } | undefined {
  const payload = /^Bearer +(\S+)$/i.exec(authorization?.trim() ?? "")?.[1]?.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    return { json: JSON.parse(Buffer.from(payload, "base64url").toString()) };
  } catch {
    return undefined;
  }
}

/** Host calls whose token payload is JSON but not an object are handed to `handle` before the server sees them. */
function nonObjectPayload(handle: (json: unknown, liveId: string) => Promise<string | ConnectError>): Interceptor {
  return (next) => async (req) => {
    if (req.service.typeName !== "cohost.v1.CoHostService" || req.stream) return next(req);
    const parsed = payloadOf(req.header.get("authorization"));
    if (!parsed || (typeof parsed.json === "object" && parsed.json !== null && !Array.isArray(parsed.json))) return next(req);
    const outcome = await handle(parsed.json, String((req.message as { liveId?: unknown }).liveId ?? ""));
    if (outcome instanceof ConnectError) throw outcome;
    req.header.set("authorization", outcome);
    return next(req);
  };
}

export const closureVariants: BrokenVariant[] = [
  {
    name: "open-room-user-id-unchecked",
    breaks: "R5.limits",
    // A bad user_id is taken as given (here: as a valid id of its own), so the room opens.
    make: () =>
      newServer({
        interceptors: [
          onUnary(["OpenRoom"], async (message, next) => {
            if (!badId(String(message.liveId)) && badId(String(message.userId))) message.userId = "unchecked-user";
            return next();
          }),
        ],
      }),
    caughtBy: ["bad-input/bad-input-admin-fields"],
  },
  {
    name: "close-and-get-room-live-id-unchecked",
    breaks: "R5.limits",
    // A bad live_id is looked up like any other: no such room.
    make: () =>
      newServer({
        interceptors: [
          onUnary(["CloseRoom", "GetRoom"], async (message, next) => {
            if (badId(String(message.liveId))) throw refusal(Code.NotFound, CoHostErrorReason.ROOM_NOT_FOUND, "live_id");
            return next();
          }),
        ],
      }),
    caughtBy: ["bad-input/bad-input-admin-fields"],
  },
  {
    name: "list-rooms-bad-cursor-read-as-first-page",
    breaks: "R17.cursor",
    make: () =>
      newServer({
        interceptors: [
          onUnary(["ListRooms"], async (message, next) => {
            const cursor = String(message.cursor);
            if (cursor && !/^[A-Za-z0-9_-]+$/.test(cursor)) message.cursor = "";
            return next();
          }),
        ],
      }),
    caughtBy: ["bad-input/bad-input-admin-fields"],
  },
  {
    name: "list-rooms-page-size-clamped",
    breaks: "R5.limits",
    make: () =>
      newServer({
        interceptors: [
          onUnary(["ListRooms"], async (message, next) => {
            const size = Number(message.pageSize);
            if (size < 0 || size > 100) message.pageSize = Math.min(100, Math.max(0, size));
            return next();
          }),
        ],
      }),
    caughtBy: ["bad-input/bad-input-admin-fields"],
  },
  {
    name: "null-token-payload-is-an-internal-error",
    breaks: "R2.token",
    // As a server that reads claims from the payload without checking it is an object.
    make: () =>
      newServer({
        interceptors: [
          nonObjectPayload(async (json, _liveId) =>
            json === null ? new ConnectError("Cannot destructure property 'sub' of null", Code.Internal) : "Bearer not-a-jwt",
          ),
        ],
      }),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "array-token-payload-accepted",
    breaks: "R2.token",
    // A correctly signed array payload passes as the host of the room called for.
    make: () =>
      wrapped({}, (server) => [
        nonObjectPayload(async (json, liveId) => {
          const room = Array.isArray(json) ? await server().core.readRoom(liveId) : undefined;
          return room ? `Bearer ${await mintHostToken(TEST_SECRET, room.host.userId)}` : "Bearer not-a-jwt";
        }),
      ]),
    caughtBy: ["auth/auth-token-claims-and-order"],
  },
  {
    name: "open-room-other-name-or-avatar-taken-as-retry",
    breaks: "R1.already-open",
    // Only the user id decides whether an OpenRoom is a retry; the open room keeps its fields.
    make: () =>
      wrapped({}, (server) => [
        onUnary(["OpenRoom"], async (message, next) => {
          const room = await server().core.readRoom(String(message.liveId));
          if (room && room.host.userId === message.userId) {
            message.userName = room.host.userName;
            message.avatarUrl = room.host.avatarUrl;
          }
          return next();
        }),
      ]),
    caughtBy: ["auth/admin-open-room-other-host-fields"],
  },
  {
    name: "open-room-other-user-id-taken-as-retry",
    breaks: "R1.already-open",
    // Only the display fields decide whether an OpenRoom is a retry: another user id with the same name and avatar is let through.
    make: () =>
      wrapped({}, (server) => [
        onUnary(["OpenRoom"], async (message, next) => {
          const room = await server().core.readRoom(String(message.liveId));
          if (room && room.host.userName === message.userName && room.host.avatarUrl === message.avatarUrl)
            message.userId = room.host.userId;
          return next();
        }),
      ]),
    caughtBy: ["auth/admin-open-room-other-host-fields"],
  },
  {
    name: "extra-empty-page-after-a-full-page",
    breaks: "R17.end",
    // A full page always gets a next_cursor, as a server that fetches page_size rooms and no more.
    make: () =>
      newServer({
        interceptors: [
          onUnary(["ListRooms", "GetCoHostCandidates"], async (message, next) => {
            const res = await next();
            const page = res.message as unknown as { rooms?: RoomInfo[]; candidates?: SeatUserInfo[]; nextCursor: string };
            const ids = page.rooms ? page.rooms.map((r) => r.host?.liveId ?? "") : (page.candidates ?? []).map((c) => c.liveId);
            const size = Number(message.pageSize) || 20;
            if (!page.nextCursor && ids.length === size) page.nextCursor = specCursor(ids.at(-1)!);
            return res;
          }),
        ],
      }),
    caughtBy: ["candidates/paging-ends-at-exact-page"],
  },
  {
    name: "open-room-answers-an-empty-room",
    breaks: "R1.response",
    // OpenRoom opens the room but answers with an empty RoomInfo, as a handler that forgot to fill it.
    make: () =>
      newServer({
        interceptors: [
          onUnary(["OpenRoom"], async (_message, next) => {
            const res = await next();
            (res.message as unknown as { room?: RoomInfo }).room = create(RoomInfoSchema);
            return res;
          }),
        ],
      }),
    caughtBy: ["auth/admin-open-room-rules"],
  },
];
