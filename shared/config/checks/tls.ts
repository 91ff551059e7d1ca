// The fields of a tls check: the service whose handshake and certificate are checked.
import { z } from "zod";
import { defineCheckSchema } from "./check-schema.js";
import { hostField, portField } from "./endpoint.js";

export const tlsCheckSchema = defineCheckSchema({
  kind: "tls",
  inventory: true,
  fields: {
    host: hostField,
    port: portField.default(443),
    /** SNI and the name the certificate must carry; default the host. */
    serverName: hostField.optional(),
    /** PEM file of the certificate authorities to trust instead of the system's. */
    ca: z.string().min(1).optional(),
    insecureSkipVerify: z.boolean().default(false),
  },
});
