import * as aws4 from "aws4";

/** What a client needs from the stack outputs to call the API. */
export interface ApiCredentials {
    /** The stage URL, e.g. `https://abc123.execute-api.us-west-2.amazonaws.com/test`. */
    readonly invokeUrl: string;
    /** The region to sign for. */
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    /** Only for temporary credentials (STS). */
    readonly sessionToken?: string;
}

/** The parts of `fetch`'s `RequestInit` a signed request can carry. */
export interface SignedRequestInit {
    /** @default "GET" */
    readonly method?: string;
    readonly headers?: Record<string, string>;
    /** A string body is signed as sent; objects are not accepted (serialise them first). */
    readonly body?: string;
}

export type SignedFetch = (path: string, init?: SignedRequestInit) => Promise<Response>;

/**
 * A `fetch` that signs every request with SigV4 for `execute-api`, from the stack outputs.
 *
 * @example
 * ```ts
 * import { createSignedFetch } from "secured-rest-api/client";
 * const outputs = JSON.parse(fs.readFileSync("outputs.json", "utf8")); // pulumi stack output --json --show-secrets
 * const api = createSignedFetch(outputs);
 * const pets = await (await api("/pets")).json();
 * await api("/pets", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ type: "cat", price: 9 }) });
 * ```
 */
export function createSignedFetch(credentials: ApiCredentials): SignedFetch {
    for (const key of ["invokeUrl", "region", "accessKeyId", "secretAccessKey"] as const) {
        if (typeof credentials[key] !== "string" || credentials[key] === "") {
            throw new Error(`createSignedFetch needs ${key} (from the stack outputs).`);
        }
    }
    const base = new URL(credentials.invokeUrl);
    const basePath = base.pathname.replace(/\/$/, "");
    return (path, init = {}) => {
        const url = new URL(basePath + (path.startsWith("/") ? path : `/${path}`), base);
        const method = (init.method ?? "GET").toUpperCase();
        const signed = aws4.sign(
            {
                host: url.host,
                path: url.pathname + url.search,
                method,
                service: "execute-api",
                region: credentials.region,
                headers: { ...init.headers },
                body: init.body,
            },
            {
                accessKeyId: credentials.accessKeyId,
                secretAccessKey: credentials.secretAccessKey,
                sessionToken: credentials.sessionToken,
            },
        );
        const headers = { ...(signed.headers as Record<string, string>) };
        // fetch sets Host and Content-Length from the URL and body itself, to the same values.
        delete headers.Host;
        delete headers["Content-Length"];
        return fetch(url, { method, headers, body: init.body });
    };
}
