/** Reading an HTTP request off the wire, as the local gateway and the local STS both do. */
import * as http from "http";
import { MAX_PAYLOAD_BYTES } from "./limits";

/** The request target's path and query; an absolute-form target (RFC 9112 §3.2.2) also gives its authority. */
export function requestTarget(target: string): { rawPath: string; rawQuery: string; authority: string | undefined } {
    const absolute = /^https?:\/\/([^/?#]*)(.*)$/i.exec(target);
    const origin = absolute ? (absolute[2].startsWith("/") ? absolute[2] : `/${absolute[2]}`) : target;
    const queryAt = origin.indexOf("?");
    return {
        rawPath: queryAt < 0 ? origin : origin.slice(0, queryAt),
        rawQuery: queryAt < 0 ? "" : origin.slice(queryAt + 1),
        authority: absolute?.[1],
    };
}

export function headerPairs(raw: string[]): [string, string][] {
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
    return pairs;
}

const NO_BODY = Buffer.alloc(0);

/** The request body, or undefined as soon as it passes the limit (API Gateway's payload limit by default). */
export function readBody(req: http.IncomingMessage, limit = MAX_PAYLOAD_BYTES): Promise<Buffer | undefined> {
    // HTTP/1.1: without Content-Length or Transfer-Encoding a request has no body.
    const length = req.headers["content-length"];
    if ((length === undefined || length === "0") && req.headers["transfer-encoding"] === undefined) {
        req.resume();
        return Promise.resolve(NO_BODY);
    }
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (chunk: Buffer) => {
            size += chunk.length;
            if (size <= limit) return void chunks.push(chunk);
            // Past the limit nothing more is read: the answer is 413, and the connection is closed after it.
            req.off("data", onData);
            req.off("end", onEnd);
            resolve(undefined);
        };
        const onEnd = () => resolve(Buffer.concat(chunks));
        req.on("data", onData);
        req.on("end", onEnd);
        req.on("error", (e) => reject(new ClientGone(e.message)));
    });
}

/** A prototype-free object, for data keyed by names the caller (or a backend) chose. */
export function prototypeFree<T>(): Record<string, T> {
    return Object.create(null) as Record<string, T>;
}

/** The caller's IP address (`aws:SourceIp`), an IPv4-mapped IPv6 address as its IPv4 form. */
export function sourceIpOf(req: http.IncomingMessage): string {
    const address = req.socket.remoteAddress;
    // Node leaves the address undefined only once the socket is gone: nobody is left to answer.
    if (address === undefined) throw new ClientGone("the connection closed before its address was read");
    return address.replace(/^::ffff:/, "");
}

/** The client closed the connection before its request arrived whole. */
export class ClientGone extends Error {}
