// Agent packages the collector serves for upgrades: how they are named, and their Ed25519 signature
// (RFC 8032) made with the city's private key over the file's bytes, checked with its public key
// by the collector before it offers a package and by the agent before it installs one.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";

/** giamsat-agent-<version>-<platform>-<arch>.tar.gz, e.g. giamsat-agent-0.2.0-linux-x64.tar.gz. */
export const PACKAGE_FILE =
  /^giamsat-agent-(\d+\.\d+\.\d+(?:[.+-][A-Za-z0-9.]+)?)-([a-z0-9]+)-([a-z0-9]+)\.tar\.gz$/;

export interface PackageName {
  version: string;
  /** `<platform>-<arch>` as the agent's hello names it (process.platform-process.arch). */
  platform: string;
}

export function parsePackageName(file: string): PackageName | undefined {
  const match = PACKAGE_FILE.exec(file);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { version: match[1], platform: `${match[2]}-${match[3]}` };
}

/**
 * Dotted versions compared part by part ("0.10.0" after "0.9.3"): below 0, 0 or above 0; NaN when
 * either is not a dotted version ("unknown"), so every comparison with it is false.
 */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).map((p) => Number.parseInt(p, 10));
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? 0;
    const q = y[i] ?? 0;
    if (Number.isNaN(p) || Number.isNaN(q)) return Number.NaN;
    if (p !== q) return p - q;
  }
  return 0;
}

/** This machine as package names say it: "linux-x64", "win32-x64". */
export function thisPlatform(): string {
  return `${process.platform}-${process.arch}`;
}

/**
 * The city's public key from PEM text or base64 (of the SPKI DER, or of the 32 raw bytes); throws
 * an Error saying what it expected when it is neither or not Ed25519.
 */
export function readPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.startsWith("-----BEGIN")) key = createPublicKey(trimmed);
    else {
      const bytes = Buffer.from(trimmed, "base64");
      key =
        bytes.length === 32
          ? createPublicKey({
              key: { kty: "OKP", crv: "Ed25519", x: bytes.toString("base64url") },
              format: "jwk",
            })
          : createPublicKey({ key: bytes, format: "der", type: "spki" });
    }
  } catch {
    throw new Error(
      "is not a public key: expected the PEM text of `giamsat-collector package-key` (city-key.pub.pem) or its base64",
    );
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new Error(`is a ${key.asymmetricKeyType} key; packages are signed with Ed25519 keys`);
  }
  return key;
}

/** Whether `signature` (base64) is the key's Ed25519 signature of `data`. */
export function signatureMatches(data: Buffer, signature: string, key: KeyObject): boolean {
  const bytes = Buffer.from(signature.trim(), "base64");
  if (bytes.length !== 64) return false;
  return verify(null, data, key, bytes);
}

/** The base64 Ed25519 signature of `data` with the private key in `pem`. */
export function signPackage(data: Buffer, pem: string): string {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== "ed25519") {
    throw new Error(`the key is a ${key.asymmetricKeyType} key; packages are signed with Ed25519`);
  }
  return sign(null, data, key).toString("base64");
}

/** A new Ed25519 key pair as PEM texts: the private one stays with the city, the public one goes to agents. */
export function newPackageKey(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    publicPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
  };
}
