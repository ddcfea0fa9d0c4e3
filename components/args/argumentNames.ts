import type {
    CrossAccountGrant,
    IdentityPoolArgs,
    InvokeGrant,
    InvokeRoleArgs,
    UserPoolProvider,
    WebIdentityTrust,
} from "../callers/callers";
import type { CorsArgs } from "../openapi/cors";
import type { PolicyPrincipal, ResourcePolicyStatement } from "../policies/resourcePolicy";
import type { AccessLogArgs, DomainArgs, MutualTlsArgs, SecuredRestApiArgs, ThrottleSettings } from "./args";

// Each table is a Record over the keys of its interface, so the compiler refuses a name missing from it
// or one the interface does not have: a new argument cannot be forgotten here.
const ARGUMENTS: Record<keyof SecuredRestApiArgs, true> = {
    openApiSpec: true,
    stageName: true,
    invokePolicy: true,
    invokeOperations: true,
    publicOperations: true,
    endpointType: true,
    disableExecuteApiEndpoint: true,
    failOnWarnings: true,
    restApiName: true,
    resourcePolicy: true,
    throttle: true,
    executionLoggingLevel: true,
    executionLogRetentionInDays: true,
    tracingEnabled: true,
    accessLog: true,
    accessKeys: true,
    lambdaIntegrations: true,
    specValues: true,
    description: true,
    tags: true,
    createUser: true,
    grants: true,
    crossAccountGrants: true,
    role: true,
    identityPool: true,
    cors: true,
    domain: true,
    webAclArn: true,
};
const DOMAIN: Record<keyof DomainArgs, true> = {
    domainName: true,
    certificateArn: true,
    hostedZoneId: true,
    endpointType: true,
    securityPolicy: true,
    basePath: true,
    mutualTls: true,
};
const MUTUAL_TLS: Record<keyof MutualTlsArgs, true> = { truststoreUri: true, truststoreVersion: true };
const GRANT: Record<keyof InvokeGrant, true> = { roles: true, users: true, groups: true, operations: true };
const CROSS_ACCOUNT_GRANT: Record<keyof CrossAccountGrant, true> = { principals: true, operations: true };
const ROLE: Record<keyof InvokeRoleArgs, true> = {
    trustedPrincipals: true,
    trustedServices: true,
    webIdentities: true,
    externalId: true,
    operations: true,
    maxSessionDurationSeconds: true,
};
const WEB_IDENTITY: Record<keyof WebIdentityTrust, true> = {
    issuer: true,
    providerArn: true,
    createProvider: true,
    audiences: true,
    subjects: true,
};
const IDENTITY_POOL: Record<keyof IdentityPoolArgs, true> = {
    userPool: true,
    allowUnauthenticatedIdentities: true,
    allowClassicFlow: true,
    authenticatedOperations: true,
    unauthenticatedOperations: true,
    identityPoolName: true,
};
const USER_POOL: Record<keyof UserPoolProvider, true> = { userPoolId: true, clientIds: true };
const CORS: Record<keyof CorsArgs, true> = { allowOrigin: true, allowHeaders: true, maxAgeSeconds: true };
const ACCESS_LOG: Record<keyof AccessLogArgs, true> = {
    destinationArn: true,
    format: true,
    retentionInDays: true,
    accountCloudWatchRoleArn: true,
};
const THROTTLE: Record<keyof ThrottleSettings, true> = { rateLimit: true, burstLimit: true };
const STATEMENT: Record<keyof ResourcePolicyStatement, true> = {
    Sid: true,
    Effect: true,
    Principal: true,
    Action: true,
    Resource: true,
    Condition: true,
};
const PRINCIPAL: Record<keyof PolicyPrincipal, true> = { AWS: true };

/** Every argument name of `SecuredRestApiArgs`. */
export const ARGUMENT_NAMES: readonly string[] = Object.keys(ARGUMENTS);

/**
 * One problem per argument name the component does not know, at any depth it defines (`accessLog`,
 * `throttle`, each `resourcePolicy` statement and its `Principal`, each grant, `role` and its web
 * identities, `identityPool` and its `userPool`, `cors`, `domain` and its `mutualTls`), with the closest known name when
 * one is close: a misspelled name would otherwise be dropped silently (TypeScript's excess-property
 * check does not run for programs that are only transpiled, nor for other languages).
 */
