// RoomAdminService: the platform's backend opens and closes rooms (R1, R13).
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { FeedPositionSchema, type RoomAdminService, RoomInfoSchema } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { CoHostCore } from "../core.js";
import type { RoomSnapshot } from "../engine/engine.js";
import { refusals } from "../engine/refusal.js";
import { decodeCursor, encodeCursor, isViolation } from "./cursor.js";
import { throwIfInvalid, unwrapOutcome } from "./errors.js";
import { checkDisplayText, checkId, checkRange, firstViolation, limits } from "./validation.js";

export function roomAdminServiceImpl(core: CoHostCore): ServiceImpl<typeof RoomAdminService> {
  return {
    async openRoom(req) {
      throwIfInvalid(
        firstViolation(
          () => checkId("live_id", req.liveId),
          () => checkId("user_id", req.userId),
          () => checkDisplayText("user_name", req.userName, limits.userNameBytes),
          () => checkDisplayText("avatar_url", req.avatarUrl, limits.avatarUrlBytes),
        ),
      );
      const room = unwrapOutcome(
        await core.openRoom({ liveId: req.liveId, userId: req.userId, userName: req.userName, avatarUrl: req.avatarUrl }),
      );
      return { room: roomInfo(room) };
    },

    async closeRoom(req) {
      throwIfInvalid(checkId("live_id", req.liveId));
      unwrapOutcome(await core.closeRoom(req.liveId));
      return {};
    },

    async getRoom(req) {
      throwIfInvalid(checkId("live_id", req.liveId));
      const room = await core.readRoom(req.liveId);
      if (!room) unwrapOutcome(refusals.roomNotFound(req.liveId, "live_id"));
      return { room: roomInfo(room!) };
    },

    async listRooms(req) {
      const cursor = decodeCursor("cursor", req.cursor);
      throwIfInvalid(
        firstViolation(
          () => (isViolation(cursor) ? cursor : undefined),
          () => checkRange("page_size", req.pageSize, 0, limits.pageSize.max),
        ),
      );
      const after = isViolation(cursor) ? "" : cursor.after;
      const pageSize = req.pageSize || limits.pageSize.default;
      const hosts = await core.store.listRooms(after, pageSize + 1);
      const rooms: RoomSnapshot[] = [];
      for (const host of hosts.slice(0, pageSize)) {
        const room = await core.readRoom(host.liveId);
        if (room) rooms.push(room); // closed meanwhile: skipped, as R17 allows
      }
      const more = hosts.length > pageSize;
      return {
        rooms: rooms.map(roomInfo),
        nextCursor: more ? encodeCursor(hosts[pageSize - 1]!.liveId) : "",
      };
    },
  };
}

function roomInfo(room: RoomSnapshot) {
  return create(RoomInfoSchema, {
    host: room.host,
    state: room.state,
    position: create(FeedPositionSchema, { epoch: room.position.epoch, sequence: BigInt(room.position.sequence) }),
    outgoingRequests: room.outgoing.map((r) => ({
      invitee: r.to,
      layoutTemplate: r.layout,
      extraInfo: r.extraInfo,
      deadline: timestampFromMs(r.deadline),
    })),
  });
}
