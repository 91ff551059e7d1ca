// Agent tokens: 256 random bits shown once; only their SHA-256 is stored.
import { createHash, randomBytes } from "node:crypto";

const PREFIX = "gsat_";

export function newToken(): string {
  return PREFIX + randomBytes(32).toString("base64url");
}

/** A plain hash is enough: tokens are random and long, so they cannot be guessed from it. */
export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
