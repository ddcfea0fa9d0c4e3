export { SecuredRestApi } from "./securedRestApi";
export {
    AccessLogArgs,
    DeployedOperation,
    DomainArgs,
    DomainEndpointType,
    DomainSecurityPolicy,
    EndpointType,
    ExecutionLoggingLevel,
    InvokePolicyKind,
    MutualTlsArgs,
    SecuredRestApiArgs,
    ThrottleSettings,
} from "./args/args";
export {
    CrossAccountGrant,
    CrossAccountPolicy,
    githubActions,
    GithubActionsArgs,
    GITHUB_ACTIONS_AUDIENCE,
    GITHUB_ACTIONS_ISSUER,
    IdentityPoolArgs,
    InvokeGrant,
    InvokeRoleArgs,
    UserPoolProvider,
    WebIdentityTrust,
} from "./callers/callers";
export { CorsArgs, DEFAULT_CORS_ALLOW_HEADERS, DEFAULT_CORS_MAX_AGE_SECONDS } from "./openapi/cors";
export { identityPoolTrustPolicy, roleTrustPolicy, TrustPolicyDocument } from "./callers/trust";
export { InvalidSecuredRestApiInput } from "./errors";
export { DEFAULT_THROTTLE, resolveSettings } from "./args/settings";
export {
    allowAccountThroughVpcEndpoints,
    allowPublicOperations,
    denyOutsideAccounts,
    denyOutsideSourceIps,
    denyOutsideSourceVpcs,
    denyOutsideVpcEndpoints,
    ResourcePolicyStatement,
    THIS_API,
} from "./policies/resourcePolicy";
export { DEFAULT_ACCESS_LOG_FORMAT } from "./restApi/accessLog";
export { prepareSpec, PreparedSpec } from "./openapi/prepare";
export { Finding, FindingKind, IMPORT_RULES, ImportRule } from "./openapi/findings";
export { OpenApiSpecInput, MAX_DEFINITION_BYTES } from "./openapi/parse";
export { SecuredOperation, SIGV4_SCHEME, SIGV4_SCHEME_NAME } from "./openapi/secure";
export { listOperations, Operation, OpenApiDocument } from "./openapi/operations";
export { scopedInvokePolicy, stageInvokeResource, INVOKE_ACTION, PolicyDocument } from "./policies/invokePolicy";
export { deploymentHash, DeploymentShape } from "./restApi/deploymentHash";
