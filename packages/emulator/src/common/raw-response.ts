/**
 * Parses the bytes of a `raw` route response (status line, headers, body) so that in-process
 * front ends (routesTransport, msw) see what an HTTP client would see on a socket.
 * Accepts CRLF or bare LF line ends; the body is delimited by chunked encoding, content-length,
 * or the end of the bytes (the connection close).
 */
export interface ParsedRawResponse {
  status: number;
  statusText: string;
  /** Flat `[name, value, …]`, as received. */
  headers: string[];
  body: Uint8Array;
}

export class RawResponseError extends Error {
  override readonly name = "RawResponseError";
}

export function parseRawResponse(raw: string | Uint8Array): ParsedRawResponse {
  const bytes =
    typeof raw === "string"
      ? Buffer.from(raw, "utf8")
      : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const headEnd = findHeadEnd(bytes);
  if (headEnd === undefined) throw new RawResponseError("raw response has no end of headers");
  const lines = bytes.subarray(0, headEnd.at).toString("latin1").split(/\r?\n/);
  const statusLine = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
  if (statusLine === null)
    throw new RawResponseError(`raw response has a bad status line: ${JSON.stringify(lines[0])}`);
  const headers: string[] = [];
  let contentLength: number | undefined;
  let chunked = false;
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new RawResponseError(`raw response has a bad header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    headers.push(name, value);
    const lower = name.toLowerCase();
    if (lower === "content-length") contentLength = Number.parseInt(value, 10);
    if (lower === "transfer-encoding" && value.toLowerCase().includes("chunked")) chunked = true;
  }
  const rest = bytes.subarray(headEnd.at + headEnd.length);
  let body: Uint8Array;
  if (chunked) body = decodeChunked(rest);
  else if (contentLength !== undefined && Number.isFinite(contentLength))
    body = rest.subarray(0, contentLength);
  else body = rest;
  return {
    status: Number(statusLine[1]),
    statusText: statusLine[2] ?? "",
    headers,
    body: new Uint8Array(body),
  };
}

function findHeadEnd(bytes: Buffer): { at: number; length: number } | undefined {
  const crlf = bytes.indexOf("\r\n\r\n");
  const lf = bytes.indexOf("\n\n");
  if (crlf === -1 && lf === -1) return undefined;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { at: crlf, length: 4 };
  return { at: lf, length: 2 };
}

function decodeChunked(bytes: Buffer): Uint8Array {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const lineEnd = bytes.indexOf("\n", offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(
      bytes.subarray(offset, lineEnd).toString("latin1").trim().split(";")[0] ?? "",
      16,
    );
    if (!Number.isFinite(size)) throw new RawResponseError("raw response has a bad chunk size");
    if (size === 0) break;
    const start = lineEnd + 1;
    parts.push(bytes.subarray(start, start + size));
    offset = start + size;
    if (bytes[offset] === 0x0d) offset++;
    if (bytes[offset] === 0x0a) offset++;
  }
  return Buffer.concat(parts);
}
