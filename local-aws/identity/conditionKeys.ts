/**
 * The one table of global condition keys local mode puts in a request context: which key each kind
 * of caller carries, with what value, and which it never carries (and why). The gateway (every
 * `execute-api:Invoke`) and the local STS (`AssumeRole`, `AssumeRoleWithWebIdentity`, and Cognito's
 * exchange) build their contexts from it and from nothing else.
 *
 * Sources (the `source` of each row):
 * - IAM: IAM User Guide, "AWS global condition context keys" (reference_policies_condition-keys),
 *   each key's *Availability*.
 * - WIF: IAM User Guide, "Available keys for AWS web identity federation" and "Cross-service AWS web
 *   identity federation context keys" (reference_policies_iam-condition-keys).
 * - APIGW: API Gateway Developer Guide, "AWS condition keys that can be used in API Gateway resource
 *   policies" (apigateway-resource-policies-aws-condition-keys).
 *
 * A key AWS documents but local mode cannot know stays absent (an `absent` cell says why). Where AWS's
 * documents leave presence open, the cell is `uncertain`: IAM is then asked with the key and without it,
 * and the stricter answer holds, the only reading that can never open a hole.
 */

/** Who signed a request, as the table tells callers apart. */
export type CallerKind =
    /** An IAM user signing with its long-term access key. */
    | "user"
    /** A role session from `AssumeRole` (also one role session assuming another: role chaining). */
    | "roleSession"
    /** A role session from `AssumeRoleWithWebIdentity` with an OIDC provider's token. */
    | "webIdentitySession"
    /** A role session Cognito Identity's enhanced flow obtained for an identity pool's identity. */
    | "identityPoolSession"
    /** An unsigned request (a method without authorization, behind a resource policy). */
    | "anonymous"
    /** `AssumeRoleWithWebIdentity` itself (and Cognito's exchange): the caller is a token, not a signature. */
    | "federation";

/** A web identity token's claims as IAM keys them: `<issuer>:aud`, `:sub`, `:amr`. */
export interface TokenKeys {
    /** The issuer without `https://`, the keys' prefix (`cognito-identity.amazonaws.com` for Cognito). */
    readonly issuer: string;
    readonly aud: string;
    readonly sub: string;
    readonly amr: readonly string[] | undefined;
}

interface SignedFacts {
    readonly accountId: string;
    /** `aws:userid`: `AIDA…` for a user, `<role id>:<session name>` for a session. */
    readonly userId: string;
    /** The user's or the role's tags. */
    readonly tags: ReadonlyMap<string, string>;
}

interface SessionFacts extends SignedFacts {
    /** The role's ARN: a session's `aws:PrincipalArn`. */
    readonly roleArn: string;
    readonly issuedAt: Date;
}

interface FederatedSessionFacts extends SessionFacts {
    /** `aws:FederatedProvider`: the OIDC provider's ARN, or `cognito-identity.amazonaws.com`. */
    readonly federatedProvider: string;
    /** The claims of the token the session was issued for, kept with the session. */
    readonly token: TokenKeys;
}

/** What the table reads of the caller, by kind. */
export type CallerFacts =
    | ({ readonly kind: "user"; readonly arn: string; readonly userName: string } & SignedFacts)
    | ({ readonly kind: "roleSession" } & SessionFacts)
    | ({ readonly kind: "webIdentitySession" } & FederatedSessionFacts)
    | ({ readonly kind: "identityPoolSession" } & FederatedSessionFacts)
    | { readonly kind: "anonymous" }
    | { readonly kind: "federation"; readonly token: TokenKeys };

/** What the table reads of the request itself. */
export interface RequestFacts {
    /** The caller's address, as the listener saw it. */
    readonly sourceIp: string;
    readonly receivedAt: Date;
    /** The region the endpoint serves. */
    readonly region: string;
    /** The account owning the resource: the API's, or the role's for STS. */
    readonly resourceAccountId: string;
    readonly userAgent: string | undefined;
    readonly referer: string | undefined;
}

