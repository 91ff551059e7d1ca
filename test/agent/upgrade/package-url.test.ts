// An agent downloads its upgrade from the collector it is connected to, at the address it was
// given: behind a reverse proxy that serves the collector under a path of its own, the package is
// under that path too.
import { describe, expect, it } from "vitest";
import { packageUrl } from "../../../agent/upgrade/installer.js";

describe("the package's address", () => {
  it("is beside the agent's WebSocket path, over HTTP(S)", () => {
    expect(packageUrl("ws://10.0.0.5:8443/agent", "giamsat-agent-0.2.0.tar.gz").href).toBe(
      "http://10.0.0.5:8443/agent/packages/giamsat-agent-0.2.0.tar.gz",
    );
    expect(packageUrl("wss://giamsat.example.gov.vn:8443/agent", "a b.tar.gz").href).toBe(
      "https://giamsat.example.gov.vn:8443/agent/packages/a%20b.tar.gz",
    );
  });

  it("keeps the path a reverse proxy serves the collector under", () => {
    expect(packageUrl("wss://proxy.example.gov.vn/giamsat/agent", "p.tar.gz").href).toBe(
      "https://proxy.example.gov.vn/giamsat/agent/packages/p.tar.gz",
    );
    expect(packageUrl("wss://proxy.example.gov.vn/giamsat/agent/?x=1", "p.tar.gz").href).toBe(
      "https://proxy.example.gov.vn/giamsat/agent/packages/p.tar.gz",
    );
  });
});
