// The fields of the host check (the machine the agent runs on): the common ones and its inventory's.
import { defineCheckSchema } from "./check-schema.js";

export const hostCheckSchema = defineCheckSchema({ kind: "host", inventory: true, fields: {} });
