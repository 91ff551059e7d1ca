// How the agent trusts the collector over wss://: the system's CAs or tlsCa from agent.yaml, and
// optionally a pinned SHA-256 fingerprint that the collector's certificate (or its chain) must have.
import { existsSync, readFileSync } from "node:fs";
import {
  checkServerIdentity,
  createSecureContext,
  type DetailedPeerCertificate,
  type PeerCertificate,
  rootCertificates,
  type SecureContext,
} from "node:tls";
import { isLoopback } from "../shared/config/address.js";

export interface AgentTls {
  secureContext: SecureContext;
  checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined;
  /** Whether a pin is checked on top of the CA. */
  pinned: boolean;
}

/** Where distributions keep the CAs the administrator trusts (update-ca-certificates and the like). */
const SYSTEM_BUNDLES = [
  "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Alpine
  "/etc/pki/tls/certs/ca-bundle.crt", // RHEL, Fedora, CentOS
  "/etc/ssl/cert.pem", // macOS, some BSDs
];

/** Node's own (Mozilla) roots plus the system bundle, so a CA the administrator installed counts. */
function systemCas(): string[] {
  const bundle = SYSTEM_BUNDLES.find((path) => existsSync(path));
  return bundle ? [...rootCertificates, readFileSync(bundle, "utf8")] : [...rootCertificates];
}

/**
 * TLS options for the WebSocket client. `ca`: PEM text of tlsCa, or undefined for the system's
 * CAs. `pins`: lower-case hex SHA-256 fingerprints; one of them must be in the presented chain,
 * on top of the usual checks (a pin never makes an untrusted certificate acceptable).
 */
export function agentTls(ca: string | undefined, pins: readonly string[]): AgentTls {
  return {
    // Built once: parsing a few hundred CA certificates at every reconnect would be wasted work.
    secureContext: createSecureContext({ ca: ca ?? systemCas() }),
    pinned: pins.length > 0,
    checkServerIdentity(host, cert) {
      const wrongName = checkServerIdentity(host, cert);
      if (wrongName || pins.length === 0) return wrongName;
      const presented = chain(cert).map(normalize);
      if (presented.some((fingerprint) => pins.includes(fingerprint))) return undefined;
      const error = new Error(
        `the collector's certificate does not match tlsPin (it has sha256 ${cert.fingerprint256})`,
      ) as Error & { code: string };
      error.code = "ERR_GIAMSAT_PIN_MISMATCH";
      return error;
    },
  };
}

/** The certificate and its issuers up to the root, as Node hands them to checkServerIdentity. */
function chain(cert: PeerCertificate): string[] {
  const out: string[] = [];
  let current: PeerCertificate | undefined = cert;
  while (current && out.length < 10) {
    out.push(current.fingerprint256);
    const issuer: DetailedPeerCertificate | undefined = (current as DetailedPeerCertificate)
      .issuerCertificate;
    // A self-signed root is its own issuer.
    if (!issuer || issuer.fingerprint256 === current.fingerprint256) break;
    current = issuer;
  }
  return out;
}

function normalize(fingerprint: string): string {
  return fingerprint.replace(/:/g, "").toLowerCase();
}

/** True for ws:// (not wss://) to a host that is not this machine: the token would travel in clear. */
export function isPlainRemote(url: string): boolean {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  return parsed.protocol === "ws:" && !isLoopback(host);
}
