// `giamsat-agent enroll`: trades a unit's enrollment code for this agent's own token, once, over
// HTTP(S) to the collector (POST /agent/enroll, trusted as the agent's link is: tlsCa and tlsPin),
// and writes agent.yaml (mode 0600) with that token. The code is never written anywhere.
import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { hostname, release, type } from "node:os";
import { dirname, resolve } from "node:path";
import { parsePin } from "../shared/config/agent.js";
import { agentYaml } from "../shared/config/agent-yaml.js";
import {
  codeSelector,
  type EnrollResponse,
  enrollResponseSchema,
  enrollUrl,
  MAX_ENROLL_BYTES,
} from "../shared/enrollment.js";
import { ConfigError, errorMessage } from "../shared/errors.js";
import { VERSION } from "../shared/version.js";
import { agentTls } from "./tls.js";

export interface EnrollOptions {
  /** The collector's agent URL, ws:// or wss://. */
  collector: string;
  code: string;
  /** PEM file of the CA that signed the collector's certificate (written to agent.yaml as tlsCa). */
  ca?: string | undefined;
  /** The collector certificate's SHA-256 (written as tlsPin). */
  pin?: string | undefined;
}

const TIMEOUT_MS = 15_000;

/** Checks what can be checked before asking the collector; a mistake is a ConfigError (exit 2). */
export function checkEnrollOptions(options: EnrollOptions): void {
  let url: URL;
  try {
    url = new URL(options.collector);
  } catch {
    throw new ConfigError(
      `--collector: "${options.collector}" is not a URL (write e.g. wss://giamsat.example.gov.vn:8443/agent)`,
    );
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new ConfigError(`--collector: must be a ws:// or wss:// URL, as the data center gave it`);
  }
  if (!codeSelector(options.code.trim())) {
    throw new ConfigError(
      `--code: "${options.code}" is not an enrollment code (gse-xxxxxxxx-…, 39 characters): copy it whole`,
    );
  }
  if (options.pin !== undefined && parsePin(options.pin) === undefined) {
    throw new ConfigError("--pin: must be a SHA-256 fingerprint (64 hex digits, colons allowed)");
  }
  if (options.ca !== undefined && !existsSync(options.ca)) {
    throw new ConfigError(`--ca: cannot read ${options.ca} (no such file)`);
  }
}

/** Asks the collector for a token; an Error saying what the collector answered otherwise. */
export async function redeemCode(options: EnrollOptions): Promise<EnrollResponse> {
  checkEnrollOptions(options);
  const url = enrollUrl(options.collector);
  const body = JSON.stringify({
    code: options.code.trim(),
    hostname: hostname(),
    os: `${type()} ${release()}`,
    agentVersion: VERSION,
  });
  const pins = options.pin ? [parsePin(options.pin) as string] : [];
  const tls =
    url.protocol === "https:"
      ? agentTls(options.ca ? readFileSync(options.ca, "utf8") : undefined, pins)
      : undefined;
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const response = await new Promise<{ status: number; text: string }>((done, fail) => {
    const req = send(
      url,
      {
        method: "POST",
        timeout: TIMEOUT_MS,
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
        ...(tls
          ? { secureContext: tls.secureContext, checkServerIdentity: tls.checkServerIdentity }
          : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= 4 * MAX_ENROLL_BYTES) chunks.push(chunk);
        });
        res.on("end", () =>
          done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", fail);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on("error", fail);
    req.end(body);
  }).catch((error: unknown) => {
    throw new Error(`cannot reach the collector at ${url.origin}: ${errorMessage(error)}`, {
      cause: error,
    });
  });
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    json = undefined;
  }
  if (response.status === 200) {
    const parsed = enrollResponseSchema.safeParse(json);
    if (parsed.success) return parsed.data;
  }
  const said =
    json && typeof json === "object" && "error" in json && typeof json.error === "string"
      ? json.error
      : `HTTP ${response.status}: is ${options.collector} the collector's agent address?`;
  throw new Error(`the collector refused the enrollment: ${said}`);
}

/** Refuses to use a code when agent.yaml could not be written afterwards: its folder is missing. */
export function checkConfigFolder(file: string): void {
  if (!existsSync(dirname(resolve(file)))) {
    throw new ConfigError(`${file}: the folder ${dirname(resolve(file))} does not exist`);
  }
}

/** Refuses to overwrite an agent.yaml: it holds a token that would be lost. */
export function checkConfigFree(file: string): void {
  if (existsSync(file)) {
    throw new ConfigError(
      `${file} exists already: this machine is enrolled; remove the file first to enroll it again, or write another --config`,
    );
  }
}

/** The agent.yaml of an enrolled agent; `tlsCa` and `bufferPath` as the caller places them. */
export function enrolledYaml(
  options: EnrollOptions,
  enrolled: EnrollResponse,
  places: { tlsCa?: string | undefined; bufferPath?: string } = {},
): string {
  return agentYaml(options.collector, enrolled.token, {
    tlsCa: places.tlsCa,
    tlsPin: options.pin,
    enrolledAs: { unit: enrolled.unit, agent: enrolled.agent },
    ...(places.bufferPath ? { bufferPath: places.bufferPath } : {}),
  });
}

/** Writes agent.yaml with the token, readable by its owner only; never over an existing file. */
export function writeEnrolledConfig(
  file: string,
  options: EnrollOptions,
  enrolled: EnrollResponse,
): void {
  const text = enrolledYaml(options, enrolled, {
    tlsCa: options.ca ? resolve(options.ca) : undefined,
  });
  const fd = openSync(file, "wx", 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
