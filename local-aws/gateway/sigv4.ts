import { createHash, createHmac, timingSafeEqual } from "crypto";
import { encodeSegment } from "./path";
import {
    expiredToken,
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
const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** SigV4's longest presigned URL lifetime: seven days. */
const MAX_EXPIRES_SECONDS = 604_800;
/** The query parameters that carry a query-string (presigned) signature. */
const QUERY_AUTH_PARAMS = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
];
const QUERY_AUTH_NAMES = new Map(QUERY_AUTH_PARAMS.map((name) => [name.toLowerCase(), name]));

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

/** One `name=value` of a query string, as sent and decoded once. */
export interface QueryParameter {
    readonly rawName: string;
    readonly rawValue: string;
    readonly name: string;
    readonly value: string;
}

/** What the verifier knows of an access key. */
export interface KnownCredential {
    readonly secretAccessKey: string;
    /** The session token temporary credentials must present; long-term keys have none. */
    readonly sessionToken?: string;
    /** When temporary credentials stop working; long-term keys never expire. */
    readonly expiration?: Date;
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

/** An accepted signature: who signed, and which headers the signature covers. */
export interface VerifiedSignature {
    readonly ok: true;
    readonly accessKeyId: string;
    /** Lower-cased names of the headers the signature covers. */
    readonly signedHeaders: readonly string[];
}

export type Verification = VerifiedSignature | { readonly ok: false; readonly response: GatewayResponse };

/**
 * Authenticates a request's SigV4 signature (the `Authorization: AWS4-HMAC-SHA256 …` header, or a
 * presigned query string) the way API Gateway does for an AWS_IAM method, returning the access key id,
 * or the exact refusal API Gateway sends. Checks, in order: presence, that only one of the two forms
 * is used, syntax, credential scope (date, region, service), the request date against a ±5 minute
 * window (or the presigned lifetime), `host` and the date header being signed, the signed-header list
 * being sorted and unique, the access key (and session token, and that it has not expired), then the signature over the canonical
 * request: method, path (normalised, each segment encoded again), every query parameter sorted, the
 * signed headers and the SHA-256 of the body. Only the exact formats SigV4 defines are accepted.
 */
export function verifySigV4(request: WireRequest, options: VerifierOptions): Verification {
    const refuse = (response: GatewayResponse): Verification => ({ ok: false, response });
    const query = parseQuery(request.rawQuery);
    const headers = indexHeaders(request.headers);
    const authorizations = headers.get("authorization") ?? [];
    const queryAuth = query.filter((p) => QUERY_AUTH_NAMES.has(p.name.toLowerCase()));
    if (authorizations.length > 0 && queryAuth.length > 0) {
        // Inferred wording: AWS's front end refuses a request that carries both kinds of signature.
        const name = QUERY_AUTH_NAMES.get(queryAuth[0].name.toLowerCase())!;
        return refuse(
            invalidSignature(`Found both '${name}' as a query-string param and 'Authorization' as HTTP header.`),
        );
    }
    const parts = authorizations.length > 0 ? fromAuthorizationHeader(headers) : fromQueryString(query);
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
    // Checked before the signature, as AWS checks the token first: an expired session is refused, however signed.
    if (known.expiration !== undefined && now.getTime() >= known.expiration.getTime()) return refuse(expiredToken());

    const canonicalRequest = [
        request.method,
        canonicalUri(request.rawPath),
        canonicalQuery(parts.presigned ? unsigned(query) : query),
        signedHeaders.map((name) => `${name}:${canonicalHeaderValue(headers, name)}\n`).join(""),
        signedHeaders.join(";"),
        request.body.length === 0 ? EMPTY_SHA256 : createHash("sha256").update(request.body).digest("hex"),
    ].join("\n");
    const scope = `${scopeDate}/${scopeRegion}/${scopeService}/aws4_request`;
    const stringToSign = [
        ALGORITHM,
        requestDate,
        scope,
        createHash("sha256").update(canonicalRequest).digest("hex"),
    ].join("\n");
    const expected = createHmac("sha256", signingKey(known.secretAccessKey, scopeDate, scopeRegion, scopeService))
        .update(stringToSign)
        .digest("hex");
    // The list must be in SigV4's form (lower case, sorted, each once); a shuffled one is not re-sorted for the caller.
    if (!isCanonicalHeaderList(signedHeaders) || !constantTimeEqual(expected, signature))
        return refuse(signatureMismatch(canonicalRequest, stringToSign));
    return { ok: true, accessKeyId, signedHeaders };
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
    /** Whether the signature came in the query string, which then signs every parameter but itself. */
    readonly presigned: boolean;
}

/** `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` with `X-Amz-Date` or `Date`. */
function fromAuthorizationHeader(headers: HeaderIndex): SignatureParts | GatewayResponse {
    // Repeated headers are combined the way HTTP defines it, which breaks the header's own syntax.
    const authorization = (headers.get("authorization") ?? []).join(",");
    const parsed = parseAuthorization(authorization);
    if ("badToken" in parsed) return missingEqualSign(parsed.badToken, authorization);
    const amzDates = headers.get("x-amz-date") ?? [];
    const httpDates = headers.get("date") ?? [];
    const missing: IncompletePart[] = [];
    if (parsed.fields.get("Credential") === undefined) missing.push("Credential");
    if (parsed.fields.get("Signature") === undefined) missing.push("Signature");
    if (parsed.fields.get("SignedHeaders") === undefined) missing.push("SignedHeaders");
    if (amzDates.length === 0 && httpDates.length === 0) missing.push("Date");
    if (missing.length > 0) return incompleteSignature(missing, authorization);
    const credential = parsed.fields.get("Credential")!;
    // Repeated date headers join into one value, which is no date at all.
    const requestDate = amzDates.length > 0 ? amzDates.join(",") : fromHttpDate(httpDates.join(","));
    return {
        algorithm: parsed.algorithm,
        accessKeyId: credential.split("/")[0],
        credential,
        signedHeaders: parsed.fields.get("SignedHeaders")!.split(";"),
        signature: parsed.fields.get("Signature")!,
        requestDate,
        dateHeader: amzDates.length > 0 ? "x-amz-date" : "date",
        // A token header that is present is checked, empty or not.
        sessionToken: headers.get("x-amz-security-token")?.join(","),
        expiresSeconds: undefined,
        presigned: false,
    };
}

/**
 * A presigned URL: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`,
 * `X-Amz-Signature` (and `X-Amz-Expires`, `X-Amz-Security-Token`) in the query. API Gateway's
 * handling of these is inferred from SigV4's generic query-string rules; no capture was found.
 */
function fromQueryString(query: readonly QueryParameter[]): SignatureParts | GatewayResponse {
    const values = (name: string) => query.filter((p) => p.name === name).map((p) => p.value);
    const single = (name: string) => (values(name).length === 1 ? values(name)[0] : undefined);
    const signature = single("X-Amz-Signature");
    const credential = single("X-Amz-Credential");
    const signedHeaders = single("X-Amz-SignedHeaders");
    const requestDate = single("X-Amz-Date");
    const algorithm = single("X-Amz-Algorithm");
    if (!query.some((p) => QUERY_AUTH_NAMES.has(p.name.toLowerCase()))) return missingAuthenticationToken();
    const repeated = QUERY_AUTH_PARAMS.some((name) => values(name).length > 1);
    if (
        repeated ||
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
    // Decimal digits only: no sign, space, exponent, fraction or hexadecimal.
    const expiresSeconds = expires !== undefined && /^[0-9]{1,7}$/.test(expires) ? Number(expires) : undefined;
    if (
        expires !== undefined &&
        (expiresSeconds === undefined || expiresSeconds < 1 || expiresSeconds > MAX_EXPIRES_SECONDS)
    ) {
        return invalidSignature(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS}.`);
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
        // Without X-Amz-Expires a presigned request keeps the ±5 minute window of a header signature.
        expiresSeconds,
        presigned: true,
    };
}

type ParsedAuthorization = { algorithm: string; fields: Map<string, string> } | { badToken: string };

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` into its algorithm and fields. */
function parseAuthorization(authorization: string): ParsedAuthorization {
    const trimmed = authorization.trim();
    const space = trimmed.indexOf(" ");
    const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
    const rest = space < 0 ? "" : trimmed.slice(space + 1);
    const fields = new Map<string, string>();
    for (const token of rest
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== "")) {
        const equals = token.indexOf("=");
        const key = equals < 0 ? "" : token.slice(0, equals).trim();
        // A repeated or odd key means the header was duplicated or spliced: not a key=value pair of SigV4.
        if (!/^[A-Za-z]+$/.test(key) || fields.has(key)) return { badToken: token };
        fields.set(key, token.slice(equals + 1).trim());
    }
    return { algorithm, fields };
}

/** Every value of a header, in order, matched case-insensitively. */
export function headerValues(headers: WireRequest["headers"], name: string): string[] {
    const values: string[] = [];
    for (const [n, v] of headers) if (n.length === name.length && n.toLowerCase() === name) values.push(v);
    return values;
}

/** Header values by lower-cased name, in order: a prototype-free lookup of user-chosen names. */
type HeaderIndex = ReadonlyMap<string, readonly string[]>;

function indexHeaders(headers: WireRequest["headers"]): HeaderIndex {
    const index = new Map<string, string[]>();
    for (const [name, value] of headers) {
        const lower = name.toLowerCase();
        const values = index.get(lower);
        if (values) values.push(value);
        else index.set(lower, [value]);
    }
    return index;
}

/** SigV4's canonical header value: each value trimmed, inner whitespace folded, repeats comma-joined. */
function canonicalHeaderValue(headers: HeaderIndex, name: string): string {
    return (headers.get(name) ?? []).map((v) => v.trim().replace(/\s+/g, " ")).join(",");
}

/** Header names as SigV4 lists them: lower case, sorted, each once. */
function isCanonicalHeaderList(names: readonly string[]): boolean {
    return names.every((name, i) => /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name) && (i === 0 || names[i - 1] < name));
}

/** The query as sent, in order: names and values decoded once (a malformed escape is kept as sent). */
export function parseQuery(rawQuery: string): QueryParameter[] {
    const parameters: QueryParameter[] = [];
    for (const pair of rawQuery.split("&")) {
        if (pair === "") continue;
        const equals = pair.indexOf("=");
        const rawName = equals < 0 ? pair : pair.slice(0, equals);
        const rawValue = equals < 0 ? "" : pair.slice(equals + 1);
        parameters.push({ rawName, rawValue, name: safeDecode(rawName), value: safeDecode(rawValue) });
    }
    return parameters;
}

/** Every parameter but the presigned signature itself, which cannot sign itself. */
function unsigned(query: readonly QueryParameter[]): QueryParameter[] {
    return query.filter((p) => p.name !== "X-Amz-Signature");
}

/** Every parameter, name and value encoded, sorted by name then value. */
function canonicalQuery(query: readonly QueryParameter[]): string {
    return query
        .map((p) => [encodeSegment(p.name), encodeSegment(p.value)])
        .sort(([n1, v1], [n2, v2]) => (n1 < n2 ? -1 : n1 > n2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
        .map(([n, v]) => `${n}=${v}`)
        .join("&");
}

/**
 * The canonical URI of a non-S3 service: the path normalised (empty and `.` segments dropped, `..`
 * removing its parent) and each segment, as sent, encoded again (`%20` → `%2520`).
 */
function canonicalUri(rawPath: string): string {
    const segments: string[] = [];
    for (const segment of rawPath.split("/")) {
        if (segment === "" || segment === ".") continue;
        if (segment === "..") segments.pop();
        else segments.push(encodeSegment(segment));
    }
    const trailing = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
    return `/${segments.join("/")}${trailing}`;
}

function safeDecode(text: string): string {
    if (!text.includes("%")) return text;
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}

const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 1000;

/** `kSigning` of SigV4, cached per secret and scope as AWS's SDKs cache it. */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
    const cacheKey = `${date}/${region}/${service}/${secret}`;
    let key = signingKeys.get(cacheKey);
    if (!key) {
        const hmac = (k: string | Buffer, data: string) => createHmac("sha256", k).update(data).digest();
        key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
        if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
        signingKeys.set(cacheKey, key);
    }
    return key;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const HTTP_DATE = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), (\d{2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** A calendar moment, or undefined when a field is out of range (no rolling 47 o'clock into the next day). */
function utcTime(year: number, month: number, day: number, hour: number, minute: number, second: number) {
    const time = Date.UTC(year, month, day, hour, minute, second);
    const date = new Date(time);
    const exact =
        date.getUTCFullYear() === year &&
        date.getUTCMonth() === month &&
        date.getUTCDate() === day &&
        date.getUTCHours() === hour &&
        date.getUTCMinutes() === minute &&
        date.getUTCSeconds() === second;
    return exact ? time : undefined;
}

/** `20150830T123600Z`, SigV4's basic ISO-8601 form, and nothing else. */
function parseAmzDate(text: string): number | undefined {
    const m = AMZ_DATE.exec(text);
    return m ? utcTime(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : undefined;
}

/**
 * A `Date` header in HTTP's preferred IMF-fixdate form (`Sun, 30 Aug 2015 12:36:00 GMT`), as the
 * basic ISO-8601 date SigV4 signs; anything else (ISO, obsolete forms, a wrong weekday) gives text that
 * fails {@link parseAmzDate}, so it is refused like a malformed `X-Amz-Date`.
 */
function fromHttpDate(text: string): string {
    const m = HTTP_DATE.exec(text);
    const month = m ? MONTHS.indexOf(m[3]) : -1;
    const time = m && month >= 0 ? utcTime(+m[4], month, +m[2], +m[5], +m[6], +m[7]) : undefined;
    if (time === undefined || WEEKDAYS[new Date(time).getUTCDay()] !== m![1]) return text;
    return toAmzDate(new Date(time));
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

function constantTimeEqual(a: string, b: string): boolean {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
}
