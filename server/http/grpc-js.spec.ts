// Interop: a plain @grpc/grpc-js client, built only from proto/, drives the
// reference server. Proves the wire contract does not depend on Connect.
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintHostToken } from "../service/auth.js";
import type { CoHostServer } from "../server.js";
import { newServer, TEST_ADMIN_KEY, TEST_SECRET } from "../testing/service-harness.js";

type Callback = (err: grpc.ServiceError | null, res: Record<string, unknown>) => void;
type UnaryClient = grpc.Client & Record<string, (req: object, md: grpc.Metadata, cb: Callback) => void>;
type StreamClient = grpc.Client & Record<string, (req: object, md: grpc.Metadata) => grpc.ClientReadableStream<Record<string, unknown>>>;

let server: CoHostServer;
let address: string;
let admin: UnaryClient;
let cohost: UnaryClient & StreamClient;

beforeAll(async () => {
  server = newServer();
  const listener = await server.listen({ port: 0, host: "127.0.0.1" });
  address = `127.0.0.1:${listener.port}`;
  const definition = protoLoader.loadSync("cohost/v1/cohost.proto", {
    includeDirs: [fileURLToPath(new URL("../../proto", import.meta.url))],
    keepCase: true,
    enums: String,
    longs: String,
    defaults: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    cohost: { v1: Record<string, new (address: string, creds: grpc.ChannelCredentials) => grpc.Client> };
  };
  admin = new pkg.cohost.v1.RoomAdminService!(address, grpc.credentials.createInsecure()) as UnaryClient;
  cohost = new pkg.cohost.v1.CoHostService!(address, grpc.credentials.createInsecure()) as UnaryClient & StreamClient;
});

afterAll(async () => {
  admin?.close();
  cohost?.close();
  await server.close(100);
});

function bearer(token: string) {
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${token}`);
  return md;
}

function unary(client: UnaryClient, method: string, req: object, md: grpc.Metadata) {
  return new Promise<Record<string, unknown>>((resolve, reject) =>
    client[method]!(req, md, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

describe("@grpc/grpc-js client", () => {
  it("opens rooms, requests, accepts and watches events", async () => {
    const adminMd = bearer(TEST_ADMIN_KEY);
    await unary(admin, "OpenRoom", { live_id: "g-a", user_id: "g-alice", user_name: "Alice" }, adminMd);
    await unary(admin, "OpenRoom", { live_id: "g-b", user_id: "g-bob", user_name: "Bob" }, adminMd);
    const alice = bearer(await mintHostToken(TEST_SECRET, "g-alice"));
    const bob = bearer(await mintHostToken(TEST_SECRET, "g-bob"));

    const stream = cohost.WatchCoHost!({ live_id: "g-a" }, alice);
    const messages: Record<string, unknown>[] = [];
    const joined = new Promise<void>((resolve, reject) => {
      stream.on("data", (m: Record<string, unknown>) => {
        messages.push(m);
        if (JSON.stringify(m.events).includes("user_joined")) resolve();
      });
      stream.on("error", (err: grpc.ServiceError) => {
        if (err.code !== grpc.status.CANCELLED) reject(err);
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    const sent = await unary(
      cohost,
      "RequestHostConnection",
      {
        live_id: "g-a",
        target_host_live_id: "g-b",
        layout_template: "CO_HOST_LAYOUT_TEMPLATE_HOST_DYNAMIC_GRID",
        timeout_seconds: 30,
        extra_info: "from grpc-js",
      },
      alice,
    );
    expect(sent.deadline).toBeDefined();
    await unary(cohost, "AcceptHostConnection", { live_id: "g-b", from_host_live_id: "g-a" }, bob);
    await joined;
    stream.cancel();
    expect(messages.map((m) => m.kind)).toEqual(["WATCH_MESSAGE_KIND_SNAPSHOT", "WATCH_MESSAGE_KIND_CHANGE", "WATCH_MESSAGE_KIND_CHANGE"]);
    const last = messages.at(-1) as { state: { status: string; connected: { live_id: string }[] } };
    expect(last.state.status).toBe("CO_HOST_STATUS_CONNECTED");
    expect(last.state.connected.map((s) => s.live_id)).toEqual(["g-a", "g-b"]);
  });

  it("gets the status code and the error detail trailer on refusals", async () => {
    const alice = bearer(await mintHostToken(TEST_SECRET, "g-alice"));
    const err = await unary(cohost, "ExitHostConnection", { live_id: "g-zz" }, alice).catch((e: grpc.ServiceError) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.NOT_FOUND);
    expect((err as grpc.ServiceError).metadata.get("grpc-status-details-bin")).toHaveLength(1);
  });
});
