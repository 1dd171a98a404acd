#!/usr/bin/env node
// `npm run -s token -- --user alice [--ttl 3600] [--secret S]`: prints a host
// token (HS256 JWT, sub = user) for trying the server with buf curl or any
// gRPC client. The secret comes from --secret, COHOST_TOKEN_SECRET, or the
// credentials a development server saved.
import { parseArgs } from "node:util";
import { devCredentialsPath, readDevCredentials } from "./dev-credentials.js";
import { mintHostToken } from "./service/auth.js";

const { values } = parseArgs({
  options: {
    user: { type: "string" },
    ttl: { type: "string", default: "3600" },
    secret: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help || !values.user) {
  process.stderr.write("usage: npm run -s token -- --user <user id> [--ttl seconds] [--secret secret]\n");
  process.exit(values.help ? 0 : 2);
}
const secret = values.secret ?? process.env.COHOST_TOKEN_SECRET ?? readDevCredentials()?.tokenSecret;
if (!secret) {
  process.stderr.write(`no secret: pass --secret, set COHOST_TOKEN_SECRET, or start a dev server (it saves ${devCredentialsPath})\n`);
  process.exit(2);
}
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) {
  process.stderr.write("--ttl must be a positive number of seconds\n");
  process.exit(2);
}
process.stdout.write(`${await mintHostToken(secret, values.user, { ttlSeconds: ttl })}\n`);
