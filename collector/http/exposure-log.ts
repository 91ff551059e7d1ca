// What the collector says at start about who can reach what it serves: HTTPS and its certificate, or
// a warning for plain HTTP beyond this machine, web logins turned off, and /metrics open to anyone.
import { isLoopback } from "../../shared/config/address.js";
import type { CollectorConfig } from "../../shared/config/collector.js";
import type { Logger } from "../../shared/log.js";
import { describeCertificate, loadTls } from "./tls.js";

export function sayHowItIsExposed(config: CollectorConfig, url: string, log: Logger): void {
  const tls = config.tls;
  if (tls) {
    log.info({ certificate: describeCertificate(loadTls(tls).cert) }, "serving HTTPS");
  } else if (!isLoopback(config.listen.host)) {
    log.warn(
      { url },
      "serving plain HTTP beyond this machine: agent tokens, passwords and data travel unencrypted; set tls.cert and tls.key",
    );
  }
  if (!config.web.auth) {
    log.warn(
      { url },
      "web logins are off (web.auth: false): anyone on this machine can read every unit; allowed only on loopback",
    );
  } else if (config.metrics.token === undefined && !isLoopback(config.listen.host)) {
    log.warn("/metrics is open to anyone who can reach the collector; set metrics.token");
  }
}
