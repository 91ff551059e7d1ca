// What both command-line programs share: argument parsing and the exit-code contract
// (0 success, 2 bad config or usage, 1 anything else).
import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigError, errorMessage } from "./errors.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses arguments strictly; a usage mistake is a ConfigError (exit 2). */
export function parseCommand<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ConfigError(`${errorMessage(error)} (see --help)`, { cause: error });
  }
}

/** A command with subcommands (`user add`, `notify test`) given `--help` where the subcommand goes. */
export function asksForHelp(subcommand: string | undefined): boolean {
  return subcommand === undefined || subcommand === "--help" || subcommand === "-h";
}

export function requireOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new ConfigError(`--${name} is required`);
  return value;
}

/** Runs a CLI entry point and turns what it throws into a message and the documented exit code. */
export function runMain(main: () => Promise<number | undefined>): void {
  main().then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`error: ${errorMessage(error)}\n`);
        if (process.env.GIAMSAT_DEBUG) console.error(error);
        process.exitCode = 1;
      }
    },
  );
}

/** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
