import * as pulumi from "@pulumi/pulumi";
import type { CrossAccountGrant, IdentityPoolArgs, InvokeGrant, InvokeRoleArgs } from "../callers/callers";
import type { CorsArgs } from "../openapi/cors";
import type { OpenApiSpecInput } from "../openapi/parse";
import type { ResourcePolicyStatement } from "../policies/resourcePolicy";

/**
 * The arguments of {@link SecuredRestApi} and the types they use, in a module of their own: the
 * component, the checks of `resolveSettings` and the package schema all read them from here.
 */

// Enumerations are `as const` objects plus a type of their values: TypeScript users write plain strings,
// and Pulumi's schema analyzer turns them into enums for other languages.

/** Which IAM policy lets the component's group invoke the API. */
export const InvokePolicyKind = {
    /** A customer-managed policy allowing `execute-api:Invoke` on this API's stage only. */
    Scoped: "scoped",
    /** AWS's `AmazonAPIGatewayInvokeFullAccess`: every API the account can reach. */
    Managed: "managed",
} as const;
export type InvokePolicyKind = (typeof InvokePolicyKind)[keyof typeof InvokePolicyKind];
export const INVOKE_POLICY_KINDS: readonly InvokePolicyKind[] = Object.values(InvokePolicyKind);

/** API Gateway's endpoint types for a REST API. */
export const EndpointType = {
    /** Served from the API's region. */
    Regional: "REGIONAL",
    /** Served through CloudFront's edge locations. */
    Edge: "EDGE",
    /** Reachable only from VPCs through interface endpoints. */
    Private: "PRIVATE",
} as const;
export type EndpointType = (typeof EndpointType)[keyof typeof EndpointType];
export const ENDPOINT_TYPES: readonly EndpointType[] = Object.values(EndpointType);

/** The endpoint types of a custom domain name (a private API's domain is not created by this component). */
export const DomainEndpointType = {
    /** Served from the API's region; its certificate is in that region. Mutual TLS needs this type. */
    Regional: "REGIONAL",
    /** Served through a CloudFront distribution API Gateway manages; its certificate is in us-east-1. */
    Edge: "EDGE",
} as const;
export type DomainEndpointType = (typeof DomainEndpointType)[keyof typeof DomainEndpointType];
export const DOMAIN_ENDPOINT_TYPES: readonly DomainEndpointType[] = Object.values(DomainEndpointType);

/** The minimum TLS version (and cipher suites) a custom domain name accepts from clients. */
export const DomainSecurityPolicy = {
    /** TLS 1.2 and later. */
    Tls12: "TLS_1_2",
    /** TLS 1.0 and later: only for clients that cannot do TLS 1.2. */
    Tls10: "TLS_1_0",
} as const;
export type DomainSecurityPolicy = (typeof DomainSecurityPolicy)[keyof typeof DomainSecurityPolicy];
export const DOMAIN_SECURITY_POLICIES: readonly DomainSecurityPolicy[] = Object.values(DomainSecurityPolicy);

/**
 * Mutual TLS on the custom domain name: clients must present an X.509 certificate that the truststore
 * trusts, or API Gateway answers 403 before any signature is read.
 */
export interface MutualTlsArgs {
    /**
     * The truststore: an S3 object, one PEM file of the CA certificates (public or private CAs, or
     * self-signed client certificates) whose clients may connect.
     * @default none: required
     * @example
     * ```ts
     * mutualTls: { truststoreUri: "s3://my-truststore-bucket/truststore.pem" }
     * ```
     */
    truststoreUri: pulumi.Input<string>;
    /**
     * The S3 object version of the truststore (the bucket must be versioned); API Gateway reads the
     * truststore when the domain is created or updated, so a new version takes effect with this one.
     * @default undefined (the object's current version, read when the domain is created or updated)
     * @example
     * ```ts
     * mutualTls: { truststoreUri: "s3://my-truststore-bucket/truststore.pem", truststoreVersion: truststore.versionId }
     * ```
     */
    truststoreVersion?: pulumi.Input<string>;
}

/**
 * A custom domain name for the stage: the domain (`aws.apigateway.DomainName`) with its certificate, a
 * base path mapping to this stage, and an alias record when a hosted zone is given. Clients then call
 * and sign `https://<domainName>/<basePath>/…` (the signature covers that host and path).
 */
