// `giamsat-collector enroll-code [list|revoke]`: enrollment codes from the collector's machine, as
// operators make them on the web. A new code is printed once on standard output.
import { parseCommand, requireOption } from "../../shared/cli.js";
import { parseDuration } from "../../shared/duration.js";
import { ConfigError } from "../../shared/errors.js";
import { EnrollmentCodes, MAX_CODE_USES } from "../agents/enrollment-codes.js";
import { cliActor, recordAudit } from "../auth/audit.js";
import { loadCollectorConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { syncUnits } from "../inspection/units.js";
import { agentUrl } from "./enrollment.js";

export const CODE_HELP = `  giamsat-collector enroll-code --config collector.yaml --unit ID [--uses N] [--expires 7d]
                               [--url ws://host:port/agent]
  giamsat-collector enroll-code list   --config collector.yaml [--unit ID]
  giamsat-collector enroll-code revoke --config collector.yaml --id N`;

const options = {
  config: { type: "string" },
  unit: { type: "string" },
  uses: { type: "string" },
  expires: { type: "string" },
  url: { type: "string" },
  id: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

export function enrollCodeCommand(args: string[], help: () => number): number {
  const sub = args[0] === "list" || args[0] === "revoke" ? args[0] : "create";
  const { values } = parseCommand(sub === "create" ? args : args.slice(1), options);
  if (values.help) return help();
  const config = loadCollectorConfig(requireOption(values, "config"), process.env, {
    for: "database",
  });
  const db = openDatabase(config.database);
  const now = Date.now();
  try {
    syncUnits(db, config.units, now);
    const codes = new EnrollmentCodes(db);
    if (sub === "list") {
      for (const code of codes.list(values.unit)) {
        const state =
          code.revokedAt !== null
            ? "revoked"
            : code.expiresAt <= now
              ? "expired"
              : code.uses >= code.maxUses
                ? "used"
                : "valid";
        const line = [code.id, code.unit, `${code.uses}/${code.maxUses}`, when(code.expiresAt)];
        process.stdout.write(`${[...line, state, code.createdBy].join("\t")}\n`);
      }
      return 0;
    }
    if (sub === "revoke") {
      const idText = requireOption(values, "id");
      const found = /^\d{1,15}$/.test(idText) ? codes.get(Number(idText)) : undefined;
      if (!found)
        throw new ConfigError(`--id: no enrollment code ${idText} (see enroll-code list)`);
      db.transaction(() => {
        if (!codes.revoke(found.id, cliActor(), now)) {
          throw new ConfigError(`enrollment code ${found.id} is already revoked`);
        }
        const target = `gse-${found.selector}`;
        const entry = {
          actor: cliActor(),
          action: "code.revoke" as const,
          unit: found.unit,
          target,
        };
        recordAudit(db, { ...entry, detail: { code: found.id } }, now);
      })();
      process.stderr.write(
        `Revoked enrollment code ${found.id} of unit "${found.unit}"; agents it enrolled keep working.\n`,
      );
      return 0;
    }
    const unit = requireOption(values, "unit");
    const uses = Number(values.uses ?? "1");
    if (!/^\d+$/.test(values.uses ?? "1")) {
      throw new ConfigError(
        `--uses: "${values.uses}" must be a whole number from 1 to ${MAX_CODE_USES}`,
      );
    }
    const expiresText = values.expires ?? "7d";
    const lifetimeMs = parseDuration(expiresText);
    if (lifetimeMs === undefined) {
      throw new ConfigError(
        `--expires: "${expiresText}" is not a duration (write e.g. 1h, 7d, 30d)`,
      );
    }
    const { code, row } = db.transaction(() => {
      const made = codes.create(unit, { uses, lifetimeMs, createdBy: cliActor() }, now);
      const detail = {
        code: made.row.id,
        uses,
        expiresAt: new Date(made.row.expiresAt).toISOString(),
      };
      const target = `gse-${made.row.selector}`;
      recordAudit(db, { actor: cliActor(), action: "code.create", unit, target, detail }, now);
      return made;
    })();
    const url = values.url ?? agentUrl(config);
    process.stderr.write(
      `Enrollment code ${row.id} for unit "${unit}": ${uses} agent(s), until ${when(row.expiresAt)} UTC. It is shown only now.\n` +
        `Install an agent with it:  giamsat-agent install --collector ${url} --code CODE\n`,
    );
    process.stdout.write(`${code}\n`);
    return 0;
  } finally {
    db.close();
  }
}
