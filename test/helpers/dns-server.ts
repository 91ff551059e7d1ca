// A tiny authoritative DNS server on UDP 127.0.0.1 for tests: A, AAAA, MX, TXT, CNAME and NS
// answers, NXDOMAIN for unknown names, and modes that refuse or never answer. RFC 1035 section 4.
import { createSocket } from "node:dgram";
import { isIPv6 } from "node:net";

export interface DnsRecords {
  A?: string[];
  AAAA?: string[];
  MX?: { priority: number; exchange: string }[];
  /** Each record is a list of character-strings. */
  TXT?: string[][];
  CNAME?: string;
  NS?: string[];
}

/** answer: from the zone; silent: drop every query; refuse: rcode REFUSED. */
export type DnsMode = "answer" | "silent" | "refuse";

export interface DnsServer {
  port: number;
  /** "127.0.0.1:port", for a dns check's `server`. */
  address: string;
  mode: DnsMode;
  /** Queries received, "name TYPE". */
  queries: string[];
  close(): Promise<void>;
}

const TYPES: Record<number, keyof DnsRecords> = {
  1: "A",
  2: "NS",
  5: "CNAME",
  15: "MX",
  16: "TXT",
  28: "AAAA",
};
const RCODE = { noError: 0, nxDomain: 3, refused: 5 } as const;

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, "").split(".").filter(Boolean);
  return Buffer.concat([
    ...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])),
    Buffer.from([0]),
  ]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = "", tail] = address.split("::");
  const groups = (text: string) => (text ? text.split(":") : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  const out = Buffer.alloc(16);
  all.forEach((group, i) => {
    out.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  });
  return out;
}

function rdata(type: keyof DnsRecords, records: DnsRecords): Buffer[] {
  switch (type) {
    case "A":
      return (records.A ?? []).map((ip) => Buffer.from(ip.split(".").map(Number)));
    case "AAAA":
      return (records.AAAA ?? []).filter((ip) => isIPv6(ip)).map(ipv6Bytes);
    case "MX":
      return (records.MX ?? []).map((mx) => {
        const priority = Buffer.alloc(2);
        priority.writeUInt16BE(mx.priority);
        return Buffer.concat([priority, encodeName(mx.exchange)]);
      });
    case "TXT":
      return (records.TXT ?? []).map((strings) =>
        Buffer.concat(
          strings.map((text) => {
            const bytes = Buffer.from(text);
            return Buffer.concat([Buffer.from([bytes.length]), bytes]);
          }),
        ),
      );
    case "CNAME":
      return records.CNAME ? [encodeName(records.CNAME)] : [];
    case "NS":
      return (records.NS ?? []).map(encodeName);
  }
}

/** Reads the question: the name (lower case, no final dot), its type and where it ends. */
function readQuestion(query: Buffer): { name: string; type: number; end: number } | undefined {
  const labels: string[] = [];
  let at = 12;
  while (at < query.length) {
    const length = query[at] ?? 0;
    at++;
    if (length === 0) break;
    labels.push(
      query
        .subarray(at, at + length)
        .toString()
        .toLowerCase(),
    );
    at += length;
  }
  if (at + 4 > query.length) return undefined;
  return { name: labels.join("."), type: query.readUInt16BE(at), end: at + 4 };
}

function respond(query: Buffer, zone: Map<string, DnsRecords>, mode: DnsMode): Buffer | undefined {
  const question = readQuestion(query);
  if (!question) return undefined;
  const records = zone.get(question.name);
  const type = TYPES[question.type];
  const answers = mode === "answer" && records && type ? rdata(type, records) : [];
  const rcode = mode === "refuse" ? RCODE.refused : records ? RCODE.noError : RCODE.nxDomain;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR=1, opcode and RD copied from the query, AA=1, RA=1.
  const flags = 0x8000 | (query.readUInt16BE(2) & 0x7900) | 0x0400 | 0x0080 | rcode;
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const body = answers.map((data) => {
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    fixed.writeUInt16BE(question.type, 2);
    fixed.writeUInt16BE(1, 4); // class IN
    fixed.writeUInt32BE(60, 6);
    fixed.writeUInt16BE(data.length, 10);
    return Buffer.concat([fixed, data]);
  });
  return Buffer.concat([header, query.subarray(12, question.end), ...body]);
}

export async function startDnsServer(records: Record<string, DnsRecords>): Promise<DnsServer> {
  const zone = new Map(
    Object.entries(records).map(([name, value]) => [name.toLowerCase().replace(/\.$/, ""), value]),
  );
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const port = socket.address().port;
  const server: DnsServer = {
    port,
    address: `127.0.0.1:${port}`,
    mode: "answer",
    queries: [],
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on("message", (query, peer) => {
    const question = readQuestion(query);
    if (question) server.queries.push(`${question.name} ${TYPES[question.type] ?? question.type}`);
    if (server.mode === "silent") return;
    const answer = respond(query, zone, server.mode);
    if (answer) socket.send(answer, peer.port, peer.address);
  });
  return server;
}
