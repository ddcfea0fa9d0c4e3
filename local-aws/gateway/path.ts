/**
 * The one place a request path is read. Routing, the IAM resource ARN, `$context` and the integration
 * all take their path from the {@link ResourcePath} made here, so no stage can see a different path
 * than another.
 */

/** The path after the stage, decoded once, with every spelling IAM is asked about. */
export interface ResourcePath {
    /** The segments after the stage, each percent-decoded once (`/pets/%32` → `["pets", "2"]`). */
    readonly segments: readonly string[];
    /** The decoded path, e.g. `/pets/2`; `/` for the root resource. */
    readonly decoded: string;
    /** The path after the stage exactly as sent, e.g. `/pets/%32`. */
    readonly wire: string;
    /**
     * The tails of the method ARN (`…/<stage>/<VERB>/<tail>`) this request is checked as: the decoded
     * path, the path as sent and its canonical encoding, without the leading slash and without repeats.
     * AWS does not document which spelling it puts in the method ARN, so the gateway asks IAM about
     * every one: a Deny that matches any of them refuses, and an Allow must match all of them.
     */
    readonly arnTails: readonly string[];
}

/** A request path split into its stage and what follows. */
export interface StagePath {
    /** The first segment as sent; stage names are letters, digits, `-` and `_`, so never encoded. */
    readonly stage: string;
    /**
     * The resource path, or undefined when no resource can have it: an empty segment (`//`, a
     * trailing `/`), a dot segment (`.`, `..`, also encoded, also between encoded slashes) or a
     * segment that does not decode.
     */
    readonly resource: ResourcePath | undefined;
}

/** `/test/pets/%32` → stage `test`, resource `/pets/2`; undefined when there is no stage segment. */
export function parseStagePath(rawPath: string): StagePath | undefined {
    const match = /^\/([^/]+)(\/.*)?$/.exec(rawPath);
    if (!match) return undefined;
    return { stage: match[1], resource: parseResourcePath(match[2] ?? "/") };
}

/** `/pets/%32` (as sent, after the stage) → its {@link ResourcePath}, or undefined when it names no resource. */
export function parseResourcePath(wire: string): ResourcePath | undefined {
    if (!wire.startsWith("/")) return undefined;
    if (wire === "/") return { segments: [], decoded: "/", wire, arnTails: [""] };
    const segments: string[] = [];
    for (const raw of wire.slice(1).split("/")) {
        const segment = decodeSegment(raw);
        // An encoded "/" is data, but never around a dot or empty part: "a%2F..%2Fb" names no resource.
        if (segment === undefined || segment.split("/").some((part) => part === "" || part === "." || part === ".."))
            return undefined;
        segments.push(segment);
    }
    const decoded = `/${segments.join("/")}`;
    const canonical = segments.map(encodeSegment).join("/");
    return { segments, decoded, wire, arnTails: [...new Set([decoded.slice(1), wire.slice(1), canonical])] };
}

/** One percent-decoding of a segment as UTF-8; undefined for a malformed escape or invalid UTF-8. */
function decodeSegment(raw: string): string | undefined {
    if (!raw.includes("%")) return raw;
    try {
        return decodeURIComponent(raw);
    } catch {
        return undefined;
    }
}

/** RFC 3986 encoding of everything but unreserved characters, as SigV4 and AWS encode path segments. */
export function encodeSegment(text: string): string {
    if (/^[A-Za-z0-9\-._~]*$/.test(text)) return text;
    return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
