// What the discovery API and forms take in a request's body, read as the service needs it: the
// networks of a run, and a decision about a device with the checks approved. Anything else is
// refused (400) with the field named.
import { HttpError } from "../../shared/errors.js";
import { CHECK_NAME } from "../../shared/protocol.js";
import type { ProposedCheck } from "./proposals.js";

export function networksOf(body: unknown): string[] | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== "object" || Array.isArray(body))
    throw new HttpError(400, "body: must be a JSON object");
  const extra = Object.keys(body).filter((key) => key !== "networks");
  if (extra.length > 0)
    throw new HttpError(400, `${extra[0]}: unknown key; only networks is taken`);
  const networks = (body as { networks?: unknown }).networks;
  if (networks === undefined) return undefined;
  if (
    !Array.isArray(networks) ||
    networks.length === 0 ||
    networks.length > 16 ||
    !networks.every((n) => typeof n === "string")
  ) {
    throw new HttpError(400, "networks: must be a list of 1 to 16 CIDR texts such as 10.20.1.0/24");
  }
  return networks as string[];
}

const CHECK_KINDS = ["ping", "snmp", "printer", "ups", "http"];

export function decisionOf(body: unknown): {
  decision: "approved" | "ignored";
  checks?: ProposedCheck[];
} {
  const { decision, checks, ...rest } = (body ?? {}) as { decision?: unknown; checks?: unknown };
  const extra = Object.keys(rest)[0];
  if (extra !== undefined)
    throw new HttpError(400, `${extra}: unknown key; decision and checks are taken`);
  if (decision !== "approve" && decision !== "ignore") {
    throw new HttpError(400, 'decision: must be "approve" or "ignore"');
  }
  if (checks === undefined) return { decision: decision === "approve" ? "approved" : "ignored" };
  if (decision !== "approve") throw new HttpError(400, "checks: only with decision approve");
  if (!Array.isArray(checks) || checks.length > 16)
    throw new HttpError(400, "checks: a list of at most 16 checks");
  checks.forEach((check, i) => {
    const { name, kind } = (check ?? {}) as { name?: unknown; kind?: unknown };
    if (typeof name !== "string" || !CHECK_NAME.test(name))
      throw new HttpError(400, `checks[${i}].name: must be a check's name`);
    if (typeof kind !== "string" || !CHECK_KINDS.includes(kind)) {
      throw new HttpError(400, `checks[${i}].kind: must be one of ${CHECK_KINDS.join(", ")}`);
    }
  });
  return { decision: "approved", checks: checks as ProposedCheck[] };
}
