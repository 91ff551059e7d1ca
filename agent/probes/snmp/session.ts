// One SNMP session to one device for the snmp probe: net-snmp on a connected UDP socket, promise
// versions of get and walk, and a close that happens on every path (error, abort, agent stopping).
import dgram from "node:dgram";
import snmp, { type Session, type User } from "net-snmp";
import { isVarbindError, TYPE, type Varbind } from "./parse.js";

export interface SessionTarget {
  /** An IP address: the host name is resolved before, so a DNS failure is told apart. */
  address: string;
  family: 4 | 6;
  port: number;
}

export type Credentials =
  | { version: "1" | "2c"; community: string }
  | {
      version: "3";
      user: string;
      authProtocol?: keyof typeof snmp.AuthProtocols;
      authKey?: string;
      privProtocol?: keyof typeof snmp.PrivProtocols;
      privKey?: string;
    };

export interface SessionOptions {
  /** Milliseconds to wait for one answer before the one retry, and again before giving up. */
  requestTimeout: number;
}

/** What walkColumns asks for. */
export interface WalkPlan {
  /** Rows of each column asked for by the first getBulk. */
  repetitions: number;
  /** Scalar instances (such as sysName.0) read by the first getBulk too. */
  scalars?: readonly string[];
  /** Rows to ask for next, given the scalars and the fewest rows a column still going has. */
  next?: (scalars: readonly Varbind[], rowsSoFar: number) => number;
}

/** The scalars asked for, in order, and the rows of each column. */
export interface ColumnWalk {
  scalars: Varbind[];
  columns: Varbind[][];
}

/** sysName.0 → sysName: a getNext of the parent answers the instance (its first child). */
function parentOid(oid: string): string {
  return oid.slice(0, oid.lastIndexOf("."));
}

/** Rows asked for per getBulk request of walk() (v2c, v3). */
const MAX_REPETITIONS = 25;
/** A walk stops after this many varbinds, so an agent that never ends its table cannot exhaust memory. */
const MAX_WALK = 20_000;

/**
 * net-snmp sends every request with send(buffer, offset, length, port, address); a connected
 * socket must be sent to without an address. Connecting lets the kernel report ICMP port
 * unreachable (ECONNREFUSED) at once instead of a timeout, and drops datagrams from other sources.
 */
function connectedDgram(target: SessionTarget, onError: (error: Error) => void) {
  return {
    createSocket(type: "udp4" | "udp6") {
      const socket = dgram.createSocket(type);
      const connected = new Promise<void>((resolve, reject) => {
        socket.connect(target.port, target.address, (error?: Error) =>
          error ? reject(error) : resolve(),
        );
      });
      socket.on("error", onError);
      const send = socket.send.bind(socket) as (
        buffer: Buffer,
        offset: number,
        length: number,
        callback: (error: Error | null) => void,
      ) => void;
      Object.assign(socket, {
        send(
          buffer: Buffer,
          offset: number,
          length: number,
          _port: number,
          _address: string,
          callback: (error: Error | null) => void,
        ) {
          connected.then(() => send(buffer, offset, length, callback), callback);
        },
      });
      return socket;
    },
  };
}

export class SnmpSession {
  readonly #session: Session;
  /** Rejects when the socket fails or a watched signal fires; every request races it. */
  readonly #failed: Promise<never>;
  readonly closed: Promise<void>;
  #fail: (error: unknown) => void = () => {};
  #broken = false;
  #isClosed = false;
  #closeReason: unknown;

