// Structured JSON logs (pino): one root logger per program, one child per component; secrets redacted.
import { type Logger, pino } from "pino";

export type { Logger };

/** Field paths that may hold secrets anywhere in a log record; their values are never written. */
const SECRET_PATHS = [
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "community",
  "*.community",
  "authKey",
  "*.authKey",
  "privKey",
  "*.privKey",
  "password",
  "*.password",
];

export interface LogOptions {
  /** pino level; default from GIAMSAT_LOG_LEVEL or "info". */
  level?: string;
  /** Where to write; default standard error, so standard output stays for program output. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(program: string, options: LogOptions = {}): Logger {
  const level = options.level ?? process.env.GIAMSAT_LOG_LEVEL ?? "info";
  return pino(
    {
      name: program,
      level,
      base: { program },
      redact: { paths: SECRET_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
