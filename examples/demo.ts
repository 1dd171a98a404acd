// `npm run demo`: two hosts connect, as an app would do it with CoHostStore.
// Without --url it starts an in-process reference server on a free port;
// with --url it talks to a running `npm start` (reading the credentials that
// development mode saved, or --admin-key / --token-secret).
import { parseArgs } from "node:util";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { CoHostLayoutTemplate, CoHostStore, type SeatUserInfo } from "@cohost-kit/client";
import { RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { CoHostServer, mintHostToken, readDevCredentials } from "@cohost-kit/server";

const { values } = parseArgs({
  options: { url: { type: "string" }, "admin-key": { type: "string" }, "token-secret": { type: "string" } },
});

const say = (who: string, line: string) => console.log(`${who.padEnd(6)} ${line}`);
const name = (s: SeatUserInfo) => s.userName || s.userID;

async function main() {
  let url = values.url;
  let adminKey = values["admin-key"];
  let tokenSecret = values["token-secret"];
  let server: CoHostServer | undefined;
  if (!url) {
    tokenSecret = "demo-secret-demo-secret-demo-secret!";
    adminKey = "demo-admin-key-0123";
    server = new CoHostServer({ tokenSecret, adminKey });
    url = (await server.listen({ port: 0 })).url;
    say("demo", `started an in-process reference server at ${url}`);
  } else {
    const saved = readDevCredentials();
    adminKey ??= process.env.COHOST_ADMIN_KEY ?? saved?.adminKey;
    tokenSecret ??= process.env.COHOST_TOKEN_SECRET ?? saved?.tokenSecret;
    if (!adminKey || !tokenSecret) throw new Error("pass --admin-key and --token-secret (or start `npm start` in development mode first)");
  }
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2" });
  const suffix = Date.now().toString(36);
  const admin = createClient(RoomAdminService, transport);
  const auth = { headers: { authorization: `Bearer ${adminKey}` } };
  await admin.openRoom({ liveId: `alice-${suffix}`, userId: "alice", userName: "Alice" }, auth);
  await admin.openRoom({ liveId: `bob-${suffix}`, userId: "bob", userName: "Bob" }, auth);
  say("admin", `opened rooms alice-${suffix} and bob-${suffix}`);

  const store = (who: string, liveId: string) => {
    const s = CoHostStore.create(liveId, { transport, token: () => mintHostToken(tokenSecret!, who) });
    s.coHostState.coHostStatus.addListener(() =>
      say(who, `status: ${s.coHostState.coHostStatus.value === 0 ? "connected" : "disconnected"}`),
    );
    s.addCoHostListener({
      onCoHostRequestReceived: (inviter, info) => say(who, `request received from ${name(inviter)}: "${info}"`),
      onCoHostRequestAccepted: (invitee) => say(who, `request accepted by ${name(invitee)}`),
      onCoHostUserJoined: (user) => say(who, `${name(user)} joined`),
      onCoHostUserLeft: (user) => say(who, `${name(user)} left`),
    });
    return s;
  };
  const alice = store("alice", `alice-${suffix}`);
  const bob = store("bob", `bob-${suffix}`);
  const settle = () => new Promise((r) => setTimeout(r, 150));
  await settle();

  const sent = await alice.requestHostConnection({
    targetHostLiveID: `bob-${suffix}`,
    layoutTemplate: CoHostLayoutTemplate.hostDynamicGrid,
    timeout: 30,
    extraInfo: "shall we co-host?",
  });
  say("alice", `requestHostConnection -> code ${sent.code}`);
  await settle();
  const accepted = await bob.acceptHostConnection(`alice-${suffix}`);
  say("bob", `acceptHostConnection -> code ${accepted.code}`);
  await settle();
  say("bob", `connected: ${bob.coHostState.connected.value.map(name).join(", ")}`);
  const exited = await alice.exitHostConnection();
  say("alice", `exitHostConnection -> code ${exited.code}`);
  await settle();

  alice.dispose();
  bob.dispose();
  await admin.closeRoom({ liveId: `alice-${suffix}` }, auth);
  await admin.closeRoom({ liveId: `bob-${suffix}` }, auth);
  await server?.close(100);
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
