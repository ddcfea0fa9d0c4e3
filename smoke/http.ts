import * as http from "http";
import * as https from "https";

/** A response as received: status, lower-cased headers, body text. */
export interface HttpAnswer {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
}

/**
 * Sends exactly the headers given (a signed request must reach the server byte for byte as signed),
 * over http or https by the URL's scheme.
 */
export function send(url: URL, method: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
        const request = transport.request(
            {
                protocol: url.protocol,
                hostname: url.hostname,
                port: url.port,
                path: url.pathname + url.search,
                method,
                headers,
                timeout: 30_000,
            },
            (response) => {
                const chunks: Buffer[] = [];
                response.on("data", (c: Buffer) => chunks.push(c));
                response.on("end", () =>
                    resolve({
                        status: response.statusCode ?? 0,
                        headers: response.headers,
                        body: Buffer.concat(chunks).toString(),
                    }),
                );
                response.on("error", reject);
            },
        );
        request.on("timeout", () => request.destroy(new Error(`${method} ${url.origin} timed out`)));
        request.on("error", reject);
        request.end(body);
    });
}
