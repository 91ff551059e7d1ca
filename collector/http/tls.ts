// HTTPS and WSS for the collector: the certificate and key named in collector.yaml, checked at load
// and read again on SIGHUP, so a renewed certificate is served without a restart.
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Server } from "node:https";
import { createSecureContext, type SecureContextOptions } from "node:tls";
import { ConfigError, errorMessage } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";

export interface TlsFiles {
  cert: string;
  key: string;
}

/** TLS 1.2 is the oldest version still considered safe (RFC 8996 retired 1.0 and 1.1). */
const MIN_VERSION = "TLSv1.2";

/** Reads and checks the pair; a ConfigError names the field (`collector.yaml: tls.key: ...`). */
export function loadTls(
  tls: TlsFiles,
  file = "collector.yaml",
): SecureContextOptions & { cert: Buffer; key: Buffer } {
  const read = (field: keyof TlsFiles): Buffer => {
    try {
      return readFileSync(tls[field]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(
        `${file}: tls.${field}: cannot read ${JSON.stringify(tls[field])} (${code === "ENOENT" ? "no such file" : String(code)})`,
      );
    }
  };
  const options = { cert: read("cert"), key: read("key"), minVersion: MIN_VERSION } as const;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(options.cert);
  } catch (error) {
    throw new ConfigError(`${file}: tls.cert: not a PEM certificate (${errorMessage(error)})`);
  }
  try {
    createSecureContext(options);
  } catch (error) {
    throw new ConfigError(
      `${file}: tls.key: not the private key of tls.cert, or not a PEM key (${errorMessage(error)})`,
    );
  }
  const mismatch = keyMismatch(certificate, options.key);
  if (mismatch)
    throw new ConfigError(`${file}: tls.key: not the private key of tls.cert (${mismatch})`);
  return options;
}

/**
 * Why the key is not the certificate's, or undefined when it is. OpenSSL compares a key with its
 * certificate only when both are of one type: an RSA key beside an EC certificate passes
 * createSecureContext, and then every handshake fails. The public halves are compared here.
 */
function keyMismatch(certificate: X509Certificate, key: Buffer): string | undefined {
  const fromKey = createPublicKey(createPrivateKey(key));
  const fromCertificate = certificate.publicKey;
  const type = (k: typeof fromKey) => (k.asymmetricKeyType ?? "unknown").toUpperCase();
  if (fromKey.asymmetricKeyType !== fromCertificate.asymmetricKeyType) {
    return `the key is ${type(fromKey)}, the certificate's is ${type(fromCertificate)}`;
  }
  const spki = (k: typeof fromKey) => k.export({ type: "spki", format: "der" });
  return spki(fromKey).equals(spki(fromCertificate)) ? undefined : "another key of the same type";
}

/** What a log line says about a certificate: when it expires and its SHA-256 fingerprint. */
export function describeCertificate(cert: Buffer | string): {
  subject: string;
  notAfter: string;
  sha256: string;
} {
  const x509 = new X509Certificate(cert);
  return {
    subject: x509.subject.replace(/\n/g, ", "),
    notAfter: new Date(x509.validTo).toISOString(),
    sha256: x509.fingerprint256,
  };
}

/** Reads the files again and serves them from now on; on any problem keeps the old ones. */
export function reloadTls(server: Server, tls: TlsFiles, log: Logger): boolean {
  try {
    const options = loadTls(tls);
    server.setSecureContext(options);
    log.info({ certificate: describeCertificate(options.cert) }, "TLS certificate reloaded");
    return true;
  } catch (error) {
    log.error(
      { err: errorMessage(error) },
      "TLS certificate not reloaded; still serving the previous one",
    );
    return false;
  }
}
