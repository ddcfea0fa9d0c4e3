import * as aws4 from "aws4";
import { chooseEndpoint, EndpointChoice } from "./endpoint";
import { asResponse, sendRequest, TlsOptions } from "./transport";

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
    /** The custom domain's URL (`https://<domain>/<basePath>`): called and signed instead of the invoke URL when present. */
    readonly domainUrl?: string;
    /** Whether the default endpoint is off, as the stack outputs say. */
    readonly disableExecuteApiEndpoint?: boolean;
}

/** How a signed fetch reaches the API, beyond the stack outputs. */
export interface SignedFetchOptions {
    /**
     * `"domain"` calls and signs the custom domain (the default when the outputs hold `domainUrl`),
     * `"default"` the `execute-api` invoke URL (refused when the outputs say it is disabled).
     */
    readonly endpoint?: EndpointChoice;
    /** The client certificate and its key, PEM, for a custom domain with mutual TLS. */
    readonly clientCertificate?: TlsOptions["clientCertificate"];
    /** CA certificates to trust instead of Node's own, PEM (local mode's CA is read from its outputs by itself). */
    readonly ca?: string | Buffer;
}

/** The parts of `fetch`'s `RequestInit` a signed request can carry; each wins over a `Request`'s own. */
export interface SignedRequestInit {
    /** @default "GET" (or the `Request`'s) */
    readonly method?: string;
    readonly headers?: Record<string, string>;
    /** A string body is signed as sent; objects are not accepted (serialise them first). */
    readonly body?: string;
}

/**
 * A `fetch` that signs: given a path below the invoke URL (`/pets?type=cat`), a URL under it, or a
 * `Request` for one (method, headers and body signed as the request holds them), as `openapi-fetch`'s
 * `fetch` option passes it.
 */
export type SignedFetch = (input: string | URL | Request, init?: SignedRequestInit) => Promise<Response>;

/**
 * Credentials to sign with: long-term keys, or temporary ones (a role session, an identity pool's
 * guest or user) with their session token and expiry, the shape `@aws-sdk/credential-providers` gives.
 */
export interface TemporaryCredentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    /** Sent as `X-Amz-Security-Token`; required with temporary credentials. */
    readonly sessionToken?: string;
    /** When they stop working; the provider is asked again before then. */
    readonly expiration?: Date;
}

/** Anything that gives credentials when asked, e.g. `fromCognitoIdentityPool(…)` or `fromTemporaryCredentials(…)`. */
export type CredentialsProvider = () => Promise<TemporaryCredentials>;

/** The API to call, and where the credentials come from (instead of the keys in the stack outputs). */
export interface ApiEndpointWithCredentials {
    /** The stage URL, e.g. `https://abc123.execute-api.us-west-2.amazonaws.com/test`. */
    readonly invokeUrl: string;
    /** The region to sign for. */
    readonly region: string;
    readonly credentials: TemporaryCredentials | CredentialsProvider;
    /** The custom domain's URL, called and signed instead of the invoke URL when present. */
    readonly domainUrl?: string;
    /** Whether the default endpoint is off, as the stack outputs say. */
    readonly disableExecuteApiEndpoint?: boolean;
}

/** Credentials are asked for again when they expire within this (the AWS SDKs' own margin). */
export const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * A `fetch` that signs every request with SigV4 for `execute-api`: from the stack outputs' keys, or
 * from a credentials provider (temporary credentials, refreshed before they expire).
 *
 * @example
 * ```ts
 * import { createSignedFetch } from "secured-rest-api/client";
 * const outputs = JSON.parse(fs.readFileSync("outputs.json", "utf8")); // pulumi stack output --json --show-secrets
 * const api = createSignedFetch(outputs);
 * const pets = await (await api("/pets")).json();
 * await api("/pets", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ type: "cat", price: 9 }) });
 * ```
 * @example
 * ```ts
 * import createClient from "openapi-fetch";
 * import type { paths } from "./petstore"; // npx openapi-typescript petstore.openapi.yaml -o petstore.d.ts
 * const client = createClient<paths>({ baseUrl: outputs.invokeUrl, fetch: createSignedFetch(outputs) });
 * const { data: pets } = await client.GET("/pets");
 * ```
 * @example
 * ```ts
 * // A custom domain with mutual TLS: the outputs' domainUrl is called and signed, with the client's certificate.
 * const api = createSignedFetch(outputs, { clientCertificate: { cert: fs.readFileSync("client.pem"), key: fs.readFileSync("client.key") } });
 * ```
 * @example
 * ```ts
 * import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
 * const api = createSignedFetch({ invokeUrl, region, credentials: fromCognitoIdentityPool({ identityPoolId, clientConfig: { region } }) });
 * ```
 */
