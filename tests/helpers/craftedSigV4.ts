import { createHash, createHmac } from "crypto";
import { Credentials } from "./rawHttp";

/**
 * A SigV4 header signer written from AWS's specification for tests that need what no client library
 * produces on purpose: a `SignedHeaders` list in the order given (unsorted, repeated), a `Date` header
 * instead of `X-Amz-Date`, or a date value exactly as given. It signs consistently with what it sends,
 * so the gateway can only refuse such a request for its form, never for a mismatch it made itself.
 */
export interface CraftedRequest {
    readonly method: string;
    /** Path and query as sent; the query must already be in canonical (sorted, encoded) order. */
    readonly target: string;
    readonly host: string;
    readonly region: string;
    readonly credentials: Credentials;
    /** Headers besides Host and the date header. */
    readonly headers?: readonly (readonly [string, string])[];
    readonly body?: string;
    /** Which header carries the date. @default "x-amz-date" */
    readonly dateHeader?: "x-amz-date" | "date";
    /** The date header's value as sent. @default now, in the header's proper format */
    readonly dateValue?: string;
    /** The moment signed into the scope and string-to-sign. @default now */
    readonly signedAt?: Date;
    /** Signed header names in the order to sign them. @default sorted, lower case */
    readonly signedHeaders?: readonly string[];
    /** The `SignedHeaders` list as written in the Authorization header. @default the signed list */
    readonly listedSignedHeaders?: readonly string[];
}

export function craftSignedHeaders(request: CraftedRequest): [string, string][] {
    const signedAt = request.signedAt ?? new Date();
    const amzDate = signedAt
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "");
    const dateHeader = request.dateHeader ?? "x-amz-date";
    const dateValue = request.dateValue ?? (dateHeader === "date" ? signedAt.toUTCString() : amzDate);
    const headers: [string, string][] = [
        ["Host", request.host],
        [dateHeader === "date" ? "Date" : "X-Amz-Date", dateValue],
        ...(request.headers ?? []).map(([n, v]) => [n, v] as [string, string]),
    ];
    const names = request.signedHeaders ?? [...new Set(headers.map(([n]) => n.toLowerCase()))].sort();
    const valueOf = (name: string) =>
        headers
            .filter(([n]) => n.toLowerCase() === name)
            .map(([, v]) => v.trim().replace(/\s+/g, " "))
            .join(",");
    const [path, query = ""] = request.target.split("?");
    const encodeSegment = (s: string) =>
        encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const canonical = [
        request.method,
        path
            .split("/")
            .map((s) => encodeSegment(s))
            .join("/"),
        query,
        names.map((n) => `${n}:${valueOf(n)}\n`).join(""),
        names.join(";"),
        createHash("sha256")
            .update(request.body ?? "")
            .digest("hex"),
    ].join("\n");
    const scope = `${amzDate.slice(0, 8)}/${request.region}/execute-api/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join(
        "\n",
    );
    const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
    const key = hmac(
        hmac(
            hmac(hmac(`AWS4${request.credentials.secretAccessKey}`, amzDate.slice(0, 8)), request.region),
            "execute-api",
        ),
        "aws4_request",
    );
    const signature = createHmac("sha256", key).update(toSign).digest("hex");
    headers.push([
        "Authorization",
        `AWS4-HMAC-SHA256 Credential=${request.credentials.accessKeyId}/${scope}, SignedHeaders=${(request.listedSignedHeaders ?? names).join(";")}, Signature=${signature}`,
    ]);
    return headers;
}
