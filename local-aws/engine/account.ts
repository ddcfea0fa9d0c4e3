import { awsManagedPolicyArn, iamArn } from "../../components/policies/arns";
import { ACM_HANDLERS } from "./acm";
import { APIGATEWAY_HANDLERS } from "./apigateway";
import { DOMAIN_HANDLERS } from "./apigatewayDomains";
import { COGNITO_HANDLERS } from "./cognito";
import { IAM_HANDLERS } from "./iam";
import { LOCAL_ACCOUNT_ID } from "./ids";
import { LAMBDA_HANDLERS } from "./lambda";
import { awsManagedPolicyDocument, nearestAwsManagedPolicies } from "./managedPolicies";
import { LOGS_HANDLERS } from "./logs";
import { ROUTE53_HANDLERS } from "./route53";
import { WAFV2_HANDLERS } from "./wafv2";
import { sessionIdentity } from "./sessions";
import {
    AccessKeyRecord,
    AttachedPolicy,
    BasePathMappingRecord,
    CallerIdentity,
    CertificateRecord,
    DeploymentRecord,
    DnsRecord,
    DomainNameRecord,
    FunctionRecord,
    HandlerTable,
    IdentityPoolRecord,
    Inputs,
    IssuedCredential,
    LocalAwsError,
    OidcProviderRecord,
    PermissionRecord,
    ProvisionResult,
    RestApiRecord,
    RoleRecord,
    SessionRecord,
    StageRecord,
    UserRecord,
} from "./records";

export {
    AccessKeyRecord,
    AttachedPolicy,
    BasePathMappingRecord,
    CallerIdentity,
    CertificateRecord,
    DeploymentRecord,
    DnsRecord,
    DomainNameRecord,
    FunctionRecord,
    LocalAwsError,
    PermissionRecord,
    ProvisionResult,
    RestApiRecord,
    RoleRecord,
    SessionRecord,
    StageRecord,
    UserRecord,
} from "./records";

/** Gives each REST API the base URL the gateway will serve it at. */
export type EndpointAllocator = (restApiId: string) => Promise<string>;

/** Which account a local account is, and in which partition. */
export interface AccountIdentity {
    /** @default "123456789012" */
    readonly accountId?: string;
    /** @default "aws" */
    readonly partition?: string;
}

/**
 * An in-memory model of one AWS account and region: the API Gateway and IAM resources the component
 * uses, with AWS-shaped ids, ARNs and credentials. The Pulumi mock runtime provisions into it; the
 * local gateway reads from it.
 */
export class LocalAwsAccount {
    readonly accountId: string;
    /** The AWS partition the account lives in. */
    readonly partition: string;
    readonly restApis = new Map<string, RestApiRecord>();
    readonly deployments = new Map<string, DeploymentRecord>();
    readonly stages = new Map<string, StageRecord>();
    readonly users = new Map<string, UserRecord>();
    readonly groups = new Map<string, { name: string; arn: string }>();
    readonly policies = new Map<string, { arn: string; name: string; document: string }>();
    readonly accessKeys = new Map<string, AccessKeyRecord>();
    /** Managed policy ARNs attached per group or user name. */
    readonly groupAttachments = new Map<string, Set<string>>();
    readonly userAttachments = new Map<string, Set<string>>();
    readonly groupInlinePolicies = new Map<string, AttachedPolicy[]>();
    readonly userInlinePolicies = new Map<string, AttachedPolicy[]>();
    readonly memberships = new Map<string, Set<string>>();
    readonly roles = new Map<string, RoleRecord>();
    /** Managed policy ARNs attached per role name, and inline policies per role name. */
    readonly roleAttachments = new Map<string, Set<string>>();
    readonly roleInlinePolicies = new Map<string, AttachedPolicy[]>();
    /** Lambda functions by name, and each one's resource policy statements (its permissions). */
    readonly functions = new Map<string, FunctionRecord>();
    readonly permissions = new Map<string, PermissionRecord[]>();
    /** IAM OIDC identity providers by issuer (without `https://`): one per issuer, as in IAM. */
    readonly oidcProviders = new Map<string, OidcProviderRecord>();
    /** Cognito identity pools by id. */
    readonly identityPools = new Map<string, IdentityPoolRecord>();
    /** Temporary credentials STS issued for this account's roles, by access key id. */
    readonly sessions = new Map<string, SessionRecord>();
    /** CloudWatch Logs log groups by name, with their retention in days (undefined: never expire). */
    readonly logGroups = new Map<string, { name: string; arn: string; retentionInDays: number | undefined }>();
    /** Stage-wide method settings per `apiId/stage`, as set by MethodSettings `*\/*`. */
    readonly methodSettings = new Map<string, Record<string, unknown>>();
    /** ACM certificates the program requested, by ARN. */
    readonly certificates = new Map<string, CertificateRecord>();
    /** Route 53 record sets the program wrote, in hosted zones outside it. */
    readonly dnsRecords: DnsRecord[] = [];
    /** API Gateway custom domain names by name, and each one's base path mappings. */
    readonly domainNames = new Map<string, DomainNameRecord>();
    readonly basePathMappings = new Map<string, BasePathMappingRecord[]>();
    /** The WAFv2 web ACL associated with each stage, by stage ARN. */
    readonly webAclAssociations = new Map<string, string>();
    /**
     * What local mode cannot check or apply and says once, plainly (a certificate made outside the
     * program, a web ACL's rules), in the order first met.
     */
    readonly notices = new Set<string>();
    /** The folder standing in for S3 (`s3://<bucket>/<key>` is `<folder>/<bucket>/<key>`); undefined: no S3. */
    s3Dir: string | undefined;
    /** The region's API Gateway CloudWatch role (`aws.apigateway.Account`); logging needs it. */
    cloudWatchRoleArn: string | undefined;
    /** Grows with every change to the account, so caches of decisions know when they are stale. */
    revision = 0;

