import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IAM_NAME, IamIdentityKind, parseIamArn } from "../policies/arns";
import {
    CallerPlan,
    CrossAccountPolicy,
    InvokeScope,
    plainIdentityName,
    trustedTokens,
    userPoolIdProblem,
    userPoolRegion,
    WebIdentityTrust,
} from "./callers";
import { InvalidSecuredRestApiInput } from "../errors";
import { bindStageArn } from "../policies/operationPolicy";
import { knownRegion } from "../args/regions";
import { identityPoolTrustPolicy, principalArn, ResolvedWebIdentity, roleTrustPolicy } from "./trust";

/** The provider's partition, region and account, each asked of the provider once and only when needed. */
export class AwsContext {
    private cache = new Map<string, pulumi.Output<string>>();
    constructor(private readonly parent: pulumi.Resource) {}

    private once(key: string, make: () => pulumi.Output<string>): pulumi.Output<string> {
        let value = this.cache.get(key);
        if (!value) this.cache.set(key, (value = make()));
        return value;
    }
    get partition(): pulumi.Output<string> {
        return this.once("partition", () => aws.getPartitionOutput({}, { parent: this.parent }).partition);
    }
    get dnsSuffix(): pulumi.Output<string> {
        return this.once("dnsSuffix", () => aws.getPartitionOutput({}, { parent: this.parent }).dnsSuffix);
    }
    get region(): pulumi.Output<string> {
        return this.once("region", () => aws.getRegionOutput({}, { parent: this.parent }).region.apply(knownRegion));
    }
    get accountId(): pulumi.Output<string> {
        return this.once("accountId", () => aws.getCallerIdentityOutput({}, { parent: this.parent }).accountId);
    }
}

/** What every caller resource needs: its parent, the component's name and tags, the stage and the provider. */
export interface CallerContext {
    readonly parent: pulumi.Resource;
    readonly name: string;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
    readonly stageName: string;
    readonly stageExecutionArn: pulumi.Output<string>;
    readonly aws: AwsContext;
}

/**
 * The customer-managed invoke policies, one set per scope (the stage, or a set of operations): grants
 * of the same scope share them, so a role, a user and the group granted the same operations hold the
 * same policies.
 */
export class InvokePolicies {
    private readonly byScope = new Map<string, aws.iam.Policy[]>();
    constructor(private readonly context: CallerContext) {}

    /** The scope's policies, created the first time (named by `resourceName`, or after the scope). */
    policiesFor(scope: InvokeScope, resourceName?: (index: number) => string): aws.iam.Policy[] {
        let policies = this.byScope.get(scope.key);
        if (policies) return policies;
        const { name, parent, stageName, stageExecutionArn, tags } = this.context;
        const slug = scopeSlug(scope);
        const nameOf = resourceName ?? ((i: number) => `${name}-${slug}${i === 0 ? "" : `-${i + 1}`}`);
        policies = scope.documents.map(
            (document, i) =>
                new aws.iam.Policy(
                    nameOf(i),
                    {
                        description: `Invoke ${scope.key === "stage" ? "only" : "granted operations of"} stage ${stageName} of the API Gateway REST API ${name}`,
                        policy: stageExecutionArn.apply((arn) =>
                            JSON.stringify(bindStageArn(document, stageName, arn)),
                        ),
                        tags,
                    },
                    { parent },
                ),
        );
        this.byScope.set(scope.key, policies);
        return policies;
    }
}

/** A scope in resource names: `stage`, or `ops-` and a hash of the granted operations. */
const scopeSlug = (scope: InvokeScope): string =>
    scope.key === "stage" ? "stage" : `ops-${createHash("sha256").update(scope.key).digest("hex").slice(0, 8)}`;

/**
 * The name of a same-account role, user or group given by name or ARN; an ARN of another account
 * or partition, or of another kind, fails the preview, naming where it was given.
 */
