import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, IAM_NAME, IamIdentityKind, parseIamArn } from "../policies/arns";
import { InvalidSecuredRestApiInput } from "../errors";
import { SecuredOperation } from "../openapi/secure";
import { parseOperationKey } from "../openapi/operations";
import { invokeScopeDocuments, operationGrants, routesOf } from "../policies/operationPolicy";
import { INVOKE_ACTION, PolicyDocument } from "../policies/invokePolicy";
import { ResourcePolicyStatement } from "../policies/resourcePolicy";

/**
 * Existing IAM identities of the stack's own account that may invoke the API. The component creates
 * the invoke policy and attaches it to each (`aws.iam.RolePolicyAttachment`, `…UserPolicyAttachment`,
 * `…GroupPolicyAttachment`); the identities themselves are left as they are.
 *
 * Each attachment is named after what it attaches: the identity's name and the granted operations. So
 * adding, removing or reordering grants never renames another grant's attachment (a renamed attachment
 * is created anew and the old one deleted, and that delete detaches the policy the identity still
 * needs). An identity given as an Output (`worker.name`) has no value yet when the name is chosen: it
 * is numbered among the Outputs of its kind granted the same operations, so removing or reordering one
 * of those renames the ones after it. Give the name as a plain string (`"orders-worker"`) to keep it
 * fixed. Attachments that earlier versions named by position (`<name>-grant1-role1`) are kept: each
 * carries that name as an alias, which matches while the grants are as they were, so upgrade first
 * and change the grants in a later update.
 */
export interface InvokeGrant {
    /**
     * Roles of this account, by name (`"orders-worker"`) or ARN: the roles Lambda functions, ECS tasks or
     * EC2 instances run as.
     * @default []
     */
    roles?: pulumi.Input<string>[];
    /**
     * Users of this account, by name or ARN.
     * @default []
     */
    users?: pulumi.Input<string>[];
    /**
     * Groups of this account, by name or ARN.
     * @default []
     */
    groups?: pulumi.Input<string>[];
    /**
     * Only these operations, written like `invokeOperations` (`"GET /pets/{petId}"`), sized into IAM's
     * policy limits.
     * @default every operation of the stage
     */
    operations?: string[];
}

/**
 * Principals of other AWS accounts that may invoke the API. API Gateway lets such a caller in only
 * when both halves allow it: this API's resource policy (the component adds an Allow naming exactly
 * these principals, never `*`) and an identity policy in the caller's own account (the component
 * outputs it as `crossAccountPolicies`; the other account must attach it). Without either half the
 * caller gets 403 AccessDeniedException.
 */
export interface CrossAccountGrant {
    /**
     * 12-digit account ids (every principal of that account whose own policy allows it) or IAM role or
     * user ARNs of another account. Plain strings: the resource policy travels in the body, which is
     * fixed at preview.
     */
    principals: string[];
    /**
     * Only these operations, written like `invokeOperations`.
     * @default every operation of the stage
     */
    operations?: string[];
}

/**
 * An OpenID Connect identity whose tokens may be exchanged for the role's credentials
 * (`sts:AssumeRoleWithWebIdentity`). See {@link githubActions} for GitHub Actions.
 */
export interface WebIdentityTrust {
    /** The issuer URL without `https://`, as IAM names the provider, e.g. `token.actions.githubusercontent.com`. */
    issuer: string;
    /**
     * ARN of the account's IAM OIDC provider for this issuer,
     * `arn:<partition>:iam::<account>:oidc-provider/<issuer>`. Not with `createProvider`.
     * @default the account's provider found by its URL, `https://<issuer>` (`aws.iam.getOpenIdConnectProvider`)
     */
    providerArn?: pulumi.Input<string>;
    /**
     * Create the account's IAM OIDC provider for this issuer in this stack (`aws.iam.OpenIdConnectProvider`,
     * with the `audiences` as client ids). Off unless set, because IAM holds one provider per URL per
     * account, usually made once outside any one stack: creating it fails in every account that already
     * has one (`EntityAlreadyExists`, so in any account already using GitHub Actions) and in a second
     * stack, and destroying the stack that made it breaks every other role trusting it. Without it the
     * component uses the account's provider (`providerArn`, or the one found by URL, and the preview
     * fails, naming both fixes, when the account has none). Set it in the one stack that owns the
     * provider, and in a stack where an earlier version of this component created it: without it, that
     * stack's next update deletes the provider. Not with `providerArn`.
     * @default false
     */
    createProvider?: boolean;
    /** The `aud` values accepted (`StringEquals` on `<issuer>:aud`), e.g. `["sts.amazonaws.com"]`. */
    audiences: string[];
    /**
     * The `sub` values accepted (`StringLike` on `<issuer>:sub`; `*` and `?` are wildcards), e.g.
     * `["repo:my-org/my-repo:ref:refs/heads/main"]`. Required: without it, any token of the issuer
     * (any GitHub repository, for GitHub) could assume the role.
     */
    subjects: string[];
}

