// A CoHostServer with clients for tests: over the in-memory router
// transport, or over a real listener with any protocol.
import { createClient, createRouterTransport, type Client, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { CoHostService, RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Clock } from "../clock.js";
import { mintHostToken } from "../service/auth.js";
import { CoHostServer, type CoHostServerOptions } from "../server.js";

export const TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
export const TEST_ADMIN_KEY = "test-admin-key";

export type Protocol = "connect" | "grpc" | "grpc-web";
export type HttpVersion = "1.1" | "2";

export function newServer(options: Partial<CoHostServerOptions> = {}): CoHostServer {
  return new CoHostServer({ tokenSecret: TEST_SECRET, adminKey: TEST_ADMIN_KEY, ...options });
}

export function transportFor(baseUrl: string, protocol: Protocol, httpVersion: HttpVersion): Transport {
  switch (protocol) {
    case "connect":
      return createConnectTransport({ baseUrl, httpVersion });
    case "grpc":
      return createGrpcTransport({ baseUrl });
    case "grpc-web":
      return createGrpcWebTransport({ baseUrl, httpVersion });
  }
}

export class Clients {
  readonly admin: Client<typeof RoomAdminService>;
  readonly cohost: Client<typeof CoHostService>;

  constructor(
    readonly transport: Transport,
    private readonly clock: Clock,
  ) {
    this.admin = createClient(RoomAdminService, transport);
    this.cohost = createClient(CoHostService, transport);
  }

  static inMemory(server: CoHostServer): Clients {
    return new Clients(createRouterTransport(server.routes), server.clock);
  }

  adminHeaders(key = TEST_ADMIN_KEY) {
    return { headers: { authorization: `Bearer ${key}` } };
  }

  async hostHeaders(userId: string, ttlSeconds = 3600) {
    const token = await mintHostToken(TEST_SECRET, userId, { ttlSeconds, nowMs: this.clock.now() });
    return { headers: { authorization: `Bearer ${token}` } };
  }

  async openRoom(liveId: string, userId = `user-${liveId}`) {
    await this.admin.openRoom({ liveId, userId, userName: `Host ${liveId}`, avatarUrl: "" }, this.adminHeaders());
  }
}
