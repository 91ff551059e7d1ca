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
  /** Told of every line at level error or above (its message, and its err field if any). */
  onError?: (line: { at: number; message: string; detail?: string }) => void;
}

/** pino's level number for "error". */
const ERROR_LEVEL = 50;

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
      ...(options.onError && {
        hooks: {
          logMethod(args, method, level) {
            if (level >= ERROR_LEVEL) options.onError?.(errorLine(args));
            return method.apply(this, args);
          },
        },
      }),
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** An error line's message and err field, from the arguments of a log call. */
function errorLine(args: unknown[]): { at: number; message: string; detail?: string } {
  const [first, second] = args;
  if (typeof first === "string") return { at: Date.now(), message: first };
  const fields = (first ?? {}) as { err?: unknown };
  const err = fields.err;
  const detail = err instanceof Error ? err.message : typeof err === "string" ? err : undefined;
  return { at: Date.now(), message: String(second ?? detail ?? ""), detail };
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