/** A role the component creates, with the invoke policy, for callers that assume it. */
export interface InvokeRoleArgs {
    /**
     * Who may call `sts:AssumeRole`: 12-digit account ids (principals of that account whose own policy
     * allows `sts:AssumeRole` on this role) or IAM role or user ARNs (that principal only).
     * @default []
     */
    trustedPrincipals?: pulumi.Input<string>[];
    /**
     * AWS services that may assume it for your workloads, e.g. `["lambda.amazonaws.com"]` or
     * `["ecs-tasks.amazonaws.com"]`.
     * @default []
     */
    trustedServices?: string[];
    /**
     * OpenID Connect identities (CI jobs, workload identity) that may exchange their token for the
     * role's credentials, e.g. `[githubActions({ repository: "my-org/my-repo" })]`.
     * @default []
     */
    webIdentities?: WebIdentityTrust[];
    /**
     * An `sts:ExternalId` that `trustedPrincipals` must pass, for a third party assuming the role on
     * your behalf (the confused-deputy guard).
     * @default none
     */
    externalId?: string;
    /**
     * Only these operations, written like `invokeOperations`.
     * @default every operation of the stage
     */
    operations?: string[];
    /**
     * The longest session, in seconds (IAM allows 3,600 to 43,200).
     * @default 3600
     */
    maxSessionDurationSeconds?: number;
}

/** An existing Cognito user pool whose signed-in users become the identity pool's authenticated identities. */
export interface UserPoolProvider {
    /**
     * The user pool's id, `<region>_<id>` such as `eu-west-1_AbCdEf123` (`aws.cognito.UserPool.id`). The
     * identity pool names the pool's provider in the region the id starts with, which may differ from the
     * stack's; an id without it is refused at preview (or, given as an Output, when its value is known).
     */
    userPoolId: pulumi.Input<string>;
    /** The app clients whose ID tokens are accepted (`aws.cognito.UserPoolClient.id`). */
    clientIds: pulumi.Input<string>[];
}

/**
 * A Cognito identity pool for browser and mobile apps: they exchange a sign-in (or, only when allowed,
 * nothing) for temporary credentials of a role that may invoke only this API, instead of shipping
 * long-term keys. The roles trust `cognito-identity.amazonaws.com` only for this pool
 * (`cognito-identity.amazonaws.com:aud`) and only for its kind of identity
 * (`cognito-identity.amazonaws.com:amr`); no rule-based role mapping is set, so a token can never pick
 * another role.
 */
export interface IdentityPoolArgs {
    /**
     * The user pool whose users sign in.
     * @default none (then `allowUnauthenticatedIdentities` must be true)
     */
    userPool?: UserPoolProvider;
    /**
     * Hand guest credentials to anyone who asks, with no sign-in. Off unless set: guests get the
     * unauthenticated role, limited to `unauthenticatedOperations`. Needs `allowClassicFlow`: the
     * enhanced flow's guest credentials cannot call API Gateway at all.
     * @default false
     */
    allowUnauthenticatedIdentities?: boolean;
    /**
     * Allow the basic (classic) flow: an app exchanges the identity's token from `GetOpenIdToken` with
     * STS `AssumeRoleWithWebIdentity` for `unauthenticatedRoleArn` or `authenticatedRoleArn`. Guests
     * need it: Cognito scopes the enhanced flow's guest credentials down with
     * `AmazonCognitoUnAuthedIdentitiesSessionPolicy`, which has no `execute-api:Invoke`. The roles
     * trust the pool only for their own kind of identity, so a token can assume no other of them.
     * @default false
     */
    allowClassicFlow?: boolean;
    /**
     * The operations signed-in users may invoke, written like `invokeOperations`.
     * @default every operation of the stage
     */
    authenticatedOperations?: string[];
    /** The operations guests may invoke; required with `allowUnauthenticatedIdentities`. @default none */
    unauthenticatedOperations?: string[];
    /**
     * Name of the identity pool.
     * @default the component's name
     */
    identityPoolName?: string;
}

/** The identity-policy document another account must attach, for one of `crossAccountGrants`. */
export interface CrossAccountPolicy {
    /** The principals this grant names in the API's resource policy. */
    principals: string[];
    /** The identity-policy documents (JSON) to attach to them in their account: the other half. */
    policies: string[];
}

/** The issuer of GitHub Actions' OIDC tokens. */
export const GITHUB_ACTIONS_ISSUER = "token.actions.githubusercontent.com";
/** The audience GitHub's `aws-actions/configure-aws-credentials` asks tokens for. */
export const GITHUB_ACTIONS_AUDIENCE = "sts.amazonaws.com";

/** What {@link githubActions} trusts, and how it finds the account's GitHub OIDC provider. */
export interface GithubActionsArgs {
    /** `owner/name` of the repository. */
    repository: string;
    /**
     * Trust jobs running on this branch that declare no `environment:` (sub
     * `repo:<owner>/<name>:ref:refs/heads/<branch>`). A job that declares an environment gets a token whose
     * sub names the environment instead of the branch, so it is refused unless `environment` names it too.
     * @default any ref, pull request or environment of the repository, unless `environment` is given
     */
    branch?: string;
    /**
     * Trust jobs of this deployment environment (sub `repo:<owner>/<name>:environment:<environment>`), on
     * whichever branch the environment's deployment rules let deploy to it. With `branch`, both are trusted.
     * @default any ref, pull request or environment of the repository, unless `branch` is given
     */
    environment?: string;
    /**
     * The account's GitHub OIDC provider, `arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com`.
     * @default the account's provider found by its URL (see {@link WebIdentityTrust.providerArn})
     */
    providerArn?: pulumi.Input<string>;
    /**
     * Create the account's GitHub OIDC provider in this stack; see {@link WebIdentityTrust.createProvider}
     * for why it is off. Not with `providerArn`.
     * @default false
     */
    createProvider?: boolean;
}

