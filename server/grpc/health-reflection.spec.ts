// grpc.health.v1 and server reflection from the tools people use: buf curl
// (no --schema: it reads the schema by reflection) over Connect, gRPC and
// gRPC-Web, and plain @grpc/grpc-js clients built from the standard .proto
// files the grpc-health-check and @grpc/reflection packages ship.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningListener } from "../http/listener.js";
import type { CoHostServer } from "../server.js";
import { MemoryStore } from "../store/memory-store.js";
import { FakeClock } from "../testing/fake-clock.js";
import { newServer, TEST_ADMIN_KEY, transportFor } from "../testing/service-harness.js";
import { Health, HealthCheckResponse_ServingStatus as Status } from "./generated/health/v1/health_pb.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const buf = join(root, "node_modules/.bin/buf");
const require = createRequire(import.meta.url);
const healthProtoDir = join(dirname(require.resolve("grpc-health-check/package.json")), "proto");
const reflectionProtoDir = join(dirname(require.resolve("@grpc/reflection/package.json")), "build/proto");

/** A memory store whose health the test decides. */
class SwitchableStore extends MemoryStore {
  up = true;
  override async ping(): Promise<boolean> {
    return this.up;
  }
}

const store = new SwitchableStore();
let server: CoHostServer;
let listener: RunningListener;

