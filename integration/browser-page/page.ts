// Two CoHostStores in one page, one over Connect and one over gRPC-Web
// (@connectrpc/connect-web), connect to each other through the reference
// server. The page shows their state and events; the browser test reads it.
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { CoHostLayoutTemplate, CoHostStatus, CoHostStore, type SeatUserInfo } from "@cohost-kit/client";

const params = new URLSearchParams(location.search);
const server = params.get("server") ?? "";

function mount(liveID: string, protocol: "connect" | "grpc-web", token: string) {
  const transport =
    protocol === "connect"
      ? createConnectTransport({ baseUrl: server, useBinaryFormat: true })
      : createGrpcWebTransport({ baseUrl: server });
  const store = CoHostStore.create(liveID, { transport, token: () => token });
  const panel = document.getElementById(liveID === "room-a" ? "host-a" : "host-b")!;
  const events: string[] = [];
  const names = (list: readonly SeatUserInfo[]) => list.map((s) => s.userName).join(", ") || "none";
  const render = () => {
    const s = store.coHostState;
    const connected = s.coHostStatus.value === CoHostStatus.connected;
    panel.innerHTML = `
      <h2>${liveID} <small>(${protocol})</small></h2>
      <p>status: <span class="status-${connected ? "connected" : "disconnected"}" data-testid="${liveID}-status">${connected ? "connected" : "disconnected"}</span></p>
      <p>connected: <span data-testid="${liveID}-connected">${names(s.connected.value)}</span></p>
      <p>invitees: ${names(s.invitees.value)} · applicant: ${s.applicant.value?.userName ?? "none"}</p>
      <p>feed: ${store.feedStatus.value}</p>
      <ol data-testid="${liveID}-events">${events.map((e) => `<li>${e}</li>`).join("")}</ol>`;
  };
  for (const value of Object.values(store.coHostState)) value.subscribe(render);
  store.feedStatus.subscribe(render);
  const log = (line: string) => {
    events.push(line);
    render();
  };
  store.addCoHostListener({
    onCoHostRequestReceived: (inviter, info) => log(`request received from ${inviter.userName} (${info})`),
    onCoHostRequestAccepted: (invitee) => log(`request accepted by ${invitee.userName}`),
    onCoHostUserJoined: (user) => log(`${user.userName} joined`),
  });
  render();
  return store;
}

async function run() {
  const a = mount("room-a", "connect", params.get("tokenA") ?? "");
  const b = mount("room-b", "grpc-web", params.get("tokenB") ?? "");
  const live = (s: CoHostStore) =>
    new Promise<void>((resolve) => {
      if (s.feedStatus.value === "live") return resolve();
      const off = s.feedStatus.subscribe(() => s.feedStatus.value === "live" && (off(), resolve()));
    });
  await Promise.all([live(a), live(b)]);
  const sent = await a.requestHostConnection({
    targetHostLiveID: "room-b",
    layoutTemplate: CoHostLayoutTemplate.hostDynamicGrid,
    timeout: 30,
    extraInfo: "hello from the browser",
  });
  if (sent.code !== 0) throw new Error(`request failed: ${sent.reason} ${sent.message}`);
  await new Promise<void>((resolve) => {
    if (b.coHostState.applicant.value) return resolve();
    const off = b.coHostState.applicant.subscribe(() => (off(), resolve()));
  });
  const accepted = await b.acceptHostConnection("room-a");
  if (accepted.code !== 0) throw new Error(`accept failed: ${accepted.reason} ${accepted.message}`);
  await new Promise<void>((resolve) => {
    if (a.coHostState.coHostStatus.value === CoHostStatus.connected) return resolve();
    const off = a.coHostState.coHostStatus.subscribe(() => (off(), resolve()));
  });
}

run().then(
  () => (document.getElementById("result")!.textContent = "done"),
  (err: unknown) => (document.getElementById("result")!.textContent = `failed: ${String(err)}`),
);