/** Where a call to the local STS or Cognito Identity came from: the request keys it carries. */
export type CallOrigin = Pick<RequestFacts, "sourceIp" | "userAgent" | "referer">;

export type ContextValue = string | readonly string[];
export type ContextEntry = readonly [string, ContextValue];

/** A request context: every key and value, and which keys AWS may or may not send (asked both ways). */
export interface RequestContext {
    readonly entries: readonly ContextEntry[];
    readonly uncertainKeys: readonly string[];
}

type FactsOf<K extends CallerKind> = Extract<CallerFacts, { kind: K }>;
/** A cell whose value AWS may or may not send. */
interface Uncertain {
    readonly uncertain: readonly ContextEntry[];
}
type Produced = readonly ContextEntry[] | Uncertain;
type Cell<K extends CallerKind> =
    { readonly absent: string } | ((caller: FactsOf<K>, request: RequestFacts) => Produced);
interface Row {
    /** The key, or its family (`aws:PrincipalTag/<tag key>`, `<issuer>:aud`). */
    readonly key: string;
    readonly source: string;
    readonly cells: { readonly [K in CallerKind]: Cell<K> };
}

const absent = (why: string) => ({ absent: why });
const one = (key: string, value: ContextValue | undefined): readonly ContextEntry[] =>
    value === undefined ? [] : [[key, value]];
/** Every signed caller's entries; anonymous and federation calls carry none. */
const signed = (entries: (caller: SignedFacts) => readonly ContextEntry[], why: string) => ({
    user: entries,
    roleSession: entries,
    webIdentitySession: entries,
    identityPoolSession: entries,
    anonymous: absent(why),
    federation: absent(why),
});
/** A key no local caller carries. */
const nobody = (why: string) => ({
    user: absent(why),
    roleSession: absent(why),
    webIdentitySession: absent(why),
    identityPoolSession: absent(why),
    anonymous: absent(why),
    federation: absent(why),
});
/** The same cell for every caller (keys of the request, not of who sent it). */
const everyone = (cell: (caller: CallerFacts, request: RequestFacts) => Produced) => ({
    user: cell,
    roleSession: cell,
    webIdentitySession: cell,
    identityPoolSession: cell,
    anonymous: cell,
    federation: cell,
});
/** Only temporary credentials (a role session of any origin) carry the key. */
const sessionsOnly = (cell: (caller: SessionFacts) => Produced, userWhy: string) => ({
    user: absent(userWhy),
    roleSession: cell,
    webIdentitySession: cell,
    identityPoolSession: cell,
    anonymous: absent("unsigned: no credentials at all"),
    federation: absent("no credentials yet: the token is being exchanged for them"),
});
/** Time in IAM's ISO 8601 form, without milliseconds. */
const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The token's claims as keys: `<issuer>:aud`, `:sub`, and `:amr` where the token has one. */
function tokenEntries(token: TokenKeys): ContextEntry[] {
    return [
        [`${token.issuer}:aud`, token.aud],
        [`${token.issuer}:sub`, token.sub],
        ...(token.amr === undefined ? [] : [[`${token.issuer}:amr`, token.amr] as const]),
    ];
}

const UNSIGNED_NEEDS_AUTHN =
    "unsigned: API Gateway's table says the key needs authentication (IAM's own reference says anonymous requests carry it; API Gateway's service-specific table is followed)";