/**
 * Trust for GitHub Actions workflows of one repository, for audience `sts.amazonaws.com`. GitHub writes
 * a token's `sub` from the job: `repo:<owner>/<repo>:environment:<name>` for a job that declares an
 * `environment:`, else `repo:<owner>/<repo>:ref:refs/heads/<branch>` (or `…:pull_request`, `…:ref:refs/tags/<tag>`).
 * So `branch` alone never matches a job that declares an environment: give `environment` for those jobs,
 * or both `branch` and `environment` to trust either. The preview logs the subjects trusted.
 * @example Jobs on main that declare no environment (a deploy job with `environment: prod` is refused):
 * ```ts
 * role: { webIdentities: [githubActions({ repository: "my-org/my-repo", branch: "main" })] }
 * ```
 * @example Jobs of the `prod` environment only (its deployment rules decide which branches reach it):
 * ```ts
 * role: { webIdentities: [githubActions({ repository: "my-org/my-repo", environment: "prod" })] }
 * ```
 * @example Both: a job on main without an environment, or a job of the `prod` environment:
 * ```ts
 * role: { webIdentities: [githubActions({ repository: "my-org/my-repo", branch: "main", environment: "prod" })] }
 * ```
 * @example In the one stack that owns the account's GitHub OIDC provider (others find it by URL):
 * ```ts
 * role: { webIdentities: [githubActions({ repository: "my-org/my-repo", branch: "main", createProvider: true })] }
 * ```
 */
export function githubActions(args: GithubActionsArgs): WebIdentityTrust {
    if (!/^[\w.-]+\/[\w.-]+$/.test(args.repository))
        throw new Error(`githubActions: repository ${JSON.stringify(args.repository)} is not "owner/name".`);
    for (const [field, value] of [
        ["branch", args.branch],
        ["environment", args.environment],
    ] as const)
        if (value !== undefined && (typeof value !== "string" || value === ""))
            throw new Error(`githubActions: ${field} must be a name such as "main" or "prod", or be left out.`);
    const repo = `repo:${args.repository}`;
    const subjects = [
        ...(args.branch === undefined ? [] : [`${repo}:ref:refs/heads/${subjectValue(args.branch)}`]),
        ...(args.environment === undefined ? [] : [`${repo}:environment:${subjectValue(args.environment)}`]),
    ];
    return {
        issuer: GITHUB_ACTIONS_ISSUER,
        providerArn: args.providerArn,
        createProvider: args.createProvider,
        audiences: [GITHUB_ACTIONS_AUDIENCE],
        subjects: subjects.length === 0 ? [`${repo}:*`] : subjects,
    };
}

// GitHub's OIDC reference ("Filtering for metadata containing `:`"): a `:` in a value is written %3A in sub.
const subjectValue = (value: string): string => value.replace(/:/g, "%3A");

/** What a GitHub Actions subject admits, in words, or undefined for a subject of another form. */
function githubSubjectMeaning(subject: string): string | undefined {
    const match = /^repo:([^:]+):(.*)$/.exec(subject);
    if (!match) return undefined;
    const [, repository, rest] = match;
    const ref = /^ref:refs\/(heads|tags)\/(.+)$/.exec(rest);
    if (ref) return `a job on ${ref[1] === "heads" ? "branch" : "tag"} ${ref[2]} that declares no environment`;
    if (rest.startsWith("environment:")) return `a job of environment ${rest.slice("environment:".length)}`;
    if (rest === "pull_request") return "a pull request's job that declares no environment";
    if (rest === "*") return `any job of ${repository}`;
    return undefined;
}

/**
 * The tokens a web identity admits, as the preview says it: the audiences and each subject, with what a
 * GitHub subject means, and for GitHub trust of branches only the way to admit an environment's jobs too.
 */
export function trustedTokens(trust: WebIdentityTrust): string {
    const github = trust.issuer === GITHUB_ACTIONS_ISSUER;
    const subjects = trust.subjects.map((s) => {
        const meaning = github ? githubSubjectMeaning(s) : undefined;
        return meaning === undefined ? s : `${s} (${meaning})`;
    });
    const branchesOnly =
        github &&
        trust.subjects.some((s) => s.includes(":ref:refs/heads/")) &&
        !trust.subjects.some((s) => s.includes(":environment:"));
    return (
        `It trusts tokens of audience ${trust.audiences.join(" or ")} whose sub is ${subjects.join(" or ")}.` +
        (branchesOnly
            ? " A job that declares an environment is refused (its sub names the environment, not the branch): add environment to githubActions to trust it too."
            : "")
    );
}

/** The caller arguments of `SecuredRestApiArgs`, as `callerArgumentProblems` reads them. */
export interface CallerArgs {
    createUser?: boolean;
    grants?: InvokeGrant[];
    crossAccountGrants?: CrossAccountGrant[];
    role?: InvokeRoleArgs;
    identityPool?: IdentityPoolArgs;
}