export interface DomainArgs {
    /**
     * The domain name clients call, lower case, e.g. `api.example.com` (or a wildcard `*.example.com`).
     * @default none: required
     * @example
     * ```ts
     * domain: { domainName: "api.example.com", certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/0e8c1a47-5b2d-4f4e-9a53-7d1e2f6a9b10" }
     * ```
     */
    domainName: string;
    /**
     * ARN of an issued ACM certificate that covers `domainName`: in the API's region for a `REGIONAL`
     * domain, in `us-east-1` for an `EDGE` one, of the same account.
     * @default undefined: the component requests a certificate for `domainName` and validates it by DNS in `hostedZoneId`
     * @example
     * ```ts
     * domain: { domainName: "api.example.com", certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/0e8c1a47-5b2d-4f4e-9a53-7d1e2f6a9b10" }
     * ```
     */
    certificateArn?: pulumi.Input<string>;
    /**
     * The Route 53 hosted zone of `domainName` (its id, `Z…`). The component writes an alias record there
     * pointing `domainName` at the domain's target and, without `certificateArn`, requests an ACM
     * certificate and validates it with a DNS record in this zone.
     * @default undefined (no record: point your DNS at the output domainTarget)
     * @example
     * ```ts
     * domain: { domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" }
     * ```
     */
    hostedZoneId?: pulumi.Input<string>;
    /**
     * `REGIONAL`, or `EDGE` (through CloudFront; its certificate must be in us-east-1).
     * @default "REGIONAL"
     * @example
     * ```ts
     * domain: { domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", endpointType: "EDGE" }
     * ```
     */
    endpointType?: DomainEndpointType;
    /**
     * The minimum TLS version clients must use.
     * @default "TLS_1_2"
     * @example
     * ```ts
     * domain: { domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", securityPolicy: "TLS_1_2" }
     * ```
     */
    securityPolicy?: DomainSecurityPolicy;
    /**
     * The first path segment that leads to this stage, e.g. `v1` for `https://api.example.com/v1/pets`;
     * letters, digits, `-`, `_` and `.`, without slashes. Empty maps the stage at the domain's root.
     * @default "" (the root: `https://api.example.com/pets`)
     * @example
     * ```ts
     * domain: { domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", basePath: "v1" }
     * ```
     */
    basePath?: string;
    /**
     * Mutual TLS: clients must present a certificate the truststore trusts (`REGIONAL` and `TLS_1_2`
     * only, as AWS requires). It also makes `disableExecuteApiEndpoint` default to true, since the
     * default endpoint takes no client certificate.
     * @default undefined (no client certificate asked for)
     * @example
     * ```ts
     * domain: {
     *     domainName: "api.example.com",
     *     hostedZoneId: "Z0123456789ABCDEFGHIJ",
     *     mutualTls: { truststoreUri: "s3://my-truststore-bucket/truststore.pem" },
     * }
     * ```
     */
    mutualTls?: MutualTlsArgs;
}

/** API Gateway's execution logging levels for a stage. */
export const ExecutionLoggingLevel = {
    /** No execution logs. */
    Off: "OFF",
    /** Errors only. */
    Error: "ERROR",
    /** Errors and informational events. */
    Info: "INFO",
} as const;
export type ExecutionLoggingLevel = (typeof ExecutionLoggingLevel)[keyof typeof ExecutionLoggingLevel];
export const EXECUTION_LOGGING_LEVELS: readonly ExecutionLoggingLevel[] = Object.values(ExecutionLoggingLevel);

/** Stage-wide throttling: steady requests per second and the burst above it. */
export interface ThrottleSettings {
    /** Steady-state requests per second; -1 leaves the account's default. */
    rateLimit: number;
    /** Burst capacity (token bucket size); -1 leaves the account's default. */
    burstLimit: number;
}

/** Opt-in access logging for the stage. */
export interface AccessLogArgs {
    /**
     * ARN of the CloudWatch Logs log group (or `amazon-apigateway-*` Firehose stream) to write to.
     * @default a log group the component creates, kept `retentionInDays`
     */
    destinationArn?: pulumi.Input<string>;
    /**
     * The log line format; must contain `$context.requestId`.
     * @default JSON with requestId, requestTime, sourceIp, userArn, caller, httpMethod, resourcePath, path, status, protocol, responseLength, errorMessage
     */
    format?: string;
    /**
     * Retention of the log group the component creates, in days (a CloudWatch Logs retention value).
     * @default 365
     */
    retentionInDays?: number;
    /**
     * API Gateway writes logs with one IAM role per account and region (`aws.apigateway.Account`), a
     * singleton shared by every API there. Leave this unset when the role is already configured (the
     * usual case: set it once per region, outside this stack). Set it to make this stack manage that
     * singleton, knowing it overrides whatever another stack set. The setting is kept when the stack is
     * destroyed (`retainOnDelete`): the provider would otherwise reset the region's role on delete, and
     * execution and access logging would stop for every REST API in the region. So the role must outlive
     * this stack (make it in a stack of its own); the component warns about it on every preview.
     * @default undefined: the account's existing role is used
     */
    accountCloudWatchRoleArn?: pulumi.Input<string>;
}

