// ClientCase against a fake server whose RoomAdminService breaks on
// CloseRoom: a case whose clean-up fails must fail, and say why.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  CoHostService,
  CoHostStatus,
  RoomAdminService,
  WatchCoHostResponseSchema,
  WatchMessageKind,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { ClientCase } from "./client-case.js";
import type { CaseSpec } from "./schema.js";

const spec: CaseSpec = {
  name: "idle",
  rules: ["R14"],
  procedure: "alice's store goes live.",
  asserts: "nothing happens.",
  actors: ["alice"],
  steps: [{ wait: 0.01 }],
};

function fakeServer(closeRoom: (liveId: string) => void) {
  return createRouterTransport(({ service }) => {
    service(RoomAdminService, {
      openRoom: () => ({}),
      closeRoom: (request) => {
        closeRoom(request.liveId);
        return {};
      },
    });
    service(CoHostService, {
      async *watchCoHost(_request, context): AsyncGenerator<WatchCoHostResponse> {
        yield create(WatchCoHostResponseSchema, {
          kind: WatchMessageKind.SNAPSHOT,
          epoch: "e1",
          state: { status: CoHostStatus.DISCONNECTED },
          keepAliveInterval: { seconds: 15n },
        });
        await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
      },
    });
  });
}

const options = (transport: ReturnType<typeof fakeServer>) => ({
  transport,
  credentials: { adminKey: "admin-key", tokenSecret: "0123456789abcdef0123456789abcdef" },
  prefix: "t",
  timeoutMs: 2_000,
  trace: () => {},
});

describe("ClientCase clean-up", () => {
  it("passes when every room it opened closes", async () => {
    const closed: string[] = [];
    await new ClientCase(spec, options(fakeServer((id) => closed.push(id)))).run();
    expect(closed).toEqual(["t-alice"]);
  });

  it("fails with the reason when closing a room it opened fails", async () => {
    const transport = fakeServer(() => {
      throw new ConnectError("store unreachable", Code.Internal);
    });
    await expect(new ClientCase(spec, options(transport)).run()).rejects.toThrow(
      /closing the case's rooms failed:[\s\S]*alice.*store unreachable/,
    );
  });

  it("tolerates a room the case closed itself (NOT_FOUND)", async () => {
    const transport = fakeServer(() => {
      throw new ConnectError("not open", Code.NotFound);
    });
    await new ClientCase(spec, options(transport)).run();
  });
});
