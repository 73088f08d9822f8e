/**
 * The state of the emulated Cloudflare account: zones, their DNS records and the API tokens that
 * may read and edit them. The zones are the authoritative DNS for their names: `resolveTxt()` is
 * what a resolver would get, which the cert-manager stand-in's DNS01 checks read.
 */
import { createHash, randomBytes } from "node:crypto";

export interface CloudflareZone {
  /** 32 hex digits, as Cloudflare's zone identifiers. */
  readonly id: string;
  /** `example.com` (lower case, no trailing dot). */
  readonly name: string;
  readonly createdOn: string;
}

export interface CloudflareRecord {
  id: string;
  zoneId: string;
  /** Fully qualified, lower case, no trailing dot: `_acme-challenge.redmine.example.com`. */
  name: string;
  type: string;
  content: string;
  /** Seconds; 1 means "automatic". */
  ttl: number;
  proxied: boolean;
  comment: string | null;
  tags: string[];
  createdOn: string;
  modifiedOn: string;
}

export interface CloudflareToken {
  /** 32 hex digits (what `/user/tokens/verify` answers as `id`). */
  readonly id: string;
  readonly name: string;
  /** The secret sent as `Authorization: Bearer <value>`. */
  readonly value: string;
  /** Zone names the token may read and edit; undefined: every zone of the account. */
  readonly zones: readonly string[] | undefined;
}

export interface CloudflareStateInit {
  /** Account name (default `homelab`). */
  account?: string;
  zones: Array<{ name: string; id?: string | undefined }>;
  tokens: Array<{ name: string; value: string; zones?: string[] | undefined }>;
  /** Milliseconds for `created_on`/`modified_on` (default `Date.now`). */
  now?: () => number;
}

/** Record types the emulated API accepts (Cloudflare's common ones). */
export const RECORD_TYPES = ["A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "CAA"] as const;

const hex32 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 32);

/** A DNS name as Cloudflare keeps it: lower case, no trailing dot. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

export class CloudflareState {
  readonly account: { id: string; name: string };
  readonly zones = new Map<string, CloudflareZone>();
  readonly records = new Map<string, CloudflareRecord>();
  /** By token value. */
  readonly tokens = new Map<string, CloudflareToken>();
  readonly now: () => number;

  constructor(init: CloudflareStateInit) {
    this.now = init.now ?? Date.now;
    const account = init.account ?? "homelab";
    this.account = { id: hex32(`account:${account}`), name: account };
    const created = new Date(this.now()).toISOString();
    for (const zone of init.zones) {
      const name = normalizeName(zone.name);
      const id = zone.id ?? hex32(`zone:${name}`);
      this.zones.set(id, { id, name, createdOn: created });
    }
    for (const token of init.tokens) {
      this.tokens.set(token.value, {
        id: hex32(`token:${token.name}`),
        name: token.name,
        value: token.value,
        zones: token.zones?.map(normalizeName),
      });
    }
  }

  zoneByName(name: string): CloudflareZone | undefined {
    const wanted = normalizeName(name);
    for (const zone of this.zones.values()) if (zone.name === wanted) return zone;
    return undefined;
  }

  /** Whether `token` may read and edit `zone`. */
  allows(token: CloudflareToken, zone: CloudflareZone): boolean {
    return token.zones === undefined || token.zones.includes(zone.name);
  }

  /** The zone a name belongs to (the longest zone name it ends with). */
  zoneFor(fqdn: string): CloudflareZone | undefined {
    const name = normalizeName(fqdn);
    let best: CloudflareZone | undefined;
    for (const zone of this.zones.values()) {
      if (
        (name === zone.name || name.endsWith(`.${zone.name}`)) &&
        zone.name.length > (best?.name.length ?? -1)
      )
        best = zone;
    }
    return best;
  }

  /** A record name as Cloudflare reads it in a zone: `@` is the apex, a relative name gets the zone appended. */
  qualify(name: string, zone: CloudflareZone): string {
    const n = normalizeName(name);
    if (n === "@" || n === "") return zone.name;
    return n === zone.name || n.endsWith(`.${zone.name}`) ? n : `${n}.${zone.name}`;
  }

  recordsOf(zoneId: string): CloudflareRecord[] {
    return [...this.records.values()].filter((r) => r.zoneId === zoneId);
  }

  addRecord(input: Omit<CloudflareRecord, "id" | "createdOn" | "modifiedOn">): CloudflareRecord {
    const at = new Date(this.now()).toISOString();
    const record: CloudflareRecord = {
      ...input,
      id: randomBytes(16).toString("hex"),
      createdOn: at,
      modifiedOn: at,
    };
    this.records.set(record.id, record);
    return record;
  }

  /**
   * The TXT strings an authoritative server of the account answers for `fqdn` (empty when no
   * zone of the account holds the name, or it has no TXT record).
   */
  resolveTxt(fqdn: string): string[] {
    const name = normalizeName(fqdn);
    const zone = this.zoneFor(name);
    if (zone === undefined) return [];
    return this.recordsOf(zone.id)
      .filter((r) => r.type === "TXT" && r.name === name)
      .map((r) => r.content.replace(/^"(.*)"$/, "$1"));
  }
}

export function createCloudflareState(init: CloudflareStateInit): CloudflareState {
  return new CloudflareState(init);
}
