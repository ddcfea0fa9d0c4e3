import { validateIdentityPolicy, validateResourcePolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import type { CallerFacts, TokenKeys } from "../identity/conditionKeys";
import type { LocalAwsAccount } from "./account";
import { autoNameSuffix } from "./ids";

export interface RestApiRecord {
    readonly id: string;
    readonly name: string;
    readonly body: string;
    /**
     * The resource policy API Gateway holds, as JSON text: the `policy` argument as given (the provider
     * puts it in place of the imported one whenever they differ), else the body's, its `execute-api:/`
     * resources written as this API's ARN as API Gateway writes them on import; undefined for none.
     */
    readonly policy: string | undefined;
    readonly endpointType: string;
    readonly disableExecuteApiEndpoint: boolean;
    readonly executionArn: string;
    /** Base URL the gateway serves this API at (no stage), e.g. `http://127.0.0.1:8787`. */
    readonly baseUrl: string;
}

/**
 * A deployment freezes the API as it was when the deployment was made, exactly as in AWS: its methods,
 * its resource policy, and whether the default endpoint is disabled (each takes effect only with the
 * next deployment: developer guide, "Deploy a REST API", "Disable the default endpoint").
 */
export interface DeploymentRecord {
    readonly id: string;
    readonly restApiId: string;
    readonly body: string;
    readonly policy: string | undefined;
    readonly disableExecuteApiEndpoint: boolean;
}

export interface StageRecord {
    readonly restApiId: string;
    readonly stageName: string;
    readonly deploymentId: string;
    readonly invokeUrl: string;
    /** The stage's variables (`${stageVariables.x}`), by name. */
    readonly variables: ReadonlyMap<string, string>;
}

export interface UserRecord {
    readonly name: string;
    readonly arn: string;
    /** IAM's unique id (`AIDA…`), what `aws:userid` holds for a user. */
    readonly uniqueId: string;
    /** The user's tags, which policies read as `aws:PrincipalTag/<key>`. */
    readonly tags: ReadonlyMap<string, string>;
}

export interface RoleRecord {
    readonly name: string;
    readonly arn: string;
    /** IAM's unique id (`AROA…`); a session's `aws:userid` is `<uniqueId>:<session name>`. */
    readonly uniqueId: string;
    /** The trust policy: who may assume the role. */
    readonly assumeRolePolicy: string;
    readonly tags: ReadonlyMap<string, string>;
    /** The longest session the role allows, in seconds (IAM's default is one hour). */
    readonly maxSessionDurationSeconds: number;
    /** Whether the role sets `inlinePolicies` / `managedPolicyArns`, which the provider keeps exclusive. */
    readonly exclusive: { readonly inlinePolicies: boolean; readonly managedPolicyArns: boolean };
}

/** An OpenID Connect identity provider of the account (`aws:iam/openIdConnectProvider`). */
export interface OidcProviderRecord {
    readonly arn: string;
    /** The issuer without `https://`, as IAM keys providers and names condition keys. */
    readonly issuer: string;
    readonly clientIds: readonly string[];
}

/** A Cognito identity pool and the roles attached to it. */
export interface IdentityPoolRecord {
    readonly id: string;
    readonly allowUnauthenticatedIdentities: boolean;
    readonly allowClassicFlow: boolean;
    /** `cognito-idp.<region>.amazonaws.com/<user pool id>` → the app client ids it accepts. */
    readonly providers: ReadonlyMap<string, readonly string[]>;
    /** Role ARNs by kind (`authenticated`, `unauthenticated`), set by the roles attachment. */
    roles: ReadonlyMap<string, string>;
}

/** Temporary credentials STS issued for a role, and how. */
export interface SessionRecord {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
    readonly roleName: string;
    readonly sessionName: string;
    readonly issuedAt: Date;
    readonly expiration: Date;
    /** A web-identity session's provider (`aws:FederatedProvider`) and token claims, which its requests carry. */
    readonly federation: { readonly provider: string; readonly token: TokenKeys } | undefined;
    /** The app user of a session Cognito Identity obtained for an identity pool's role. */
    readonly cognito: CognitoCaller | undefined;
    /** Session policies: the session may do only what its role's policies and each of these allow. */
    readonly sessionPolicies: readonly AttachedPolicy[];
}

/** An identity pool's identity behind a role session: what API Gateway reports as `$context.identity.cognito*`. */
export interface CognitoCaller {
    readonly identityPoolId: string;
    readonly identityId: string;
    /** `authenticated` or `unauthenticated`. */
    readonly authenticationType: string;
    /** The sign-in providers of the token's `amr` (comma-separated), null for a guest. */
    readonly authenticationProvider: string | null;
}

/** What SigV4 verification needs of an access key: its secret, and a temporary key's token and expiry. */
export interface IssuedCredential {
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
    readonly expiration?: Date;
}

/** Who signed with an access key, as IAM authorization sees the caller. */
export interface CallerIdentity {
    readonly arn: string;
    readonly accountId: string;
    /** IAM's unique id of the caller, `aws:userid` (`AIDA…` for a user), which API Gateway reports as `user` and `caller`. */
    readonly userId: string;
    /** The identity pool's identity, when the caller signs with credentials Cognito Identity got it. */
    readonly cognito?: CognitoCaller;
    /** Every identity policy that applies (the user's own and its groups'). */
    readonly policies: readonly AttachedPolicy[];
    /** A session's session policies, which limit what its identity policies allow (none for a user). */
    readonly sessionPolicies?: readonly AttachedPolicy[];
    /** What the condition-key table (identity/conditionKeys.ts) reads of the caller. */
    readonly facts: CallerFacts;
}

/** A Lambda function as CreateFunction made it: what the gateway needs to run it. */
export interface FunctionRecord {
    readonly name: string;
    /** `arn:<partition>:lambda:<region>:<account>:function:<name>`. */
    readonly arn: string;
    /** A Node.js runtime, e.g. `nodejs20.x`. */
    readonly runtime: string;
    /** `<module path>.<export>`, e.g. `index.handler`. */
    readonly handler: string;
    /** The function's code as Lambda unpacks it: its task root (`/var/task` in AWS). */
    readonly codeDir: string;
    /** `environment.variables`, by name. */
    readonly environment: ReadonlyMap<string, string>;
    readonly timeoutSeconds: number;
    readonly memorySizeMb: number;
    readonly roleArn: string;
}

/** One statement of a function's resource policy, as AddPermission (`aws.lambda.Permission`) made it. */
export interface PermissionRecord {
    readonly statementId: string;
    readonly functionName: string;
    /** The version or alias the statement is for; undefined for the unqualified function. */
    readonly qualifier: string | undefined;
    readonly action: string;
    readonly principal: string;
    readonly sourceArn: string | undefined;
    readonly sourceAccount: string | undefined;
}

export interface AccessKeyRecord {
    readonly id: string;
    readonly secret: string;
    readonly userName: string;
    readonly status: "Active" | "Inactive";
}

/** A named IAM policy document attached to a user, group or role. */
export interface AttachedPolicy {
    readonly name: string;
    readonly document: string;
}

export interface ProvisionResult {
    readonly id: string;
    readonly state: Record<string, unknown>;
}

export type Inputs = Record<string, unknown>;

/** What one resource type becomes in the local account: its AWS API's create call. */
export type ResourceHandler = (
    account: LocalAwsAccount,
    name: string,
    inputs: Inputs,
) => ProvisionResult | Promise<ProvisionResult>;

/** The resource types one AWS service emulates, by Pulumi type token. */
export type HandlerTable = Readonly<Record<string, ResourceHandler>>;

/** Raised for requests AWS itself would refuse (missing references, limits), worded like AWS. */
export class LocalAwsError extends Error {
    constructor(code: string, message: string) {
        super(`${code}: ${message}`);
        this.name = "LocalAwsError";
    }
}

/** IAM refuses to store a policy document it cannot read; so does the local account. */
export function requireValidPolicy(text: unknown, kind: "identity" | "resource" | "trust"): string {
    // @pulumi/aws takes a policy as JSON text or as an object (aws.iam.PolicyDocument), which it sends as JSON.
    const document = typeof text === "string" ? text : (JSON.stringify(text) ?? "");
    let parsed: unknown;
    try {
        parsed = JSON.parse(document);
    } catch {
        throw new LocalAwsError("MalformedPolicyDocument", "Syntax errors in policy.");
    }
    const validate = { identity: validateIdentityPolicy, resource: validateResourcePolicy, trust: validateTrustPolicy }[
        kind
    ];
    const errors = validate(parsed);
    if (errors.length > 0) {
        throw new LocalAwsError("MalformedPolicyDocument", errors.map((e) => `${e.path}: ${e.message}`).join("; "));
    }
    return document;
}

/** The name given, or what the AWS provider's auto-naming would make of the resource name. */
export function nameOrAutoName(given: unknown, resourceName: string): string {
    return typeof given === "string" ? given : `${resourceName}-${autoNameSuffix()}`;
}

export function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
    const set = map.get(key) ?? new Set<string>();
    set.add(value);
    map.set(key, set);
}