beforeAll(async () => {
  server = newServer({ store });
  listener = await server.listen({ port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await server.close(100);
});

function bufCurl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(buf, ["curl", ...args], { timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const protocols: [string, string[]][] = [
  ["connect", []],
  ["grpc", ["--protocol", "grpc", "--http2-prior-knowledge"]],
  ["grpcweb", ["--protocol", "grpcweb"]],
];

describe.each(protocols)("buf curl over %s, schema by reflection", (_name, flags) => {
  it("lists the services", async () => {
    const { code, stdout, stderr } = await bufCurl(...flags, "--list-services", listener.url);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toEqual([
      "cohost.v1.CoHostService",
      "cohost.v1.RoomAdminService",
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
    ]);
  });

  it("calls OpenRoom and Health/Check without --schema", async () => {
    const liveId = `refl-${_name}`;
    const open = await bufCurl(
      ...flags,
      "-H",
      `Authorization: Bearer ${TEST_ADMIN_KEY}`,
      "-d",
      JSON.stringify({ liveId, userId: "u", userName: "U" }),
      `${listener.url}/cohost.v1.RoomAdminService/OpenRoom`,
    );
    expect(open.stderr).toBe("");
    expect(JSON.parse(open.stdout)).toMatchObject({
      room: { host: { liveId, userId: "u" }, state: { status: "CO_HOST_STATUS_DISCONNECTED" } },
    });
    const check = await bufCurl(...flags, "-d", "{}", `${listener.url}/grpc.health.v1.Health/Check`);
    expect(JSON.parse(check.stdout)).toEqual({ status: "SERVING" });
  });
});

describe("buf curl with the older reflection protocol", () => {
  it("lists the services over grpc.reflection.v1alpha", async () => {
    const { stdout } = await bufCurl("--reflect-protocol", "grpc-v1alpha", "--list-services", listener.url);
    expect(stdout).toContain("cohost.v1.CoHostService\n");
  });
});

describe("@grpc/grpc-js clients", () => {
  const load = (file: string, dir: string) =>
    grpc.loadPackageDefinition(
      protoLoader.loadSync(file, { includeDirs: [dir], keepCase: true, enums: String, longs: String, defaults: true }),
    );

  it("checks health and watches it turn NOT_SERVING when the store stops answering, and back", async () => {
    const pkg = load("health/v1/health.proto", healthProtoDir) as unknown as {
      grpc: { health: { v1: { Health: new (address: string, creds: grpc.ChannelCredentials) => grpc.Client } } };
    };
    const client = new pkg.grpc.health.v1.Health(`127.0.0.1:${listener.port}`, grpc.credentials.createInsecure()) as grpc.Client &
      Record<string, (...args: unknown[]) => unknown>;
    try {
      const check = (service: string) =>
        new Promise<{ status: string }>((resolve, reject) =>
          client.Check!({ service }, (err: grpc.ServiceError | null, res: { status: string }) => (err ? reject(err) : resolve(res))),
        );
      expect(await check("")).toEqual({ status: "SERVING" });
      expect(await check("cohost.v1.CoHostService")).toEqual({ status: "SERVING" });
      await expect(check("no.such.Service")).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });

      const seen: string[] = [];
      const call = client.Watch!({ service: "" }) as grpc.ClientReadableStream<{ status: string }>;
      call.on("data", (m: { status: string }) => seen.push(m.status));
      call.on("error", () => {});
      await until(() => seen.length === 1);
      store.up = false;
      await until(() => seen.length === 2); // polled every second on the server's clock
      store.up = true;
      await until(() => seen.length === 3);
      call.cancel();
      expect(seen).toEqual(["SERVING", "NOT_SERVING", "SERVING"]);
    } finally {
      store.up = true;
      client.close();
    }
  });

  for (const version of ["v1", "v1alpha"]) {
    it(`reads the schema by reflection (${version}): services, then the file of CoHostService with its imports`, async () => {
      const pkg = load(`grpc/reflection/${version}/reflection.proto`, reflectionProtoDir) as unknown as {
        grpc: { reflection: Record<string, { ServerReflection: new (address: string, creds: grpc.ChannelCredentials) => grpc.Client }> };
      };
      const client = new pkg.grpc.reflection[version]!.ServerReflection(
        `127.0.0.1:${listener.port}`,
        grpc.credentials.createInsecure(),
      ) as grpc.Client & Record<string, () => grpc.ClientDuplexStream<object, Record<string, unknown>>>;
      try {
        const call = client.ServerReflectionInfo!();
        const responses: Record<string, unknown>[] = [];
        const ended = new Promise<void>((resolve, reject) => {
          call.on("data", (m: Record<string, unknown>) => responses.push(m));
          call.on("end", resolve);
          call.on("error", reject);
        });
        call.write({ list_services: "" });
        call.write({ file_containing_symbol: "cohost.v1.CoHostService.WatchCoHost" });
        call.write({ file_by_filename: "no/such.proto" });
        call.end();
        await ended;
        const [list, files, missing] = responses as [
          { list_services_response: { service: { name: string }[] } },
          { file_descriptor_response: { file_descriptor_proto: Buffer[] } },
          { error_response: { error_code: number } },
        ];
        expect(list.list_services_response.service.map((s) => s.name)).toContain("grpc.health.v1.Health");
        const decoded = files.file_descriptor_response.file_descriptor_proto.map((b) => fromBinary(FileDescriptorProtoSchema, b));
        expect(decoded[0]!.name).toBe("cohost/v1/cohost.proto");
        expect(decoded[0]!.service.map((s) => s.name)).toEqual(["CoHostService", "RoomAdminService"]);
        // Every import comes along, so a client needs nothing else.
        const names = new Set(decoded.map((f) => f.name));
        for (const f of decoded) for (const dep of f.dependency) expect(names.has(dep), dep).toBe(true);
        expect(missing.error_response.error_code).toBe(grpc.status.NOT_FOUND);
      } finally {
        client.close();
      }
    });
  }
});

describe("Health over Connect", () => {
  it("ends a Watch with NOT_SERVING when the server shuts down", async () => {
    const clock = new FakeClock();
    const own = newServer({ clock });
    const l = await own.listen({ port: 0, host: "127.0.0.1" });
    const health = createClient(Health, transportFor(l.url, "connect", "2"));
    const seen: Status[] = [];
    const watching = (async () => {
      for await (const m of health.watch({ service: "cohost.v1.RoomAdminService" })) seen.push(m.status);
    })().catch((err: unknown) => ConnectError.from(err).code);
    await until(() => seen.length === 1);
    await own.close(1_000);
    const outcome = await watching;
    expect(seen).toEqual([Status.SERVING, Status.NOT_SERVING]);
    expect(outcome === undefined || outcome === Code.Unavailable).toBe(true);
  });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}
