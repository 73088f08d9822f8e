import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";

export interface AnsibleResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An empty working directory, so no playbook-adjacent group_vars/ leak into the results. */
const cwd = mkdtempSync(join(tmpdir(), "ks-ansible-cwd-"));

/** Removes the working directory (call once, after the last ansible-inventory run). */
export function cleanupAnsible(): void {
  rmSync(cwd, { recursive: true, force: true });
}

/**
 * Runs the real `ansible-inventory -i FILE --list`. Unparsable sources fail the command
 * (`inventory_unparsed_failed`) instead of printing an empty inventory; group names with '-' are kept
 * as written, as with Kubespray's ansible.cfg (`force_valid_group_names = ignore`).
 */
export function ansibleList(file: string): Promise<AnsibleResult> {
  return new Promise((resolve) => {
    execFile(
      "ansible-inventory",
      ["-i", file, "--list"],
      {
        cwd,
        maxBuffer: 256 * 1024 * 1024,
        env: {
          ...process.env,
          ANSIBLE_INVENTORY_UNPARSED_FAILED: "True",
          ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS: "ignore",
          ANSIBLE_NOCOLOR: "1",
          ANSIBLE_LOCAL_TEMP: join(cwd, "tmp"),
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs many ansible-inventory calls, as many at once as there are CPUs. */
export async function ansibleListAll(files: string[]): Promise<Map<string, AnsibleResult>> {
  const out = new Map<string, AnsibleResult>();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++]!;
      out.set(f, await ansibleList(f));
    }
  };
  await Promise.all(Array.from({ length: Math.max(2, cpus().length) }, worker));
  return out;
}
