// The few typed errors both programs raise; each carries a cause when it wraps another error.

/** Bad configuration or usage: the CLI prints the message and exits 2. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Codes the collector sends in `error` messages, each tied to a WebSocket close code. */
export const PROTOCOL_ERRORS = {
  invalid_message: 1008,
  unsupported_version: 1003,
  too_big: 1009,
  revoked: 1008,
  rate_limited: 1008,
  internal: 1011,
} as const;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

/** A message that breaks the wire protocol; `code` says which rule it broke. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  /** The batch the error is about, when it is about one. */
  readonly seq: number | undefined;
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    options?: { cause?: unknown; seq?: number },
  ) {
    super(message, options);
    this.seq = options?.seq;
  }

  get closeCode(): number {
    return PROTOCOL_ERRORS[this.code];
  }
}

/** An error that a HTTP route turns into a response with this status. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  /** Headers the response carries, e.g. Location for a redirect, Retry-After for 429. */
  readonly headers: Record<string, string>;
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.headers = options?.headers ?? {};
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
