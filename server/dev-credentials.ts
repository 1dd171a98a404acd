// Development mode writes its generated credentials here, so `npm run token`
// and `npm run demo` work against `npm start` with no copy and paste.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export interface DevCredentials {
  url: string;
  tokenSecret: string;
  adminKey: string;
}

export const devCredentialsPath = resolve(".cohost", "dev-credentials.json");

export function writeDevCredentials(credentials: DevCredentials): void {
  mkdirSync(dirname(devCredentialsPath), { recursive: true });
  writeFileSync(devCredentialsPath, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}

export function readDevCredentials(): DevCredentials | undefined {
  try {
    return JSON.parse(readFileSync(devCredentialsPath, "utf8")) as DevCredentials;
  } catch {
    return undefined;
  }
}
