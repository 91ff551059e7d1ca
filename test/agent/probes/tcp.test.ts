// The tcp probe against real listeners on loopback: connect time, refusals, banners, timeouts.
import { once } from "node:events";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { closedWithin, configError, expectEndedAtTimeout, runCheck } from "../../helpers/checks.js";
import { tempDir } from "../../helpers/processes.js";

const dir = tempDir();
const servers: Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
  dir.remove();
});

async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer(onConnection);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

const check = (fields: string) =>
  `{ name: mail, category: shared_software, kind: tcp, host: 127.0.0.1, ${fields} }`;

describe("tcp probe", () => {
  it("is up when the port accepts, with the connect time", async () => {
    let accepted = 0;
    const port = await listen((socket) => {
      accepted++;
      socket.destroy();
    });
    const out = await runCheck(dir.path, check(`port: ${port}`));
    expect(out.result).toMatchObject({ up: true, kind: "tcp" });
    expect(out.outcome.summary?.connect).toMatch(/^\d+\.\d ms$/);
    expect(out.samples).toEqual([]);
    expect(accepted).toBe(1);
  });

  it("is down with reason refused on a closed port", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, "close");
    const out = await runCheck(dir.path, check(`port: ${port}`));
    expect(out.result).toMatchObject({
      up: false,
      reason: "refused",
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it("checks the banner, after sending a line when asked", async () => {
    const smtp = await listen((socket) => socket.end("220 mail.example.gov.vn ESMTP\r\n"));
    const up = await runCheck(dir.path, check(`port: ${smtp}, expect: "220 "`));
    expect(up.result.up).toBe(true);
    const down = await runCheck(dir.path, check(`port: ${smtp}, expect: "+OK"`));
    expect(down.result).toMatchObject({
      up: false,
      reason: "content",
      message: 'expected "+OK", got "220 mail.example.gov.vn ESMTP\\r\\n"',
    });
    const echo = await listen((socket) => socket.pipe(socket));
    const asked = await runCheck(
      dir.path,
      check(`port: ${echo}, send: "PING\\r\\n", expect: "PING"`),
    );
    expect(asked.result.up).toBe(true);
  });

  it("times out when the banner never comes, and closes the connection", async () => {
    const sockets: Socket[] = [];
    const port = await listen((socket) => sockets.push(socket.resume()));
    const out = await runCheck(dir.path, check(`port: ${port}, expect: "+OK", timeout: "300ms"`));
    expectEndedAtTimeout(out, 300);
    await closedWithin(sockets[0]);
  });
});

describe("tcp check config", () => {
  it.each([
    [
      "{ name: mail, category: shared_software, kind: tcp, port: 25 }",
      "agent.yaml: checks[0] (mail).host: is required",
    ],
    [check(""), "agent.yaml: checks[0] (mail).port: is required"],
    [check("port: 0"), "agent.yaml: checks[0] (mail).port: must be a port number (1-65535)"],
    [
      "{ name: mail, category: shared_software, kind: tcp, host: 'mail server', port: 25 }",
      'agent.yaml: checks[0] (mail).host: "mail server" is not a host name or IP address',
    ],
    [check("port: 25, banner: x"), 'agent.yaml: checks[0] (mail): unknown key "banner"'],
  ])("refuses %s", (body, message) => {
    expect(configError(dir.path, [body])).toBe(message);
  });
});