function identityName(
    value: pulumi.Input<string>,
    kind: IamIdentityKind,
    where: string,
    context: CallerContext,
): pulumi.Output<string> {
    return pulumi.all([value, context.aws.accountId, context.aws.partition]).apply(([given, accountId, partition]) => {
        if (IAM_NAME.test(given)) return given;
        const arn = parseIamArn(given);
        const problem =
            arn === undefined || arn.kind !== kind
                ? `${where} ${JSON.stringify(given)} is not a ${kind} name or ARN.`
                : arn.accountId !== accountId
                  ? `${where} ${JSON.stringify(given)} is in account ${arn.accountId}, not this stack's ${accountId}: identity policies can only be attached in their own account. Use crossAccountGrants for principals of other accounts.`
                  : arn.partition !== partition
                    ? `${where} ${JSON.stringify(given)} is in partition ${arn.partition}, not this stack's ${partition}.`
                    : undefined;
        if (problem !== undefined) throw new InvalidSecuredRestApiInput([problem], context.name);
        return arn!.name;
    });
}

/**
 * Attaches each grant's invoke policies to the roles, users and groups it names (IAM identities left as
 * they are), each attachment named after what it attaches (see `InvokeGrant`): its kind, the identity's
 * name and the scope, so another grant's change never renames it, which would detach its policy.
 */
export function attachGrants(plan: CallerPlan, policies: InvokePolicies, context: CallerContext): void {
    const { name, parent } = context;
    // An Output has no value at construction: it is numbered among the Outputs of its kind and scope.
    const outputs = new Map<string, number>();
    const nextOutput = (counted: string) => {
        const n = (outputs.get(counted) ?? 0) + 1;
        outputs.set(counted, n);
        return n;
    };
    plan.grants.forEach((grant, g) => {
        const policyArns = policies.policiesFor(grant.scope).map((p) => p.arn);
        const slug = scopeSlug(grant.scope);
        const attach = (kind: IamIdentityKind, identities: readonly pulumi.Input<string>[] | undefined) =>
            (identities ?? []).forEach((identity, i) => {
                const identityRef = identityName(identity, kind, `grants[${g}].${kind}s[${i}]`, context);
                // `#` is no IAM name character: an Output's number never takes a named identity's name.
                const key = plainIdentityName(identity) ?? `#${nextOutput(`${kind}/${slug}`)}`;
                policyArns.forEach((policyArn, p) => {
                    const part = p === 0 ? "" : `-${p + 1}`;
                    const resourceName = `${name}-grant-${kind}-${key}-${slug}${part}`;
                    // The positional name earlier versions gave it: upgrading keeps the attachment instead of replacing it.
                    const opts = { parent, aliases: [{ name: `${name}-grant${g + 1}-${kind}${i + 1}${part}` }] };
                    if (kind === "role")
                        new aws.iam.RolePolicyAttachment(resourceName, { role: identityRef, policyArn }, opts);
                    else if (kind === "user")
                        new aws.iam.UserPolicyAttachment(resourceName, { user: identityRef, policyArn }, opts);
                    else new aws.iam.GroupPolicyAttachment(resourceName, { group: identityRef, policyArn }, opts);
                });
            });
        attach("role", grant.roles);
        attach("user", grant.users);
        attach("group", grant.groups);
    });
}

/** Each cross-account grant's principals with the identity-policy documents their account must attach. */
export function crossAccountPolicies(plan: CallerPlan, context: CallerContext): pulumi.Output<CrossAccountPolicy[]> {
    if (plan.crossAccount.length === 0) return pulumi.output([]);
    return pulumi.all([context.stageExecutionArn, context.aws.partition]).apply(([arn, partition]) =>
        plan.crossAccount.map((grant, i) => ({
            principals: grant.principals.map((p, j) =>
                principalArn(p, partition, `crossAccountGrants[${i}].principals[${j}]`),
            ),
            policies: grant.scope.documents.map((d) => JSON.stringify(bindStageArn(d, context.stageName, arn))),
        })),
    );
}

