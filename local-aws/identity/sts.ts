import { assumedRoleArn, parseIamArn } from "../../components/policies/arns";
import { COGNITO_IDENTITY } from "../../components/callers/trust";
import { LocalAwsAccount, RoleRecord, SessionRecord } from "../engine/account";
import { LocalAwsAccounts } from "../engine/accounts";
import { AttachedPolicy, CallerIdentity, CognitoCaller } from "../engine/records";
import { issueSession } from "../engine/sessions";
import { IamEvaluator } from "../gateway/authorize";
import { CallOrigin, requestContext, RequestContext, TokenKeys } from "./conditionKeys";
import { LocalTokenIssuer, WebIdentityClaims } from "./tokens";
import { AssumeRoleQuestion } from "./trustEvaluation";

/** A refusal of STS, in its terms: HTTP status, `Sender`/`Receiver`, error code and message. */
export interface StsError {
    readonly status: number;
    readonly code: string;
    readonly message: string;
}

/** A successful STS action: the inside of its `<…Result>` element. */
export interface StsResult {
    readonly result: string;
}

export const isStsError = (value: StsResult | StsError | SessionGrant): value is StsError => "code" in value;

/** A session STS granted, and the role and account it belongs to. */
export interface SessionGrant {
    readonly session: SessionRecord;
    readonly account: LocalAwsAccount;
    readonly role: RoleRecord;
}

/** STS's shortest session, and its limit for a role assumed by another role's session (role chaining). */
const CHAINED_MAX_SECONDS = 3600;
const DEFAULT_DURATION_SECONDS = 3600;
/** Parameters STS takes that local mode does not emulate: refused, never silently ignored (that could widen access). */
const NOT_EMULATED = [
    "Policy",
    "PolicyArns",
    "Tags",
    "TransitiveTagKeys",
    "SerialNumber",
    "TokenCode",
    "SourceIdentity",
    "ProvidedContexts",
];

const validation = (message: string): StsError => ({ status: 400, code: "ValidationError", message });

/** A parameter's constraints in STS's model (STS API Reference, each action's Request Parameters). */
interface Constraint {
    readonly param: string;
    /** The member's name in STS's messages. */
    readonly member: string;
    readonly required?: boolean;
    /** Length, or for an integer its value. */
    readonly min: number;
    readonly max: number;
    readonly integer?: boolean;
    readonly pattern?: { readonly regex: RegExp; readonly shown: string };
    /** Never echoed in a message (a token). */
    readonly sensitive?: boolean;
}

/** STS's `arnType` characters (tab, newline, return and printable Unicode); astral ones are refused, which can only refuse more. */
const ARN_TYPE = {
    regex: /^[\t\n\r\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD]+$/,
    shown: "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+",
};
const ROLE_ARN: Constraint = {
    param: "RoleArn",
    member: "roleArn",
    required: true,
    min: 20,
    max: 2048,
    pattern: ARN_TYPE,
};
const ROLE_SESSION_NAME: Constraint = {
    param: "RoleSessionName",
    member: "roleSessionName",
    required: true,
    min: 2,
    max: 64,
    pattern: { regex: /^[\w+=,.@-]*$/, shown: "[\\w+=,.@-]*" },
};
const DURATION_SECONDS: Constraint = {
    param: "DurationSeconds",
    member: "durationSeconds",
    min: 900,
    max: 43200,
    integer: true,
};
/** The parameters local mode reads of each action, with STS's constraints (STS API Reference). */
const ASSUME_ROLE: readonly Constraint[] = [
    ROLE_ARN,
    ROLE_SESSION_NAME,
    DURATION_SECONDS,
    {
        param: "ExternalId",
        member: "externalId",
        min: 2,
        max: 1224,
        pattern: { regex: /^[\w+=,.@:/-]*$/, shown: "[\\w+=,.@:/-]*" },
    },
];
const ASSUME_ROLE_WITH_WEB_IDENTITY: readonly Constraint[] = [
    ROLE_ARN,
    ROLE_SESSION_NAME,
    DURATION_SECONDS,
    { param: "WebIdentityToken", member: "webIdentityToken", required: true, min: 4, max: 20000, sensitive: true },
    { param: "ProviderId", member: "providerId", min: 4, max: 2048 },
];

