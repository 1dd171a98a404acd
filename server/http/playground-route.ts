// The playground page (playground/, built into dist/playground) and, in
// development mode with generated credentials only, the credentials it runs
// on: the admin key and host tokens minted on request, answered only to
// clients on this machine (loopback). Otherwise the page asks for them.
import { existsSync } from "node:fs";
import type { Clock } from "../clock.js";
import { mintHostToken } from "../service/auth.js";
import type { AnyRequest, AnyResponse, HttpRoute } from "./listener.js";
import { staticFilesRoute } from "./static-files.js";

export interface PlaygroundOptions {
  /** The built page (index.html and assets/). */
  dir: string;
  /** Development mode only: lets the page open rooms and act as any host. */
  devCredentials?: { adminKey: string; tokenSecret: string; clock: Clock };
}

export const PLAYGROUND_CREDENTIALS_PATH = "/playground/dev-credentials";

/** The routes of the playground, or undefined when the page has not been built. */
export function playgroundRoutes(options: PlaygroundOptions): HttpRoute[] | undefined {
  if (!existsSync(`${options.dir}/index.html`)) return undefined;
  const routes: HttpRoute[] = [staticFilesRoute(options.dir)];
  const dev = options.devCredentials;
  if (dev) {
    routes.push((path, req, res) => {
      if (path !== PLAYGROUND_CREDENTIALS_PATH) return false;
      void answerCredentials(dev, req, res);
      return true;
    });
  }
  return routes;
}

async function answerCredentials(dev: NonNullable<PlaygroundOptions["devCredentials"]>, req: AnyRequest, res: AnyResponse) {
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  };
  if (!isLoopback(req.socket.remoteAddress)) return json(403, { error: "development credentials are only given to this machine" });
  const users = new URL(req.url ?? "/", "http://x").searchParams
    .getAll("user")
    .filter((u) => /^[\w.-]{1,64}$/.test(u))
    .slice(0, 16);
  const tokens: Record<string, string> = {};
  for (const user of users) tokens[user] = await mintHostToken(dev.tokenSecret, user, { ttlSeconds: 3_600, nowMs: dev.clock.now() });
  json(200, { adminKey: dev.adminKey, tokens });
}

function isLoopback(address: string | undefined): boolean {
  return address === "::1" || /^(::ffff:)?127\./.test(address ?? "");
}
