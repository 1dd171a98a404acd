// A server team's own vitest suite running the conformance suite from the
// installed @cohost-kit/conformance package against their server.
import { beforeAll, describe, it } from "vitest";
import { registerConformance } from "@cohost-kit/conformance";

registerConformance(
  { describe, it, beforeAll },
  {
    baseUrl: process.env.SERVER_URL!,
    adminKey: process.env.ADMIN_KEY!,
    tokenSecret: process.env.TOKEN_SECRET!,
    protocols: ["connect"],
    httpVersions: ["2"],
  },
);