  constructor(target: SessionTarget, credentials: Credentials, options: SessionOptions) {
    this.#failed = new Promise<never>((_, reject) => {
      this.#fail = (error) => {
        this.#broken = true;
        reject(error);
      };
    });
    this.#failed.catch(() => {});
    const sessionOptions = {
      port: target.port,
      retries: 1,
      timeout: options.requestTimeout,
      transport: target.family === 6 ? ("udp6" as const) : ("udp4" as const),
      // A socket error (say a late ICMP unreachable) ends the session: kept idle between runs,
      // it would otherwise stay open, unusable, with no run left to close it.
      dgramModule: connectedDgram(target, (error) => {
        this.#fail(error);
        void this.close();
      }),
    };
    this.#session =
      credentials.version === "3"
        ? snmp.createV3Session(target.address, v3User(credentials), sessionOptions)
        : snmp.createSession(target.address, credentials.community, {
            ...sessionOptions,
            version: credentials.version === "1" ? snmp.Version1 : snmp.Version2c,
          });
    this.closed = new Promise((resolve) => this.#session.once("close", () => resolve()));
    // net-snmp emits "error" for a datagram it cannot decode, which would crash the agent without a
    // listener; a garbled answer then ends as a timeout. Socket errors reach the listener above.
    this.#session.on("error", () => {});
  }

  /**
   * Until the returned function is called, `signal` firing fails what is pending and closes the
   * session: one run's timeout on a session kept from run to run.
   */
  watch(signal: AbortSignal): () => void {
    const onAbort = () => {
      this.#closeReason ??= signal.reason;
      this.#fail(signal.reason);
      void this.close();
    };
    if (signal.aborted) {
      onAbort();
      return () => {};
    }
    signal.addEventListener("abort", onAbort, { once: true });
    return () => signal.removeEventListener("abort", onAbort);
  }

  /** Open, and no socket error or abort so far: fit for another run. */
  get usable(): boolean {
    return !this.#isClosed && !this.#broken;
  }

  get(oids: string[]): Promise<Varbind[]> {
    return this.#request((done) =>
      this.#session.get(oids, (error, varbinds) => done(error, varbinds ?? [])),
    );
  }

  /** The varbind after each OID: whether a MIB is there, and the first row of a column. */
  getNext(oids: string[]): Promise<Varbind[]> {
    return this.#request((done) =>
      this.#session.getNext(oids, (error, varbinds) => done(error, varbinds ?? [])),
    );
  }

  /** Every varbind under `oid`: getBulk with v2c and v3, getNext with v1 (net-snmp's subtree). */
  walk(oid: string): Promise<Varbind[]> {
    return this.#request((done) => {
      const found: Varbind[] = [];
      this.#session.subtree(
        oid,
        MAX_REPETITIONS,
        (varbinds) => {
          found.push(...varbinds);
          return found.length >= MAX_WALK;
        },
        (error) => done(error, found),
      );
    });
  }

  /**
   * The varbinds under each of `columns` (columns of one table), walked side by side: one getBulk
   * asks for the next rows of every column still going, so a table of n rows takes about
   * n / repetitions requests instead of that many per column. v2c and v3 only (v1 has no getBulk;
   * walk() each column there). A response the agent cut short to fit its message size (RFC 3416
   * section 4.2.3) is fine: each column goes on from the last row it got.
   *
   * `plan.scalars` (instances such as sysName.0) ride along in the first request as non-repeaters,
   * so a small device answers everything at once. A non-repeater is a getNext, so each is asked
   * for by its parent's OID; one the device lacks comes back as noSuchObject.
   */
  async walkColumns(columns: readonly string[], plan: WalkPlan): Promise<ColumnWalk> {
    const walk: ColumnWalk = { scalars: [], columns: columns.map(() => []) };
    const scalars = plan.scalars ?? [];
    let going = columns.map((oid, column) => ({ column, from: oid }));
    let repetitions = plan.repetitions;
    let first = true;
    while (going.length > 0) {
      const asked = going;
      const nonRepeaters = first ? scalars.length : 0;
      const oids = asked.map((g) => g.from);
      if (first) oids.unshift(...scalars.map(parentOid));
      const answer = await this.#request<(Varbind | Varbind[])[]>((done) =>
        this.#session.getBulk(oids, nonRepeaters, repetitions, (error, varbinds) =>
          done(error, varbinds ?? []),
        ),
      );
      if (first) {
        walk.scalars = scalars.map((oid, i) => {
          const got = answer[i] as Varbind | undefined;
          return got?.oid === oid ? got : { oid, type: TYPE.NoSuchObject, value: null };
        });
        first = false;
      }
      going = [];
      let progressed = false;
      let fewest = Number.POSITIVE_INFINITY;
      asked.forEach((g, k) => {
        const prefix = `${columns[g.column]}.`;
        const rows = walk.columns[g.column] as Varbind[];
        let from: string | undefined = g.from;
        const got = (answer[nonRepeaters + k] as Varbind[] | undefined) ?? [];
        for (const varbind of got) {
          if (isVarbindError(varbind) || !varbind.oid.startsWith(prefix)) {
            from = undefined; // past the column's end
            break;
          }
          rows.push(varbind);
          from = varbind.oid;
          progressed = true;
        }
        if (from !== undefined && rows.length < MAX_WALK) {
          going.push({ column: g.column, from });
          fewest = Math.min(fewest, rows.length);
        }
      });
      // An answer without a single new row would be asked again forever.
      if (!progressed) break;
      if (plan.next && going.length > 0) repetitions = plan.next(walk.scalars, fewest);
    }
    return walk;
  }

  /** Closes the UDP socket; pending requests fail. Safe to call more than once. */
  close(): Promise<void> {
    if (!this.#isClosed) {
      this.#isClosed = true;
      this.#session.close();
    }
    return this.closed;
  }

  #request<T>(start: (done: (error: Error | null, value: T) => void) => void): Promise<T> {
    const answer = new Promise<T>((resolve, reject) => {
      if (this.#isClosed) {
        reject(this.#closeReason ?? new Error("session closed"));
        return;
      }
      start((error, value) => (error ? reject(error) : resolve(value)));
    });
    return Promise.race([answer, this.#failed]);
  }
}

function v3User(credentials: Extract<Credentials, { version: "3" }>): User {
  const { authProtocol, authKey, privProtocol, privKey } = credentials;
  const user: User = { name: credentials.user, level: snmp.SecurityLevel.noAuthNoPriv };
  if (authProtocol && authKey) {
    Object.assign(user, {
      level: snmp.SecurityLevel.authNoPriv,
      authProtocol: snmp.AuthProtocols[authProtocol],
      authKey,
    });
    if (privProtocol && privKey) {
      Object.assign(user, {
        level: snmp.SecurityLevel.authPriv,
        privProtocol: snmp.PrivProtocols[privProtocol],
        privKey,
      });
    }
  }
  return user;
}