const SERVICE_PRINCIPAL = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;
const ISSUER = /^[a-z0-9.-]+(:\d+)?(\/[\w.~-]+)*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const POOL_NAME = /^[\w\s+=,.@-]{1,128}$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/;
const isPlainString = (value: unknown): value is string => typeof value === "string";
const isList = (value: unknown): value is unknown[] => Array.isArray(value);
const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Why a same-account identity named by a grant cannot be one, or undefined. Outputs are checked when
 * they are known (see `identityName`); only plain strings are judged here.
 */
function identityProblem(value: unknown, kind: IamIdentityKind, where: string): string | undefined {
    if (!isPlainString(value)) return undefined;
    if (IAM_NAME.test(value)) return undefined;
    const arn = parseIamArn(value);
    if (arn?.kind === kind) return undefined;
    return `${where} ${JSON.stringify(value)} is not a ${kind} name or ARN (arn:<partition>:iam::<account>:${kind}/<name>); wildcards are not allowed.`;
}

/** The name of a role, user or group given as a plain string (its name, or the last part of its ARN), else undefined. */
export function plainIdentityName(value: unknown): string | undefined {
    if (!isPlainString(value)) return undefined;
    return IAM_NAME.test(value) ? value : parseIamArn(value)?.name;
}

/**
 * An identity (by name) granted the same operations twice: each attachment is named after its identity
 * and scope, so it would be one resource twice. Read once the grants are well formed.
 */
function repeatedGrantProblems(grants: readonly InvokeGrant[]): string[] {
    const first = new Map<string, string>();
    return grants.flatMap((grant, i) =>
        (["role", "user", "group"] as const).flatMap((kind) =>
            (grant[`${kind}s`] ?? []).flatMap((entry, j) => {
                const name = plainIdentityName(entry);
                if (name === undefined) return [];
                const at = `grants[${i}].${kind}s[${j}]`;
                const key = `${kind}/${name}/${scopeKey(grant.operations)}`;
                const earlier = first.get(key);
                if (earlier === undefined) first.set(key, at);
                return earlier === undefined
                    ? []
                    : [
                          `${at} ${JSON.stringify(entry)} is the ${kind} ${earlier} already grants the same operations: remove one of them.`,
                      ];
            }),
        ),
    );
}

/** Why a principal of another account cannot be named in a policy, or undefined. */
function principalProblem(value: unknown, where: string): string | undefined {
    if (!isPlainString(value)) return undefined;
    if (ACCOUNT_ID.test(value)) return undefined;
    const arn = parseIamArn(value);
    if (arn && arn.kind !== "group") return undefined;
    return `${where} ${JSON.stringify(value)} must be a 12-digit account id or an IAM role or user ARN (arn:<partition>:iam::<account>:role/<name>); "*", wildcards and groups cannot be principals.`;
}

function operationsProblem(value: unknown, where: string): string | undefined {
    if (value === undefined) return undefined;
    return isList(value) && value.length > 0 && value.every(isPlainString)
        ? undefined
        : `${where} must list at least one operation, such as ["GET /pets"], or be left out for the whole stage.`;
}

/**
 * Problems with the caller arguments, each naming the fix: pure, before the document is read (the
 * operations they name are resolved later, by `planCallers`).
 */
export function callerArgumentProblems(args: CallerArgs): string[] {
    const problems: string[] = [];
    const add = (problem: string | undefined) => {
        if (problem !== undefined) problems.push(problem);
    };
    if (args.createUser !== undefined && typeof args.createUser !== "boolean")
        problems.push(`createUser must be true or false; got ${JSON.stringify(args.createUser)}.`);

    if (args.grants !== undefined) {
        const earlier = problems.length;
        if (!isList(args.grants)) problems.push("grants must be a list, such as [{ roles: [workerRole.name] }].");
        else
            args.grants.forEach((grant: unknown, i) => {
                const where = `grants[${i}]`;
                if (!isRecord(grant)) {
                    problems.push(`${where} must be an object such as { roles: ["worker"] }.`);
                    return;
                }
                const kinds: [IamIdentityKind, unknown][] = [
                    ["role", grant.roles],
                    ["user", grant.users],
                    ["group", grant.groups],
                ];
                let named = 0;
                for (const [kind, list] of kinds) {
                    if (list === undefined) continue;
                    if (!isList(list)) {
                        problems.push(`${where}.${kind}s must be a list of ${kind} names or ARNs.`);
                        continue;
                    }
                    named += list.length;
                    list.forEach((entry, j) => add(identityProblem(entry, kind, `${where}.${kind}s[${j}]`)));
                }
                if (named === 0) problems.push(`${where} names no role, user or group: add roles, users or groups.`);
                add(operationsProblem(grant.operations, `${where}.operations`));
            });
        if (problems.length === earlier && isList(args.grants)) problems.push(...repeatedGrantProblems(args.grants));
    }

    if (args.crossAccountGrants !== undefined) {
        if (!isList(args.crossAccountGrants))
            problems.push('crossAccountGrants must be a list, such as [{ principals: ["111122223333"] }].');
        else
            args.crossAccountGrants.forEach((grant: unknown, i) => {
                const where = `crossAccountGrants[${i}]`;
                if (!isRecord(grant) || !isList(grant.principals) || grant.principals.length === 0) {
                    problems.push(
                        `${where}.principals must list at least one account id or role/user ARN of another account.`,
                    );
                    return;
                }
                grant.principals.forEach((p, j) => {
                    if (!isPlainString(p))
                        problems.push(
                            `${where}.principals[${j}] must be a plain string (an account id or ARN): the resource policy is part of the body, fixed at preview.`,
                        );
                    else add(principalProblem(p, `${where}.principals[${j}]`));
                });
                add(operationsProblem(grant.operations, `${where}.operations`));
            });
    }

    if (args.role !== undefined) problems.push(...roleProblems(args.role));
    if (args.identityPool !== undefined) problems.push(...identityPoolProblems(args.identityPool));
    return problems;
}

