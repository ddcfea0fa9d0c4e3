import * as http from "http";
import * as https from "https";

/** How to reach a TLS endpoint that the system's DNS and trust store know nothing of (local mode's custom domains). */
export interface TlsOptions {
    /** CA certificates to trust, PEM, instead of Node's own (local mode's CA). */
    readonly ca?: string | Buffer;
    /** A client certificate and its key, PEM, for a custom domain with mutual TLS. */
    readonly clientCertificate?: { readonly cert: string | Buffer; readonly key: string | Buffer };
    /** Where to connect instead of the URL's host and port; the URL's host stays the TLS name and the Host header. */
    readonly connectTo?: { readonly host: string; readonly port: number };
}

/** An answer as received: status, lower-cased headers, the body's bytes. */
export interface RawAnswer {
    readonly status: number;
    readonly statusText: string;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: Buffer;
}

/**
 * Sends exactly the headers given (a signed request must reach the server byte for byte as signed),
 * over http or https by the URL's scheme, connecting where `tls.connectTo` says.
 */
export function sendRequest(
    url: URL,
    request: { readonly method: string; readonly headers: Record<string, string>; readonly body?: string | Buffer },
    tls: TlsOptions = {},
): Promise<RawAnswer> {
    const secure = url.protocol === "https:";
    const transport = secure ? https : http;
    return new Promise((resolve, reject) => {
        const sent = transport.request(
            {
                protocol: url.protocol,
                hostname: tls.connectTo?.host ?? url.hostname,
                port: tls.connectTo?.port ?? url.port,
                path: url.pathname + url.search,
                method: request.method,
                headers: request.headers,
                timeout: 30_000,
                ...(secure
                    ? {
                          servername: url.hostname,
                          ca: tls.ca,
                          cert: tls.clientCertificate?.cert,
                          key: tls.clientCertificate?.key,
                      }
                    : {}),
            },
            (response) => {
                const chunks: Buffer[] = [];
                response.on("data", (c: Buffer) => chunks.push(c));
                response.on("end", () =>
                    resolve({
                        status: response.statusCode ?? 0,
                        statusText: response.statusMessage ?? "",
                        headers: response.headers,
                        body: Buffer.concat(chunks),
                    }),
                );
                response.on("error", reject);
            },
        );
        sent.on("timeout", () => sent.destroy(new Error(`${request.method} ${url.origin} timed out`)));
        sent.on("error", reject);
        sent.end(request.body);
    });
}

/** Statuses whose response has no body, as `Response` requires. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** A raw answer as a fetch `Response`, for callers of `createSignedFetch`. */
export function asResponse(answer: RawAnswer): Response {
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
        for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
    }
    return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.body, {
        status: answer.status,
        statusText: answer.statusText,
        headers,
    });
}
