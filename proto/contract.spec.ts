// The spec cannot silently lose its shape or its documentation: these tests
// read the generated descriptors and the source comments of proto/.
import { execFileSync } from "node:child_process";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type DescriptorProto, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  CoHostErrorReason,
  CoHostErrorReasonSchema,
  CoHostLayoutTemplate,
  CoHostService,
  CoHostStatus,
  RoomAdminService,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

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

// Field numbers of descriptor.proto, used to address comments by path.
const FILE_MESSAGE = 4,
  FILE_ENUM = 5,
  FILE_SERVICE = 6;
const MESSAGE_FIELD = 2,
  MESSAGE_NESTED = 3,
  MESSAGE_ENUM = 4,
  MESSAGE_ONEOF = 8;
const ENUM_VALUE = 2,
  SERVICE_METHOD = 2;

function buildImage(): FileDescriptorProto[] {
  const bytes = execFileSync("buf", ["build", "--as-file-descriptor-set", "-o", "-#format=binpb"], {
    cwd: new URL("..", import.meta.url),
    env: { ...process.env, PATH: `${new URL("../node_modules/.bin", import.meta.url).pathname}:${process.env.PATH}` },
    maxBuffer: 64 * 1024 * 1024,
  });
  return fromBinary(FileDescriptorSetSchema, bytes).file.filter((f) => f.name.startsWith("cohost/"));
}

/** Every element of a file that must carry a leading comment, by source path. */
function documentedElements(file: FileDescriptorProto): { name: string; path: number[] }[] {
  const out: { name: string; path: number[] }[] = [];
  const enumValues = (prefix: string, path: number[], values: { name: string }[]) =>
    values.forEach((v, i) => out.push({ name: `${prefix}.${v.name}`, path: [...path, ENUM_VALUE, i] }));
  const message = (prefix: string, path: number[], m: DescriptorProto) => {
    const name = `${prefix}${m.name}`;
    out.push({ name, path });
    m.field.forEach((f, i) => out.push({ name: `${name}.${f.name}`, path: [...path, MESSAGE_FIELD, i] }));
    m.oneofDecl.forEach((o, i) => out.push({ name: `${name}.${o.name}`, path: [...path, MESSAGE_ONEOF, i] }));
    m.nestedType.forEach((n, i) => message(`${name}.`, [...path, MESSAGE_NESTED, i], n));
    m.enumType.forEach((e, i) => {
      out.push({ name: `${name}.${e.name}`, path: [...path, MESSAGE_ENUM, i] });
      enumValues(`${name}.${e.name}`, [...path, MESSAGE_ENUM, i], e.value);
    });
  };
  file.messageType.forEach((m, i) => message("", [FILE_MESSAGE, i], m));
  file.enumType.forEach((e, i) => {
    out.push({ name: e.name, path: [FILE_ENUM, i] });
    enumValues(e.name, [FILE_ENUM, i], e.value);
  });
  file.service.forEach((s, i) => {
    out.push({ name: s.name, path: [FILE_SERVICE, i] });
    s.method.forEach((m, j) => out.push({ name: `${s.name}.${m.name}`, path: [FILE_SERVICE, i, SERVICE_METHOD, j] }));
  });
  return out;
}

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