/** One method of the deployed API, as the `operations` output lists it (no secret in it). */
export interface DeployedOperation {
    /** API Gateway's verb: `GET`, `POST`, … or `ANY`. */
    verb: string;
    /** The path template as in the document, e.g. `/pets/{petId}`. */
    path: string;
    /** `AWS_IAM` (SigV4 required), or `NONE` for the operations listed in `publicOperations`. */
    authorization: string;
}

/**
 * The arguments of {@link SecuredRestApi}.
 *
 * The fields that shape the API are plain values rather than `pulumi.Input`s on purpose: the component
 * parses, validates and secures the spec before it registers anything, so a bad spec fails
 * `pulumi preview` with nothing created.
 */
export interface SecuredRestApiArgs {
    /**
     * The API, as an OpenAPI 3.0.x or Swagger 2.0 document: a parsed object, or its JSON or YAML text
     * (for example `fs.readFileSync("api.yaml", "utf8")`). Every operation needs an
     * `x-amazon-apigateway-integration`, unless `lambdaIntegrations` serves it. The object passed is never
     * modified.
     */
    openApiSpec: OpenApiSpecInput;

    /**
     * Operations served by a Lambda function of your program, written `"VERB /path"` as in
     * `publicOperations` (`ANY` and `{proxy+}` included), each mapped to the function's ARN (`fn.arn`). The
     * operation needs no integration of its own: the component writes an `aws_proxy` integration (POST to
     * the function's invocation URI, `arn:<partition>:apigateway:<API's region>:lambda:path/…`) and, for each operation, an
     * `aws.lambda.Permission` letting API Gateway invoke the function for that operation of this API's stage
     * only (`sourceArn` `<executionArn>/<stage>/<VERB>/<path>`, path parameters and `ANY` as `*`). A
     * function's resource policy holds 20 KB (about 20 such permissions, sized at preview with the longest
     * ARNs possible and room to replace them all): past that, the function gets one permission for this
     * API's stage (`<executionArn>/<stage>/*\/*`) instead. Give the same value (`fn.arn`) for every operation
     * of a function: an Output is known by identity at preview. The function must be of this stack's
     * account (the permission is made with its credentials). The console's Test button (stage
     * `test-invoke-stage`) is not granted. Every operation still needs
     * SigV4 unless listed in `publicOperations`; the handler gets the caller in
     * `event.requestContext.identity` (`userArn`, `accessKey`). An entry that names no operation, or one
     * with an integration of its own, is an error at preview.
     * @default {} (no operation is wired to a function)
     * @example
     * ```ts
     * new SecuredRestApi("items", {
     *     openApiSpec: fs.readFileSync("items.openapi.yaml", "utf8"),
     *     lambdaIntegrations: { "GET /items": handler.arn, "POST /items": handler.arn },
     * });
     * ```
     */
    lambdaIntegrations?: Record<string, pulumi.Input<string>>;

    /**
     * Values for `{{name}}` placeholders inside the document's `x-amazon-apigateway-integration`s (a
     * backend URL, a VPC link id, a credentials role ARN, a Step Functions ARN in a template…), for values
     * your program only knows as Outputs. The double braces are never read by API Gateway (it reads
     * `${stageVariables.x}`, `$context`, `$input` and `{param}`), and nothing outside an integration is
     * filled, so no value can change who may call the API. A placeholder without a value, or a value no
     * placeholder uses, is an error at preview. The values are filled into the body only (`body`), and the
     * Deployment's trigger hashes that body, so a changed value redeploys the stage.
     * @default {} (the document has no placeholders)
     * @example
     * ```ts
     * // x-amazon-apigateway-integration: { type: http_proxy, httpMethod: ANY, uri: "{{ordersUrl}}/orders" }
     * new SecuredRestApi("orders", { openApiSpec, specValues: { ordersUrl: service.url } });
     * ```
     */
    specValues?: Record<string, pulumi.Input<string>>;

    /**
     * Name of the stage to deploy to; it is the first path segment of the invoke URL.
     * Letters, digits, `-` and `_`, at most 128.
     * @default "test"
     */
    stageName?: string;