export function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
    map.set(key, [...(map.get(key) ?? []), value]);
}

/** An ACM certificate the program requested (DNS validation only), and where it stands. */
export interface CertificateRecord {
    readonly arn: string;
    /** The region of the ARN: a resource's own `region`, else the account's. */
    readonly region: string;
    /** The names it covers: `domainName` first, then the subject alternative names. */
    readonly names: readonly string[];
    /** One CNAME per name, which must exist in DNS for ACM to issue the certificate. */
    readonly validation: readonly { readonly domainName: string; readonly name: string; readonly value: string }[];
    status: "PENDING_VALIDATION" | "ISSUED";
}

/** A Route 53 record set the program wrote, in a hosted zone of the account (the zone itself is outside the program). */
export interface DnsRecord {
    readonly zoneId: string;
    /** Lower case, without the trailing dot. */
    readonly name: string;
    readonly type: string;
    readonly values: readonly string[];
    readonly alias: { readonly name: string; readonly zoneId: string } | undefined;
}

/** A custom domain name of API Gateway, as CreateDomainName made it. */
export interface DomainNameRecord {
    readonly domainName: string;
    readonly endpointType: "REGIONAL" | "EDGE";
    readonly certificateArn: string;
    /** `TLS_1_2` or `TLS_1_0`: the lowest TLS version clients may use. */
    readonly securityPolicy: string;
    /** The truststore as API Gateway read it when the domain was made (it reads S3 again only on an update). */
    readonly mutualTls:
        | {
              readonly truststoreUri: string;
              readonly truststoreVersion: string | undefined;
              /** The local file that stands in for the S3 object. */
              readonly file: string;
              /** The truststore's certificates, PEM. */
              readonly certificates: readonly string[];
              /** What API Gateway returns as `truststoreWarnings`: certificates it cannot use. */
              readonly warnings: readonly string[];
          }
        | undefined;
    /** What DNS points at: `d-<id>.execute-api.<region>.amazonaws.com`, or an EDGE domain's CloudFront name. */
    readonly target: string;
    readonly targetZoneId: string;
}

/** A base path of a custom domain name mapped to a stage (or to every stage, named after the base path). */
export interface BasePathMappingRecord {
    readonly domainName: string;
    /** `""` for the root, which AWS shows as `(none)`. */
    readonly basePath: string;
    readonly restApiId: string;
    /** Undefined: the stage is the first path segment after the base path. */
    readonly stageName: string | undefined;
}