/** The table. Order is the order of the context. */
export const CONDITION_KEYS: readonly Row[] = [
    {
        key: "aws:SourceIp",
        source: "IAM (present except through a VPC endpoint, which local mode has none of); APIGW",
        cells: everyone((_c, r) => one("aws:SourceIp", r.sourceIp)),
    },
    {
        key: "aws:CurrentTime",
        source: "IAM (always); APIGW",
        cells: everyone((_c, r) => one("aws:CurrentTime", isoSeconds(r.receivedAt))),
    },
    {
        key: "aws:EpochTime",
        source: "IAM (always); APIGW",
        cells: everyone((_c, r) => one("aws:EpochTime", String(Math.floor(r.receivedAt.getTime() / 1000)))),
    },
    {
        key: "aws:SecureTransport",
        source: "IAM (always); APIGW. The loopback endpoints stand for AWS's, which are HTTPS only",
        cells: everyone(() => one("aws:SecureTransport", "true")),
    },
    {
        key: "aws:RequestedRegion",
        source: "IAM (always)",
        cells: everyone((_c, r) => one("aws:RequestedRegion", r.region)),
    },
    {
        key: "aws:ViaAWSService",
        source: "IAM (always; false when the principal calls directly, as every local caller does)",
        cells: everyone(() => one("aws:ViaAWSService", "false")),
    },
    {
        key: "aws:ResourceAccount",
        source: "IAM (always, for most actions; neither execute-api nor sts is among the exceptions)",
        cells: everyone((_c, r) => one("aws:ResourceAccount", r.resourceAccountId)),
    },
    {
        key: "aws:UserAgent",
        source: "IAM (always); APIGW (only when the caller sends the header)",
        cells: everyone((_c, r) => one("aws:UserAgent", r.userAgent)),
    },
    {
        key: "aws:Referer",
        source: "IAM; APIGW (only when the caller sends the header)",
        cells: everyone((_c, r) => one("aws:Referer", r.referer)),
    },
    {
        key: "aws:PrincipalArn",
        source: "IAM (every signed request; a session's is its role's ARN); APIGW",
        cells: {
            user: (c) => one("aws:PrincipalArn", c.arn),
            roleSession: (c) => one("aws:PrincipalArn", c.roleArn),
            webIdentitySession: (c) => one("aws:PrincipalArn", c.roleArn),
            identityPoolSession: (c) => one("aws:PrincipalArn", c.roleArn),
            anonymous: absent("unsigned (IAM: anonymous requests do not include it)"),
            federation: absent("the caller is a token, not an IAM principal"),
        },
    },
    {
        key: "aws:PrincipalAccount",
        source: "IAM; APIGW (needs authentication)",
        cells: signed((c) => one("aws:PrincipalAccount", c.accountId), UNSIGNED_NEEDS_AUTHN),
    },
    {
        key: "aws:PrincipalType",
        source: "IAM; APIGW (needs authentication)",
        cells: {
            ...signed(() => one("aws:PrincipalType", "AssumedRole"), UNSIGNED_NEEDS_AUTHN),
            user: () => one("aws:PrincipalType", "User"),
        },
    },
    {
        key: "aws:userid",
        source: "IAM; APIGW (needs authentication)",
        cells: signed((c) => one("aws:userid", c.userId), UNSIGNED_NEEDS_AUTHN),
    },
    {
        key: "aws:username",
        source: "IAM (IAM users only); APIGW",
        cells: {
            user: (c) => one("aws:username", c.userName),
            roleSession: absent("IAM: requests made with IAM roles do not include it"),
            webIdentitySession: absent("IAM: requests made with IAM roles do not include it"),
            identityPoolSession: absent("IAM: requests made with IAM roles do not include it"),
            anonymous: absent("IAM: anonymous requests do not include it"),
            federation: absent("the caller is a token, not an IAM user"),
        },
    },
    {
        key: "aws:PrincipalIsAWSService",
        source: "IAM (every signed request; false for credentials of an IAM principal)",
        cells: signed(() => one("aws:PrincipalIsAWSService", "false"), "IAM: anonymous requests do not include it"),
    },
    {
        key: "aws:PrincipalTag/<tag key>",
        source: "IAM (the user's or the role's tags); APIGW. Session tags are refused by the local STS",
        cells: signed(
            (c) => [...c.tags].map(([k, v]) => [`aws:PrincipalTag/${k}`, v] as const),
            "no principal, no tags",
        ),
    },
    {
        key: "aws:MultiFactorAuthPresent",
        source: "IAM and APIGW: present only for temporary credentials; false without MFA (the local STS refuses SerialNumber/TokenCode)",
        cells: sessionsOnly(
            () => one("aws:MultiFactorAuthPresent", "false"),
            "IAM: not present for requests signed with long-term access keys",
        ),
    },
    {
        key: "aws:TokenIssueTime",
        source: "IAM and APIGW: present only for temporary credentials",
        cells: sessionsOnly(
            (c) => one("aws:TokenIssueTime", isoSeconds(c.issuedAt)),
            "IAM: not present for requests signed with access keys",
        ),
    },
    {
        key: "aws:FederatedProvider",
        source: "IAM (a role session issued through a third-party identity provider)",
        cells: {
            user: absent("not a federated session"),
            roleSession: absent("not a federated session (role chaining from one is inferred to end it)"),
            webIdentitySession: (c) => one("aws:FederatedProvider", c.federatedProvider),
            identityPoolSession: (c) => one("aws:FederatedProvider", c.federatedProvider),
            anonymous: absent("not a federated session"),
            federation: absent("the session is not issued yet"),
        },
    },
    {
        key: "<issuer>:aud, <issuer>:sub, <issuer>:amr",
        source: "WIF: the token's keys in the trust policy, and the cross-service keys (amr, aud, id, sub) when the session's credentials are used; for Cognito, documented as available when the user is authenticated",
        cells: {
            user: absent("no token"),
            roleSession: absent("no token (a chained session is not documented to keep them)"),
            webIdentitySession: (c) => tokenEntries(c.token),
            // A guest's keys: "available when the user is authenticated" leaves a guest's open.
            identityPoolSession: (c) =>
                c.token.amr?.[0] === "authenticated" ? tokenEntries(c.token) : { uncertain: tokenEntries(c.token) },
            anonymous: absent("no token"),
            federation: (c) => tokenEntries(c.token),
        },
    },
    {
        key: "aws:MultiFactorAuthAge",
        source: "IAM and APIGW: only when MFA was used",
        cells: nobody("local mode emulates no MFA"),
    },
    {
        key: "aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:ResourceOrgID, aws:ResourceOrgPaths",
        source: "IAM: only for a member of an organization",
        cells: nobody("local accounts belong to no organization"),
    },
    {
        key: "aws:SourceVpc, aws:SourceVpce, aws:VpcSourceIp",
        source: "IAM and APIGW: only through a VPC endpoint (private APIs)",
        cells: nobody("local mode has no VPC endpoints"),
    },
    {
        key: "aws:SourceIdentity, aws:RequestTag/*, aws:TagKeys",
        source: "IAM: only when set or passed",
        cells: nobody("the local STS refuses SourceIdentity and Tags"),
    },
    {
        key: "aws:CalledVia*, aws:SourceArn, aws:SourceAccount, aws:PrincipalServiceName*, aws:Ec2Instance*",
        source: "IAM: only when a service calls another on a principal's behalf, or for service and EC2 role credentials",
        cells: nobody("every local caller calls directly, with its own credentials"),
    },
];

/**
 * The request context for one request: every row of {@link CONDITION_KEYS} for the caller's kind,
 * then the action's own keys (`sts:RoleSessionName`, `sts:ExternalId`), which are not global.
 */
export function requestContext(
    caller: CallerFacts,
    request: RequestFacts,
    actionKeys: readonly ContextEntry[] = [],
): RequestContext {
    const entries: ContextEntry[] = [];
    const uncertainKeys: string[] = [];
    for (const row of CONDITION_KEYS) {
        // Each kind's cell reads that kind's facts, and caller.kind chose the cell.
        const cell = row.cells[caller.kind] as { absent: string } | ((c: CallerFacts, r: RequestFacts) => Produced);
        if (typeof cell !== "function") continue;
        const produced = cell(caller, request);
        if ("uncertain" in produced) {
            entries.push(...produced.uncertain);
            uncertainKeys.push(...produced.uncertain.map(([key]) => key));
        } else entries.push(...produced);
    }
    return { entries: [...entries, ...actionKeys], uncertainKeys };
}
