import { timingSafeEqual } from "crypto";
import { Hash } from "@smithy/core/serde";
import { getSigningKey, SignatureV4Base } from "@smithy/signature-v4";
import type { HeaderBag, HttpRequest, QueryParameterBag } from "@smithy/types";
import {
    GatewayResponse,
    IncompletePart,
    incompleteSignature,
    invalidSignature,
    missingAuthenticationToken,
    missingEqualSign,
    signatureMismatch,
    unrecognizedClient,
} from "./responses";

const ALGORITHM = "AWS4-HMAC-SHA256";
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const Sha256 = Hash.bind(null, "sha256");

/** A request as it arrived on the wire, before any decoding. */
export interface WireRequest {
    readonly method: string;
    /** The path exactly as sent, stage included, e.g. `/test/pets/42`. */
    readonly rawPath: string;
    /** The query string exactly as sent, without `?`. */
    readonly rawQuery: string;
    /** Every header line in order, names as sent. */
    readonly headers: readonly (readonly [string, string])[];
    readonly body: Buffer;
}

/** What the verifier knows of an access key. */
export interface KnownCredential {
    readonly secretAccessKey: string;
    /** The session token temporary credentials must present; long-term keys have none. */
    readonly sessionToken?: string;
}

export interface VerifierOptions {
    /** The region requests must be scoped to. */
    readonly region: string;
    /** The service requests must be scoped to: `execute-api` for API Gateway. */
    readonly service: string;
    readonly lookup: (accessKeyId: string) => KnownCredential | undefined;
    /** The server's clock. @default () => new Date() */
    readonly now?: () => Date;
}

export type Verification =
    { readonly ok: true; readonly accessKeyId: string } | { readonly ok: false; readonly response: GatewayResponse };

/**
 * Exposes the canonical request and string-to-sign of `@smithy/signature-v4` (AWS's SDK signer), so the
 * gateway recomputes signatures with an implementation independent of the `aws4` client used by the
 * smoke test. `uriEscapePath` gives API Gateway's rule: the wire path's segments are encoded again.
 */
class CanonicalSigV4 extends SignatureV4Base {
    constructor(region: string, service: string) {
        super({
            service,
            region,
            sha256: Sha256,
            credentials: { accessKeyId: "", secretAccessKey: "" },
            uriEscapePath: true,
        });
    }
    canonicalRequest(request: HttpRequest, headers: HeaderBag, payloadHash: string): string {
        return this.createCanonicalRequest(request, headers, payloadHash);
    }
    stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
        return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM);
    }
}

const canonicalizers = new Map<string, CanonicalSigV4>();
function canonicalizer(region: string, service: string): CanonicalSigV4 {
    const key = `${region}/${service}`;
    let signer = canonicalizers.get(key);
    if (!signer) canonicalizers.set(key, (signer = new CanonicalSigV4(region, service)));
    return signer;
}

/**
 * Authenticates a request's `Authorization: AWS4-HMAC-SHA256 …` header the way API Gateway does for an
 * AWS_IAM method, returning the access key id, or the exact refusal API Gateway sends. Checks, in order:
 * presence, syntax, credential scope (date, region, service), the request date against a ±5 minute
 * window, `host` and the date header being signed, the access key (and session token), then the
 * signature over method, path, sorted query, signed headers and the SHA-256 of the body.
 */