/** A role with the scope's invoke policies attached. */
function invokeRole(
    resourceName: string,
    assumeRolePolicy: pulumi.Input<string>,
    scope: InvokeScope,
    policies: InvokePolicies,
    context: CallerContext,
    maxSessionDuration?: number,
): aws.iam.Role {
    const { parent, tags } = context;
    const role = new aws.iam.Role(resourceName, { assumeRolePolicy, maxSessionDuration, tags }, { parent });
    policies
        .policiesFor(scope)
        .forEach(
            (policy, i) =>
                new aws.iam.RolePolicyAttachment(
                    `${resourceName}${i === 0 ? "" : `-${i + 1}`}`,
                    { role: role.name, policyArn: policy.arn },
                    { parent },
                ),
        );
    return role;
}

/** The assumable role: its trust policy from the plan, the OIDC providers it trusts, its invoke policies. */
export function createInvokeRole(
    plan: CallerPlan,
    policies: InvokePolicies,
    context: CallerContext,
): aws.iam.Role | undefined {
    const role = plan.role;
    if (!role) return undefined;
    const { name } = context;
    const identities = role.webIdentities ?? [];
    const providerArns = webIdentityProviders(identities, context);
    const trust = pulumi
        .all([context.aws.partition, pulumi.all(role.trustedPrincipals ?? []), pulumi.all(providerArns)])
        .apply(([partition, principals, arns]) => {
            const webIdentities: ResolvedWebIdentity[] = identities.map((w, i) => ({
                providerArn: arns[i],
                issuer: w.issuer,
                audiences: w.audiences,
                subjects: w.subjects,
            }));
            return JSON.stringify(
                roleTrustPolicy({
                    principals: principals.map((p, i) => principalArn(p, partition, `role.trustedPrincipals[${i}]`)),
                    services: role.trustedServices ?? [],
                    webIdentities,
                    externalId: role.externalId,
                }),
            );
        });
    return invokeRole(`${name}-invoke`, trust, role.scope, policies, context, role.maxSessionDurationSeconds);
}

/**
 * Each web identity's provider ARN: `providerArn`, else the provider this stack creates for its issuer
 * (`createProvider`), else the account's provider found by URL. Said on the component at preview, per
 * identity, with the way to switch and the tokens trusted.
 */
function webIdentityProviders(identities: readonly WebIdentityTrust[], context: CallerContext): pulumi.Input<string>[] {
    const { name, parent, tags } = context;
    // One provider per URL, as IAM allows: the issuer's identities without providerArn share it, with every audience.
    const created = new Map<string, { provider: aws.iam.OpenIdConnectProvider; by: number }>();
    identities.forEach((w, i) => {
        if (w.createProvider !== true || created.has(w.issuer)) return;
        const audiences = identities
            .filter((o) => o.issuer === w.issuer && o.providerArn === undefined)
            .flatMap((o) => o.audiences);
        const provider = new aws.iam.OpenIdConnectProvider(
            `${name}-oidc-${created.size + 1}`,
            { url: `https://${w.issuer}`, clientIdLists: [...new Set(audiences)], tags },
            { parent },
        );
        created.set(w.issuer, { provider, by: i });
    });
    const found = new Map<string, pulumi.Output<string>>();
    const findByUrl = (url: string) => {
        let arn = found.get(url);
        // The data source lists the account's providers and takes the one whose ARN ends in the URL without https://
        // (terraform-provider-aws openid_connect_provider_data_source.go, findOpenIDConnectProviderByURL).
        if (!arn) found.set(url, (arn = aws.iam.getOpenIdConnectProviderOutput({ url }, { parent }).arn));
        return arn;
    };
    return identities.map((w, i) => {
        const url = `https://${w.issuer}`;
        const own = created.get(w.issuer);
        const [arn, how]: [pulumi.Input<string>, string] =
            w.providerArn !== undefined
                ? [
                      w.providerArn,
                      `uses providerArn; leave it out to use the account's provider found by URL ${url}, or replace it with createProvider: true to create that provider in this stack`,
                  ]
                : own?.by === i
                  ? [
                        own.provider.arn,
                        `creates the provider for ${url} in this stack (createProvider: true); IAM holds one per URL per account, so where the account already has it, drop createProvider to use it (found by URL) or pass providerArn`,
                    ]
                  : own
                    ? [own.provider.arn, `uses the provider for ${url} that role.webIdentities[${own.by}] creates`]
                    : [
                          findByUrl(url),
                          `uses the account's provider found by URL ${url} (the preview fails if there is none); set createProvider: true to create it in this stack instead, or pass providerArn`,
                      ];
        void pulumi.log.info(`role.webIdentities[${i}] (${w.issuer}) ${how}. ${trustedTokens(w)}`, parent);
        return arn;
    });
}