    constructor(
        readonly region: string,
        /** Gives each REST API the base URL the gateway will serve it at. */
        readonly allocateEndpoint: EndpointAllocator = (id) =>
            Promise.resolve(`https://${id}.execute-api.${region}.amazonaws.com`),
        identity: AccountIdentity = {},
    ) {
        this.accountId = identity.accountId ?? LOCAL_ACCOUNT_ID;
        this.partition = identity.partition ?? "aws";
    }

    /** The stage a gateway request reaches, looked up by REST API id and stage name. */
    stage(restApiId: string, stageName: string): StageRecord | undefined {
        return this.stages.get(`${restApiId}/${stageName}`);
    }

    /** Every policy that applies to a user: its own (attached and inline) and its groups'. */
    policiesForUser(userName: string): AttachedPolicy[] {
        const attached = (arns: Iterable<string>) =>
            [...arns].map((arn) => ({ name: arn, document: this.policyDocument(arn) }));
        const result = [
            ...attached(this.userAttachments.get(userName) ?? []),
            ...(this.userInlinePolicies.get(userName) ?? []),
        ];
        for (const group of this.memberships.get(userName) ?? []) {
            result.push(
                ...attached(this.groupAttachments.get(group) ?? []),
                ...(this.groupInlinePolicies.get(group) ?? []),
            );
        }
        return result;
    }

    /** Every policy that applies to a role's sessions: its managed and inline policies. */
    policiesForRole(roleName: string): AttachedPolicy[] {
        return [
            ...[...(this.roleAttachments.get(roleName) ?? [])].map((arn) => ({
                name: arn,
                document: this.policyDocument(arn),
            })),
            ...(this.roleInlinePolicies.get(roleName) ?? []),
        ];
    }

    /**
     * What SigV4 verification needs of an access key: its secret, for an active key only; for
     * temporary credentials also the session token and when they expire.
     */
    credentialFor(accessKeyId: string): IssuedCredential | undefined {
        const session = this.sessions.get(accessKeyId);
        if (session)
            return {
                secretAccessKey: session.secretAccessKey,
                sessionToken: session.sessionToken,
                expiration: session.expiration,
            };
        const key = this.accessKeys.get(accessKeyId);
        return key && key.status === "Active" ? { secretAccessKey: key.secret } : undefined;
    }

    /** The identity behind an access key whose signature was accepted: a user, or a role session. */
    identityOfAccessKey(accessKeyId: string): CallerIdentity {
        const session = this.sessions.get(accessKeyId);
        if (session) return sessionIdentity(this, session);
        const key = this.accessKeys.get(accessKeyId);
        const user = key && this.users.get(key.userName);
        if (!user) throw new Error(`Access key ${accessKeyId} was accepted but belongs to no user of the account.`);
        return {
            arn: user.arn,
            accountId: this.accountId,
            userId: user.uniqueId,
            policies: this.policiesForUser(user.name),
            facts: {
                kind: "user",
                arn: user.arn,
                accountId: this.accountId,
                userId: user.uniqueId,
                userName: user.name,
                tags: user.tags,
            },
        };
    }

    /** Fails, naming the type, when local mode cannot provision a resource type. */
    assertEmulated(type: string, name: string): void {
        if (!HANDLERS[type]) {
            throw new Error(
                `Local mode does not emulate resource type ${type} (resource "${name}"). It emulates: ${Object.keys(HANDLERS).join(", ")}.`,
            );
        }
    }

