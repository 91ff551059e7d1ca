// The fields of a ups check: the device and its credentials, as for the snmp kind.
import { defineCheckSchema } from "./check-schema.js";
import { refineCredentials, snmpTargetFields } from "./snmp-target.js";

export const upsCheckSchema = defineCheckSchema({
  kind: "ups",
  fields: { ...snmpTargetFields },
  refine: refineCredentials,
});
