// Types for the parts of the net-snmp package (plain JavaScript, no types of its own) the snmp probe uses.
declare module "net-snmp" {
  import type { EventEmitter } from "node:events";

  /** A value in a response; `type` is the BER tag (RFC 3416), `value` depends on it. */
  export interface Varbind {
    oid: string;
    type: number;
    /** number for integer types, Buffer for OctetString/Opaque/Counter64, string for OID/IpAddress, null for errors. */
    value: unknown;
  }

  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    backoff?: number;
    transport?: "udp4" | "udp6";
    version?: number;
    /** Replaces node:dgram; only createSocket(type) is called on it. */
    dgramModule?: { createSocket(type: "udp4" | "udp6"): unknown };
  }

  export interface User {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }

  export interface Session extends EventEmitter {
    get(oids: string[], callback: (error: Error | null, varbinds?: Varbind[]) => void): void;
    /** GetNext (RFC 3416 section 4.2.2): the first varbind after each OID. */
    getNext(oids: string[], callback: (error: Error | null, varbinds?: Varbind[]) => void): void;
    /**
     * GetBulk (v2c, v3; RFC 3416 section 4.2.3): element i < nonRepeaters is the one varbind that
     * came for oids[i]; each later element holds what came for its oid, one varbind per
     * repetition, fewer in a response cut short.
     */
    getBulk(
      oids: string[],
      nonRepeaters: number,
      maxRepetitions: number,
      callback: (error: Error | null, varbinds?: (Varbind | Varbind[])[]) => void,
    ): void;
    /** Walks the OIDs under `oid` with getBulk (v2c, v3) or getNext (v1). */
    subtree(
      oid: string,
      maxRepetitions: number,
      feed: (varbinds: Varbind[]) => boolean | undefined,
      done: (error: Error | null) => void,
    ): void;
    close(): void;
  }

  const snmp: {
    Version1: number;
    Version2c: number;
    Version3: number;
    SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
    AuthProtocols: Record<"md5" | "sha" | "sha224" | "sha256" | "sha384" | "sha512", number>;
    PrivProtocols: Record<"des" | "aes" | "aes256b" | "aes256r", number>;
    createSession(target: string, community: string, options: SessionOptions): Session;
    createV3Session(target: string, user: User, options: SessionOptions): Session;
    // The error classes, for tests that check how the probe reads them.
    RequestTimedOutError: new (
      message: string,
    ) => Error;
    RequestFailedError: new (message: string, status: number) => Error;
    ResponseInvalidError: new (message: string, code: number) => Error;
  };
  export default snmp;
}
