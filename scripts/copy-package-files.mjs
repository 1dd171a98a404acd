// Runs before `npm pack` of a workspace package (its "prepack" script):
// copies what the package ships but the repository keeps once at the top,
// the LICENSE and, for the spec package, the .proto files.
import { cpSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const folders = { spec: "gen", client: "client", server: "server", conformance: "conformance" };
const name = process.argv[2];
const folder = folders[name];
if (!folder) {
  process.stderr.write(`usage: copy-package-files.mjs ${Object.keys(folders).join("|")}\n`);
  process.exit(2);
}
cpSync(`${root}/LICENSE`, `${root}/${folder}/LICENSE`);
if (name === "spec") {
  rmSync(`${root}/gen/proto`, { recursive: true, force: true });
  cpSync(`${root}/proto`, `${root}/gen/proto`, { recursive: true, filter: (src) => !src.endsWith(".ts") });
}
