/**
 * What `homelab-emulator up` reads from the environment when a flag does not say it (flags win):
 * the way a container is configured (`docker run -e`, testcontainers' `withEnvironment`).
 *
 * | variable                          | instead of / what                                        |
 * | --------------------------------- | -------------------------------------------------------- |
 * | `HOMELAB_EMULATOR_TOPOLOGY`       | `--topology FILE` (a mounted file)                       |
 * | `HOMELAB_EMULATOR_TOPOLOGY_YAML`  | the topology itself, YAML or JSON text                   |
 * | `HOMELAB_EMULATOR_SPEED`          | `--speed X`                                              |
 * | `HOMELAB_EMULATOR_TOKEN`          | the control API's bearer token (default: a random one)   |
 * | `HOMELAB_EMULATOR_CEPH_USERNAME`, `HOMELAB_EMULATOR_CEPH_PASSWORD` | the first Ceph dashboard user |
 * | `HOMELAB_EMULATOR_ONE_PASSWORD`   | the first OpenNebula user's (oneadmin's) password        |
 * | `HOMELAB_EMULATOR_ILO_USERNAME`, `HOMELAB_EMULATOR_ILO_PASSWORD` | every host's first iLO user |
 *
 * Values never appear in errors (a wrong token or password is named by its variable only).
 */
import type { Topology } from "../topology/schema.js";
import { UsageError } from "./errors.js";

export const ENV = {
  topology: "HOMELAB_EMULATOR_TOPOLOGY",
  topologyYaml: "HOMELAB_EMULATOR_TOPOLOGY_YAML",
  speed: "HOMELAB_EMULATOR_SPEED",
  token: "HOMELAB_EMULATOR_TOKEN",
  cephUsername: "HOMELAB_EMULATOR_CEPH_USERNAME",
  cephPassword: "HOMELAB_EMULATOR_CEPH_PASSWORD",
  onePassword: "HOMELAB_EMULATOR_ONE_PASSWORD",
  iloUsername: "HOMELAB_EMULATOR_ILO_USERNAME",
  iloPassword: "HOMELAB_EMULATOR_ILO_PASSWORD",
} as const;

export type Environment = Readonly<Record<string, string | undefined>>;

/** Credentials that replace the topology's first user of each API. */
export interface CredentialOverrides {
  ceph?: { username?: string; password?: string };
  opennebula?: { password?: string };
  ilo?: { login?: string; password?: string };
}

/** A set, non-empty variable (an empty one counts as unset, as `docker run -e X=` gives). */
export function envValue(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** The control token from the environment: 16-256 visible ASCII characters (it goes in a header). */
export function controlTokenFromEnv(env: Environment): string | undefined {
  const token = envValue(env, ENV.token);
  if (token === undefined) return undefined;
  if (!/^[\x21-\x7e]{16,256}$/.test(token))
    throw new UsageError(`${ENV.token}: expected 16-256 visible ASCII characters (no spaces)`);
  return token;
}

function credential(env: Environment, name: string): string | undefined {
  const value = envValue(env, name);
  if (value !== undefined && /[\x00-\x1f\x7f]/.test(value))
    throw new UsageError(`${name}: control characters are not allowed`);
  return value;
}

/** The fields whose variables are set, or undefined when none is. */
function fields<K extends string>(
  env: Environment,
  names: Record<K, string>,
): Partial<Record<K, string>> | undefined {
  const out: Partial<Record<K, string>> = {};
  for (const [field, name] of Object.entries(names) as Array<[K, string]>) {
    const value = credential(env, name);
    if (value !== undefined) out[field] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

export function credentialsFromEnv(env: Environment): CredentialOverrides {
  const ceph = fields(env, { username: ENV.cephUsername, password: ENV.cephPassword });
  const opennebula = fields(env, { password: ENV.onePassword });
  const ilo = fields(env, { login: ENV.iloUsername, password: ENV.iloPassword });
  return {
    ...(ceph === undefined ? {} : { ceph }),
    ...(opennebula === undefined ? {} : { opennebula }),
    ...(ilo === undefined ? {} : { ilo }),
  };
}

/**
 * The topology with the first user of each API replaced (a topology without that API is refused:
 * the variable would silently do nothing). The result is plain data to validate again.
 */
export function applyCredentials(
  topology: Topology,
  overrides: CredentialOverrides,
): Record<string, unknown> {
  const copy = structuredClone(topology) as Topology;
  if (overrides.ceph !== undefined) {
    if (copy.ceph === undefined)
      throw new UsageError(`${ENV.cephUsername}/${ENV.cephPassword} are set but the topology has no Ceph`);
    const [first, ...rest] = copy.ceph.users;
    copy.ceph.users = [{ ...(first ?? { username: "admin", password: "" }), ...overrides.ceph }, ...rest];
  }
  if (overrides.opennebula !== undefined) {
    if (copy.opennebula === undefined)
      throw new UsageError(`${ENV.onePassword} is set but the topology has no OpenNebula`);
    const [first, ...rest] = copy.opennebula.users;
    copy.opennebula.users = [
      { ...(first ?? { name: "oneadmin", password: "" }), ...overrides.opennebula },
      ...rest,
    ];
  }
  if (overrides.ilo !== undefined) {
    for (const host of copy.hosts) {
      const [first, ...rest] = host.ilo.users;
      host.ilo.users = [
        { ...(first ?? { login: "Administrator", password: "", admin: true }), ...overrides.ilo },
        ...rest,
      ];
    }
  }
  return copy as unknown as Record<string, unknown>;
}
