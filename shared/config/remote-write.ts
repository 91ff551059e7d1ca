// Schema of collector.yaml's remoteWrite endpoints: where to forward samples, how to log in there,
// and how the durable send queue batches, retries and caps. Defaults live here only.
import { z } from "zod";
import { duration } from "../duration.js";
import { LABEL_NAME, RESERVED_LABELS } from "../metric-names.js";

/** An endpoint's name: a label value on the collector's own metrics and its key in the database. */
export const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** RFC 9110 token characters, the grammar of a header field name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Headers the sender sets itself. Prometheus refuses the same ones in its remote_write `headers`
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#remote_write);
 * credentials go in basicAuth or bearerToken, where they are never logged.
 */
const RESERVED_HEADERS = new Set([
  "authorization",
  "content-encoding",
  "content-length",
  "content-type",
  "connection",
  "host",
  "transfer-encoding",
  "user-agent",
  "x-prometheus-remote-write-version",
]);

const EXAMPLE_URL = "write e.g. http://victoria:8428/api/v1/write";

const url = z.string().superRefine((text, ctx) => {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    ctx.addIssue({ code: "custom", message: `invalid URL "${text}" (${EXAMPLE_URL})` });
    return;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    ctx.addIssue({
      code: "custom",
      message: `must be an http:// or https:// URL (${EXAMPLE_URL})`,
    });
  } else if (parsed.username || parsed.password) {
    ctx.addIssue({
      code: "custom",
      message: "put credentials in basicAuth, not in the URL (the URL is logged)",
    });
  }
});

const externalLabelName = z.string().superRefine((name, ctx) => {
  if (!LABEL_NAME.test(name) || name.startsWith("__")) {
    ctx.addIssue({
      code: "custom",
      message: `invalid label name "${name}" ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)`,
    });
  } else if ((RESERVED_LABELS as readonly string[]).includes(name)) {
    ctx.addIssue({
      code: "custom",
      message: `"${name}" is on every series already, and series labels win over external labels`,
    });
  }
});

const headerName = z.string().superRefine((name, ctx) => {
  if (!HEADER_NAME.test(name)) {
    ctx.addIssue({ code: "custom", message: `invalid header name "${name}"` });
  } else if (RESERVED_HEADERS.has(name.toLowerCase())) {
    ctx.addIssue({
      code: "custom",
      message:
        name.toLowerCase() === "authorization"
          ? "set credentials with basicAuth or bearerToken, not as a header"
          : `"${name}" is set by the sender`,
    });
  }
});

/** A password or token: its value never appears in an error message (nor in a log). */
export const secret = z.custom<string>((value) => typeof value === "string" && value.length > 0, {
  message: "must be a non-empty string (quote it in YAML); the value is not shown",
});

export const remoteWriteSchema = z
  .strictObject({
    /** Names the endpoint in logs and in the `endpoint` label of giamsat_remote_write_* metrics. */
    name: z
      .string()
      .regex(ENDPOINT_NAME, "must be 1-64 letters, digits, '_', '.' or '-', starting alphanumeric"),
    /** e.g. http://victoria:8428/api/v1/write, http://mimir:8080/api/v1/push */
    url,
    basicAuth: z.strictObject({ username: z.string().min(1), password: secret }).optional(),
    bearerToken: secret.optional(),
    /** Extra headers on every request, e.g. X-Scope-OrgID for a Mimir tenant. */
    headers: z.record(headerName, z.string().regex(/^[^\r\n]*$/, "must be one line")).default({}),
    tls: z
      .strictObject({
        /** PEM file of the certificate authorities to trust, instead of the system's. */
        ca: z.string().min(1).optional(),
        /** Accept any certificate: for tests only, it allows a man in the middle. */
        insecureSkipVerify: z.boolean().default(false),
      })
      .optional(),
    /** Labels added to every series sent here, e.g. { city: danang }; a series' own label wins. */
    externalLabels: z.record(externalLabelName, z.string().min(1)).default({}),
    /** How long one request may take before it is abandoned and retried. */
    timeout: duration({ min: 100, max: 600_000 }).prefault("30s"),
    queue: z
      .strictObject({
        /** Samples kept for this endpoint at most; past it the oldest are dropped and counted. */
        maxSamples: z.int().min(1000).max(1_000_000_000).default(10_000_000),
        /** Samples in one request at most. */
        batchSamples: z.int().min(1).max(100_000).default(2000),
        /** A request goes out at the latest this long after its first sample was queued. */
        flushInterval: duration({ min: 10, max: 60_000 }).prefault("1s"),
        /** First wait after a failed request; doubled each time up to maxBackoff. */
        minBackoff: duration({ min: 10, max: 600_000 }).prefault("100ms"),
        maxBackoff: duration({ min: 10, max: 600_000 }).prefault("5s"),
      })
      .prefault({}),
  })
  .superRefine((endpoint, ctx) => {
    if (endpoint.basicAuth && endpoint.bearerToken) {
      ctx.addIssue({
        code: "custom",
        path: ["bearerToken"],
        message: "use either basicAuth or bearerToken, not both",
      });
    }
    if (endpoint.tls && endpoint.url.startsWith("http:")) {
      ctx.addIssue({ code: "custom", path: ["tls"], message: "applies to https:// URLs only" });
    }
    if (endpoint.queue.minBackoff > endpoint.queue.maxBackoff) {
      ctx.addIssue({
        code: "custom",
        path: ["queue", "minBackoff"],
        message: "must not be longer than queue.maxBackoff",
      });
    }
    if (endpoint.queue.batchSamples > endpoint.queue.maxSamples) {
      ctx.addIssue({
        code: "custom",
        path: ["queue", "batchSamples"],
        message: "must not be more than queue.maxSamples",
      });
    }
  });
export type RemoteWriteConfig = z.infer<typeof remoteWriteSchema>;

/** Issues for endpoint names used twice, to add from the collector schema's superRefine. */
export function duplicateEndpointNames(
  endpoints: readonly RemoteWriteConfig[],
): { path: (string | number)[]; message: string }[] {
  const seen = new Set<string>();
  const issues: { path: (string | number)[]; message: string }[] = [];
  endpoints.forEach((endpoint, index) => {
    if (seen.has(endpoint.name)) {
      issues.push({
        path: ["remoteWrite", index, "name"],
        message: `duplicate endpoint name "${endpoint.name}"`,
      });
    }
    seen.add(endpoint.name);
  });
  return issues;
}
