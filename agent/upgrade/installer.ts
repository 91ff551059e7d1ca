// An upgrade the collector offers: refused unless agent.yaml has the city's public key and the agent
// was started by the launcher; downloaded from the collector it is connected to only (with its
// token), checked (size, SHA-256, Ed25519 signature), unpacked into <data>/versions/<version>/, then
// made `current` with a pending record, and the agent exits with UPGRADE_EXIT_CODE so its service
// manager starts the launcher again. Every step is reported to the collector.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { readPublicKey, signatureMatches } from "../../shared/agent-package.js";
import { errorMessage } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";
import type { Upgrade, UpgradeStatus } from "../../shared/protocol.js";
import type { CollectorAddress } from "../collector-socket.js";
import { UPGRADE_EXIT_CODE, VersionsFolder } from "./versions.js";

export interface InstallerDeps {
  /** The versions folder the launcher named; undefined when the agent was not started by it. */
  versionsPath: string | undefined;
  running: string;
  /** agent.yaml's `upgrades` as last loaded (a reload changes them). */
  settings: () => { publicKey?: string | undefined; enabled: boolean; confirmWithin: number };
  address: () => CollectorAddress;
  report: (status: Omit<UpgradeStatus, "type">) => void;
  log: Logger;
  /** Stops the agent (its buffer written) and exits with this code. */
  exit: (code: number) => void;
}

class Refusal extends Error {}

/** Nothing received for this long ends a download. */
const DOWNLOAD_STALL_MS = 60_000;

/**
 * The package's URL on the collector the agent is connected to, beside its WebSocket path:
 * ws(s)://host/agent → http(s)://host/agent/packages/file, and under a reverse proxy's path
 * (wss://proxy/giamsat/agent → https://proxy/giamsat/agent/packages/file).
 */