    /**
     * Which IAM policy the caller group gets.
     * - `"scoped"`: a customer-managed policy allowing only `execute-api:Invoke` on this API's stage
     *   (`arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/*\/*`).
     * - `"managed"`: AWS's `AmazonAPIGatewayInvokeFullAccess`, as the classic console walkthrough attaches.
     *   It allows invoking **every** API Gateway API the account's credentials can reach, in every region
     *   and stage, so the keys would not be limited to this API.
     * @default "scoped"
     */
    invokePolicy?: InvokePolicyKind;

    /**
     * Least privilege per operation: the caller group may invoke only these operations (written like
     * `publicOperations`), instead of the whole stage. The policy is compacted into as few managed
     * policies as IAM's limits allow (6,144 characters each, 10 per group) and refused at preview when
     * it cannot fit. Only with `invokePolicy: "scoped"`.
     * @default undefined (every operation of the stage)
     */
    invokeOperations?: string[];

    /**
     * Operations deliberately left without IAM authorization, written `"VERB /path"` exactly as in the
     * document (`ANY` for `x-amazon-apigateway-any-method`), e.g. `["OPTIONS /pets"]` for a CORS
     * preflight. An entry that matches no operation is an error, so a typo never opens the wrong method.
     * @default []
     */
    publicOperations?: string[];

    /**
     * The API's endpoint type. `"PRIVATE"` requires an `x-amazon-apigateway-policy` in the document
     * allowing your VPC endpoint.
     * @default "REGIONAL"
     */
    endpointType?: EndpointType;

    /**
     * Turn off the default `https://<api-id>.execute-api.<region>.amazonaws.com` endpoint, for APIs
     * served only through a custom domain name. It takes effect with a deployment, so a change redeploys.
     * With `domain.mutualTls` it defaults to true (the default endpoint would bypass the client
     * certificate), and `false` is refused there.
     * @default false (true with domain.mutualTls)
     * @example
     * ```ts
     * new SecuredRestApi("orders", { openApiSpec, domain: { domainName: "api.example.com", hostedZoneId }, disableExecuteApiEndpoint: true });
     * ```
     */
    disableExecuteApiEndpoint?: boolean;

    /**
     * A custom domain name for the stage: its certificate (an ACM ARN, or one requested and validated by
     * DNS in `hostedZoneId`), endpoint type, TLS policy, base path, alias record and mutual TLS. Outputs
     * `domainUrl` (what clients call and sign) and `domainTarget` (what DNS points at).
     * @default undefined (the default endpoint only)
     * @example
     * ```ts
     * new SecuredRestApi("orders", {
     *     openApiSpec,
     *     domain: { domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", basePath: "v1" },
     * });
     * ```
     */
    domain?: DomainArgs;

    /**
     * ARN of a WAFv2 web ACL of scope `REGIONAL`, in the API's region, to associate with the stage (AWS
     * WAF evaluates its rules before IAM). A `CLOUDFRONT` web ACL goes on a CloudFront distribution of
     * your own instead (see docs/domain.md).
     * @default undefined (no web ACL)
     * @example
     * ```ts
     * new SecuredRestApi("orders", { openApiSpec, webAclArn: acl.arn }); // acl: aws.wafv2.WebAcl with scope "REGIONAL"
     * ```
     */
    webAclArn?: pulumi.Input<string>;

    /**
     * Fail the import when API Gateway reports a warning (for example a response model it cannot
     * create) instead of deploying an API that differs from the document. API Gateway then rolls the
     * whole import back, so the import warnings the component knows of are refused at preview already,
     * naming `failOnWarnings: false` as the way to accept them; with `false` they are imported and each
     * is logged on the component (`pulumi.log.warn`), as is what API Gateway silently ignores.
     * @default true
     */
    failOnWarnings?: boolean;

    /**
     * Name of the REST API in API Gateway.
     * @default the document's `info.title`
     */
    restApiName?: string;

    /**
     * Resource policy statements, kept inside the body as `x-amazon-apigateway-policy` so a body update
     * never wipes them. Build them with `denyOutsideAccounts`, `denyOutsideSourceIps`,
     * `denyOutsideSourceVpcs`, `denyOutsideVpcEndpoints` and `allowAccountThroughVpcEndpoints`. An Allow to
     * `Principal: "*"` is refused: with IAM authorization it would admit every principal of the account.
     * @default [] (no resource policy: only IAM principals of this account with an invoke permission)
     */
    resourcePolicy?: ResourcePolicyStatement[];

    /**
     * Stage-wide throttling (every method). `-1` for both leaves the account-level limits (10,000 requests
     * per second, burst 5,000, shared by all APIs of the account in the region).
     * @default { rateLimit: 100, burstLimit: 200 }
     */
    throttle?: ThrottleSettings;