function roleProblems(role: unknown): string[] {
    if (!isRecord(role)) return ["role must be an object such as { trustedServices: ['lambda.amazonaws.com'] }."];
    const problems: string[] = [];
    const add = (problem: string | undefined) => {
        if (problem !== undefined) problems.push(problem);
    };
    const lists = {
        trustedPrincipals: role.trustedPrincipals,
        trustedServices: role.trustedServices,
        webIdentities: role.webIdentities,
    };
    let trusted = 0;
    for (const [name, list] of Object.entries(lists)) {
        if (list === undefined) continue;
        if (!isList(list)) problems.push(`role.${name} must be a list.`);
        else trusted += list.length;
    }
    if (trusted === 0)
        problems.push(
            "role trusts nobody: give trustedPrincipals (accounts or role ARNs), trustedServices (e.g. lambda.amazonaws.com) or webIdentities (e.g. githubActions({ repository })).",
        );
    if (isList(role.trustedPrincipals))
        role.trustedPrincipals.forEach((p, j) => add(principalProblem(p, `role.trustedPrincipals[${j}]`)));
    if (isList(role.trustedServices))
        role.trustedServices.forEach((s, j) => {
            if (!isPlainString(s) || !SERVICE_PRINCIPAL.test(s))
                problems.push(
                    `role.trustedServices[${j}] ${JSON.stringify(s)} is not an AWS service principal such as "lambda.amazonaws.com".`,
                );
        });
    if (isList(role.webIdentities))
        role.webIdentities.forEach((w, j) => problems.push(...webIdentityProblems(w, `role.webIdentities[${j}]`)));
    if (role.externalId !== undefined) {
        if (!isPlainString(role.externalId) || !EXTERNAL_ID.test(role.externalId))
            problems.push("role.externalId must be 2 to 1,224 letters, digits or +=,.@:/-_ characters.");
        else if (!isList(role.trustedPrincipals) || role.trustedPrincipals.length === 0)
            problems.push(
                "role.externalId applies to trustedPrincipals, and there are none: add them or drop externalId.",
            );
    }
    const duration = role.maxSessionDurationSeconds;
    if (
        duration !== undefined &&
        !(Number.isInteger(duration) && (duration as number) >= 3600 && (duration as number) <= 43200)
    )
        problems.push(
            `role.maxSessionDurationSeconds ${JSON.stringify(duration)} must be a whole number from 3600 to 43200 (IAM's range).`,
        );
    add(operationsProblem(role.operations, "role.operations"));
    return problems;
}

function webIdentityProblems(trust: unknown, where: string): string[] {
    if (!isRecord(trust)) return [`${where} must be an object such as githubActions({ repository: "owner/name" }).`];
    const problems: string[] = [];
    if (!isPlainString(trust.issuer) || !ISSUER.test(trust.issuer))
        problems.push(
            `${where}.issuer ${JSON.stringify(trust.issuer)} must be the issuer URL without https://, such as "${GITHUB_ACTIONS_ISSUER}".`,
        );
    if (
        !isList(trust.audiences) ||
        trust.audiences.length === 0 ||
        !trust.audiences.every((a) => isPlainString(a) && a !== "")
    )
        problems.push(`${where}.audiences must list the accepted aud values, such as ["${GITHUB_ACTIONS_AUDIENCE}"].`);
    problems.push(...providerProblems(trust, where));
    if (!isList(trust.subjects) || trust.subjects.length === 0 || !trust.subjects.every(isPlainString))
        problems.push(
            `${where}.subjects must list the accepted sub values: without them any token of the issuer could assume the role.`,
        );
    else
        trust.subjects.forEach((s, j) => {
            if (/^[*?]*$/.test(s))
                problems.push(
                    `${where}.subjects[${j}] ${JSON.stringify(s)} matches every token of the issuer: name the subjects.`,
                );
            else if (trust.issuer === GITHUB_ACTIONS_ISSUER && !/^repo:[\w.-]+\/[\w.-]+:/.test(s))
                problems.push(
                    `${where}.subjects[${j}] ${JSON.stringify(s)} does not name one repository ("repo:<owner>/<name>:…"); use githubActions({ repository }).`,
                );
        });
    return problems;
}

