// Variants that bend the reference server only as far as the spec allows.
// The self-test requires the whole suite to pass against each: the suite
// must not ask more of a server than the spec does.
import { Code, ConnectError } from "@connectrpc/connect";
import type { CoHostServer } from "@cohost-kit/server";
import { newServer } from "@cohost-kit/server/testing";
import { onWatch } from "./tools.js";

export interface BenignVariant {
  name: string;
  /** What of the spec it leans on. */
  allowed: string;
  make(): CoHostServer;
}

export const benignVariants: BenignVariant[] = [
  {
    name: "new-watches-end-unavailable-after-two-messages",
    allowed: "R16.no-silent-end: a server MAY end any stream with UNAVAILABLE at any time; clients resume",
    make: () =>
      newServer({
        watch: { keepAliveMs: 1_000 },
        interceptors: [
          onWatch(async function* (request, messages) {
            let sent = 0;
            for await (const m of messages) {
              yield m;
              if (++sent === 2 && !request().resumeEpoch && !m.roomClosed) throw new ConnectError("moving on", Code.Unavailable);
            }
          }),
        ],
      }),
  },
];
