import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
    githubActions,
    allowAccountThroughVpcEndpoints,
    allowPublicOperations,
    denyOutsideAccounts,
    denyOutsideSourceIps,
    denyOutsideVpcEndpoints,
    ResourcePolicyStatement,
    SecuredRestApi,
    SecuredRestApiArgs,
} from "../../components";
import { freshLocalAws, valueOf } from "../helpers/localAws";
import { PETSTORE_OPENAPI, PETSTORE_SWAGGER } from "../helpers/specs";

type Args = Record<string, unknown>;

/** A refusal, and each fix its message suggests: the words the message must contain and the fix as applied. */
interface Refusal {
    readonly name: string;
    readonly args: Args;
    /** The stack's region, when the refusal needs it known at preview (the stack's `aws:region`). */
    readonly region?: string;
    readonly fixes: readonly { readonly says: string; readonly apply: (args: Args) => Args }[];
}

const petstore = { openApiSpec: PETSTORE_OPENAPI };
/** The Swagger pet store has an OPTIONS /pets to leave public. */
const withPublic = { openApiSpec: PETSTORE_SWAGGER, publicOperations: ["OPTIONS /pets"] };
const everyone: ResourcePolicyStatement = {
    Effect: "Allow",
    Principal: { AWS: ["*"] },
    Action: ["execute-api:Invoke"],
};
const without = (args: Args, name: string): Args =>
    Object.fromEntries(Object.entries(args).filter(([k]) => k !== name));
const unguardedDenyOutsideAccounts = (): ResourcePolicyStatement => {
    const statement = denyOutsideAccounts(["123456789012"]);
    return { ...statement, Condition: { StringNotEquals: statement.Condition!.StringNotEquals } };
};