/** The identity pool, its roles (each trusting only this pool and its kind of identity) and their attachment. */
export interface IdentityPoolResources {
    readonly pool: aws.cognito.IdentityPool;
    readonly authenticatedRole: aws.iam.Role | undefined;
    readonly unauthenticatedRole: aws.iam.Role | undefined;
}

export function createIdentityPool(
    plan: CallerPlan,
    policies: InvokePolicies,
    context: CallerContext,
): IdentityPoolResources | undefined {
    const settings = plan.identityPool;
    if (!settings) return undefined;
    const { name, parent, tags } = context;
    const userPool = settings.userPool;
    const pool = new aws.cognito.IdentityPool(
        name,
        {
            identityPoolName: settings.identityPoolName ?? name.replace(/[^\w\s+=,.@-]/g, "_"),
            allowUnauthenticatedIdentities: settings.allowUnauthenticatedIdentities ?? false,
            // The basic flow lets a token assume any role trusting the pool for its kind; ours are the only ones the component makes.
            allowClassicFlow: settings.allowClassicFlow ?? false,
            cognitoIdentityProviders: (userPool?.clientIds ?? []).map((clientId) => ({
                clientId,
                providerName: userPoolProviderName(userPool!.userPoolId, context),
                // Cognito checks with the user pool that the user is still signed in.
                serverSideTokenCheck: true,
            })),
            tags,
        },
        { parent },
    );
    const roleFor = (kind: "authenticated" | "unauthenticated", scope: InvokeScope | undefined) =>
        scope &&
        invokeRole(
            `${name}-${kind}`,
            pool.id.apply((id) => JSON.stringify(identityPoolTrustPolicy(id, kind))),
            scope,
            policies,
            context,
        );
    const authenticatedRole = roleFor("authenticated", settings.authenticated);
    const unauthenticatedRole = roleFor("unauthenticated", settings.unauthenticated);
    const roles: Record<string, pulumi.Input<string>> = {};
    if (authenticatedRole) roles.authenticated = authenticatedRole.arn;
    if (unauthenticatedRole) roles.unauthenticated = unauthenticatedRole.arn;
    // No roleMappings: a token's cognito:preferred_role or rules can never select another role.
    new aws.cognito.IdentityPoolRoleAttachment(name, { identityPoolId: pool.id, roles }, { parent });
    return { pool, authenticatedRole, unauthenticatedRole };
}

/**
 * `cognito-idp.<region>.<DNS suffix>/<user pool id>`, the region being the user pool's own (its id's
 * prefix: `eu-west-1_AbC…` is in eu-west-1), which need not be the stack's.
 */
function userPoolProviderName(userPoolId: pulumi.Input<string>, context: CallerContext): pulumi.Output<string> {
    return pulumi.all([userPoolId, context.aws.dnsSuffix]).apply(([id, dnsSuffix]) => {
        const region = userPoolRegion(id);
        if (region === undefined) throw new InvalidSecuredRestApiInput([userPoolIdProblem(id)!], context.name);
        return `cognito-idp.${region}.${dnsSuffix}/${id}`;
    });
}
