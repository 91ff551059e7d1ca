// Remote write over HTTPS: a receiver with a certificate from a private CA is trusted through
// tls.ca; without it the certificate is refused and the samples wait, retried, until it is fixed.
import { afterAll, describe, expect, it } from "vitest";
import { createCa, daysFromNow, type TestCa } from "../../helpers/certificates.js";
import { RawAgent, testCollector } from "../../helpers/collector.js";
import { find, scrape } from "../../helpers/metrics.js";
import { peer } from "../../helpers/peers.js";
import { eventually, tempDir } from "../../helpers/processes.js";
import {
  normalized,
  receivedSeries,
  sampleCount,
  startScriptedReceiver,
  storedSeries,
} from "../../helpers/remote-write.js";
import { syntheticBatch } from "../../helpers/synthetic.js";

const dir = tempDir();
afterAll(() => dir.remove());
const QUEUE = { flushInterval: "50ms", minBackoff: "20ms", maxBackoff: "200ms" };

describe("remote write over HTTPS", () => {
  it("trusts a private CA named in tls.ca and refuses the certificate without it", async (ctx) => {
    const openssl = peer("openssl");
    if (!openssl) return ctx.skip();
    const ca: TestCa = createCa(openssl, dir.path);
    const certificate = ca.issue({ notAfter: daysFromNow(30) });
    const receiver = await startScriptedReceiver({
      cert: certificate.certPem,
      key: certificate.keyPem,
    });
    const collector = await testCollector({
      remoteWrite: [
        { name: "trusted", url: receiver.url, tls: { ca: ca.certPath }, queue: QUEUE },
        { name: "untrusted", url: receiver.url, queue: QUEUE },
      ],
    });
    try {
      const agent = new RawAgent(collector.url, collector.enroll("unit-a", "pc-tls"));
      await agent.hello();
      const ts = Date.now() - 60_000;
      agent.send({ ...syntheticBatch(1, ts), sentAt: Date.now() });
      await agent.next((m) => m.type === "ack");
      const stored = normalized(storedSeries(collector.query));
      await eventually(() =>
        sampleCount(receiver.accepted) >= Object.values(stored).flat().length ? true : undefined,
      );
      expect(normalized(receivedSeries(receiver.accepted))).toEqual(stored);
      const metrics = await eventually(async () => {
        const all = await scrape(collector.url);
        const retried = find(all, "giamsat_remote_write_samples_retried_total", {
          endpoint: "untrusted",
        })[0]?.value;
        return retried && retried > 0 ? all : undefined;
      });
      // The untrusted endpoint never got through: its samples are still queued.
      expect(
        find(metrics, "giamsat_remote_write_queue_samples", { endpoint: "untrusted" })[0]?.value,
      ).toBe(Object.values(stored).flat().length);
      expect(receiver.all.length).toBe(receiver.accepted.length);
    } finally {
      await collector.stop();
      await receiver.close();
    }
  });
});
