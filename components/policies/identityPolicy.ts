import { coversInvoke } from "./resourcePolicy";
import { iamMatches } from "./operationPolicy";

/** An Allow of an identity policy whose `execute-api:Invoke` reaches more than one API. */
export interface BroadInvokeGrant {
    /** `Policy statement 0 (Sid)`. */
    readonly statement: string;
    /** The resource as written (`NotResource …` for a NotResource). */
    readonly resource: string;
    /** `everything`: any API of any account that lets it in; `account`: every API of one account. */
    readonly scope: "everything" | "account";
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Where an identity policy (a JSON string or its object) grants `execute-api:Invoke` beyond one API: on
 * `*` (or with `NotResource`), or on an execute-api ARN whose account or API id is a wildcard. Such a
 * grant lets its holder call every IAM-secured method of every such API, those made later included.
 * A policy that is not JSON grants nothing here (IAM refuses to store it).
 */
export function broadInvokeGrants(policy: unknown): BroadInvokeGrant[] {
    let document: unknown = policy;
    if (typeof policy === "string") {
        try {
            document = JSON.parse(policy);
        } catch {
            return [];
        }
    }
    if (typeof document !== "object" || document === null) return [];
    const statements = list((document as { Statement?: unknown }).Statement);
    return statements.flatMap((raw, i): BroadInvokeGrant[] => {
        if (typeof raw !== "object" || raw === null) return [];
        const s = raw as {
            Sid?: unknown;
            Effect?: unknown;
            Action?: unknown;
            NotAction?: unknown;
            Resource?: unknown;
            NotResource?: unknown;
        };
        if (s.Effect !== "Allow" || !coversInvoke(s)) return [];
        const statement = `Policy statement ${i}${typeof s.Sid === "string" ? ` (${s.Sid})` : ""}`;
        if (s.NotResource !== undefined)
            return [{ statement, resource: `NotResource ${JSON.stringify(s.NotResource)}`, scope: "everything" }];
        return list(s.Resource).flatMap((resource) => {
            const scope = typeof resource === "string" ? invokeScope(resource) : undefined;
            return scope === undefined ? [] : [{ statement, resource: resource as string, scope }];
        });
    });
}

/** A wildcard or policy variable in an ARN part: IAM fills it with any text. */
const isWild = (part: string) => /[*?]|\$\{/.test(part);

/** Whether an identity policy's resource reaches every execute-api API (of any account, or of one). */
function invokeScope(resource: string): "everything" | "account" | undefined {
    if (resource === "*") return "everything";
    // arn:partition:service:region:account:<api id>/<stage>/<verb>/<path>; a * in an early part may span the rest.
    const parts = resource.split(":");
    if (parts[0] !== "arn") return undefined;
    // A wildcard in the last part written spans the parts left out (`arn:aws:execute-api:*`).
    while (parts.length < 6 && isWild(parts[parts.length - 1])) parts.push("*");
    if (parts.length < 6) return undefined;
    const [, , service, , account] = parts;
    if (!iamMatches(service.toLowerCase(), "execute-api")) return undefined;
    if (isWild(account) || account === "") return "everything";
    const apiId = parts.slice(5).join(":").split("/")[0];
    return isWild(apiId) || apiId === "" ? "account" : undefined;
}
