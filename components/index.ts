export { AccessLogArgs, DeployedOperation, SecuredRestApi, SecuredRestApiArgs } from "./securedRestApi";
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
} from "./callers";
export { CorsArgs, DEFAULT_CORS_ALLOW_HEADERS, DEFAULT_CORS_MAX_AGE_SECONDS } from "./cors";
export { identityPoolTrustPolicy, roleTrustPolicy, TrustPolicyDocument } from "./trust";
export { InvalidSecuredRestApiInput } from "./errors";
export {
    DEFAULT_THROTTLE,
    EndpointType,
    ExecutionLoggingLevel,
    InvokePolicyKind,
    resolveSettings,
    ThrottleSettings,
} from "./settings";
export {
    allowAccountThroughVpcEndpoints,
    allowPublicOperations,
    denyOutsideAccounts,
    denyOutsideSourceIps,
    denyOutsideSourceVpcs,
    denyOutsideVpcEndpoints,
    ResourcePolicyStatement,
    THIS_API,
} from "./resourcePolicy";
export { DEFAULT_ACCESS_LOG_FORMAT } from "./accessLog";
export { prepareSpec, PreparedSpec } from "./openapi/prepare";
export { Finding, FindingKind, IMPORT_RULES, ImportRule } from "./openapi/findings";
export { OpenApiSpecInput, MAX_DEFINITION_BYTES } from "./openapi/parse";
export { SecuredOperation, SIGV4_SCHEME, SIGV4_SCHEME_NAME } from "./openapi/secure";
export { listOperations, Operation, OpenApiDocument } from "./openapi/operations";
export { scopedInvokePolicy, stageInvokeResource, INVOKE_ACTION, PolicyDocument } from "./policy";
export { deploymentHash, DeploymentShape } from "./deploymentHash";
