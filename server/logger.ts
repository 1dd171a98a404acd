// Structured logs: one JSON object per line (pino), so platforms can ship
// them as is. The rest of the server sees only the small Logger interface.
import { pino, stdTimeFunctions } from "pino";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Whether `level` is written; lets hot paths skip building fields. Absent: every level is. */
  isLevelEnabled?(level: Exclude<LogLevel, "silent">): boolean;
}

/** Keys whose values never reach a log line, wherever a caller puts them. */
const secretKeys = ["authorization", "token", "adminKey", "admin_key", "tokenSecret", "token_secret", "password", "secret"];

export function createLogger(level: LogLevel = "info", write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const log = pino(
    {
      level,
      base: null,
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...secretKeys, ...secretKeys.map((k) => `*.${k}`)], censor: "[redacted]" },
    },
    { write },
  );
  const at =
    (lvl: Exclude<LogLevel, "silent">) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (fields) log[lvl](fields, msg);
      else log[lvl](msg);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    isLevelEnabled: (lvl) => log.isLevelEnabled(lvl),
  };
}

export function isLevelEnabled(logger: Logger, level: Exclude<LogLevel, "silent">): boolean {
  return logger.isLevelEnabled?.(level) ?? true;
}

export const silentLogger = createLogger("silent");
