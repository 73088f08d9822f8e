/**
 * cert-manager's Cloudflare DNS01 provider, as cert-manager v1 behaves (its
 * `pkg/issuer/acme/dns/cloudflare`): the zone is found by asking `GET /zones?name=` for each
 * parent of the record name, nearest first; Present creates the TXT record unless an identical one
 * exists; CleanUp deletes it. Errors carry cert-manager's wording ("while querying the Cloudflare
 * API for GET \"/zones?name=…\"", "Found no Zones for domain …"), which ends up in the Challenge's
 * `status.reason`. The API base URL is the emulated Cloudflare's instead of api.cloudflare.com.
 */

export interface CloudflareCredentials {
  /** An API token (`Authorization: Bearer`). */
  apiToken?: string | undefined;
  /** A global API key with its account email (`X-Auth-Key`, `X-Auth-Email`). */
  apiKey?: string | undefined;
  email?: string | undefined;
}

interface ApiError {
  code?: number;
  message?: string;
  error_chain?: ApiError[];
}

interface DnsRecord {
  id: string;
  zone_id: string;
  name: string;
  type: string;
  content: string;
}

const unFqdn = (name: string) => name.replace(/\.$/, "");

export class CloudflareDns01 {
  constructor(
    private readonly apiUrl: string,
    private readonly credentials: CloudflareCredentials,
    private readonly timeoutMs = 30_000,
  ) {}

  private async request<T>(method: string, uri: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { "user-agent": "cert-manager/v1 (homelab-kit stand-in)" };
    if (this.credentials.email) headers["x-auth-email"] = this.credentials.email;
    if (this.credentials.apiToken) headers.authorization = `Bearer ${this.credentials.apiToken}`;
    else headers["x-auth-key"] = this.credentials.apiKey ?? "";
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}${uri}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new Error(`while querying the Cloudflare API for ${method} "${uri}": ${cause}`);
    }
    let parsed: { success?: boolean; errors?: ApiError[]; result?: unknown };
    try {
      parsed = (await response.json()) as typeof parsed;
    } catch {
      throw new Error(
        `while querying the Cloudflare API for ${method} "${uri}": invalid character in the answer`,
      );
    }
    if (parsed.success !== true) {
      const errors = parsed.errors ?? [];
      if (errors.length === 0) throw new Error(`while querying the Cloudflare API for ${method} "${uri}"`);
      let text = "";
      for (const e of errors) {
        text += `\t Error: ${e.code ?? 0}: ${e.message ?? ""}`;
        for (const c of e.error_chain ?? []) text += `<- ${c.code ?? 0}: ${c.message ?? ""}`;
      }
      throw new Error(`while querying the Cloudflare API for ${method} "${uri}" \n${text}`);
    }
    return parsed.result as T;
  }

  /** The nearest zone holding `fqdn`, asking for each parent name in turn (a wildcard label is skipped). */
  async findNearestZone(fqdn: string): Promise<{ id: string; name: string }> {
    const labels = fqdn.split(".");
    let next = unFqdn(fqdn);
    let lastError: Error | undefined;
    for (let i = 0; i < labels.length - 1; i++) {
      const label = labels[i] ?? "";
      if (label.length + 1 > next.length) continue;
      if (label === "*") {
        next = next.slice(label.length + 1);
        continue;
      }
      lastError = undefined;
      try {
        const zones = await this.request<Array<{ id: string; name: string }>>("GET", `/zones?name=${next}`);
        if (zones.length > 0 && zones[0]) return zones[0];
      } catch (error) {
        lastError = error as Error;
        continue;
      }
      next = next.slice(label.length + 1);
    }
    if (lastError) throw new Error(`while attempting to find Zones for domain ${fqdn}\n${lastError.message}`);
    throw new Error(
      `Found no Zones for domain ${fqdn} (neither in the sub-domain nor in the SLD) please make sure your domain-entries in the config are correct and the API key is correctly setup with Zone.read rights.`,
    );
  }

  private async findTxtRecord(fqdn: string, value: string): Promise<DnsRecord | undefined> {
    const zone = await this.findNearestZone(fqdn);
    const records = await this.request<DnsRecord[]>(
      "GET",
      `/zones/${zone.id}/dns_records?per_page=100&type=TXT&name=${unFqdn(fqdn)}`,
    );
    return records.find((r) => r.name === unFqdn(fqdn) && r.content === value);
  }

  /** Creates the TXT record `fqdn` = `value` unless it exists. */
  async present(fqdn: string, value: string): Promise<void> {
    if (await this.findTxtRecord(fqdn, value)) return;
    const zone = await this.findNearestZone(fqdn);
    await this.request("POST", `/zones/${zone.id}/dns_records`, {
      type: "TXT",
      name: unFqdn(fqdn),
      content: value,
      ttl: 120,
    });
  }

  /** Deletes the TXT record `fqdn` = `value` (nothing to do when it is gone). */
  async cleanUp(fqdn: string, value: string): Promise<void> {
    const record = await this.findTxtRecord(fqdn, value);
    if (record === undefined) return;
    await this.request("DELETE", `/zones/${record.zone_id}/dns_records/${record.id}`);
  }

  /** The TXT values the API holds for `fqdn` (a propagation check without a resolver). */
  async txtValues(fqdn: string): Promise<string[]> {
    const zone = await this.findNearestZone(fqdn);
    const records = await this.request<DnsRecord[]>(
      "GET",
      `/zones/${zone.id}/dns_records?per_page=100&type=TXT&name=${unFqdn(fqdn)}`,
    );
    return records.map((r) => r.content);
  }
}
