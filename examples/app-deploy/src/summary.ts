/** The summaries the examples print at the end of a run. */
import type { DeploySummary, DestroySummary } from "./deploy-app.js";
import type { StepChange } from "./errors.js";
import type { Change } from "./progress.js";

function changesLine(changes: Change[], dryRun: boolean): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
  const changed = ["created", "updated", "deleted"].filter((a) => counts.has(a));
  const planned = ["would create", "would update", "would delete"].filter((a) => counts.has(a));
  if (dryRun)
    return planned.length === 0
      ? "  plan: nothing to do, everything is in place"
      : `  plan: ${planned.map((a) => `${a} ${counts.get(a)}`).join(", ")} (dry run: nothing was changed)`;
  return changed.length === 0
    ? "  changes: none, everything was already in place"
    : `  changes: ${changed.map((a) => `${a} ${counts.get(a)}`).join(", ")}`;
}

export function formatDeploySummary(s: DeploySummary): string {
  const lines = [`Summary: ${s.app} at https://${s.host}${s.dryRun ? " (plan)" : ""}`];
  if (s.vm !== undefined)
    lines.push(
      `  MySQL VM: ${s.vm.name} (ID ${s.vm.id}) ${s.vm.state} at ${s.vm.ip}${s.vm.host ? ` on ${s.vm.host}` : ""}`,
    );
  if (s.database !== undefined)
    lines.push(
      `  database: ${s.database.name}, user ${s.database.user}@% (reached at ${s.database.reachedAt})`,
    );
  const prepared = s.prepared as
    | { action?: string; tables?: Array<{ table: string; sqlite: number; mysql: number }> }
    | undefined;
  if (prepared?.tables !== undefined)
    lines.push(
      `  migration: ${prepared.action}; rows SQLite/MySQL: ${prepared.tables.map((t) => `${t.table} ${t.sqlite}/${t.mysql}`).join(", ")}`,
    );
  const o = s.objects;
  lines.push(
    `  Kubernetes: namespace ${o.namespace}: Secret ${o.secret}, PVC ${o.pvc}, Deployment ${o.deployment}, Service ${o.service}, Ingress ${o.ingress}`,
  );
  if (s.rbd !== undefined)
    lines.push(
      `  Ceph: PV ${s.volume} is RBD image ${s.rbd.pool}/${s.rbd.image} (${(s.rbd.sizeBytes / 2 ** 30).toFixed(1)} GiB)`,
    );
  if (s.ingressAddress !== undefined) lines.push(`  Ingress address: ${s.ingressAddress}`);
  if (s.certificate !== undefined)
    lines.push(
      `  Certificate ${o.tlsSecret}: Ready for ${s.certificate.dnsNames.join(", ")} from ${s.certificate.issuer}, until ${s.certificate.notAfter ?? "?"}`,
    );
  if (s.https !== undefined)
    lines.push(
      `  HTTPS: ${s.https.endpoint} presents a certificate for ${s.https.subject} from ${s.https.issuer} (checked against ${s.https.trust}); GET / ${s.https.status}`,
    );
  lines.push(changesLine(s.changes, s.dryRun));
  return `${lines.join("\n")}\n`;
}

export function formatDestroySummary(s: DestroySummary): string {
  const kept = s.changes.filter((c) => c.action === "kept").map((c) => c.what);
  const lines = [`Summary: ${s.app} removed${s.dryRun ? " (plan)" : ""}`];
  if (kept.length > 0) lines.push(`  kept: ${kept.join(", ")}`);
  const line = changesLine(s.changes, s.dryRun);
  lines.push(line.includes("none, everything") ? "  changes: none, there was nothing left to remove" : line);
  return `${lines.join("\n")}\n`;
}

/** What a failed run changed before it stopped (it stays; a new run picks it up, --destroy removes it). */
export function formatLeftBehind(changes: ReadonlyArray<StepChange>): string {
  const made = changes.filter(
    (c) => c.action === "created" || c.action === "updated" || c.action === "deleted",
  );
  if (made.length === 0) return "   this run changed nothing before it stopped";
  return `   this run changed, before it stopped (left as is: run again once fixed, or --destroy): ${made
    .map((c) => `${c.action} ${c.what}`)
    .join(", ")}`;
}
