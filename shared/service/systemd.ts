// The systemd unit of a giamsat service: the command line with the program's Node flags, restarted
// always, and confined as far as each program allows (systemd.exec(5)). `systemd-analyze security`
// rates the agent's and the collector's units; the figures are in the docs (unit-it/install.*.md,
// operators/install.md) and a test keeps them at most 4.0.
// What is left out on purpose: MemoryDenyWriteExecute (V8 writes the code it runs, the process would
// be killed), PrivateUsers for the agent (CAP_NET_RAW in a user namespace does not let ping send
// ICMP on the host's network), ProtectProc/ProcSubset for the agent (the process check reads other
// processes' /proc), and a system call deny list for the agent beyond @system-service (ping drops its
// capabilities with capset, which @privileged holds).
import type { ServiceSpec } from "./spec.js";

/** The first line of every unit `install` writes: uninstall removes only a unit that has it. */
export const WRITTEN_BY = "# Written by giamsat";

/** systemd's quoting for ExecStart= words: plain when safe, else double quotes with escapes. */
function quote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `"${word.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$/g, "$$$$")}"`;
}

export function execStart(spec: ServiceSpec): string {
  return [spec.node, ...spec.nodeFlags, spec.script, ...spec.args].map(quote).join(" ");
}

/**
 * `systemctl reload`: SIGHUP once the main process catches it. Node ends a process on SIGHUP until
 * the program listens for it, so a reload right after start would kill a program still starting.
 * The command waits (up to 10 s) until bit 0 of the process's caught-signal mask (SigCgt in
 * /proc/PID/status; SIGHUP is signal 1) is set: the agent sets it on its first line, the collector
 * once it serves. Every `$` is doubled for systemd; MAINPID is in the command's environment.
 */
const EXEC_RELOAD = [
  "/bin/sh -c '",
  "n=0; ",
  'until grep -qs "^SigCgt:.*[13579bdf]$$" /proc/$$MAINPID/status; do ',
  "n=$$((n + 1)); ",
  'if [ $$n -ge 100 ]; then echo "process $$MAINPID has not caught SIGHUP after 10 s: not reloaded" >&2; exit 1; fi; ',
  "sleep 0.1; ",
  "done; ",
  "exec kill -HUP $$MAINPID'",
].join("");

export function systemdUnit(spec: ServiceSpec, writtenBy: string): string {
  const agent = spec.program === "agent";
  const caps = spec.capabilities.join(" ");
  const lines = [
    `${WRITTEN_BY} ${writtenBy}.`,
    "[Unit]",
    `Description=${spec.description}`,
    "After=network-online.target",
    "Wants=network-online.target",
    // Nothing to run before install has written the config: the package's postinst and a boot
    // before enrollment start nothing.
    `ConditionPathExists=${spec.configFile}`,
    "",
    "[Service]",
    "Type=simple",
    `User=${spec.user}`,
    `Group=${spec.user}`,
    `ExecStart=${execStart(spec)}`,
    `ExecReload=${EXEC_RELOAD}`,
    "Restart=always",
    "RestartSec=10",
    "TimeoutStopSec=30",
    `StateDirectory=${spec.stateDirectory}`,
    "StateDirectoryMode=0700",
    `WorkingDirectory=/var/lib/${spec.stateDirectory}`,
    "UMask=0077",
    `CapabilityBoundingSet=${caps}`,
    ...(caps ? [`AmbientCapabilities=${caps}`] : []),
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    "PrivateIPC=yes",
    "PrivateMounts=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectClock=yes",
    "ProtectHostname=yes",
    "RestrictNamespaces=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "RemoveIPC=yes",
    "KeyringMode=private",
    "DevicePolicy=closed",
    "SystemCallArchitectures=native",
    "SystemCallErrorNumber=EPERM",
    "SystemCallFilter=@system-service",
    ...(agent
      ? ["RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK"]
      : [
          "SystemCallFilter=~@privileged @resources",
          "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
          "PrivateUsers=yes",
          "ProtectProc=invisible",
        ]),
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ];
  return lines.join("\n");
}
