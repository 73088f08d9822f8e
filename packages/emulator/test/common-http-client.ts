/** A tiny node:http(s) client for the common/ tests: real sockets, raw status line and headers. */
import { type Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

export interface SimpleResponse {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  text: string;
}

export interface SimpleRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | readonly (string | Uint8Array)[];
  agent?: Agent | false;
  ca?: string;
}

/** One request; a body given as an array is sent chunk by chunk with chunked encoding. */
export function fetchRaw(url: string, options: SimpleRequestOptions = {}): Promise<SimpleResponse> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? "GET",
        headers: options.headers,
        ...(options.agent === undefined ? {} : { agent: options.agent }),
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? "",
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body,
            text: body.toString("utf8"),
          });
        });
      },
    );
    req.on("error", reject);
    const body = options.body;
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else {
      req.end(body as string | Uint8Array | undefined);
    }
  });
}
