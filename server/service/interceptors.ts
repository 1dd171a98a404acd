import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "../logger.js";
import { StoreUnavailableError } from "../store/store-outage.js";
import { callerKey } from "./cohost-service.js";
import { storeUnavailable } from "./errors.js";
import type { AdminAuthenticator, HostAuthenticator } from "./auth.js";

/** R2: every host call carries a verified user id before the handler runs. */
export function hostAuthInterceptor(auth: HostAuthenticator): Interceptor {
  return (next) => async (req) => {
    const userId = await auth.userId(req.header.get("authorization"));
    req.contextValues.set(callerKey, userId);
    return next(req);
  };
}

export function adminAuthInterceptor(auth: AdminAuthenticator): Interceptor {
  return (next) => async (req) => {
    auth.check(req.header.get("authorization"));
    return next(req);
  };
}

/**
 * No request can leak internals or crash the process: anything that is not
 * already a ConnectError is logged and answered as a bare INTERNAL. A store
 * outage is UNAVAILABLE (retry), logged by the store once per outage.
 */
export function errorBoundary(logger: Logger): Interceptor {
  const sanitize = (err: unknown, procedure: string): ConnectError => {
    if (err instanceof ConnectError) return err;
    if (err instanceof StoreUnavailableError) return storeUnavailable(`${err.message}; retry`);
    logger.error("unexpected error", { procedure, error: err instanceof Error ? err.stack : String(err) });
    return new ConnectError("internal error", Code.Internal);
  };
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      const messages = res.message;
      return {
        ...res,
        message: (async function* () {
          try {
            yield* messages;
          } catch (err) {
            throw sanitize(err, req.url);
          }
        })(),
      };
    } catch (err) {
      throw sanitize(err, req.url);
    }
  };
}