/**
 * STS's ValidationError for every parameter outside its constraints, worded as AWS's services word
 * them ("1 validation error detected: Value '…' at 'externalId' failed to satisfy constraint: …").
 */
function constraintProblems(params: URLSearchParams, constraints: readonly Constraint[]): StsError | undefined {
    const problems: string[] = [];
    for (const c of constraints) {
        const value = params.get(c.param);
        const shown = value === null ? "Value null" : c.sensitive ? "Value" : `Value '${value}'`;
        const fail = (constraint: string) =>
            problems.push(`${shown} at '${c.member}' failed to satisfy constraint: Member must ${constraint}`);
        if (value === null) {
            if (c.required) fail("not be null");
            continue;
        }
        if (c.integer) {
            // The query protocol carries numbers as text: anything but plain digits is no integer at all.
            const n = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
            if (Number.isNaN(n)) fail("be an integer");
            else if (n < c.min) fail(`have value greater than or equal to ${c.min}`);
            else if (n > c.max) fail(`have value less than or equal to ${c.max}`);
            continue;
        }
        if (value.length < c.min) fail(`have length greater than or equal to ${c.min}`);
        if (value.length > c.max) fail(`have length less than or equal to ${c.max}`);
        if (c.pattern && !c.pattern.regex.test(value)) fail(`satisfy regular expression pattern: ${c.pattern.shown}`);
    }
    if (problems.length === 0) return undefined;
    const count = problems.length === 1 ? "1 validation error" : `${problems.length} validation errors`;
    return validation(`${count} detected: ${problems.join("; ")}`);
}

/** `<Tag>value</Tag>` with the value escaped. */
export function xmlElement(tag: string, value: string): string {
    const escaped = value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    return `<${tag}>${escaped}</${tag}>`;
}

/**
 * The local STS: `AssumeRole`, `AssumeRoleWithWebIdentity` (for tokens of {@link LocalTokenIssuer})
 * and `GetCallerIdentity`, over every account of the run. Each role's trust policy (and a caller's own
 * policies) is decided by the same IAM simulator as the gateway's decisions, on its worker threads.
 */
export class LocalSts {
    constructor(
        private readonly accounts: LocalAwsAccounts,
        private readonly evaluator: IamEvaluator,
        readonly tokens: LocalTokenIssuer,
        private readonly now: () => Date,
    ) {}

