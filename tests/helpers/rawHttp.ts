import * as net from "net";
import * as aws4 from "aws4";

export interface RawAnswer {
    readonly status: number;
    /** Header names lower-cased. */
    readonly headers: Record<string, string>;
    readonly body: string;
}

export interface RawRequest {
    readonly method: string;
    /** The request target exactly as it goes on the wire (no normalisation by a client library). */
    readonly target: string;
    /** Header lines in order; repeated names are sent repeatedly. */
    readonly headers: readonly (readonly [string, string])[];
    readonly body?: string;
}

/** Sends a request byte for byte over a fresh loopback connection and reads the whole answer. */
export function rawRequest(port: number, request: RawRequest): Promise<RawAnswer> {
    const body = request.body ?? "";
    const lines = [`${request.method} ${request.target} HTTP/1.1`, ...request.headers.map(([n, v]) => `${n}: ${v}`)];
    if (body !== "" && !request.headers.some(([n]) => n.toLowerCase() === "content-length"))
        lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    lines.push("Connection: close");
    return new Promise((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1");
        const chunks: Buffer[] = [];
        socket.on("data", (c: Buffer) => chunks.push(c));
        socket.on("error", reject);
        socket.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            const split = text.indexOf("\r\n\r\n");
            const [statusLine, ...headerLines] = text.slice(0, split).split("\r\n");
            const headers: Record<string, string> = {};
            for (const line of headerLines)
                headers[line.slice(0, line.indexOf(":")).toLowerCase()] = line.slice(line.indexOf(":") + 1).trim();
            resolve({ status: Number(statusLine.split(" ")[1]), headers, body: text.slice(split + 4) });
        });
        // write, not end: a half-closed client socket may be dropped before a slow answer is sent.
        socket.write(lines.join("\r\n") + "\r\n\r\n" + body);
    });
}

export interface Credentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    /** Temporary credentials' token, sent as X-Amz-Security-Token. */
    readonly sessionToken?: string;
}

/** Signs a request with aws4 for execute-api (or another service), returning the header lines to send (Host first). */
export function signedHeaders(
    host: string,
    region: string,
    credentials: Credentials,
    request: { method: string; target: string; headers?: Record<string, string>; body?: string; service?: string },
): [string, string][] {
    const signed = aws4.sign(
        {
            host,
            path: request.target,
            method: request.method,
            service: request.service ?? "execute-api",
            region,
            headers: { ...request.headers },
            body: request.body,
        },
        credentials,
    );
    return Object.entries(signed.headers as Record<string, string>).map(([n, v]) => [n, String(v)]);
}

/** A presigned target (SigV4 in the query string), as aws4 makes it. */
export function presignedTarget(
    host: string,
    region: string,
    credentials: Credentials,
    method: string,
    target: string,
): string {
    const signed = aws4.sign(
        { host, path: target, method, service: "execute-api", region, signQuery: true },
        credentials,
    );
    return signed.path as string;
}

/** `20150830T123600Z` for a moment `offsetMs` away from now. */
export function amzDate(offsetMs = 0): string {
    return new Date(Date.now() + offsetMs)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "");
}
