// `giamsat-collector user add|password|remove|list`: people who may use the web pages.
import { asksForHelp, parseCommand, requireOption } from "../../shared/cli.js";
import { ConfigError } from "../../shared/errors.js";
import { cliActor, recordAudit } from "../auth/audit.js";
import { UserStore } from "../auth/users.js";
import { loadCollectorConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { syncUnits } from "../inspection/units.js";

export const USER_HELP = `  giamsat-collector user add      --config collector.yaml --name USER --role ROLE [--unit ID] [--leader]
  giamsat-collector user password --config collector.yaml --name USER
  giamsat-collector user remove   --config collector.yaml --name USER
  giamsat-collector user list     --config collector.yaml`;

const common = {
  config: { type: "string" },
  name: { type: "string" },
  role: { type: "string" },
  unit: { type: "string" },
  /** The unit's leader in charge of IT: the one account that signs its inspections. */
  leader: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function userCommand(args: string[], help: () => number): Promise<number> {
  const [sub, ...rest] = args;
  if (asksForHelp(sub)) return help();
  const { values } = parseCommand(rest, common);
  if (values.help) return help();
  const config = loadCollectorConfig(requireOption(values, "config"), process.env, {
    for: "database",
  });
  const db = openDatabase(config.database);
  try {
    syncUnits(db, config.units, Date.now());
    const users = new UserStore(db);
    const audit = (action: "user.add" | "user.remove" | "user.password", detail?: object) =>
      recordAudit(
        db,
        {
          actor: cliActor(),
          action,
          target: values.name,
          unit: values.unit,
          detail: detail as Record<string, unknown>,
        },
        Date.now(),
      );
    switch (sub) {
      case "add": {
        const name = requireOption(values, "name");
        const role = requireOption(values, "role");
        const password = await readPassword();
        const leader = values.leader ?? false;
        await users.add(name, role, values.unit, password, Date.now(), { leader });
        audit("user.add", { role, ...(leader ? { leader } : {}) });
        process.stderr.write(
          `Added ${leader ? "the leader, " : ""}${role} user "${name}"${values.unit ? ` of unit "${values.unit}"` : ""}.\n`,
        );
        return 0;
      }
      case "password": {
        const name = requireOption(values, "name");
        if (!(await users.setPassword(name, await readPassword()))) {
          throw new ConfigError(`no user "${name}"`);
        }
        audit("user.password");
        process.stderr.write(`Changed the password of "${name}"; its sessions have ended.\n`);
        return 0;
      }
      case "remove": {
        const name = requireOption(values, "name");
        if (!users.remove(name)) throw new ConfigError(`no user "${name}"`);
        audit("user.remove");
        process.stderr.write(`Removed user "${name}" and ended its sessions.\n`);
        return 0;
      }
      case "list":
        for (const user of users.list()) {
          const role = user.leader ? `${user.role} (leader)` : user.role;
          process.stdout.write(`${user.name}\t${role}\t${user.unit ?? "-"}\n`);
        }
        return 0;
      default:
        throw new ConfigError(`unknown user command "${sub}" (add, password, remove, list)`);
    }
  } finally {
    db.close();
  }
}

/**
 * The password from standard input: its first line, so `printf '%s\n' "$PW" | ...` works. On a
 * terminal it is asked for without being echoed.
 */
async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  if (tty) {
    process.stderr.write("Password (not shown): ");
    stdin.setRawMode(true);
  }
  let text = "";
  for await (const chunk of stdin) {
    text += String(chunk);
    if (tty && lineEnd(text) >= 0) break;
  }
  if (tty) {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write("\n");
    if (text.includes(CTRL_C)) throw new ConfigError("cancelled");
  }
  const end = lineEnd(text);
  const password = end < 0 ? text : text.slice(0, end);
  if (password === "") throw new ConfigError("password: none given on standard input");
  return password;
}

const CTRL_C = "\u0003";
const CTRL_D = "\u0004";

/** Where the first line ends: a newline, or in raw terminal mode Ctrl-C or Ctrl-D. */
function lineEnd(text: string): number {
  const found = ["\r", "\n", CTRL_C, CTRL_D].map((c) => text.indexOf(c)).filter((i) => i >= 0);
  return found.length ? Math.min(...found) : -1;
}