    /** Provisions one resource the way its AWS API would, returning the provider state Pulumi sees. */
    async provision(type: string, name: string, inputs: Inputs): Promise<ProvisionResult> {
        this.assertEmulated(type, name);
        this.revision++;
        return await HANDLERS[type](this, name, inputs);
    }

    /**
     * A managed policy's document, AWS's own (every one AWS publishes, in this account's partition) or the
     * account's; refused like IAM when it does not exist, with the nearest AWS managed policies.
     */
    policyDocument(arn: string): string {
        const own = this.policies.get(arn)?.document;
        if (own !== undefined) return own;
        const awsPrefix = awsManagedPolicyArn(this.partition, "");
        const managed = arn.startsWith(awsPrefix)
            ? awsManagedPolicyDocument(arn.slice(awsPrefix.length), this.partition)
            : undefined;
        if (managed !== undefined) return managed;
        const notAttachable = `Policy ${arn} does not exist or is not attachable.`;
        const asked = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
        if (asked === undefined) throw new LocalAwsError("NoSuchEntity", notAttachable);
        const nearest = nearestAwsManagedPolicies(asked).map((name) => awsManagedPolicyArn(this.partition, name));
        throw new LocalAwsError(
            "NoSuchEntity",
            `${notAttachable} AWS publishes no managed policy ${asked} in partition ${this.partition}; the nearest are ${nearest.join(", ")}.`,
        );
    }

    /**
     * The function a Lambda API call names: its name, its ARN or partial ARN (`<account>:function:<name>`),
     * each optionally qualified (`:<version or alias>`); refused like Lambda when there is none.
     */
    functionNamed(reference: unknown): { fn: FunctionRecord; qualifier: string | undefined } {
        const text = String(reference);
        const match =
            /^(?:arn:([^:]+):lambda:([^:]+):)?(?:(\d{12}):function:)?([A-Za-z0-9_-]+)(?::(\$LATEST|[A-Za-z0-9_-]+))?$/.exec(
                text,
            );
        const [, partition, region, accountId, name, qualifier] = match ?? [];
        const fn = name === undefined ? undefined : this.functions.get(name);
        const elsewhere =
            (partition !== undefined && partition !== this.partition) ||
            (region !== undefined && region !== this.region) ||
            (accountId !== undefined && accountId !== this.accountId);
        if (!fn || elsewhere)
            throw new LocalAwsError(
                "ResourceNotFoundException",
                `Function not found: ${text.startsWith("arn:") ? text : `arn:${this.partition}:lambda:${this.region}:${this.accountId}:function:${text}`}`,
            );
        return { fn, qualifier: qualifier === "$LATEST" ? undefined : qualifier };
    }

    /** API Gateway refuses logging settings until the region's CloudWatch role is set. */
    requireCloudWatchRole(): void {
        if (this.cloudWatchRoleArn === undefined) {
            throw new LocalAwsError(
                "BadRequestException",
                "CloudWatch Logs role ARN must be set in account settings to enable logging",
            );
        }
    }

    /** `arn:<partition>:iam::<account>:<kind>/<name>`. */
    iamArn(kind: string, name: string): string {
        return iamArn(this.partition, this.accountId, `${kind}/${name}`);
    }

    requireGroup(name: unknown): string {
        if (typeof name !== "string" || !this.groups.has(name)) {
            throw new LocalAwsError("NoSuchEntity", `The group with name ${String(name)} cannot be found.`);
        }
        return name;
    }

    requireUser(name: unknown): string {
        if (typeof name !== "string" || !this.users.has(name)) {
            throw new LocalAwsError("NoSuchEntity", `The user with name ${String(name)} cannot be found.`);
        }
        return name;
    }

    requireRole(name: unknown): string {
        if (typeof name !== "string" || !this.roles.has(name)) {
            throw new LocalAwsError("NoSuchEntity", `The role with name ${String(name)} cannot be found.`);
        }
        return name;
    }

    /** The role an ARN of this account names, or undefined. */
    roleOfArn(arn: string): RoleRecord | undefined {
        const name = arn.startsWith(`arn:${this.partition}:iam::${this.accountId}:role/`)
            ? arn.split("/").pop()
            : undefined;
        const role = name === undefined ? undefined : this.roles.get(name);
        return role?.arn === arn ? role : undefined;
    }
}

/** Every resource type local mode emulates, by Pulumi type token, one table per AWS service. */
const HANDLERS: HandlerTable = {
    ...APIGATEWAY_HANDLERS,
    ...DOMAIN_HANDLERS,
    ...ACM_HANDLERS,
    ...ROUTE53_HANDLERS,
    ...WAFV2_HANDLERS,
    ...LOGS_HANDLERS,
    ...IAM_HANDLERS,
    ...LAMBDA_HANDLERS,
    ...COGNITO_HANDLERS,
};