/** Why a web identity's way to its provider (`providerArn`, `createProvider`, or found by URL) cannot work. */
function providerProblems(trust: Record<string, unknown>, where: string): string[] {
    const { issuer, providerArn, createProvider } = trust;
    if (createProvider !== undefined && typeof createProvider !== "boolean")
        return [`${where}.createProvider must be true or false; got ${JSON.stringify(createProvider)}.`];
    if (!isPlainString(issuer) || !ISSUER.test(issuer)) return [];
    const url = `https://${issuer}`;
    if (providerArn !== undefined && createProvider === true)
        return [
            `${where} gives providerArn and createProvider: true, but a role trusts one provider per issuer: drop createProvider to use the provider providerArn names, or drop providerArn to create the account's provider for ${url} in this stack.`,
        ];
    // IAM names a provider after its URL without https:// (arn:<partition>:iam::<account>:oidc-provider/<issuer>).
    if (isPlainString(providerArn) && OIDC_PROVIDER_ARN.exec(providerArn)?.[1] !== issuer)
        return [
            `${where}.providerArn ${JSON.stringify(providerArn)} is not the ARN of an IAM OIDC provider for ${issuer} (arn:<partition>:iam::<account>:oidc-provider/${issuer}): pass that provider's ARN, or leave providerArn out to use the account's provider found by URL ${url}.`,
        ];
    return [];
}

function identityPoolProblems(pool: unknown): string[] {
    if (!isRecord(pool)) return ["identityPool must be an object such as { userPool: { userPoolId, clientIds } }."];
    const problems: string[] = [];
    const unauthenticated = pool.allowUnauthenticatedIdentities;
    if (unauthenticated !== undefined && typeof unauthenticated !== "boolean")
        problems.push(
            `identityPool.allowUnauthenticatedIdentities must be true or false; got ${JSON.stringify(unauthenticated)}.`,
        );
    if (pool.userPool === undefined && unauthenticated !== true)
        problems.push(
            "identityPool has no way to sign in: give userPool: { userPoolId, clientIds }, or allow guests explicitly with allowUnauthenticatedIdentities: true, allowClassicFlow: true and unauthenticatedOperations.",
        );
    if (pool.userPool !== undefined) {
        const userPool = pool.userPool;
        if (
            !isRecord(userPool) ||
            userPool.userPoolId === undefined ||
            !isList(userPool.clientIds) ||
            userPool.clientIds.length === 0
        )
            problems.push("identityPool.userPool needs userPoolId and at least one of clientIds (the app clients).");
        else if (isPlainString(userPool.userPoolId)) {
            const problem = userPoolIdProblem(userPool.userPoolId);
            if (problem !== undefined) problems.push(problem);
        }
    }
    const classic = pool.allowClassicFlow;
    if (classic !== undefined && typeof classic !== "boolean")
        problems.push(`identityPool.allowClassicFlow must be true or false; got ${JSON.stringify(classic)}.`);
    if (unauthenticated === true && classic !== true && (classic === undefined || typeof classic === "boolean"))
        problems.push(
            "identityPool.allowUnauthenticatedIdentities: guests of Cognito's enhanced flow cannot call API Gateway (Cognito scopes their credentials down with AmazonCognitoUnAuthedIdentitiesSessionPolicy, which has no execute-api:Invoke). Set allowClassicFlow: true and have the app use the basic flow (GetId, GetOpenIdToken, then STS AssumeRoleWithWebIdentity for unauthenticatedRoleArn), or drop allowUnauthenticatedIdentities.",
        );
    if (unauthenticated === true && pool.unauthenticatedOperations === undefined)
        problems.push(
            'identityPool.allowUnauthenticatedIdentities needs unauthenticatedOperations, the operations guests may call (such as ["GET /pets"]).',
        );
    if (unauthenticated !== true && pool.unauthenticatedOperations !== undefined)
        problems.push(
            "identityPool.unauthenticatedOperations applies to guests, which are off: set allowUnauthenticatedIdentities: true, or drop unauthenticatedOperations.",
        );
    const pushIf = (problem: string | undefined) => problem !== undefined && problems.push(problem);
    pushIf(operationsProblem(pool.authenticatedOperations, "identityPool.authenticatedOperations"));
    pushIf(operationsProblem(pool.unauthenticatedOperations, "identityPool.unauthenticatedOperations"));
    if (pool.authenticatedOperations !== undefined && pool.userPool === undefined)
        problems.push(
            "identityPool.authenticatedOperations applies to signed-in users, and there is no userPool: add one, or drop authenticatedOperations.",
        );
    if (
        pool.identityPoolName !== undefined &&
        (!isPlainString(pool.identityPoolName) || !POOL_NAME.test(pool.identityPoolName))
    )
        problems.push("identityPool.identityPoolName must be 1 to 128 letters, digits, spaces or +=,.@-_ characters.");
    return problems;
}

// Cognito's UserPoolId is `[\w-]+_[0-9a-zA-Z]+` (user pools API Reference); the part before `_` is the pool's region.
const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9a-zA-Z]+$/;

/** The region of a user pool, from its id (`eu-west-1_AbC123` is in eu-west-1), or undefined for no user pool id. */
export const userPoolRegion = (userPoolId: string): string | undefined => USER_POOL_ID.exec(userPoolId)?.[1];