    async assumeRole(
        caller: CallerIdentity,
        params: URLSearchParams,
        origin: CallOrigin,
    ): Promise<StsResult | StsError> {
        const common = this.commonProblems(params, ASSUME_ROLE);
        if (common) return common;
        const roleArn = params.get("RoleArn")!;
        const sessionName = params.get("RoleSessionName")!;
        const denied: StsError = {
            status: 403,
            code: "AccessDenied",
            message: `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        };
        // A role that does not exist is refused like one that does not trust the caller: no enumeration.
        const target = this.roleOf(roleArn);
        if (!target) return denied;
        const chained = caller.arn.includes(":assumed-role/");
        const duration = this.duration(params, target.role, chained);
        if (typeof duration !== "number") return duration;
        const externalId = params.get("ExternalId");
        const context = requestContext(caller.facts, this.requestFacts(origin, target.account), [
            ["sts:RoleSessionName", sessionName],
            ...(externalId === null ? [] : [["sts:ExternalId", externalId] as const]),
        ]);
        const answer = await this.evaluator.decideAssumeRole(
            this.question("sts:AssumeRole", caller.arn, target, caller.policies, context),
        );
        if (answer.decision !== "Allowed") return denied;
        const grant = this.grant(target, sessionName, duration);
        return { result: credentialsXml(grant) };
    }

    async assumeRoleWithWebIdentity(params: URLSearchParams, origin: CallOrigin): Promise<StsResult | StsError> {
        const common = this.commonProblems(params, ASSUME_ROLE_WITH_WEB_IDENTITY);
        if (common) return common;
        const token = params.get("WebIdentityToken")!;
        // Local tokens are OpenID Connect ID tokens, for which AWS says not to give a ProviderId.
        if (params.has("ProviderId"))
            return validation(
                "ProviderId is only for OAuth 2.0 access tokens (www.amazon.com, graph.facebook.com); an OpenID Connect ID token takes none: remove it.",
            );
        const check = this.tokens.check(token, this.now());
        if (!check.ok)
            return check.reason === "expired"
                ? { status: 400, code: "ExpiredTokenException", message: check.message }
                : { status: 400, code: "InvalidIdentityToken", message: check.message };
        const granted = await this.exchangeWebIdentity(
            check.claims,
            params.get("RoleArn")!,
            params.get("RoleSessionName")!,
            origin,
            params,
        );
        if (isStsError(granted)) return granted;
        const provider = check.claims.iss.replace(/^https:\/\//, "");
        return {
            result:
                xmlElement("SubjectFromWebIdentityToken", check.claims.sub) +
                xmlElement("Audience", check.claims.aud) +
                xmlElement("Provider", provider) +
                credentialsXml(granted),
        };
    }

    /**
     * A role session for a verified web identity: the issuer must be an OIDC provider of the role's
     * account accepting the token's audience (Cognito's tokens excepted), then the trust policy must
     * allow it with the token's claims as `<issuer>:aud`, `:sub` and `:amr`. Cognito's enhanced flow
     * uses this too.
     */
    async exchangeWebIdentity(
        claims: WebIdentityClaims,
        roleArn: string,
        sessionName: string,
        origin: CallOrigin,
        durationParams?: URLSearchParams,
        sessionPolicies: readonly AttachedPolicy[] = [],
    ): Promise<SessionGrant | StsError> {
        const denied: StsError = {
            status: 403,
            code: "AccessDenied",
            message: "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        };
        const target = this.roleOf(roleArn);
        if (!target) return denied;
        const issuer = claims.iss.replace(/^https:\/\//, "");
        let principal: string;
        if (issuer === COGNITO_IDENTITY) principal = COGNITO_IDENTITY;
        else {
            const provider = target.account.oidcProviders.get(issuer);
            if (!provider)
                return {
                    status: 400,
                    code: "InvalidIdentityToken",
                    message: `No OpenIDConnect provider found in your account for ${claims.iss}`,
                };
            if (!provider.clientIds.includes(claims.aud))
                return { status: 400, code: "InvalidIdentityToken", message: "Incorrect token audience" };
            principal = provider.arn;
        }
        const duration = this.duration(durationParams ?? new URLSearchParams(), target.role, false);
        if (typeof duration !== "number") return duration;
        const token: TokenKeys = { issuer, aud: claims.aud, sub: claims.sub, amr: claims.amr };
        const context = requestContext({ kind: "federation", token }, this.requestFacts(origin, target.account), [
            ["sts:RoleSessionName", sessionName],
        ]);
        const answer = await this.evaluator.decideAssumeRole(
            this.question("sts:AssumeRoleWithWebIdentity", principal, target, [], context),
        );
        if (answer.decision !== "Allowed") return denied;
        return this.grant(
            target,
            sessionName,
            duration,
            { provider: principal, token },
            issuer === COGNITO_IDENTITY ? cognitoCaller(claims) : undefined,
            sessionPolicies,
        );
    }

    getCallerIdentity(caller: CallerIdentity): StsResult {
        return {
            result:
                xmlElement("Arn", caller.arn) +
                xmlElement("UserId", caller.userId) +
                xmlElement("Account", caller.accountId),
        };
    }

    /** The role an ARN names, in whichever local account holds it. */
    private roleOf(roleArn: string): { account: LocalAwsAccount; role: RoleRecord } | undefined {
        const arn = parseIamArn(roleArn);
        const account = arn?.kind === "role" ? this.accounts.account(arn.accountId) : undefined;
        const role = account?.roleOfArn(roleArn);
        return account && role ? { account, role } : undefined;
    }

    private commonProblems(params: URLSearchParams, constraints: readonly Constraint[]): StsError | undefined {
        const unsupported = NOT_EMULATED.find((name) =>
            [...params.keys()].some((k) => k === name || k.startsWith(`${name}.`)),
        );
        if (unsupported)
            return validation(
                `Local mode does not emulate ${unsupported} (the IAM simulator it uses does not evaluate session policies, tags or MFA), so it refuses the request rather than ignore it.`,
            );
        return constraintProblems(params, constraints);
    }

    /** `DurationSeconds` (its range already checked) within the role's maximum, and an hour when chained. */
    private duration(params: URLSearchParams, role: RoleRecord, chained: boolean): number | StsError {
        const given = params.get("DurationSeconds");
        const seconds = given === null ? DEFAULT_DURATION_SECONDS : Number(given);
        if (chained && seconds > CHAINED_MAX_SECONDS)
            return validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
            );
        if (seconds > role.maxSessionDurationSeconds)
            return validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        return seconds;
    }

    /** The request's own facts for the condition-key table: STS's region, the role's account, this moment. */
    private requestFacts(origin: CallOrigin, roleAccount: LocalAwsAccount) {
        return {
            ...origin,
            receivedAt: this.now(),
            region: this.accounts.main.region,
            resourceAccountId: roleAccount.accountId,
        };
    }

    private question(
        action: AssumeRoleQuestion["action"],
        principal: string,
        target: { account: LocalAwsAccount; role: RoleRecord },
        identityPolicies: AssumeRoleQuestion["identityPolicies"],
        context: RequestContext,
    ): AssumeRoleQuestion {
        return {
            kind: "assumeRole",
            principal,
            action,
            roleArn: target.role.arn,
            roleAccountId: target.account.accountId,
            trustPolicy: target.role.assumeRolePolicy,
            identityPolicies,
            context: context.entries,
            uncertainKeys: context.uncertainKeys,
        };
    }

    private grant(
        target: { account: LocalAwsAccount; role: RoleRecord },
        sessionName: string,
        durationSeconds: number,
        federation?: SessionRecord["federation"],
        cognito?: CognitoCaller,
        sessionPolicies: readonly AttachedPolicy[] = [],
    ): SessionGrant {
        const session = issueSession(
            target.account,
            target.role,
            sessionName,
            this.now(),
            durationSeconds,
            federation,
            cognito,
            sessionPolicies,
        );
        return { session, account: target.account, role: target.role };
    }
}

/** The app user behind a Cognito Identity token: its pool (`aud`), identity (`sub`) and sign-in (`amr`). */
function cognitoCaller(claims: WebIdentityClaims): CognitoCaller {
    const [kind, ...providers] = claims.amr ?? ["unauthenticated"];
    return {
        identityPoolId: claims.aud,
        identityId: claims.sub,
        authenticationType: kind,
        authenticationProvider: providers.length === 0 ? null : providers.join(","),
    };
}

/** `<AssumedRoleUser>` and `<Credentials>` of a granted session. */
function credentialsXml({ session, account, role }: SessionGrant): string {
    return (
        `<AssumedRoleUser>${xmlElement("Arn", assumedRoleArn(account.partition, account.accountId, role.name, session.sessionName))}` +
        `${xmlElement("AssumedRoleId", `${role.uniqueId}:${session.sessionName}`)}</AssumedRoleUser>` +
        `<Credentials>${xmlElement("AccessKeyId", session.accessKeyId)}${xmlElement("SecretAccessKey", session.secretAccessKey)}` +
        `${xmlElement("SessionToken", session.sessionToken)}${xmlElement("Expiration", session.expiration.toISOString().replace(/\.\d{3}Z$/, "Z"))}</Credentials>`
    );
}
