/**
 * What happens to the headers an integration answers with, on their way to the client, per API
 * Gateway's important notes for REST APIs ("headers that may be dropped, remapped, or otherwise
 * modified … sent back by your integration endpoint"), and how the gateway writes a response's headers.
 */

/** Dropped on the way back: HTTP's framing and hop-by-hop headers, which belong to each connection. */
const DROPPED = new Set([
    "expect",
    "host",
    "keep-alive",
    "proxy-authenticate",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
]);

/** Renamed to `x-amzn-Remapped-<name>`: API Gateway sets its own, or they would speak for API Gateway. */
const REMAPPED = new Set([
    "authorization",
    "connection",
    "content-length",
    "content-md5",
    "date",
    "max-forwards",
    "server",
    "user-agent",
    "www-authenticate",
]);

/** The name an integration's response header reaches the client under, or undefined when it is dropped. */
export function integrationHeaderName(name: string): string | undefined {
    const lower = name.toLowerCase();
    if (DROPPED.has(lower)) return undefined;
    return REMAPPED.has(lower) ? `x-amzn-Remapped-${name}` : name;
}

/** The headers the gateway frames a response with itself; none other may carry these names. */
const FRAMING = new Set([...DROPPED, "connection", "content-length"]);

/**
 * The header block of a response: its headers (single and multi-valued) without any that would frame
 * it otherwise (whatever mapping or gateway response named them), then the gateway's own, which win over
 * a header of the same name in any case.
 */
export function responseHeaderBlock(
    headers: Readonly<Record<string, string>>,
    multiValueHeaders: Readonly<Record<string, readonly string[]>> | undefined,
    own: Readonly<Record<string, string | number>>,
): Record<string, string | number | string[]> {
    const ownNames = new Set(Object.keys(own).map((n) => n.toLowerCase()));
    const block = Object.create(null) as Record<string, string | number | string[]>;
    const sources: Readonly<Record<string, string | readonly string[]>>[] = [headers, multiValueHeaders ?? {}];
    for (const source of sources)
        for (const [name, value] of Object.entries(source)) {
            const lower = name.toLowerCase();
            if (!FRAMING.has(lower) && !ownNames.has(lower))
                block[name] = typeof value === "string" ? value : [...value];
        }
    return Object.assign(block, own);
}
