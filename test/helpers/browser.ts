// Debian's Chromium driven by playwright-core, headless, with no network of its own; a missing
// browser skips the suite outside CI and fails it under CI=true.
import { type Browser, chromium } from "playwright-core";
import { peer } from "./peers.js";

export async function launchBrowser(): Promise<Browser | undefined> {
  const executablePath = peer("chromium");
  if (!executablePath) return undefined;
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
