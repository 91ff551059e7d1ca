// One rule for hosts and ports in every check kind that names them: a Vietnamese domain name is
// taken (in its ASCII form), anything that is neither a name nor an address is refused alike.
import { domainToASCII } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { configError, loadChecks } from "../../helpers/checks.js";
import { tempDir } from "../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

const IDN = "cổngthôngtin.gov.vn";

/** Each kind with a host, and the field holding it. */
const KINDS: { kind: string; field: string; rest: string }[] = [
  { kind: "ping", field: "host", rest: "" },
  { kind: "tcp", field: "host", rest: ", port: 443" },
  { kind: "tls", field: "host", rest: "" },
  { kind: "snmp", field: "host", rest: "" },
  { kind: "dns", field: "query", rest: "" },
];

function fieldOf(loaded: object | undefined, field: string): unknown {
  return new Map(Object.entries(loaded ?? {})).get(field);
}

const check = (kind: string, field: string, value: string, rest: string) =>
  `{ name: c, category: online_app, kind: ${kind}, ${field}: ${JSON.stringify(value)}${rest} }`;

describe("hosts in checks", () => {
  it.each(KINDS)("$kind takes a Vietnamese domain name, in ASCII", ({ kind, field, rest }) => {
    const [loaded] = loadChecks(dir.path, [check(kind, field, IDN, rest)]);
    expect(fieldOf(loaded, field)).toBe(domainToASCII(IDN));
    expect(domainToASCII(IDN)).toMatch(/^xn--/);
  });

  it.each(KINDS)("$kind takes IPv4, IPv6 and bracketed IPv6", ({ kind, field, rest }) => {
    const hosts = ["192.0.2.7", "2001:db8::7", "[2001:db8::7]"].map((host) => {
      const [loaded] = loadChecks(dir.path, [check(kind, field, host, rest)]);
      return fieldOf(loaded, field);
    });
    expect(hosts).toEqual(["192.0.2.7", "2001:db8::7", "2001:db8::7"]);
  });

  it.each(KINDS)("$kind refuses what is not a host, the same way", ({ kind, field, rest }) => {
    for (const bad of ["-f", "mail server", "a..b"]) {
      expect(configError(dir.path, [check(kind, field, bad, rest)])).toBe(
        `agent.yaml: checks[0] (c).${field}: ${JSON.stringify(bad)} is not a host name or IP address`,
      );
    }
  });

  it.each(["tcp", "tls", "snmp"])("%s refuses a port out of range, the same way", (kind) => {
    const messages = [0, 65_536, 1.5].map((port) =>
      configError(dir.path, [
        `{ name: c, category: online_app, kind: ${kind}, host: h.example, port: ${port} }`,
      ]),
    );
    expect(messages).toEqual([
      "agent.yaml: checks[0] (c).port: must be a port number (1-65535)",
      "agent.yaml: checks[0] (c).port: must be a port number (1-65535)",
      "agent.yaml: checks[0] (c).port: expected int, got 1.5",
    ]);
  });
});