    /**
     * Execution logging (`ERROR` or `INFO`) for every method. Needs the account's CloudWatch role (see
     * `accessLog.accountCloudWatchRoleArn`). Full request/response data tracing is always off, so
     * payloads and headers never land in logs. The logs' group is the component's (see
     * `executionLogRetentionInDays`).
     * @default "OFF"
     */
    executionLoggingLevel?: ExecutionLoggingLevel;

    /**
     * Retention of the execution logs, in days (a CloudWatch Logs retention value). With
     * `executionLoggingLevel` `ERROR` or `INFO` the component manages the log group API Gateway writes
     * them to, `API-Gateway-Execution-Logs_<restApiId>/<stageName>`, before logging is turned on: left to
     * API Gateway it would keep them forever and outlive the stack; managed, it is deleted with the
     * stack (and when logging is turned `OFF`). A stack that logged with an earlier version of this
     * component already has the group, made by API Gateway, and `pulumi up` fails with
     * `ResourceAlreadyExistsException: The specified log group already exists`; import it once, then
     * run `pulumi up` again:
     * `pulumi import aws:cloudwatch/logGroup:LogGroup <name>-execution-logs 'API-Gateway-Execution-Logs_<restApiId>/<stageName>' --parent '<name>=urn:pulumi:<stack>::<project>::secured-rest-api:index:SecuredRestApi::<name>' --protect=false`
     * (`<name>` the component's name, `<restApiId>` its `restApiId` output; a component with a parent
     * has a longer URN: take it from `pulumi stack --show-urns`).
     * @default 365 (only with execution logging on)
     */
    executionLogRetentionInDays?: number;

    /**
     * Enable AWS X-Ray tracing on the stage.
     * @default false
     */
    tracingEnabled?: boolean;

    /**
     * Access logging for the stage, recording `$context.identity.userArn` for each request. Needs the
     * account's CloudWatch role (see {@link AccessLogArgs.accountCloudWatchRoleArn}).
     * @default undefined (off)
     */
    accessLog?: AccessLogArgs;

    /**
     * Labels of the user's access keys. IAM allows two per user, which is what rotation without downtime
     * needs: go from `["1"]` to `["1", "2"]` (outputs now give key 2, key 1 still works), move clients to
     * the new key, then to `["2"]` (key 1 is deleted).
     * @default ["1"]
     */
    accessKeys?: string[];

    /**
     * Description of the REST API.
     * @default the document's `info.description`, if any
     */
    description?: pulumi.Input<string>;

    /**
     * Tags for every taggable resource the component creates (REST API, stage, policy, user, roles,
     * identity pool).
     * @default no tags
     */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;

    /**
     * Create the IAM user and its access keys (the classic walkthrough's caller). Set `false` for stacks
     * whose callers are roles (`grants`, `role`, `identityPool`): then no user, key or key output exists,
     * and nothing long-lived can leak. The group and its invoke policy stay, for users added later.
     * @default true
     */
    createUser?: boolean;

    /**
     * Existing roles, users and groups of this account that may invoke the API (the whole stage, or some
     * operations): the component attaches the invoke policy to each.
     * @default []
     * @example grants: [{ roles: [worker.name] }, { users: ["reporting"], operations: ["GET /pets"] }]
     */
    grants?: InvokeGrant[];

    /**
     * Principals of other accounts: the component adds a resource-policy Allow naming exactly them and
     * outputs, as `crossAccountPolicies`, the identity policy their account must attach (both are needed).
     * @default []
     * @example crossAccountGrants: [{ principals: ["arn:aws:iam::111122223333:role/reporting"], operations: ["GET /pets"] }]
     */
    crossAccountGrants?: CrossAccountGrant[];

    /**
     * Create a role allowed to invoke the API, assumed by the principals, services or web identities it
     * trusts (output `roleArn`).
     * @default undefined (no role)
     * @example role: { webIdentities: [githubActions({ repository: "my-org/my-repo", branch: "main" })] }
     */
    role?: InvokeRoleArgs;

    /**
     * Create a Cognito identity pool whose roles may invoke only this API, for browser and mobile apps
     * (outputs `identityPoolId` and `region`).
     * @default undefined (no identity pool)
     * @example identityPool: { userPool: { userPoolId: pool.id, clientIds: [client.id] } }
     */
    identityPool?: IdentityPoolArgs;

    /**
     * CORS for browser apps: `OPTIONS` preflights (MOCK integrations, public), `Access-Control-Allow-Origin`
     * on the non-proxy integrations' answers, and CORS headers on API Gateway's 4XX/5XX responses.
     * @default undefined (no CORS)
     * @example cors: { allowOrigin: "https://app.example.com" }
     */
    cors?: CorsArgs;
}
