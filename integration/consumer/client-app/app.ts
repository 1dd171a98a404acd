// An app team's program, as the README's "Install: app teams" says to
// write it: two hosts connect through CoHostStore and leave again. Built
// with `tsc` (strict, NodeNext) in a fresh directory where the kit is
// installed from its tarballs, and run against an installed cohost-server.
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
// The generated code, once with and once without the ".js" extension: both resolve.
import { RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb";
import type { OpenRoomRequestSchema } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { CoHostLayoutTemplate, CoHostStatus, CoHostStore, type SeatUserInfo } from "@cohost-kit/client";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const transport = createConnectTransport({ baseUrl: env("SERVER_URL"), httpVersion: "2" });
const admin = createClient(RoomAdminService, transport);
const adminHeaders = { headers: { authorization: `Bearer ${env("ADMIN_KEY")}` } };
const rooms: MessageInitShape<typeof OpenRoomRequestSchema>[] = [
  { liveId: "app-room-a", userId: "alice", userName: "Alice" },
  { liveId: "app-room-b", userId: "bob", userName: "Bob" },
];
for (const room of rooms) await admin.openRoom(room, adminHeaders);

const alice = CoHostStore.create("app-room-a", { transport, token: () => env("ALICE_TOKEN") });
const bob = CoHostStore.create("app-room-b", { transport, token: () => env("BOB_TOKEN") });

const received = new Promise<SeatUserInfo>((resolve) => bob.addCoHostListener({ onCoHostRequestReceived: (inviter) => resolve(inviter) }));

function check(what: string, ok: boolean): void {
  if (!ok) throw new Error(`consumer app: ${what}`);
  console.log(`ok ${what}`);
}

const request = await alice.requestHostConnection({
  targetHostLiveID: "app-room-b",
  layoutTemplate: CoHostLayoutTemplate.hostDynamicGrid,
  timeout: 30,
});
check("request succeeds", request.code === 0);
check("bob hears the request from Alice", (await received).userName === "Alice");
const accept = await bob.acceptHostConnection("app-room-a");
check("accept succeeds", accept.code === 0);
check("bob is connected with both rooms", bob.coHostState.connected.value.map((s) => s.liveID).join(",") === "app-room-a,app-room-b");
const exit = await alice.exitHostConnection();
check("exit succeeds", exit.code === 0);
check("alice is disconnected", alice.coHostState.coHostStatus.value === CoHostStatus.disconnected);

alice.dispose();
bob.dispose();
for (const room of rooms) await admin.closeRoom({ liveId: room.liveId! }, adminHeaders);
console.log("CONSUMER-APP-OK");
