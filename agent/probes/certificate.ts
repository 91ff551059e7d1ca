// Pure reading of X.509 certificates for the http and tls probes: names, dates, the verdict on a
// peer's chain, and the words people read when a certificate is refused.
import { X509Certificate } from "node:crypto";

/** What the probes report about one certificate. Times are Unix seconds. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  altNames: string[];
  notBefore: number;
  notAfter: number;
  serialNumber: string;
  fingerprint256: string;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Unix seconds of a time as OpenSSL prints it ("Feb  1 00:00:00 2024 GMT", the form of
 * X509Certificate.validTo), or undefined. Parsed by hand so the sample is exact whatever
 * Date.parse accepts.
 */
export function parseCertificateTime(text: string): number | undefined {
  const match = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(
    text.trim(),
  );
  if (!match) return undefined;
  const [, month, day, hour, minute, second, year] = match;
  const monthIndex = MONTHS.indexOf(month ?? "");
  if (monthIndex < 0) return undefined;
  const ms = Date.UTC(
    Number(year),
    monthIndex,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  return ms / 1000;
}

/** Values of one attribute in a distinguished name as Node prints it ("CN=a\nO=b"). */
export function nameField(name: string, key: string): string | undefined {
  for (const line of name.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0 && line.slice(0, at) === key) return unquote(line.slice(at + 1));
  }
  return undefined;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  return value;
}

/** A name people recognise: the common name, else the organisation, else the whole name on one line. */
export function shortName(name: string): string {
  return nameField(name, "CN") ?? nameField(name, "O") ?? name.split("\n").join(", ");
}

/** DNS names and IP addresses from Node's subjectAltName text ("DNS:a, IP Address:127.0.0.1"). */
export function parseAltNames(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  for (const match of text.matchAll(/(DNS|IP Address):("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const value = match[2] ?? "";
    names.push(value.startsWith('"') ? (JSON.parse(value) as string) : value.trim());
  }
  return names;
}

export function describeCertificate(cert: X509Certificate): CertificateInfo {
  return {
    subject: shortName(cert.subject),
    issuer: shortName(cert.issuer),
    altNames: parseAltNames(cert.subjectAltName),
    notBefore: parseCertificateTime(cert.validFrom) ?? Number.NaN,
    notAfter: parseCertificateTime(cert.validTo) ?? Number.NaN,
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
  };
}

/** The part of tls.DetailedPeerCertificate walked here. */
export interface PeerCertificateLink {
  raw?: Buffer;
  issuerCertificate?: PeerCertificateLink;
}

/**
 * The chain Node hands out from getPeerCertificate(true), leaf first. A self-signed certificate
 * points at itself as its issuer, which ends the walk.
 */
export function peerChain(leaf: PeerCertificateLink | undefined): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<PeerCertificateLink>();
  for (let link = leaf; link?.raw && !seen.has(link); link = link.issuerCertificate) {
    seen.add(link);
    chain.push(new X509Certificate(link.raw));
  }
  return chain;
}

/**
 * OpenSSL's words for the verification errors people meet (X509_verify_cert_error_string), keyed by
 * the code Node puts in TLSSocket.authorizationError; Node's own code for a host name mismatch too.
 */
const VERIFY_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: "certificate has expired",
  CERT_NOT_YET_VALID: "certificate is not yet valid",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in certificate chain",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "unable to verify the first certificate",
  UNABLE_TO_GET_ISSUER_CERT: "unable to get issuer certificate",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "unable to get local issuer certificate",
  CERT_SIGNATURE_FAILURE: "certificate signature failure",
  CERT_REVOKED: "certificate revoked",
  CERT_UNTRUSTED: "certificate not trusted",
  CERT_REJECTED: "certificate rejected",
  INVALID_CA: "invalid CA certificate",
  INVALID_PURPOSE: "unsupported certificate purpose",
  ERR_TLS_CERT_ALTNAME_INVALID: "certificate does not match the host name",
};

export function verifyErrorMessage(code: string): string {
  return VERIFY_ERRORS[code] ?? code;
}

export interface TlsVerdict {
  ok: boolean;
  /** Why the certificate is refused, e.g. "certificate has expired". */
  problem?: string;
}

/**
 * Judges a peer certificate. `authorizationError` is Node's verdict on the chain and the host name;
 * `insecureSkipVerify` sets it aside, but an expired or not yet valid certificate is refused
 * either way, since that is the one thing an internal server with its own certificate still needs
 * watched.
 */
export function judgeCertificate(options: {
  leaf: CertificateInfo | undefined;
  authorizationError: string | undefined;
  insecureSkipVerify: boolean;
  /** Unix seconds. */
  now: number;
}): TlsVerdict {
  const { leaf, authorizationError, insecureSkipVerify, now } = options;
  if (!leaf) return { ok: false, problem: "the server sent no certificate" };
  const dates =
    now > leaf.notAfter
      ? "certificate has expired"
      : now < leaf.notBefore
        ? "certificate is not yet valid"
        : undefined;
  if (authorizationError && !insecureSkipVerify) {
    const problem = verifyErrorMessage(authorizationError);
    // OpenSSL stops at the first error; an untrusted certificate may be expired as well.
    const also = dates && !problem.startsWith(dates) ? `; ${dates}` : "";
    return { ok: false, problem: problem + also };
  }
  if (dates) return { ok: false, problem: dates };
  return { ok: true };
}

/** "2026-05-01 12:00:00Z" for Unix seconds. */
export function formatTimestamp(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ")}Z`;
}

/** "in 5.0 d" or "3.2 d ago": how far notAfter is from now. */
export function formatDaysLeft(notAfter: number, now: number): string {
  const days = (notAfter - now) / 86_400;
  return days >= 0 ? `in ${days.toFixed(1)} d` : `${(-days).toFixed(1)} d ago`;
}

/** One line about a certificate for result messages: who it is for, who issued it, when valid. */
export function certificateLine(info: CertificateInfo): string {
  const names = info.altNames.length ? `, names ${info.altNames.join(" ")}` : "";
  return (
    `subject ${info.subject}, issuer ${info.issuer}${names}, valid ` +
    `${formatTimestamp(info.notBefore)} to ${formatTimestamp(info.notAfter)}`
  );
}