export function packageUrl(collector: string, file: string): URL {
  const url = new URL(collector);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/packages/${encodeURIComponent(file)}`;
  url.search = "";
  return url;
}

function download(address: CollectorAddress, offer: Upgrade, to: string): Promise<string> {
  const url = packageUrl(address.url, offer.file);
  const get = url.protocol === "https:" ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      {
        headers: { Authorization: `Bearer ${address.token}` },
        ...(url.protocol === "https:" ? address.tls : undefined),
      },
      (response: IncomingMessage) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Refusal(`the collector answered ${response.statusCode} for ${offer.file}`));
          return;
        }
        const hash = createHash("sha256");
        let size = 0;
        const out = createWriteStream(to);
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          hash.update(chunk);
          if (size > offer.size) {
            request.destroy();
            out.destroy();
            reject(new Refusal(`${offer.file} is larger than the ${offer.size} bytes offered`));
          }
        });
        response.pipe(out);
        out.on("finish", () => {
          if (size !== offer.size) {
            reject(new Refusal(`${offer.file} has ${size} bytes, not the ${offer.size} offered`));
          } else resolve(hash.digest("hex"));
        });
        out.on("error", reject);
      },
    );
    // A collector that stops sending leaves no upgrade hanging: the next offer tries again.
    request.setTimeout(DOWNLOAD_STALL_MS, () =>
      request.destroy(new Refusal(`the download stalled for ${DOWNLOAD_STALL_MS / 1000} s`)),
    );
    request.on("error", reject);
  });
}

function untar(file: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn("tar", ["-xzf", file, "-C", into], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    tar.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    tar.on("error", reject);
    tar.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Refusal(`the package does not unpack: ${stderr.trim()}`)),
    );
  });
}

export class Installer {
  #busy: string | undefined;

  constructor(private readonly deps: InstallerDeps) {}

  /** Why this agent takes no upgrade at all, or undefined. */
  #refusal(folder: VersionsFolder | undefined): string | undefined {
    const settings = this.deps.settings();
    if (!settings.enabled) return "agent.yaml has upgrades.enabled: false";
    if (settings.publicKey === undefined) {
      return "agent.yaml has no upgrades.publicKey (the city's public key); no package can be checked";
    }
    if (!folder)
      return "the agent was not started by its launcher, which alone can switch versions";
    return undefined;
  }

  /** Takes an `upgrade` message: installs it and exits, or reports why not. */
  async offered(offer: Upgrade): Promise<void> {
    if (offer.version === this.deps.running || this.#busy !== undefined) return;
    const { report, log } = this.deps;
    const folder = this.deps.versionsPath ? new VersionsFolder(this.deps.versionsPath) : undefined;
    // A version the launcher went back from is not tried again: the collector is told so once more.
    const rollback = folder?.rollback();
    if (rollback?.to === offer.version) {
      log.warn({ version: offer.version, reason: rollback.reason }, "upgrade rolled back before");
      report({ version: offer.version, state: "rolled_back", reason: rollback.reason });
      return;
    }
    const refusal = this.#refusal(folder);
    const { publicKey, confirmWithin } = this.deps.settings();
    if (refusal || !folder || publicKey === undefined) {
      log.warn({ version: offer.version, reason: refusal }, "upgrade refused");
      report({ version: offer.version, state: "refused", reason: refusal });
      return;
    }
    this.#busy = offer.version;
    const tarball = join(folder.path, `${offer.file}.part`);
    const unpacked = join(folder.path, `${offer.version}.partial`);
    try {
      report({ version: offer.version, state: "downloading" });
      log.info({ version: offer.version, file: offer.file }, "downloading an upgrade");
      const sha256 = await download(this.deps.address(), offer, tarball);
      if (sha256 !== offer.sha256) {
        throw new Refusal(`its SHA-256 is ${sha256}, not the ${offer.sha256} offered`);
      }
      const key = readPublicKey(publicKey);
      if (!signatureMatches(readFileSync(tarball), offer.signature, key)) {
        throw new Refusal("its signature is not one of the city's key (upgrades.publicKey)");
      }
      report({ version: offer.version, state: "verified" });
      rmSync(unpacked, { recursive: true, force: true });
      mkdirSync(unpacked, { recursive: true });
      await untar(tarball, unpacked);
      const pkg = JSON.parse(readFileSync(join(unpacked, "package.json"), "utf8")) as {
        version?: string;
      };
      if (pkg.version !== offer.version || !existsSync(join(unpacked, "dist/agent/cli.js"))) {
        throw new Refusal(`the package holds no giamsat agent ${offer.version}`);
      }
      rmSync(folder.dirOf(offer.version), { recursive: true, force: true });
      renameSync(unpacked, folder.dirOf(offer.version));
      rmSync(tarball, { force: true });
      report({ version: offer.version, state: "installing" });
      folder.setPending({
        from: this.deps.running,
        fromCurrent: folder.current(),
        to: offer.version,
        deadline: Date.now() + confirmWithin,
        exits: 0,
      });
      folder.setCurrent(offer.version);
      log.info(
        { from: this.deps.running, to: offer.version },
        "upgrade installed; restarting into it",
      );
      this.deps.exit(UPGRADE_EXIT_CODE);
    } catch (error) {
      this.#busy = undefined;
      rmSync(tarball, { force: true });
      rmSync(unpacked, { recursive: true, force: true });
      const reason = error instanceof Refusal ? error.message : errorMessage(error);
      log.error({ version: offer.version, reason }, "upgrade refused; the agent goes on");
      report({ version: offer.version, state: "refused", reason });
    }
  }

  /**
   * Connected (after the welcome): a new version confirms itself (the launcher then keeps it); a
   * version the launcher went back to says which upgrade it rolled back and why.
   */
  welcomed(): void {
    const path = this.deps.versionsPath;
    if (!path) return;
    const folder = new VersionsFolder(path);
    const pending = folder.pending();
    if (pending && pending.to === this.deps.running) {
      folder.setPending(undefined);
      this.deps.report({ version: pending.to, state: "restarted" });
      this.deps.report({ version: pending.to, state: "confirmed" });
      this.deps.log.info({ from: pending.from, to: pending.to }, "upgrade confirmed");
    }
    const rollback = folder.rollback();
    if (rollback && !rollback.reported && rollback.from === this.deps.running) {
      this.deps.report({ version: rollback.to, state: "rolled_back", reason: rollback.reason });
      folder.setRollback({ ...rollback, reported: true });
    }
  }
}