export function createSignedFetch(
    config: ApiCredentials | ApiEndpointWithCredentials,
    options: SignedFetchOptions = {},
): SignedFetch {
    const where = "createSignedFetch's credentials";
    if ("credentials" in config) {
        assertApiEndpoint(config, where);
        const credentials = config.credentials as unknown;
        if (typeof credentials !== "function" && (typeof credentials !== "object" || credentials === null))
            throw new Error(
                `${where}: credentials must be { accessKeyId, secretAccessKey, sessionToken? } or a provider function.`,
            );
    } else assertApiCredentials(config, where);
    const credentialsNow =
        "credentials" in config ? refreshing(config.credentials, where) : () => Promise.resolve(config);
    const endpoint = chooseEndpoint(config as ApiCredentials & Record<string, unknown>, options.endpoint);
    const tls: TlsOptions = {
        ca: options.ca ?? endpoint.ca,
        clientCertificate: options.clientCertificate,
        connectTo: endpoint.connectTo,
    };
    // fetch cannot be told where to connect, what to trust or which certificate to present: node:https can.
    const ownTransport = tls.ca !== undefined || tls.clientCertificate !== undefined || tls.connectTo !== undefined;
    const base = new URL(endpoint.baseUrl);
    const basePath = base.pathname.replace(/\/$/, "");
    return async (input, init = {}) => {
        const request = input instanceof Request ? input : undefined;
        const target = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
        const url = requestUrl(base, basePath, target, endpoint.domain ? "custom domain's URL" : "invoke URL");
        const credentials = await credentialsNow();
        const method = (init.method ?? request?.method ?? "GET").toUpperCase();
        const requestHeaders: Record<string, string> = {};
        request?.headers.forEach((value, name) => (requestHeaders[name] = value));
        const body = init.body ?? (request?.body ? Buffer.from(await request.arrayBuffer()) : undefined);
        const signed = aws4.sign(
            {
                host: url.host,
                path: url.pathname + url.search,
                method,
                service: "execute-api",
                region: config.region,
                headers: { ...requestHeaders, ...init.headers },
                body,
            },
            {
                accessKeyId: credentials.accessKeyId,
                secretAccessKey: credentials.secretAccessKey,
                sessionToken: credentials.sessionToken,
            },
        );
        if (ownTransport)
            return asResponse(
                await sendRequest(
                    url,
                    { method, headers: { ...(signed.headers as Record<string, string>) }, body },
                    tls,
                ),
            );
        // fetch sets Host and Content-Length from the URL and body itself, to the same values.
        const headers = Object.fromEntries(
            Object.entries(signed.headers as Record<string, string>).filter(
                ([name]) => !/^(host|content-length)$/i.test(name),
            ),
        );
        return fetch(url, { method, headers, body, signal: request?.signal });
    };
}

/**
 * The URL a request goes to: a path (with its query) below the base URL (the invoke URL or the custom
 * domain's), or a full URL that is already below it. Anything that would leave the base URL's origin
 * is refused, so a signed request never goes to another host.
 */
function requestUrl(base: URL, basePath: string, target: string, what: string): URL {
    const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target);
    const url = absolute ? new URL(target) : new URL(basePath + (target.startsWith("/") ? target : `/${target}`), base);
    const underBase = url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
    if (url.origin !== base.origin || !underBase) {
        throw new Error(
            `${target} is not under the ${what} ${base.href}: pass a path such as /pets, or a URL that starts with the ${what}.`,
        );
    }
    return url;
}

/**
 * Credentials from a provider, asked for once and again only when they expire within
 * {@link CREDENTIALS_REFRESH_MARGIN_MS} (concurrent requests share one refresh); fixed credentials as given.
 */
function refreshing(
    source: TemporaryCredentials | CredentialsProvider,
    where: string,
): () => Promise<TemporaryCredentials> {
    if (typeof source !== "function") return () => Promise.resolve(source);
    let current: Promise<TemporaryCredentials> | undefined;
    let expiresAt = -Infinity;
    const ask = async () => {
        const credentials = await source();
        if (typeof credentials?.accessKeyId !== "string" || typeof credentials.secretAccessKey !== "string")
            throw new Error(`${where}: the credentials provider gave no accessKeyId and secretAccessKey.`);
        const expiration = credentials.expiration?.getTime() ?? Infinity;
        if (expiration <= Date.now())
            throw new Error(
                `${where}: the credentials provider gave credentials that expired at ${credentials.expiration!.toISOString()}.`,
            );
        expiresAt = expiration;
        return credentials;
    };
    return () => {
        if (!current || expiresAt - CREDENTIALS_REFRESH_MARGIN_MS <= Date.now()) {
            expiresAt = Infinity; // one refresh at a time: requests meanwhile wait for it
            current = ask();
            current.catch(() => {
                current = undefined;
            });
        }
        return current;
    };
}

/** What a client needs of the stack outputs when its credentials come from elsewhere: an http(s) invoke URL and a region. */
export function assertApiEndpoint(
    value: unknown,
    where: string,
): asserts value is { invokeUrl: string; region: string } {
    const record = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
    const missing = ["invokeUrl", "region"].filter((k) => typeof record[k] !== "string" || record[k] === "");
    if (missing.length > 0) throw new Error(`${where} lacks ${missing.join(", ")}.`);
    assertHttpUrl(record.invokeUrl, where);
}

function assertHttpUrl(invokeUrl: unknown, where: string): void {
    let url: URL | undefined;
    try {
        url = new URL(invokeUrl as string);
    } catch {
        url = undefined;
    }
    if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:"))
        throw new Error(`${where}: invokeUrl ${JSON.stringify(invokeUrl)} is not an http(s) URL.`);
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
            `${where} holds no stack outputs of a SecuredRestApi (no ${missing.join(", ")}). Use the file local mode writes (.local/outputs-<stack>.json), or "pulumi stack output --json --show-secrets > outputs.json".`,
        );
    }
    if (missing.length > 0) {
        const keysMissing = missing.some((k) => k === "accessKeyId" || k === "secretAccessKey");
        const otherCredentials = keysMissing
            ? ', or, for a stack without a user (createUser: false), give the tools --credential-process "<command>" that prints a caller\'s credentials (docs/clients.md)'
            : "";
        throw new Error(
            `${where} lacks ${missing.join(", ")}; export them from your program (export const ${missing[0]} = api.${missing[0]}, as this repository's index.ts does)${otherCredentials}.`,
        );
    }
    assertHttpUrl(record.invokeUrl, where);
}
