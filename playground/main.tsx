// The CoHost playground: hosts side by side, each a real CoHostStore in this
// page, talking to the server that serves it. In development mode the server
// hands this page its credentials (admin key, host tokens); elsewhere the
// operator pastes them.
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { FeedTap } from "./feed-tap.js";
import { HostPanel, type Host } from "./host-panel.js";

const params = new URLSearchParams(location.search);
const server = params.get("server") ?? location.origin;
const cast: [string, string][] = [
  ["alice", "Alice"],
  ["bob", "Bob"],
  ["carol", "Carol"],
  ["dave", "Dave"],
  ["erin", "Erin"],
  ["frank", "Frank"],
];
const hostOf = (i: number): Host => {
  const [userId, userName] = cast[i] ?? [`host${i}`, `Host ${i}`];
  return { liveId: `room-${String.fromCharCode(97 + i)}`, userId, userName };
};

type Protocol = "connect" | "grpc-web";

function App() {
  const [hosts, setHosts] = useState<Host[]>([hostOf(0), hostOf(1)]);
  const [protocol, setProtocol] = useState<Protocol>(params.get("protocol") === "grpc-web" ? "grpc-web" : "connect");
  const [adminKey, setAdminKey] = useState("");
  const [tokens, setTokens] = useState<Record<string, string>>({});
  const [mode, setMode] = useState<"loading" | "dev" | "paste">("loading");

  useEffect(() => {
    const users = cast.map(([u]) => `user=${u}`).join("&");
    fetch(`${server}/playground/dev-credentials?${users}`)
      .then(async (res) => {
        if (res.status !== 200) throw new Error(String(res.status));
        const creds = (await res.json()) as { adminKey: string; tokens: Record<string, string> };
        setAdminKey(creds.adminKey);
        setTokens(creds.tokens);
        setMode("dev");
      })
      .catch(() => setMode("paste"));
  }, []);

  const admin = useMemo(() => createClient(RoomAdminService, createConnectTransport({ baseUrl: server })), []);
  const transport = (tap: FeedTap) =>
    protocol === "grpc-web"
      ? createGrpcWebTransport({ baseUrl: server, interceptors: [tap.interceptor] })
      : createConnectTransport({ baseUrl: server, interceptors: [tap.interceptor] });

  return (
    <main>
      <header>
        <h1>CoHost playground</h1>
        <p>
          Each panel is one host with a real <code>CoHostStore</code> over <code>@connectrpc/connect-web</code>, talking to{" "}
          <code>{server}</code>. Open rooms, send requests between them and watch the state, the listener callbacks and the feed.
        </p>
        <div class="toolbar">
          <label>
            protocol for new stores{" "}
            <select data-testid="protocol" value={protocol} onChange={(e) => setProtocol(e.currentTarget.value as Protocol)}>
              <option value="connect">Connect</option>
              <option value="grpc-web">gRPC-Web</option>
            </select>
          </label>
          <button data-testid="add-host" onClick={() => setHosts((h) => [...h, hostOf(h.length)])} disabled={hosts.length >= cast.length}>
            Add host
          </button>
          <span data-testid="credentials" class="hint">
            {mode === "dev" ? "development mode: credentials from the server" : mode === "paste" ? "paste credentials below" : "…"}
          </span>
        </div>
        {mode === "paste" && (
          <div class="paste">
            <label>
              admin key <input type="password" value={adminKey} onInput={(e) => setAdminKey(e.currentTarget.value)} />
            </label>
            {hosts.map((h) => (
              <label key={h.userId}>
                token of {h.userId}{" "}
                <input
                  type="password"
                  value={tokens[h.userId] ?? ""}
                  onInput={(e) => setTokens((t) => ({ ...t, [h.userId]: e.currentTarget.value }))}
                />
              </label>
            ))}
          </div>
        )}
      </header>
      <div class="panels">
        {hosts.map((host) => (
          <HostPanel
            key={host.liveId}
            host={host}
            others={hosts.filter((h) => h !== host)}
            admin={admin}
            adminKey={() => adminKey}
            token={() => tokens[host.userId] ?? ""}
            transport={transport}
          />
        ))}
      </div>
    </main>
  );
}

render(<App />, document.getElementById("app")!);