/** Why a user pool id cannot name its identity pool provider, or undefined. */
export function userPoolIdProblem(userPoolId: string): string | undefined {
    return userPoolRegion(userPoolId) !== undefined
        ? undefined
        : `identityPool.userPool.userPoolId ${JSON.stringify(userPoolId)} is not a user pool id, which is <region>_<id> such as "eu-west-1_AbCdEf123": the identity pool names the provider cognito-idp.<region>.<DNS suffix>/<id> after the pool's own region. Pass the user pool's id (aws.cognito.UserPool.id, or "User pool ID" in the Cognito console).`;
}

/** The invoke policy documents of one grant and the key that identifies the same grant elsewhere. */
export interface InvokeScope {
    /** `stage`, or the granted operations, sorted: equal scopes share their managed policies. */
    readonly key: string;
    /** The documents, with the placeholder stage ARN `bindStageArn` replaces. */
    readonly documents: readonly PolicyDocument[];
}

/** The key of a grant's scope: equal keys grant the same operations. */
export const scopeKey = (granted: readonly string[] | undefined): string =>
    granted === undefined ? "stage" : [...new Set(granted)].sort().join("|");

/** What the caller arguments become once the document's operations are known. */
export interface CallerPlan {
    readonly createUser: boolean;
    readonly grants: readonly (Pick<InvokeGrant, "roles" | "users" | "groups"> & { readonly scope: InvokeScope })[];
    readonly crossAccount: readonly { readonly principals: readonly string[]; readonly scope: InvokeScope }[];
    readonly role: (InvokeRoleArgs & { readonly scope: InvokeScope }) | undefined;
    readonly identityPool:
        | (IdentityPoolArgs & {
              readonly authenticated: InvokeScope | undefined;
              readonly unauthenticated: InvokeScope | undefined;
          })
        | undefined;
}

/**
 * Resolves every grant's operations against the secured document into sized invoke policies; all
 * problems are reported together.
 */
export function planCallers(args: CallerArgs, operations: readonly SecuredOperation[], stageName: string): CallerPlan {
    const problems: string[] = [];
    const scope = (granted: readonly string[] | undefined, argument: string): InvokeScope => {
        try {
            return {
                key: scopeKey(granted),
                documents: invokeScopeDocuments(operations, granted, stageName, argument),
            };
        } catch (e) {
            if (!(e instanceof InvalidSecuredRestApiInput)) throw e;
            problems.push(...e.problems);
            return { key: "", documents: [] };
        }
    };
    const pool = args.identityPool;
    const plan: CallerPlan = {
        createUser: args.createUser ?? true,
        grants: (args.grants ?? []).map((g, i) => ({
            roles: g.roles,
            users: g.users,
            groups: g.groups,
            scope: scope(g.operations, `grants[${i}].operations`),
        })),
        crossAccount: (args.crossAccountGrants ?? []).map((g, i) => ({
            principals: g.principals,
            scope: scope(g.operations, `crossAccountGrants[${i}].operations`),
        })),
        role: args.role && { ...args.role, scope: scope(args.role.operations, "role.operations") },
        identityPool: pool && {
            ...pool,
            authenticated:
                pool.userPool === undefined
                    ? undefined
                    : scope(pool.authenticatedOperations, "identityPool.authenticatedOperations"),
            unauthenticated:
                pool.allowUnauthenticatedIdentities === true
                    ? scope(pool.unauthenticatedOperations, "identityPool.unauthenticatedOperations")
                    : undefined,
        },
    };
    if (problems.length > 0) throw new InvalidSecuredRestApiInput(problems);
    return plan;
}

/**
 * Cross-account grants a resource policy's account fence would always refuse: a Deny on every
 * `aws:PrincipalAccount` but some (as `denyOutsideAccounts` writes it) wins over the grant's Allow, so
 * its principals could never get in. One problem per grant, with the fix.
 */
export function fencedCrossAccountGrants(
    grants: readonly CrossAccountGrant[],
    resourcePolicy: readonly ResourcePolicyStatement[],
): string[] {
    const fences = resourcePolicy.flatMap((statement, j) => {
        const accounts =
            statement.Effect === "Deny" ? statement.Condition?.StringNotEquals?.["aws:PrincipalAccount"] : undefined;
        return accounts === undefined ? [] : [{ j, sid: statement.Sid, accounts: [accounts].flat().map(String) }];
    });
    return grants.flatMap((grant, i) =>
        fences.flatMap(({ j, sid, accounts }) => {
            const outside = [...new Set(grant.principals.map(accountOfPrincipal))].filter(
                (account) => account !== undefined && !accounts.includes(account),
            );
            if (outside.length === 0) return [];
            const fence = `resourcePolicy[${j}]${sid === undefined ? "" : ` (${sid})`}`;
            return [
                `crossAccountGrants[${i}] lets in account ${outside.join(", ")}, but ${fence} denies every account but ${accounts.join(", ")}, and a Deny wins: add ${outside.join(", ")} to it (denyOutsideAccounts(${JSON.stringify([...accounts, ...outside])})), or remove the grant.`,
            ];
        }),
    );
}

/** The account of a principal as `crossAccountGrants` names it (an account id, or a role or user ARN). */
function accountOfPrincipal(principal: string): string | undefined {
    return ACCOUNT_ID.test(principal) ? principal : parseIamArn(principal)?.accountId;
}