export function unknownArgumentProblems(args: Record<string, unknown>): string[] {
    const problems = unknownKeys(args, ARGUMENTS, "", "SecuredRestApi takes");
    if (isPlainObject(args.accessLog)) problems.push(...unknownKeys(args.accessLog, ACCESS_LOG, "accessLog."));
    if (isPlainObject(args.throttle)) problems.push(...unknownKeys(args.throttle, THROTTLE, "throttle."));
    const each = (value: unknown, known: Record<string, true>, prefix: string) => {
        if (Array.isArray(value))
            value.forEach((item: unknown, i) => {
                if (isPlainObject(item)) problems.push(...unknownKeys(item, known, `${prefix}[${i}].`));
            });
    };
    each(args.grants, GRANT, "grants");
    each(args.crossAccountGrants, CROSS_ACCOUNT_GRANT, "crossAccountGrants");
    if (isPlainObject(args.role)) {
        problems.push(...unknownKeys(args.role, ROLE, "role."));
        each(args.role.webIdentities, WEB_IDENTITY, "role.webIdentities");
    }
    if (isPlainObject(args.identityPool)) {
        problems.push(...unknownKeys(args.identityPool, IDENTITY_POOL, "identityPool."));
        if (isPlainObject(args.identityPool.userPool))
            problems.push(...unknownKeys(args.identityPool.userPool, USER_POOL, "identityPool.userPool."));
    }
    if (isPlainObject(args.cors)) problems.push(...unknownKeys(args.cors, CORS, "cors."));
    if (isPlainObject(args.domain)) {
        problems.push(...unknownKeys(args.domain, DOMAIN, "domain."));
        if (isPlainObject(args.domain.mutualTls))
            problems.push(...unknownKeys(args.domain.mutualTls, MUTUAL_TLS, "domain.mutualTls."));
    }
    if (Array.isArray(args.resourcePolicy)) {
        (args.resourcePolicy as unknown[]).forEach((statement, i) => {
            if (!isPlainObject(statement)) return;
            problems.push(...unknownKeys(statement, STATEMENT, `resourcePolicy[${i}].`));
            if (isPlainObject(statement.Principal))
                problems.push(...unknownKeys(statement.Principal, PRINCIPAL, `resourcePolicy[${i}].Principal.`));
        });
    }
    return problems;
}

function unknownKeys(
    value: Record<string, unknown>,
    known: Record<string, true>,
    prefix: string,
    listIntro = "known names are",
): string[] {
    const names = Object.keys(known);
    return Object.keys(value)
        .filter((key) => !Object.prototype.hasOwnProperty.call(known, key))
        .map((key) => {
            const suggestion = closestName(key, names);
            return suggestion === undefined
                ? `Unknown argument "${prefix}${key}"; ${listIntro}: ${names.map((n) => prefix + n).join(", ")}.`
                : `Unknown argument "${prefix}${key}": did you mean "${prefix}${suggestion}"?`;
        });
}

/** Plain data objects only: an Output or a class instance has internal fields that are not arguments. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    const prototype = Object.getPrototypeOf(value) as unknown;
    return prototype === Object.prototype || prototype === null;
}

/**
 * The known name a misspelling most likely meant: the same ignoring case, one that starts with it, or
 * the nearest by edit distance (adjacent swaps count once) within a third of its length.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
    const lower = name.toLowerCase();
    const sameIgnoringCase = known.find((k) => k.toLowerCase() === lower);
    if (sameIgnoringCase) return sameIgnoringCase;
    let best: { name: string; distance: number } | undefined;
    for (const candidate of known) {
        const distance = editDistance(lower, candidate.toLowerCase());
        if (!best || distance < best.distance) best = { name: candidate, distance };
    }
    if (best && best.distance <= Math.max(2, Math.floor(name.length / 3))) return best.name;
    return lower.length >= 4 ? known.find((k) => k.toLowerCase().startsWith(lower)) : undefined;
}

/** The `count` known names nearest to `name` by edit distance (ignoring case), nearest first. */
export function nearestNames(name: string, known: readonly string[], count: number): string[] {
    const lower = name.toLowerCase();
    return known
        .map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
        .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
        .slice(0, count)
        .map((n) => n.candidate);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}
