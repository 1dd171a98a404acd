// Serves a built browser app (the playground) from memory: every file of
// its folder is read once at start, so a request can only ever name one of
// them (no path traversal) and never touches the disk.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import type { HttpRoute } from "./listener.js";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

interface StaticFile {
  body: Buffer;
  headers: Record<string, string>;
}

/** GET and HEAD of the files under `dir`, "/" being index.html; other paths fall through. */
export function staticFilesRoute(dir: string): HttpRoute {
  const files = new Map<string, StaticFile>();
  for (const file of walk(dir)) {
    const path = `/${relative(dir, file).split(sep).join("/")}`;
    const type = contentTypes[extname(file)] ?? "application/octet-stream";
    // Bundles have content hashes in their names; index.html must be looked at again.
    const cache = path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    files.set(path, {
      body: readFileSync(file),
      headers: { "content-type": type, "cache-control": cache, "x-content-type-options": "nosniff" },
    });
  }
  const index = files.get("/index.html");
  if (index) files.set("/", index);
  return (path, req, res) => {
    const file = files.get(path);
    if (!file) return false;
    res.writeHead(200, { ...file.headers, "content-length": String(file.body.length) });
    if (req.method === "HEAD") res.end();
    else res.end(file.body);
    return true;
  };
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
