// What a giamsat service is, whichever service manager runs it: its name, the user it runs as, the
// command line it starts, its config file and its state folder. Each program (agent, collector)
// describes itself once here; systemd.ts and windows.ts turn that into a unit or a service wrapper.

export type ProgramName = "agent" | "collector";

export interface ServiceSpec {
  program: ProgramName;
  /** The service's name: giamsat-agent, giamsat-collector. */
  name: string;
  description: string;
  /** The system user it runs as (Linux). */
  user: string;
  /** The Node binary and the flags it takes before the script. */
  node: string;
  nodeFlags: readonly string[];
  /** The program's entry script (dist/agent/cli.js, dist/collector/cli/main.js). */
  script: string;
  /** The command and its arguments after the script, e.g. run --config /etc/giamsat/agent.yaml. */
  args: readonly string[];
  /** Linux capabilities it keeps (the agent: CAP_NET_RAW, for ping). */
  capabilities: readonly string[];
  /** Its folder under /var/lib (systemd's StateDirectory=). */
  stateDirectory: string;
  /** Its config file (absolute). */
  configFile: string;
}

/** Linux places: config under /etc/giamsat, state under /var/lib. */
export const LINUX = {
  configDir: "/etc/giamsat",
  unitDir: "/etc/systemd/system",
  /** Where a package puts its units; a unit found here is the package's, not written by install. */
  packageUnitDirs: ["/usr/lib/systemd/system", "/lib/systemd/system"],
  stateRoot: "/var/lib",
} as const;

export function linuxSpec(
  program: ProgramName,
  run: { node: string; nodeFlags: readonly string[]; script: string },
): ServiceSpec {
  const configFile = `${LINUX.configDir}/${program}.yaml`;
  if (program === "agent") {
    return {
      program,
      name: "giamsat-agent",
      description: "giamsat agent: checks this unit's LAN, equipment and services for the city",
      user: "giamsat",
      ...run,
      args: ["run", "--config", configFile],
      capabilities: ["CAP_NET_RAW"],
      stateDirectory: "giamsat",
      configFile,
    };
  }
  return {
    program,
    name: "giamsat-collector",
    description: "giamsat collector: stores what the city's agents report and serves it",
    user: "giamsat-collector",
    ...run,
    args: ["serve", "--config", configFile],
    capabilities: [],
    stateDirectory: "giamsat-collector",
    configFile,
  };
}
