import { z } from "zod";

/** One host of `GET /api/host` (v1.1) and `GET /api/host/{hostname}`. */
export const Host = z.looseObject({
  hostname: z.string(),
  services: z.array(z.looseObject({ type: z.string(), id: z.string() })),
  ceph_version: z.string(),
  addr: z.string().optional(),
  labels: z.array(z.string()).optional(),
  sources: z.looseObject({ ceph: z.boolean(), orchestrator: z.boolean() }).optional(),
  status: z.string().optional(),
});
export type Host = z.infer<typeof Host>;