export async function verifySigV4(request: WireRequest, options: VerifierOptions): Promise<Verification> {
    const refuse = (response: GatewayResponse): Verification => ({ ok: false, response });
    const query = parseQuery(request.rawQuery);
    const parts =
        headerValues(request.headers, "authorization").length > 0
            ? fromAuthorizationHeader(request)
            : fromQueryString(query);
    if ("status" in parts) return refuse(parts);
    const { accessKeyId, credential, signedHeaders, signature, requestDate } = parts;

    // Inferred wording: AWS lists each scope sentence that applies, each followed by a space.
    const [, scopeDate, scopeRegion, scopeService, terminator, ...extra] = credential.split("/");
    const scopeProblems: string[] = [];
    if (scopeRegion !== options.region) scopeProblems.push("Credential should be scoped to a valid region.");
    if (scopeService !== options.service)
        scopeProblems.push(`Credential should be scoped to correct service: '${options.service}'.`);
    if (terminator !== "aws4_request" || extra.length > 0)
        scopeProblems.push("Credential should be scoped with a valid terminator: 'aws4_request'.");
    if (scopeProblems.length > 0) return refuse(invalidSignature(scopeProblems.map((s) => `${s} `).join("")));
    if (parts.algorithm !== ALGORITHM)
        return refuse(invalidSignature(`Unsupported AWS 'algorithm': '${parts.algorithm}'.`));

    const requestTime = parseAmzDate(requestDate);
    if (requestTime === undefined) {
        return refuse(invalidSignature(`Date must be in ISO-8601 'basic format'. Got '${requestDate}'.`));
    }
    if (scopeDate !== requestDate.slice(0, 8)) {
        return refuse(
            invalidSignature(
                `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${requestDate.slice(0, 8)}', from '${requestDate}'.`,
            ),
        );
    }
    const now = (options.now ?? (() => new Date()))();
    if (parts.expiresSeconds !== undefined && requestTime + parts.expiresSeconds * 1000 < now.getTime()) {
        return refuse(invalidSignature("Request has expired"));
    }
    if (parts.expiresSeconds === undefined && requestTime < now.getTime() - CLOCK_SKEW_MS) {
        const earliest = toAmzDate(new Date(now.getTime() - CLOCK_SKEW_MS));
        return refuse(
            invalidSignature(
                `Signature expired: ${requestDate} is now earlier than ${earliest} (${toAmzDate(now)} - 5 min.)`,
            ),
        );
    }
    if (requestTime > now.getTime() + CLOCK_SKEW_MS) {
        const latest = toAmzDate(new Date(now.getTime() + CLOCK_SKEW_MS));
        return refuse(
            invalidSignature(
                `Signature not yet current: ${requestDate} is still later than ${latest} (${toAmzDate(now)} + 5 min.)`,
            ),
        );
    }

    if (!signedHeaders.includes("host")) {
        return refuse(invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
    }
    if (parts.dateHeader !== undefined && !signedHeaders.includes(parts.dateHeader)) {
        const shown = parts.dateHeader === "x-amz-date" ? "X-Amz-Date" : "Date";
        return refuse(invalidSignature(`'${shown}' must be a 'SignedHeader' in the AWS Authorization.`));
    }

    const known = options.lookup(accessKeyId);
    if (!known || parts.sessionToken !== known.sessionToken) return refuse(unrecognizedClient());

    const canonical = canonicalizer(options.region, options.service);
    const canonicalHeaders: HeaderBag = {};
    for (const name of signedHeaders) canonicalHeaders[name] = canonicalHeaderValue(request.headers, name);
    const httpRequest: HttpRequest = {
        method: request.method,
        protocol: "https:",
        hostname: "",
        path: request.rawPath,
        query,
        headers: {},
    };
    const payloadHash = await sha256Hex(request.body);
    const canonicalRequest = canonical.canonicalRequest(httpRequest, canonicalHeaders, payloadHash);
    const scope = `${scopeDate}/${scopeRegion}/${scopeService}/aws4_request`;
    const stringToSign = await canonical.stringToSign(requestDate, scope, canonicalRequest);
    const signingKey = await getSigningKey(
        Sha256,
        { accessKeyId, secretAccessKey: known.secretAccessKey, sessionToken: known.sessionToken },
        scopeDate,
        scopeRegion,
        scopeService,
    );
    const expected = await hmacHex(signingKey, stringToSign);
    if (!constantTimeEqual(expected, signature)) return refuse(signatureMismatch(canonicalRequest, stringToSign));
    return { ok: true, accessKeyId };
}

/** The signature's parts, wherever the request carried them. */
interface SignatureParts {
    readonly algorithm: string;
    readonly accessKeyId: string;
    /** The whole credential, `AKID/date/region/service/aws4_request`. */
    readonly credential: string;
    readonly signedHeaders: readonly string[];
    readonly signature: string;
    readonly requestDate: string;
    /** The header the date came from, which must then be signed; undefined for a presigned query. */
    readonly dateHeader: "x-amz-date" | "date" | undefined;
    readonly sessionToken: string | undefined;
    /** A presigned URL's own lifetime (`X-Amz-Expires`), which replaces the ±5 minute window. */
    readonly expiresSeconds: number | undefined;
}

/** `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` with `X-Amz-Date` or `Date`. */
function fromAuthorizationHeader(request: WireRequest): SignatureParts | GatewayResponse {
    // Repeated headers are combined the way HTTP defines it, which breaks the header's own syntax.
    const authorization = headerValues(request.headers, "authorization").join(",");
    const parsed = parseAuthorization(authorization);
    if ("badToken" in parsed) return missingEqualSign(parsed.badToken, authorization);
    const amzDate = headerValues(request.headers, "x-amz-date")[0];
    const httpDate = headerValues(request.headers, "date")[0];
    const missing: IncompletePart[] = [];
    if (parsed.fields.Credential === undefined) missing.push("Credential");
    if (parsed.fields.Signature === undefined) missing.push("Signature");
    if (parsed.fields.SignedHeaders === undefined) missing.push("SignedHeaders");
    if (amzDate === undefined && httpDate === undefined) missing.push("Date");
    if (missing.length > 0) return incompleteSignature(missing, authorization);
    const credential = parsed.fields.Credential!;
    return {
        algorithm: parsed.algorithm,
        accessKeyId: credential.split("/")[0],
        credential,
        signedHeaders: parsed.fields.SignedHeaders!.split(";"),
        signature: parsed.fields.Signature!,
        requestDate: amzDate ?? toAmzDate(new Date(httpDate ?? "")),
        dateHeader: amzDate !== undefined ? "x-amz-date" : "date",
        sessionToken: headerValues(request.headers, "x-amz-security-token")[0],
        expiresSeconds: undefined,
    };
}

/**
 * A presigned URL: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`,
 * `X-Amz-Signature` (and `X-Amz-Expires`, `X-Amz-Security-Token`) in the query. API Gateway's
 * handling of these is inferred from SigV4's generic query-string rules; no capture was found.
 */
function fromQueryString(query: QueryParameterBag): SignatureParts | GatewayResponse {
    const single = (name: string): string | undefined => {
        const value = query[name];
        return Array.isArray(value) ? undefined : (value ?? undefined);
    };
    const signature = single("X-Amz-Signature");
    const credential = single("X-Amz-Credential");
    const signedHeaders = single("X-Amz-SignedHeaders");
    const requestDate = single("X-Amz-Date");
    const algorithm = single("X-Amz-Algorithm");
    if (signature === undefined && credential === undefined && algorithm === undefined)
        return missingAuthenticationToken();
    if (
        signature === undefined ||
        credential === undefined ||
        signedHeaders === undefined ||
        requestDate === undefined ||
        algorithm === undefined
    ) {
        return invalidSignature(
            "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
        );
    }
    const expires = single("X-Amz-Expires");
    const expiresSeconds = expires === undefined ? undefined : Number(expires);
    if (
        expiresSeconds !== undefined &&
        !(Number.isInteger(expiresSeconds) && expiresSeconds > 0 && expiresSeconds <= 604800)
    ) {
        return invalidSignature("X-Amz-Expires must be a whole number of seconds from 1 to 604800.");
    }
    return {
        algorithm,
        accessKeyId: credential.split("/")[0],
        credential,
        signedHeaders: signedHeaders.split(";"),
        signature,
        requestDate,
        dateHeader: undefined,
        sessionToken: single("X-Amz-Security-Token"),
        expiresSeconds,
    };
}

type ParsedAuthorization = { algorithm: string; fields: Partial<Record<string, string>> } | { badToken: string };

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` into its algorithm and fields. */
function parseAuthorization(authorization: string): ParsedAuthorization {
    const trimmed = authorization.trim();
    const space = trimmed.indexOf(" ");
    const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
    const rest = space < 0 ? "" : trimmed.slice(space + 1);
    const fields: Record<string, string> = {};
    for (const token of rest
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== "")) {
        const equals = token.indexOf("=");
        const key = equals < 0 ? "" : token.slice(0, equals).trim();
        // A repeated or odd key means the header was duplicated or spliced: not a key=value pair of SigV4.
        if (!/^[A-Za-z]+$/.test(key) || key in fields) return { badToken: token };
        fields[key] = token.slice(equals + 1).trim();
    }
    return { algorithm, fields };
}

/** Every value of a header, in order, matched case-insensitively. */
export function headerValues(headers: WireRequest["headers"], name: string): string[] {
    return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** SigV4's canonical header value: each value trimmed, inner whitespace folded, repeats comma-joined. */
function canonicalHeaderValue(headers: WireRequest["headers"], name: string): string {
    return headerValues(headers, name)
        .map((v) => v.trim().replace(/\s+/g, " "))
        .join(",");
}

/** The query as the signer sees it: names and values decoded, repeats kept in order. */
export function parseQuery(rawQuery: string): QueryParameterBag {
    const query: Record<string, string | string[]> = {};
    for (const pair of rawQuery.split("&").filter((p) => p !== "")) {
        const equals = pair.indexOf("=");
        const name = safeDecode(equals < 0 ? pair : pair.slice(0, equals));
        const value = safeDecode(equals < 0 ? "" : pair.slice(equals + 1));
        const previous = query[name];
        query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    }
    return query;
}

function safeDecode(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseAmzDate(text: string): number | undefined {
    const m = AMZ_DATE.exec(text);
    if (!m) return undefined;
    const time = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    return Number.isNaN(time) ? undefined : time;
}

/** `20150830T123600Z`, SigV4's basic ISO-8601 form. */
export function toAmzDate(date: Date): string {
    return Number.isNaN(date.getTime())
        ? "invalid"
        : date
              .toISOString()
              .replace(/[-:]/g, "")
              .replace(/\.\d{3}/, "");
}

async function sha256Hex(data: Buffer): Promise<string> {
    const hash = new Sha256();
    hash.update(data);
    return Buffer.from(await hash.digest()).toString("hex");
}

async function hmacHex(key: Uint8Array, data: string): Promise<string> {
    const hmac = new Sha256(key);
    hmac.update(data);
    return Buffer.from(await hmac.digest()).toString("hex");
}

function constantTimeEqual(a: string, b: string): boolean {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
}