const GITHUB = "token.actions.githubusercontent.com";
const GITHUB_PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${GITHUB}`;

const DOMAIN = "api.example.com";
const ZONE = "Z0123456789ABCDEFGHIJ";
const CERTIFICATE_WEST = "arn:aws:acm:us-west-2:123456789012:certificate/0e8c1a47-5b2d-4f4e-9a53-7d1e2f6a9b10";
const CERTIFICATE_EAST = "arn:aws:acm:us-east-1:123456789012:certificate/5d3b2c1a-7e6f-4a0b-9c8d-1e2f3a4b5c6d";
const TRUSTSTORE = "s3://my-truststore-bucket/truststore.pem";
const REGIONAL_ACL = "arn:aws:wafv2:us-west-2:123456789012:regional/webacl/api/a1b2c3d4-5678-90ab-cdef-111111111111";
const GLOBAL_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/api/a1b2c3d4-5678-90ab-cdef-111111111111";
/** The pet store behind a custom domain. */
const withDomain = (domain: Args, extra: Args = {}): Args => ({ ...petstore, domain, ...extra });
/** The same arguments with some of the domain's fields replaced (undefined removes one). */
const domainWith = (a: Args, fields: Args): Args => ({
    ...a,
    domain: Object.fromEntries(
        Object.entries({ ...(a.domain as Args), ...fields }).filter(([, value]) => value !== undefined),
    ),
});

const FUNCTION_ARN = "arn:aws:lambda:us-west-2:123456789012:function:items";
const ok = { responses: { "200": { description: "ok" } } };
/** GET /items with no integration, and an HTTP integration whose URI is a placeholder. */
const backends = {
    openApiSpec: {
        openapi: "3.0.3",
        info: { title: "Backends", version: "1" },
        paths: {
            "/items": { get: ok },
            "/orders": {
                get: {
                    ...ok,
                    "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri: "{{ordersUrl}}" },
                },
            },
        },
    },
    lambdaIntegrations: { "GET /items": FUNCTION_ARN },
    specValues: { ordersUrl: "https://orders.example.com" },
};

const OTHER_ACCOUNT_FUNCTION = "arn:aws:lambda:us-west-2:210987654321:function:items";
/** The backends document with GET /items integrated by hand, as the other-account refusal says to write it. */
const handWrittenItems = (uri: string) => ({
    ...backends.openApiSpec,
    paths: {
        ...backends.openApiSpec.paths,
        "/items": { get: { ...ok, "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri } } },
    },
});
/** Forty operations served by one function, given as one value or as a new Output per entry. */
const forty = (arn: () => pulumi.Input<string>) => ({
    openApiSpec: {
        openapi: "3.0.3",
        info: { title: "Forty", version: "1" },
        paths: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`/r${i}`, { get: ok }])),
    },
    lambdaIntegrations: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`GET /r${i}`, arn()])),
});
const oneOutput = pulumi.output(FUNCTION_ARN);

/** The pet store-like document with one HTTP integration whose URI is written as given. */
const withHttpUri = (uri: string, path = "/orders") => ({
    openApiSpec: {
        openapi: "3.0.3",
        info: { title: "Variables", version: "1" },
        paths: {
            [path]: {
                get: { ...ok, "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri } },
            },
        },
    },
});

const REFUSALS: Refusal[] = [
    {
        name: "a custom domain without a certificate",
        args: withDomain({ domainName: DOMAIN }),
        fixes: [
            {
                says: "pass certificateArn (an issued ACM certificate covering it, in the API's region)",
                apply: (a) => domainWith(a, { certificateArn: CERTIFICATE_WEST }),
            },
            {
                says: "or hostedZoneId (the component then requests one and validates it by DNS in that zone)",
                apply: (a) => domainWith(a, { hostedZoneId: ZONE }),
            },
        ],
    },
    {
        name: "an EDGE domain whose certificate is not in us-east-1",
        args: withDomain({ domainName: DOMAIN, endpointType: "EDGE", certificateArn: CERTIFICATE_WEST }),
        fixes: [
            {
                says: "request or import the certificate in us-east-1",
                apply: (a) => domainWith(a, { certificateArn: CERTIFICATE_EAST }),
            },
            {
                says: `or use endpointType "REGIONAL" with a certificate of the API's region`,
                apply: (a) => domainWith(a, { endpointType: "REGIONAL" }),
            },
        ],
    },
    {
        name: "a REGIONAL domain whose certificate is of another region than the stack's",
        args: withDomain({ domainName: DOMAIN, certificateArn: CERTIFICATE_EAST }),
        region: "us-west-2",
        fixes: [
            {
                says: "use a certificate of us-west-2",
                apply: (a) => domainWith(a, { certificateArn: CERTIFICATE_WEST }),
            },
            {
                says: "or pass hostedZoneId instead of certificateArn to have one requested there",
                apply: (a) => domainWith(a, { certificateArn: undefined, hostedZoneId: ZONE }),
            },
        ],
    },
    {
        name: "mutual TLS on an EDGE domain",
        args: withDomain({
            domainName: DOMAIN,
            hostedZoneId: ZONE,
            endpointType: "EDGE",
            mutualTls: { truststoreUri: TRUSTSTORE },
        }),
        fixes: [
            { says: 'set domain.endpointType "REGIONAL"', apply: (a) => domainWith(a, { endpointType: "REGIONAL" }) },
            { says: "or drop mutualTls", apply: (a) => domainWith(a, { mutualTls: undefined }) },
        ],
    },
    {
        name: "mutual TLS with the default endpoint kept on (it would bypass the client certificate)",
        args: withDomain(
            { domainName: DOMAIN, hostedZoneId: ZONE, mutualTls: { truststoreUri: TRUSTSTORE } },
            { disableExecuteApiEndpoint: false },
        ),
        fixes: [
            {
                says: "remove disableExecuteApiEndpoint (with mutualTls it defaults to true)",
                apply: (a) => without(a, "disableExecuteApiEndpoint"),
            },
            { says: "or drop mutualTls", apply: (a) => domainWith(a, { mutualTls: undefined }) },
        ],
    },
    {
        name: "mutual TLS below TLS 1.2",
        args: withDomain({
            domainName: DOMAIN,
            hostedZoneId: ZONE,
            securityPolicy: "TLS_1_0",
            mutualTls: { truststoreUri: TRUSTSTORE },
        }),
        fixes: [
            { says: 'needs securityPolicy "TLS_1_2"', apply: (a) => domainWith(a, { securityPolicy: "TLS_1_2" }) },
            { says: "or leave securityPolicy out", apply: (a) => domainWith(a, { securityPolicy: undefined }) },
        ],
    },
    {
        name: "a truststore given as an https URL",
        args: withDomain({
            domainName: DOMAIN,
            hostedZoneId: ZONE,
            mutualTls: { truststoreUri: "https://my-truststore-bucket.s3.us-west-2.amazonaws.com/truststore.pem" },
        }),
        fixes: [
            {
                says: `write "${TRUSTSTORE}"`,
                apply: (a) => domainWith(a, { mutualTls: { truststoreUri: TRUSTSTORE } }),
            },
        ],
    },
    {
        name: "a base path written with slashes",
        args: withDomain({ domainName: DOMAIN, hostedZoneId: ZONE, basePath: "/v1/" }),
        fixes: [{ says: 'write "v1"', apply: (a) => domainWith(a, { basePath: "v1" }) }],
    },
    {
        name: "a domain name written as a URL",
        args: withDomain({ domainName: "https://API.example.com/", hostedZoneId: ZONE }),
        fixes: [{ says: `write "${DOMAIN}"`, apply: (a) => domainWith(a, { domainName: DOMAIN }) }],
    },
    {
        name: "a hosted zone id with its /hostedzone/ prefix",
        args: withDomain({ domainName: DOMAIN, hostedZoneId: `/hostedzone/${ZONE}` }),
        fixes: [{ says: `write "${ZONE}"`, apply: (a) => domainWith(a, { hostedZoneId: ZONE }) }],
    },
    {
        name: "a public custom domain for a PRIVATE API",
        args: withDomain(
            { domainName: DOMAIN, hostedZoneId: ZONE },
            { endpointType: "PRIVATE", resourcePolicy: allowAccountThroughVpcEndpoints("123456789012", ["vpce-1"]) },
        ),
        fixes: [
            { says: "drop domain", apply: (a) => without(a, "domain") },
            {
                says: 'or make the API public with endpointType "REGIONAL" (and no VPC conditions in resourcePolicy)',
                apply: (a) => without(without(a, "endpointType"), "resourcePolicy"),
            },
        ],
    },
    {
        name: "a misspelled domain field",
        args: withDomain({ domainName: DOMAIN, hostedZone: ZONE }),
        fixes: [
            {
                says: 'Unknown argument "domain.hostedZone": did you mean "domain.hostedZoneId"?',
                apply: () => withDomain({ domainName: DOMAIN, hostedZoneId: ZONE }),
            },
        ],
    },
    {
        name: "a misspelled mutualTls field",
        args: withDomain({ domainName: DOMAIN, hostedZoneId: ZONE, mutualTls: { truststoreURI: TRUSTSTORE } }),
        fixes: [
            {
                says: 'Unknown argument "domain.mutualTls.truststoreURI": did you mean "domain.mutualTls.truststoreUri"?',
                apply: (a) => domainWith(a, { mutualTls: { truststoreUri: TRUSTSTORE } }),
            },
        ],
    },
    {
        name: "a web ACL of CLOUDFRONT scope on a REGIONAL stage",
        args: { ...petstore, webAclArn: GLOBAL_ACL },
        fixes: [
            {
                says: 'create the web ACL with scope "REGIONAL" in the API\'s region and pass its ARN',
                apply: (a) => ({ ...a, webAclArn: REGIONAL_ACL }),
            },
        ],
    },
    {
        name: "a web ACL of CLOUDFRONT scope on an EDGE API: where a web ACL goes for EDGE",
        args: { ...petstore, endpointType: "EDGE", webAclArn: GLOBAL_ACL },
        fixes: [
            {
                says: "associate a REGIONAL web ACL of the API's region with the stage instead",
                apply: (a) => ({ ...a, webAclArn: REGIONAL_ACL }),
            },
            {
                says: "or put a CloudFront distribution of your own, with this web ACL, in front of a REGIONAL custom domain",
                apply: (a) => ({
                    ...without(without(a, "webAclArn"), "endpointType"),
                    domain: { domainName: DOMAIN, hostedZoneId: ZONE },
                }),
            },
        ],
    },
    {
        name: "an AWS variable API Gateway does not resolve",
        args: withHttpUri("https://orders-${AWS::AccountID}.example.com/orders"),
        fixes: [
            {
                says: "Write ${AWS::AccountId}",
                apply: () => withHttpUri("https://orders-${AWS::AccountId}.example.com/orders"),
            },
            {
                says: "or pass the value with specValues and a {{name}} placeholder",
                apply: () => ({
                    ...withHttpUri("https://orders-{{account}}.example.com/orders"),
                    specValues: { account: "123456789012" },
                }),
            },
        ],
    },
    {
        name: "an AWS variable in a name",
        args: withHttpUri("https://orders.example.com/orders", "/orders/${AWS::Region}"),
        fixes: [
            {
                says: "Write the name out",
                apply: () => withHttpUri("https://orders.example.com/orders", "/orders/us-west-2"),
            },
        ],
    },
    {
        name: "an operation without an integration",
        args: without(backends, "lambdaIntegrations"),
        fixes: [
            {
                says: 'or serve it from a Lambda function with lambdaIntegrations: { "GET /items": fn.arn }',
                apply: (a) => ({ ...a, lambdaIntegrations: { "GET /items": FUNCTION_ARN } }),
            },
        ],
    },
    {
        name: "a placeholder without a value",
        args: without(backends, "specValues"),
        fixes: [
            {
                says: "add specValues: { ordersUrl: <value> }",
                apply: (a) => ({ ...a, specValues: { ordersUrl: "https://orders.example.com" } }),
            },
            {
                says: 'to keep the text {{ordersUrl}} as it is, pass ordersUrl: "{{ordersUrl}}"',
                apply: (a) => ({ ...a, specValues: { ordersUrl: "{{ordersUrl}}" } }),
            },
        ],
    },
    {
        name: "a specValues entry no placeholder uses",
        args: { ...backends, specValues: { ordersUrl: "https://orders.example.com", itemsUrl: "x" } },
        fixes: [
            {
                says: "or remove the entry",
                apply: (a) => ({ ...a, specValues: { ordersUrl: "https://orders.example.com" } }),
            },
        ],
    },
    {
        name: "a function's invokeArn for its ARN",
        args: {
            ...backends,
            lambdaIntegrations: {
                "GET /items": `arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/${FUNCTION_ARN}/invocations`,
            },
        },
        fixes: [
            {
                says: `pass the function's ARN instead (fn.arn, here "${FUNCTION_ARN}")`,
                apply: (a) => ({ ...a, lambdaIntegrations: { "GET /items": FUNCTION_ARN } }),
            },
        ],
    },
    {
        name: "a function of another account (refused once its ARN is known: at preview, for a string)",
        args: { ...backends, lambdaIntegrations: { "GET /items": OTHER_ACCOUNT_FUNCTION } },
        fixes: [
            {
                says: "Use a function of account 123456789012",
                apply: (a) => ({ ...a, lambdaIntegrations: { "GET /items": FUNCTION_ARN } }),
            },
            {
                says: `remove the entry from lambdaIntegrations, write the operation's x-amazon-apigateway-integration yourself ({ type: "aws_proxy", httpMethod: "POST", uri: "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/${OTHER_ACCOUNT_FUNCTION}/invocations" })`,
                apply: (a) => ({
                    ...without(a, "lambdaIntegrations"),
                    openApiSpec: handWrittenItems(
                        `arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/${OTHER_ACCOUNT_FUNCTION}/invocations`,
                    ),
                }),
            },
        ],
    },
    {
        name: "one function given as a new Output per operation, too many to fit its policy together",
        args: forty(() => pulumi.output(FUNCTION_ARN)),
        fixes: [
            {
                says: "Pass the same value for every operation of the function (one fn.arn",
                apply: () => forty(() => oneOutput),
            },
        ],
    },
    {
        name: "a grant naming no role, user or group",
        args: { ...petstore, grants: [{ operations: ["GET /pets"] }] },
        fixes: [
            {
                says: "grants[0] names no role, user or group: add roles, users or groups.",
                apply: (a) => ({ ...a, grants: [{ roles: ["worker"], operations: ["GET /pets"] }] }),
            },
        ],
    },
    {
        name: 'a cross-account grant to "*"',
        args: { ...petstore, crossAccountGrants: [{ principals: ["*"] }] },
        fixes: [
            {
                says: "must be a 12-digit account id or an IAM role or user ARN",
                apply: (a) => ({ ...a, crossAccountGrants: [{ principals: ["111122223333"] }] }),
            },
        ],
    },
    {
        name: "a cross-account grant next to a public operation: the resource policy it adds needs the public Allow",
        args: { ...withPublic, crossAccountGrants: [{ principals: ["111122223333"] }] },
        fixes: [
            {
                says: 'Fix: add allowPublicOperations(["OPTIONS /pets"]) to resourcePolicy.',
                apply: (a) => ({ ...a, resourcePolicy: [allowPublicOperations(["OPTIONS /pets"])] }),
            },
        ],
    },
    {
        name: "a role that trusts nobody",
        args: { ...petstore, role: {} },
        fixes: [
            {
                says: "give trustedPrincipals (accounts or role ARNs), trustedServices (e.g. lambda.amazonaws.com) or webIdentities (e.g. githubActions({ repository }))",
                apply: (a) => ({ ...a, role: { trustedServices: ["lambda.amazonaws.com"] } }),
            },
            {
                says: "or webIdentities (e.g. githubActions({ repository }))",
                apply: (a) => ({ ...a, role: { webIdentities: [githubActions({ repository: "my-org/my-repo" })] } }),
            },
        ],
    },
    {
        name: "a web identity any token of the issuer matches",
        args: {
            ...petstore,
            role: { webIdentities: [{ issuer: GITHUB, audiences: ["sts.amazonaws.com"], subjects: ["*"] }] },
        },
        fixes: [
            {
                says: 'role.webIdentities[0].subjects[0] "*" matches every token of the issuer: name the subjects.',
                apply: (a) => ({
                    ...a,
                    role: {
                        webIdentities: [
                            { issuer: GITHUB, audiences: ["sts.amazonaws.com"], subjects: ["repo:my-org/my-repo:*"] },
                        ],
                    },
                }),
            },
        ],
    },
    {
        name: "a GitHub subject that names no repository",
        args: {
            ...petstore,
            role: { webIdentities: [{ issuer: GITHUB, audiences: ["sts.amazonaws.com"], subjects: ["repo:*"] }] },
        },
        fixes: [
            {
                says: "use githubActions({ repository })",
                apply: (a) => ({ ...a, role: { webIdentities: [githubActions({ repository: "my-org/my-repo" })] } }),
            },
        ],
    },
    {
        name: "a web identity with providerArn and createProvider: true",
        args: {
            ...petstore,
            role: {
                webIdentities: [
                    githubActions({ repository: "my-org/my-repo", providerArn: GITHUB_PROVIDER, createProvider: true }),
                ],
            },
        },
        fixes: [
            {
                says: "drop createProvider to use the provider providerArn names",
                apply: (a) => ({
                    ...a,
                    role: {
                        webIdentities: [githubActions({ repository: "my-org/my-repo", providerArn: GITHUB_PROVIDER })],
                    },
                }),
            },
            {
                says: `or drop providerArn to create the account's provider for https://${GITHUB} in this stack`,
                apply: (a) => ({
                    ...a,
                    role: { webIdentities: [githubActions({ repository: "my-org/my-repo", createProvider: true })] },
                }),
            },
        ],
    },
    {
        name: "a providerArn of another issuer's provider",
        args: {
            ...petstore,
            role: {
                webIdentities: [
                    githubActions({
                        repository: "my-org/my-repo",
                        providerArn: "arn:aws:iam::123456789012:oidc-provider/gitlab.com",
                    }),
                ],
            },
        },
        fixes: [
            {
                says: `(arn:<partition>:iam::<account>:oidc-provider/${GITHUB}): pass that provider's ARN`,
                apply: (a) => ({
                    ...a,
                    role: {
                        webIdentities: [githubActions({ repository: "my-org/my-repo", providerArn: GITHUB_PROVIDER })],
                    },
                }),
            },
            {
                says: `or leave providerArn out to use the account's provider found by URL https://${GITHUB}`,
                apply: (a) => ({ ...a, role: { webIdentities: [githubActions({ repository: "my-org/my-repo" })] } }),
            },
        ],
    },
    {
        name: "a user pool id without its region",
        args: { ...petstore, identityPool: { userPool: { userPoolId: "TestPool1", clientIds: ["c"] } } },
        fixes: [
            {
                says: 'Pass the user pool\'s id (aws.cognito.UserPool.id, or "User pool ID" in the Cognito console)',
                apply: (a) => ({
                    ...a,
                    identityPool: { userPool: { userPoolId: "eu-west-1_TestPool1", clientIds: ["c"] } },
                }),
            },
        ],
    },
    {
        name: "the same role granted the same operations twice",
        args: { ...petstore, grants: [{ roles: ["worker"] }, { roles: ["arn:aws:iam::123456789012:role/worker"] }] },
        fixes: [
            {
                says: "already grants the same operations: remove one of them.",
                apply: (a) => ({ ...a, grants: [{ roles: ["worker"] }] }),
            },
        ],
    },
    {
        name: "an external id with no trusted principal",
        args: { ...petstore, role: { trustedServices: ["lambda.amazonaws.com"], externalId: "abc123" } },
        fixes: [
            {
                says: "add them or drop externalId",
                apply: (a) => ({ ...a, role: { trustedServices: ["lambda.amazonaws.com"] } }),
            },
            {
                says: "add them or drop externalId",
                apply: (a) => ({ ...a, role: { trustedPrincipals: ["111122223333"], externalId: "abc123" } }),
            },
        ],
    },
    {
        name: "an identity pool nobody can sign in to",
        args: { ...petstore, identityPool: {} },
        fixes: [
            {
                says: "give userPool: { userPoolId, clientIds }",
                apply: (a) => ({ ...a, identityPool: { userPool: { userPoolId: "us-west-2_P", clientIds: ["c"] } } }),
            },
            {
                says: "or allow guests explicitly with allowUnauthenticatedIdentities: true, allowClassicFlow: true and unauthenticatedOperations",
                apply: (a) => ({
                    ...a,
                    identityPool: {
                        allowUnauthenticatedIdentities: true,
                        allowClassicFlow: true,
                        unauthenticatedOperations: ["GET /pets"],
                    },
                }),
            },
        ],
    },
    {
        name: "guests without the operations they may call",
        args: { ...petstore, identityPool: { allowUnauthenticatedIdentities: true, allowClassicFlow: true } },
        fixes: [
            {
                says: "identityPool.allowUnauthenticatedIdentities needs unauthenticatedOperations",
                apply: (a) => ({
                    ...a,
                    identityPool: {
                        allowUnauthenticatedIdentities: true,
                        allowClassicFlow: true,
                        unauthenticatedOperations: ["GET /pets"],
                    },
                }),
            },
        ],
    },
    {
        name: "guests of the enhanced flow, whose credentials cannot call API Gateway",
        args: {
            ...petstore,
            identityPool: {
                userPool: { userPoolId: "us-west-2_P", clientIds: ["c"] },
                allowUnauthenticatedIdentities: true,
                unauthenticatedOperations: ["GET /pets"],
            },
        },
        fixes: [
            {
                says: "Set allowClassicFlow: true",
                apply: (a) => ({ ...a, identityPool: { ...a.identityPool!, allowClassicFlow: true } }),
            },
            {
                says: "or drop allowUnauthenticatedIdentities",
                apply: (a) => ({
                    ...a,
                    identityPool: { userPool: { userPoolId: "us-west-2_P", clientIds: ["c"] } },
                }),
            },
        ],
    },
    {
        name: "a CORS origin with a trailing slash",
        args: { ...petstore, cors: { allowOrigin: "https://app.example.com/" } },
        fixes: [
            {
                says: 'must be one origin such as "https://app.example.com"',
                apply: (a) => ({ ...a, cors: { allowOrigin: "https://app.example.com" } }),
            },
        ],
    },
    {
        name: "CORS on a document that has its own preflight",
        args: { openApiSpec: PETSTORE_SWAGGER, cors: { allowOrigin: "https://app.example.com" } },
        fixes: [
            {
                says: 'or drop cors and list "OPTIONS /pets" in publicOperations',
                apply: (a) => ({ ...without(a, "cors"), publicOperations: ["OPTIONS /pets"] }),
            },
        ],
    },
    {
        name: "an execution log retention with execution logging off",
        args: { ...petstore, executionLogRetentionInDays: 30 },
        fixes: [
            {
                says: 'set executionLoggingLevel to "ERROR" or "INFO"',
                apply: (a) => ({ ...a, executionLoggingLevel: "ERROR" }),
            },
            { says: "or remove executionLogRetentionInDays", apply: (a) => without(a, "executionLogRetentionInDays") },
        ],
    },
    {
        name: "an execution log retention CloudWatch Logs does not have",
        args: { ...petstore, executionLoggingLevel: "INFO", executionLogRetentionInDays: 45 },
        fixes: [
            {
                says: "use one of 1, 3, 5, 7, 14, 30, 60",
                apply: (a) => ({ ...a, executionLogRetentionInDays: 60 }),
            },
        ],
    },
    {
        name: "a misspelled argument",
        args: { ...petstore, publicOperation: ["GET /pets"] },
        fixes: [
            {
                says: 'Unknown argument "publicOperation": did you mean "publicOperations"?',
                apply: (a) => ({ ...without(a, "publicOperation"), publicOperations: ["GET /pets"] }),
            },
        ],
    },
    {
        name: "a misspelled nested argument",
        args: { ...petstore, accessLog: { retention: 30 }, throttle: { ratelimit: 5, burstLimit: 10 } },
        fixes: [
            {
                says: 'Unknown argument "accessLog.retention": did you mean "accessLog.retentionInDays"?',
                apply: (a) => ({
                    ...a,
                    accessLog: { retentionInDays: 30 },
                    throttle: { rateLimit: 5, burstLimit: 10 },
                }),
            },
        ],
    },
    {
        name: "a misspelled statement field",
        args: { ...petstore, resourcePolicy: [{ ...denyOutsideSourceIps(["203.0.113.0/24"]), Conditon: {} }] },
        fixes: [
            {
                says: 'Unknown argument "resourcePolicy[0].Conditon": did you mean "resourcePolicy[0].Condition"?',
                apply: (a) => ({ ...a, resourcePolicy: [denyOutsideSourceIps(["203.0.113.0/24"])] }),
            },
        ],
    },
    {
        name: "an unknown endpoint type",
        args: { ...petstore, endpointType: "GLOBAL" },
        fixes: [
            { says: "use one of REGIONAL, EDGE, PRIVATE", apply: (a) => ({ ...a, endpointType: "REGIONAL" }) },
            { says: "use one of REGIONAL, EDGE, PRIVATE", apply: (a) => ({ ...a, endpointType: "EDGE" }) },
            {
                says: "PRIVATE also needs resourcePolicy: allowAccountThroughVpcEndpoints(<account>, [<vpce>])",
                apply: (a) => ({
                    ...a,
                    endpointType: "PRIVATE",
                    resourcePolicy: allowAccountThroughVpcEndpoints("123456789012", ["vpce-1"]),
                }),
            },
        ],
    },
    {
        name: "invokeOperations with the managed policy",
        args: { ...petstore, invokePolicy: "managed", invokeOperations: ["GET /pets"] },
        fixes: [
            { says: "Drop one of them", apply: (a) => without(a, "invokeOperations") },
            { says: "Drop one of them", apply: (a) => without(a, "invokePolicy") },
        ],
    },
    {
        name: "a public operation behind a resource policy without an Allow",
        args: { ...withPublic, resourcePolicy: [denyOutsideSourceIps(["203.0.113.0/24"])] },
        fixes: [
            {
                says: 'Fix: add allowPublicOperations(["OPTIONS /pets"]) to resourcePolicy.',
                apply: (a) => ({
                    ...a,
                    resourcePolicy: [...(a.resourcePolicy as unknown[]), allowPublicOperations(["OPTIONS /pets"])],
                }),
            },
        ],
    },
    {
        name: "access keys for a user that createUser: false does not create",
        args: { ...petstore, createUser: false, grants: [{ roles: ["worker"] }], accessKeys: ["2026"] },
        fixes: [
            { says: "remove accessKeys", apply: (a) => without(a, "accessKeys") },
            { says: "or drop createUser: false", apply: (a) => without(a, "createUser") },
        ],
    },
    {
        name: "a cross-account grant behind denyOutsideAccounts, which would always refuse it",
        args: {
            ...petstore,
            crossAccountGrants: [{ principals: ["arn:aws:iam::111122223333:role/partner"] }],
            resourcePolicy: [denyOutsideAccounts(["123456789012"])],
        },
        fixes: [
            {
                says: 'add 111122223333 to it (denyOutsideAccounts(["123456789012","111122223333"]))',
                apply: (a) => ({ ...a, resourcePolicy: [denyOutsideAccounts(["123456789012", "111122223333"])] }),
            },
            {
                says: "or remove the grant",
                apply: (a) => without(a, "crossAccountGrants"),
            },
        ],
    },
    {
        name: "a public operation next to denyOutsideAccounts (the consumer example's case)",
        args: { ...withPublic, resourcePolicy: [denyOutsideAccounts(["123456789012"])] },
        fixes: [
            {
                says: 'Fix: add allowPublicOperations(["OPTIONS /pets"]) to resourcePolicy.',
                apply: (a) => ({
                    ...a,
                    resourcePolicy: [allowPublicOperations(["OPTIONS /pets"]), denyOutsideAccounts(["123456789012"])],
                }),
            },
        ],
    },
    {
        name: "a public operation behind a Deny on a signed-only key, and no Allow: one fix for both",
        args: { ...withPublic, resourcePolicy: [unguardedDenyOutsideAccounts()] },
        fixes: [
            {
                says: 'Fix: add allowPublicOperations(["OPTIONS /pets"]) to resourcePolicy, and add the condition Null: {"aws:PrincipalAccount":["false"]} to statement 0 (DenyOutsideAccounts)',
                apply: (a) => ({
                    ...a,
                    resourcePolicy: [
                        {
                            ...unguardedDenyOutsideAccounts(),
                            Condition: {
                                ...unguardedDenyOutsideAccounts().Condition,
                                Null: { "aws:PrincipalAccount": ["false"] },
                            },
                        },
                        allowPublicOperations(["OPTIONS /pets"]),
                    ],
                }),
            },
        ],
    },
    {
        name: "an Allow to everyone",
        args: { ...withPublic, resourcePolicy: [allowPublicOperations(["OPTIONS /pets"]), everyone] },
        fixes: [
            {
                says: 'Limit it to unauthenticated callers with "Condition": {"Null":{"aws:PrincipalAccount":["true"]}} (as allowPublicOperations writes it)',
                apply: (a) => ({
                    ...a,
                    resourcePolicy: [
                        allowPublicOperations(["OPTIONS /pets"]),
                        { ...everyone, Condition: { Null: { "aws:PrincipalAccount": ["true"] } } },
                    ],
                }),
            },
            {
                says: 'name the principals instead (Principal: { AWS: ["<account id>"] }, written as its root ARN in the stack\'s partition)',
                apply: (a) => ({
                    ...a,
                    resourcePolicy: [
                        allowPublicOperations(["OPTIONS /pets"]),
                        { ...everyone, Principal: { AWS: ["123456789012"] } },
                    ],
                }),
            },
            {
                says: "or make it a Deny",
                apply: (a) => ({
                    ...a,
                    resourcePolicy: [allowPublicOperations(["OPTIONS /pets"]), { ...everyone, Effect: "Deny" }],
                }),
            },
            {
                says: 'or replace it with allowPublicOperations(["OPTIONS /pets"])',
                apply: (a) => ({ ...a, resourcePolicy: [allowPublicOperations(["OPTIONS /pets"])] }),
            },
        ],
    },
    {
        name: "VPC conditions on a REGIONAL API",
        args: { ...petstore, resourcePolicy: [denyOutsideVpcEndpoints(["vpce-1"])] },
        fixes: [
            {
                says: 'Use endpointType "PRIVATE" and add allowAccountThroughVpcEndpoints(<account>, [<vpce>]) to resourcePolicy',
                apply: (a) => ({
                    ...a,
                    endpointType: "PRIVATE",
                    resourcePolicy: [
                        denyOutsideVpcEndpoints(["vpce-1"]),
                        ...allowAccountThroughVpcEndpoints("123456789012", ["vpce-1"]),
                    ],
                }),
            },
            {
                says: "or replace it with denyOutsideSourceIps([<cidr>])",
                apply: (a) => ({ ...a, resourcePolicy: [denyOutsideSourceIps(["203.0.113.0/24"])] }),
            },
        ],
    },
    {
        name: "a PRIVATE API with a public operation and no policy",
        args: { ...withPublic, endpointType: "PRIVATE" },
        fixes: [
            {
                says: 'Pass resourcePolicy: [...allowAccountThroughVpcEndpoints(<account>, [<vpce>]), allowPublicOperations(["OPTIONS /pets"])]',
                apply: (a) => ({
                    ...a,
                    resourcePolicy: [
                        ...allowAccountThroughVpcEndpoints("123456789012", ["vpce-1"]),
                        allowPublicOperations(["OPTIONS /pets"]),
                    ],
                }),
            },
        ],
    },
    {
        name: "a misspelled Effect",
        args: { ...petstore, resourcePolicy: [{ ...denyOutsideSourceIps(["203.0.113.0/24"]), Effect: "Deni" }] },
        fixes: [
            {
                says: 'has Effect "Deni"; did you mean "Deny"?',
                apply: (a) => ({ ...a, resourcePolicy: [denyOutsideSourceIps(["203.0.113.0/24"])] }),
            },
        ],
    },
];

describe("every suggested fix, followed as written, makes the error go away", () => {
    for (const { name, args, fixes, region } of REFUSALS) {
        it(name, async () => {
            await freshLocalAws(true);
            const configBefore = pulumi.runtime.allConfig();
            if (region !== undefined) pulumi.runtime.setConfig("aws:region", region);
            try {
                let count = 0;
                // Refused at construction, or by the body once the values it checks are known.
                const refusal = async (a: Args): Promise<string> => {
                    try {
                        const api = new SecuredRestApi(`api-${++count}`, a as unknown as SecuredRestApiArgs);
                        return await valueOf(api.body).then(
                            () => "",
                            (e: Error) => e.message,
                        );
                    } catch (e) {
                        return (e as Error).message;
                    }
                };
                const message = await refusal(args);
                expect(message, "refused").not.to.equal("");
                for (const fix of fixes) {
                    expect(message).to.include(fix.says);
                    expect(await refusal(fix.apply(args)), `after "${fix.says}"`).to.equal("");
                }
            } finally {
                pulumi.runtime.setAllConfig(configBefore);
            }
        });
    }
});
