// The spec cannot silently lose its shape or its documentation: these tests
// read the generated descriptors and the source comments of proto/.
import { describe, expect, it } from "vitest";
import {
  CoHostErrorReason,
  CoHostErrorReasonSchema,
  CoHostLayoutTemplate,
  CoHostService,
  CoHostStatus,
  RoomAdminService,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { buildImage, documentedElements } from "./spec-comments.js";

describe("CoHostService", () => {
  it("has exactly the seven RPCs with their stream kinds", () => {
    const kinds = Object.fromEntries(CoHostService.methods.map((m) => [m.name, m.methodKind]));
    expect(kinds).toEqual({
      RequestHostConnection: "unary",
      CancelHostConnection: "unary",
      AcceptHostConnection: "unary",
      RejectHostConnection: "unary",
      ExitHostConnection: "unary",
      GetCoHostCandidates: "unary",
      WatchCoHost: "server_streaming",
    });
  });

  it("has the admin service that opens and closes rooms", () => {
    const names = RoomAdminService.methods.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(["OpenRoom", "CloseRoom"]));
  });
});

describe("enums", () => {
  it("carry Tencent's layout wire values", () => {
    expect(CoHostLayoutTemplate.HOST_VOICE_CONNECTION).toBe(2);
    expect(CoHostLayoutTemplate.HOST_DYNAMIC_GRID).toBe(600);
    expect(CoHostLayoutTemplate.HOST_DYNAMIC_1V6).toBe(601);
    expect(CoHostLayoutTemplate.HOST_VIDEO_LEFT_FOCUS_9_SEATS).toBe(602);
    expect(CoHostLayoutTemplate.HOST_VIDEO_UNIFORM_GRID_9_SEATS).toBe(603);
    expect(CoHostLayoutTemplate.UNSPECIFIED).toBe(0);
  });

  it("keep Tencent's disconnected = 1", () => {
    expect(CoHostStatus.DISCONNECTED).toBe(1);
    expect(CoHostStatus.CONNECTED).not.toBe(CoHostStatus.UNSPECIFIED);
  });

  it("name every refusal reason of SEMANTICS.md R5-R19", () => {
    const reasons = CoHostErrorReasonSchema.values.map((v) => v.localName);
    for (const reason of [
      "RATE_LIMITED",
      "SELF_REQUEST",
      "ROOM_NOT_FOUND",
      "PENDING_INCOMING_REQUEST",
      "ALREADY_INVITED_OR_CONNECTED",
      "TARGET_CONNECTED_ELSEWHERE",
      "TARGET_BUSY",
      "LAYOUT_MISMATCH",
      "CONNECTION_FULL",
      "REQUEST_NOT_FOUND",
      "NOT_CONNECTED",
    ]) {
      expect(reasons).toContain(reason);
    }
    expect(CoHostErrorReason.UNSPECIFIED).toBe(0);
  });
});

describe("documentation", () => {
  const files = buildImage();

  it("covers the cohost.v1 package", () => {
    expect(files.map((f) => f.package)).toContain("cohost.v1");
  });

  it("gives every service, RPC, message, field, oneof, enum and value a leading comment", () => {
    const undocumented: string[] = [];
    let checked = 0;
    for (const file of files) {
      const comments = new Map((file.sourceCodeInfo?.location ?? []).map((l) => [l.path.join("."), (l.leadingComments ?? "").trim()]));
      for (const element of documentedElements(file)) {
        checked++;
        if (!comments.get(element.path.join("."))) undocumented.push(element.name);
      }
    }
    expect(checked).toBeGreaterThan(150);
    expect(undocumented).toEqual([]);
  });

  it("states every rule R1-R20 somewhere in the spec", () => {
    const text = files
      .flatMap((f) => f.sourceCodeInfo?.location ?? [])
      .map((l) => `${l.leadingDetachedComments.join("\n")}\n${l.leadingComments ?? ""}`)
      .join("\n");
    const missing = Array.from({ length: 20 }, (_, i) => `R${i + 1}`).filter((id) => !new RegExp(`\\b${id}\\b`).test(text));
    expect(missing).toEqual([]);
  });
});