/**
 * The resource-policy half of the cross-account grants: for each principal, an Allow on exactly the
 * operations its grants name (all of them together: a principal named by two grants gets both), on this
 * stage, and a Deny naming it for the operations an allowed pattern would also reach (see
 * `operationGrants`); principals granted the same operations share their statements. A Deny naming an
 * account applies to every principal of that account, so when it would refuse an operation another grant
 * gives one of them, the two cannot be written apart and it is an error naming both.
 */
export function crossAccountStatements(
    grants: readonly CrossAccountGrant[],
    operations: readonly SecuredOperation[],
    stageName: string,
): ResourcePolicyStatement[] {
    const scopes = principalScopes(grants);
    const resource = (tail: string) => `execute-api:/${stageName}/${tail}`;
    const written = [...scopes.values()].map((scope, g) => ({
        scope,
        ...(scope.operations === undefined
            ? { allow: ["*/*"], deny: [] as readonly string[] }
            : operationGrants(operations, scope.operations, `crossAccountGrants[${scope.grants[0]}].operations`)),
        sid: `CrossAccount${g + 1}`,
    }));
    const problems = accountDenyConflicts(written, operations);
    if (problems.length > 0) throw new InvalidSecuredRestApiInput(problems);
    return written.flatMap(({ scope, allow, deny, sid }) => {
        const principal = { AWS: [...scope.principals] };
        const statements: ResourcePolicyStatement[] = [
            {
                Sid: `Allow${sid}`,
                Effect: "Allow",
                Principal: principal,
                Action: [INVOKE_ACTION],
                Resource: allow.map(resource),
            },
        ];
        if (deny.length > 0)
            statements.push({
                Sid: `Deny${sid}NotGranted`,
                Effect: "Deny",
                Principal: principal,
                Action: [INVOKE_ACTION],
                Resource: deny.map(resource),
            });
        return statements;
    });
}

/** The principals granted the same operations, by that scope (undefined operations: the whole stage). */
interface PrincipalScope {
    readonly principals: string[];
    readonly operations: string[] | undefined;
    /** The indexes of the grants that name these principals, for messages. */
    readonly grants: number[];
}

/** Every principal's operations across all grants, grouped by equal scopes. */
function principalScopes(grants: readonly CrossAccountGrant[]): Map<string, PrincipalScope> {
    const byPrincipal = new Map<string, { given: string; operations: Set<string> | undefined; grants: number[] }>();
    grants.forEach((grant, i) => {
        for (const given of grant.principals) {
            const key =
                accountOfPrincipal(given) !== undefined && isAccountPrincipal(given)
                    ? `account:${accountOfPrincipal(given)}`
                    : given;
            let entry = byPrincipal.get(key);
            if (!entry) byPrincipal.set(key, (entry = { given, operations: new Set(), grants: [] }));
            entry.grants.push(i);
            if (grant.operations === undefined) entry.operations = undefined;
            else for (const o of grant.operations) entry.operations?.add(parseOperationKey(o) ?? o);
        }
    });
    const scopes = new Map<string, PrincipalScope>();
    for (const { given, operations, grants: indexes } of byPrincipal.values()) {
        const list = operations && [...operations].sort();
        const key = scopeKey(list);
        const scope = scopes.get(key);
        if (scope) {
            scope.principals.push(given);
            scope.grants.push(...indexes.filter((i) => !scope.grants.includes(i)));
        } else scopes.set(key, { principals: [given], operations: list, grants: [...indexes] });
    }
    return scopes;
}

/** An account id, or the account's root ARN: every principal of that account. */
const isAccountPrincipal = (principal: string): boolean =>
    ACCOUNT_ID.test(principal) || parseIamArn(principal)?.kind === "root";

/** Where an account's Deny would refuse an operation granted to one of that account's principals. */
function accountDenyConflicts(
    written: readonly { scope: PrincipalScope; deny: readonly string[]; allow: readonly string[] }[],
    operations: readonly SecuredOperation[],
): string[] {
    const routes = routesOf(operations);
    return written.flatMap(({ scope, deny }) =>
        scope.principals.filter(isAccountPrincipal).flatMap((account) => {
            const accountId = accountOfPrincipal(account)!;
            const refused = new Set(deny.flatMap((t) => [...routes.reachedBy(t, { form: "stageTail" })]));
            return written.flatMap((other) =>
                other.scope.principals
                    .filter((p) => !isAccountPrincipal(p) && accountOfPrincipal(p) === accountId)
                    .flatMap((member) => {
                        const granted =
                            other.scope.operations ??
                            operations.filter((o) => o.authorization === "AWS_IAM").map((o) => `${o.verb} ${o.path}`);
                        const lost = granted.filter((key) => refused.has(key));
                        return lost.length === 0
                            ? []
                            : [
                                  `crossAccountGrants[${scope.grants[0]}] gives account ${accountId} (every principal of it) operations whose patterns also reach ${lost.join(", ")}, so it denies the account those, and a Deny naming an account applies to each of its principals: ${member}, granted ${lost.join(", ")} by crossAccountGrants[${other.scope.grants[0]}], could never call ${lost.length === 1 ? "it" : "them"}. Grant ${lost.join(", ")} to the account ${accountId} as well, or name its principals one by one instead of the account.`,
                              ];
                    }),
            );
        }),
    );
}
