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
    assertApiCredentials(credentials, "createSignedFetch's credentials");
    const base = new URL(credentials.invokeUrl);
    const basePath = base.pathname.replace(/\/$/, "");
    return async (path, init = {}) => {
        const url = requestUrl(base, basePath, path);
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

/**
 * The URL a request goes to: a path (with its query) below the invoke URL, or a full URL that is
 * already below it. Anything that would leave the invoke URL's origin is refused, so a signed request
 * never goes to another host.
 */
function requestUrl(base: URL, basePath: string, target: string): URL {
    const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target);
    const url = absolute ? new URL(target) : new URL(basePath + (target.startsWith("/") ? target : `/${target}`), base);
    const underBase = url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
    if (url.origin !== base.origin || !underBase) {
        throw new Error(
            `${target} is not under the invoke URL ${base.href}: pass a path such as /pets, or a URL that starts with the invoke URL.`,
        );
    }
    return url;
}

/** The stack outputs a client needs: every credential, and an http(s) invoke URL. */
const REQUIRED_OUTPUTS = ["invokeUrl", "region", "accessKeyId", "secretAccessKey"] as const;

/**
 * Checks that a value holds what a client needs from the stack outputs, naming what is missing or
 * wrong (never a value: they include the secret key). `where` names the value in the message.
 */
export function assertApiCredentials(value: unknown, where: string): asserts value is ApiCredentials {
    const record = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
    const missing = REQUIRED_OUTPUTS.filter((k) => typeof record[k] !== "string" || record[k] === "");
    if (missing.length === REQUIRED_OUTPUTS.length) {
        throw new Error(
            `${where} holds no stack outputs of a SecuredRestApi (no ${missing.join(", ")}). Use the file npm start writes, or "pulumi stack output --json --show-secrets > outputs.json".`,
        );
    }
    if (missing.length > 0)
        throw new Error(`${where} lacks ${missing.join(", ")}; export them from the program (see index.ts).`);
    let url: URL | undefined;
    try {
        url = new URL(record.invokeUrl as string);
    } catch {
        url = undefined;
    }
    if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:"))
        throw new Error(`${where}: invokeUrl ${JSON.stringify(record.invokeUrl)} is not an http(s) URL.`);
}
