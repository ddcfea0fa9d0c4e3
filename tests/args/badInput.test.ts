import { expect } from "chai";
import { githubActions, SecuredRestApi, SecuredRestApiArgs } from "../../components";
import { freshLocalAws } from "../helpers/localAws";
import { openApi3, operation, PETSTORE_OPENAPI, swagger2 } from "../helpers/specs";

const lambdaScheme = {
    type: "apiKey",
    name: "Authorization",
    in: "header",
    "x-amazon-apigateway-authtype": "custom",
    "x-amazon-apigateway-authorizer": { type: "request", authorizerUri: "arn:aws:apigateway:us-west-2:lambda:path/x" },
};
const withSchemas = (schemas: Record<string, unknown>) =>
    openApi3(
        {
            "/pets": {
                get: operation({
                    responses: {
                        "200": {
                            description: "ok",
                            content: { "application/json": { schema: { $ref: "#/components/schemas/A" } } },
                        },
                    },
                }),
            },
        },
        { components: { schemas } },
    );
const GITHUB_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const hugeDescription = "x".repeat(6 * 1024 * 1024);
const FUNCTION_ARN = "arn:aws:lambda:us-west-2:123456789012:function:items";
/** GET /items with no integration of its own, for lambdaIntegrations to serve. */
const unintegrated = openApi3({ "/items": { get: { responses: { "200": { description: "ok" } } } } });
const withPlaceholder = (uri: string) =>
    openApi3({
        "/items": {
            get: operation({ "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri } }),
        },
    });

/** Malformed specs and arguments: each must fail at preview, naming the problem, with nothing registered. */
const CASES: { name: string; args: Record<string, unknown>; error: RegExp }[] = [
    {
        name: "bad YAML",
        args: { openApiSpec: "openapi: 3.0.3\npaths:\n  /pets: [\n" },
        error: /openApiSpec text is not valid JSON or YAML/,
    },
    {
        name: "a dangling :. in YAML: the line, the parser's reason and an excerpt with a caret",
        args: { openApiSpec: "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      responses: {}\n    :.\n" },
        error: /not valid JSON or YAML: line 6, column 5: Implicit map keys need to be followed by map values\. Fix the syntax there:\n\n {4}:\.\n {4}\^$/,
    },
    {
        name: "an unclosed quote in YAML: the line where it opens, not the end of the text",
        args: { openApiSpec: 'openapi: 3.0.3\ninfo:\n  title: "Pets\n  version: 1\npaths: {}\n' },
        error: /line 3, column 10: Missing closing "quote \(it opens here and is never closed\)\. Fix the syntax there:\n\n {2}title: "Pets\n {9}\^$/,
    },
    {
        name: "duplicate paths (YAML)",
        args: { openApiSpec: PETSTORE_OPENAPI.replace("  /pets/{petId}:", "  /pets:") },
        error: /not valid JSON or YAML: line 94, column 3: Map keys must be unique\. Fix the syntax there:\n\n {2}\/pets:\n {2}\^$/,
    },
    {
        name: "duplicate paths (JSON)",
        args: { openApiSpec: '{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{},"/a":{}}}' },
        error: /Map keys must be unique/,
    },
    {
        name: "remote $ref",
        args: { openApiSpec: withSchemas({ A: { $ref: "https://example.com/pet.json#/Pet" } }) },
        error: /\$ref "https:\/\/example\.com\/pet\.json#\/Pet" .* is not local/,
    },
    {
        name: "relative file $ref",
        args: { openApiSpec: withSchemas({ A: { $ref: "./pet.yaml" } }) },
        error: /is not local/,
    },
    {
        name: "dangling $ref",
        args: { openApiSpec: withSchemas({ B: { type: "object" } }) },
        error: /\$ref "#\/components\/schemas\/A" .* points at nothing/,
    },
    {
        name: "stage name with a space",
        args: { openApiSpec: PETSTORE_OPENAPI, stageName: "my stage" },
        error: /stageName "my stage" is not a valid API Gateway stage name/,
    },
    {
        name: "stage name with a slash",
        args: { openApiSpec: PETSTORE_OPENAPI, stageName: "v1/beta" },
        error: /stageName "v1\/beta"/,
    },
    {
        name: "stage name over 128 characters",
        args: { openApiSpec: PETSTORE_OPENAPI, stageName: "s".repeat(129) },
        error: /is not a valid API Gateway stage name: use 1 to 128/,
    },
    { name: "empty stage name", args: { openApiSpec: PETSTORE_OPENAPI, stageName: "" }, error: /stageName ""/ },
    { name: "empty document", args: { openApiSpec: "" }, error: /openApiSpec text is empty/ },
    { name: "whitespace-only document", args: { openApiSpec: " \n\t\n" }, error: /openApiSpec text is empty/ },
    {
        name: "a list instead of a document",
        args: { openApiSpec: "- a\n- b\n" },
        error: /must hold an OpenAPI document \(a mapping at the top level\); it holds a list/,
    },
    {
        name: "document over API Gateway's 6 MB import limit (text)",
        args: {
            openApiSpec: JSON.stringify(
                openApi3(undefined, { info: { title: "t", version: "1", description: hugeDescription } }),
            ),
        },
        error: /bytes; API Gateway accepts at most 6291456 bytes/,
    },
    {
        name: "document over the limit (object)",
        args: {
            openApiSpec: openApi3(undefined, { info: { title: "t", version: "1", description: hugeDescription } }),
        },
        error: /The secured API definition is \d+ bytes; API Gateway accepts at most 6291456/,
    },
    {
        name: "misspelled publicOperations entry",
        args: { openApiSpec: PETSTORE_OPENAPI, publicOperations: ["GET /pet"] },
        error: /publicOperations entry "GET \/pet" matches no operation/,
    },
    {
        name: "publicOperations entry without a verb",
        args: { openApiSpec: PETSTORE_OPENAPI, publicOperations: ["/pets"] },
        error: /is not of the form "VERB \/path"/,
    },
    {
        name: "publicOperations entry with an unknown verb",
        args: { openApiSpec: PETSTORE_OPENAPI, publicOperations: ["FETCH /pets"] },
        error: /"FETCH \/pets" is not of the form/,
    },
    {
        name: "unknown invokePolicy",
        args: { openApiSpec: PETSTORE_OPENAPI, invokePolicy: "admin" },
        error: /invokePolicy "admin" is not supported: use "scoped".* or "managed"/,
    },
    {
        name: "unknown endpointType",
        args: { openApiSpec: PETSTORE_OPENAPI, endpointType: "GLOBAL" },
        error: /endpointType "GLOBAL" is not supported: use one of REGIONAL, EDGE, PRIVATE/,
    },
    {
        name: "PRIVATE endpoint without a resource policy",
        args: { openApiSpec: PETSTORE_OPENAPI, endpointType: "PRIVATE" },
        error: /endpointType "PRIVATE" needs a resource policy/,
    },
    { name: "missing openApiSpec", args: {}, error: /openApiSpec is required/ },
    {
        name: "misspelled argument (publicOperation)",
        args: { openApiSpec: PETSTORE_OPENAPI, publicOperation: ["GET /pets"] },
        error: /Unknown argument "publicOperation": did you mean "publicOperations"\?/,
    },
    {
        name: "argument in the wrong case (StageName)",
        args: { openApiSpec: PETSTORE_OPENAPI, StageName: "v1" },
        error: /Unknown argument "StageName": did you mean "stageName"\?/,
    },
    {
        name: "unknown argument with no close name",
        args: { openApiSpec: PETSTORE_OPENAPI, colour: "red" },
        error: /Unknown argument "colour"; SecuredRestApi takes: openApiSpec, stageName, .*, tags, createUser, .*, cors, domain, webAclArn\./,
    },
    {
        name: "misspelled accessLog field",
        args: { openApiSpec: PETSTORE_OPENAPI, accessLog: { destination: "arn:aws:logs:us-west-2:1:log-group:x" } },
        error: /Unknown argument "accessLog\.destination": did you mean "accessLog\.destinationArn"\?/,
    },
    {
        name: "misspelled throttle field",
        args: { openApiSpec: PETSTORE_OPENAPI, throttle: { rateLimit: 5, burstlimit: 10 } },
        error: /Unknown argument "throttle\.burstlimit": did you mean "throttle\.burstLimit"\?/,
    },
    {
        name: "OpenAPI 3.1",
        args: { openApiSpec: openApi3(undefined, { openapi: "3.1.0" }) },
        error: /Unsupported OpenAPI version "3\.1\.0"/,
    },
    { name: "no paths", args: { openApiSpec: swagger2({}) }, error: /no paths/ },
    {
        name: "model name API Gateway refuses",
        args: { openApiSpec: withSchemas({ A: { type: "object" }, Pet_Item: { type: "object" } }) },
        error: /Model "Pet_Item" \(components\.schemas\.Pet_Item\) has characters other than letters and digits\. API Gateway refuses it \(AWS: Model names can only contain alphanumeric characters/,
    },
    {
        name: "path parameter that is not a whole segment",
        args: { openApiSpec: openApi3({ "/pets/pet-{petId}": { get: operation() } }) },
        error: /Path "\/pets\/pet-\{petId\}" has the segment "pet-\{petId\}", where a path parameter is not the whole segment\. API Gateway refuses it/,
    },
    {
        name: "two variable path parts under one resource",
        args: {
            openApiSpec: openApi3({ "/pets/{petId}": { get: operation() }, "/pets/{name}/toys": { get: operation() } }),
        },
        error: /two different variable path parts \(\{petId\}, \{name\}\) under \/pets\. API Gateway refuses it \(AWS: import error "A sibling \(\{id\}\) of this resource already has a variable path part/,
    },
    {
        name: "HTTP integration without a URL",
        args: {
            openApiSpec: openApi3({
                "/pets": { get: operation({ "x-amazon-apigateway-integration": { type: "http", httpMethod: "GET" } }) },
            }),
        },
        error: /has a http integration whose uri is missing\. API Gateway refuses it/,
    },
    {
        name: "Lambda integration without httpMethod",
        args: {
            openApiSpec: openApi3({
                "/pets": {
                    get: operation({
                        "x-amazon-apigateway-integration": {
                            type: "aws_proxy",
                            uri: "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:f/invocations",
                        },
                    }),
                },
            }),
        },
        error: /has a aws_proxy integration without httpMethod\. API Gateway refuses it/,
    },
    {
        name: "import warning with failOnWarnings (the default)",
        args: {
            openApiSpec: openApi3({
                "/": {
                    get: operation({
                        responses: {
                            "200": { description: "page", content: { "text/html": { schema: { type: "string" } } } },
                        },
                    }),
                },
            }),
        },
        error: /Unsupported model type 'StringSchema' in 200 response to method 'GET \/'[\s\S]*set failOnWarnings: false/,
    },
    {
        name: "TRACE operation",
        args: { openApiSpec: openApi3({ "/pets": { get: operation(), trace: operation() } }) },
        error: /Operation TRACE \/pets: API Gateway has no TRACE method/,
    },
    {
        name: "operation without integration",
        args: { openApiSpec: openApi3({ "/pets": { get: { responses: { "200": { description: "ok" } } } } }) },
        error: /has no x-amazon-apigateway-integration/,
    },
    {
        name: "auth NONE not listed as public",
        args: {
            openApiSpec: openApi3({ "/pets": { get: operation({ "x-amazon-apigateway-auth": { type: "NONE" } }) } }),
        },
        error: /declares x-amazon-apigateway-auth NONE/,
    },
    {
        name: "unknown auth type",
        args: {
            openApiSpec: openApi3({ "/pets": { get: operation({ "x-amazon-apigateway-auth": { type: "COGNITO" } }) } }),
        },
        error: /declares x-amazon-apigateway-auth type "COGNITO"; only AWS_IAM or NONE exist/,
    },
    {
        name: "Lambda authorizer",
        args: {
            openApiSpec: openApi3(
                { "/pets": { get: operation({ security: [{ custom: [] }] }) } },
                { components: { securitySchemes: { custom: lambdaScheme } } },
            ),
        },
        error: /Lambda \(custom\) authorizer through scheme "custom"/,
    },
    {
        name: "a different scheme already named sigv4",
        args: {
            openApiSpec: openApi3(undefined, {
                components: { securitySchemes: { sigv4: { type: "http", scheme: "basic" } } },
            }),
        },
        error: /already defines a security scheme named "sigv4" that is not SigV4/,
    },
    {
        name: "a lambdaIntegrations entry matching no operation",
        args: {
            openApiSpec: unintegrated,
            lambdaIntegrations: { "GET /items": FUNCTION_ARN, "GET /itmes": FUNCTION_ARN },
        },
        error: /lambdaIntegrations entry "GET \/itmes" matches no operation of the document\. Operations are: GET \/items\./,
    },
    {
        name: "a lambdaIntegrations entry that is not VERB /path",
        args: { openApiSpec: unintegrated, lambdaIntegrations: { items: FUNCTION_ARN } },
        error: /lambdaIntegrations entry "items" is not of the form "VERB \/path"/,
    },
    {
        name: "a lambdaIntegrations entry for an operation with an integration of its own",
        args: { openApiSpec: PETSTORE_OPENAPI, lambdaIntegrations: { "GET /pets": FUNCTION_ARN } },
        error: /Operation GET \/pets \(paths\["\/pets"\]\.get\) has an x-amazon-apigateway-integration of its own and is also in lambdaIntegrations; remove one of them\./,
    },
    {
        name: "two lambdaIntegrations entries for one operation",
        args: {
            openApiSpec: unintegrated,
            lambdaIntegrations: { "GET /items": FUNCTION_ARN, "get /items": FUNCTION_ARN },
        },
        error: /entries "GET \/items" and "get \/items" both name GET \/items; keep one\./,
    },
    {
        name: "a function's name instead of its ARN",
        args: { openApiSpec: unintegrated, lambdaIntegrations: { "GET /items": "items" } },
        error: /lambdaIntegrations\["GET \/items"\] is "items", not a Lambda function ARN .*pass the function's arn output \(fn\.arn\)/,
    },
    {
        name: "a function's invokeArn instead of its ARN",
        args: {
            openApiSpec: unintegrated,
            lambdaIntegrations: {
                "GET /items": `arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/${FUNCTION_ARN}/invocations`,
            },
        },
        error: /a function's invocation URI \(its invokeArn\); pass the function's ARN instead/,
    },
    {
        name: "lambdaIntegrations as a list",
        args: { openApiSpec: unintegrated, lambdaIntegrations: ["GET /items"] },
        error: /lambdaIntegrations must be a map from operation to function ARN/,
    },
    {
        name: "a lambdaIntegrations value that is no string",
        args: { openApiSpec: unintegrated, lambdaIntegrations: { "GET /items": 42 } },
        error: /lambdaIntegrations\["GET \/items"\] must be a string or an Output of one; got 42\./,
    },
    {
        name: "a placeholder without a value",
        args: { openApiSpec: withPlaceholder("{{backendUrl}}/items") },
        error: /Placeholder \{\{backendUrl\}\} at paths\["\/items"\]\.get\.x-amazon-apigateway-integration\.uri has no value: add specValues: \{ backendUrl: <value> \}/,
    },
    {
        name: "a specValues entry no placeholder uses",
        args: {
            openApiSpec: withPlaceholder("{{backendUrl}}/items"),
            specValues: { backendUrl: "https://backend.example.com", backendURL: "x" },
        },
        error: /specValues entry "backendURL" fills no placeholder/,
    },
    {
        name: "a specValues key that cannot be a placeholder",
        args: { openApiSpec: PETSTORE_OPENAPI, specValues: { "backend-url": "https://backend.example.com" } },
        error: /specValues key "backend-url" cannot be a placeholder's name/,
    },
    {
        name: "a web identity with providerArn and createProvider",
        args: {
            openApiSpec: PETSTORE_OPENAPI,
            role: {
                webIdentities: [
                    githubActions({ repository: "o/r", providerArn: GITHUB_PROVIDER, createProvider: true }),
                ],
            },
        },
        error: /role\.webIdentities\[0\] gives providerArn and createProvider: true, but a role trusts one provider per issuer/,
    },
    {
        name: "createProvider that is not a boolean",
        args: {
            openApiSpec: PETSTORE_OPENAPI,
            role: { webIdentities: [{ ...githubActions({ repository: "o/r" }), createProvider: "yes" }] },
        },
        error: /role\.webIdentities\[0\]\.createProvider must be true or false; got "yes"/,
    },
    {
        name: "a providerArn of another issuer's provider",
        args: {
            openApiSpec: PETSTORE_OPENAPI,
            role: {
                webIdentities: [
                    githubActions({
                        repository: "o/r",
                        providerArn: "arn:aws:iam::123456789012:oidc-provider/gitlab.com",
                    }),
                ],
            },
        },
        error: /providerArn "arn:aws:iam::123456789012:oidc-provider\/gitlab\.com" is not the ARN of an IAM OIDC provider for token\.actions\.githubusercontent\.com/,
    },
    {
        name: "a user pool id without its region",
        args: {
            openApiSpec: PETSTORE_OPENAPI,
            identityPool: { userPool: { userPoolId: "AbCdEf123", clientIds: ["c"] } },
        },
        error: /identityPool\.userPool\.userPoolId "AbCdEf123" is not a user pool id, which is <region>_<id>/,
    },
    {
        name: "the same role granted the same operations twice",
        args: {
            openApiSpec: PETSTORE_OPENAPI,
            grants: [{ roles: ["worker"] }, { roles: ["arn:aws:iam::123456789012:role/ci/worker"] }],
        },
        error: /grants\[1\]\.roles\[0\] "arn:aws:iam::123456789012:role\/ci\/worker" is the role grants\[0\]\.roles\[0\] already grants the same operations/,
    },
    {
        name: "a custom domain without a certificate",
        args: { openApiSpec: PETSTORE_OPENAPI, domain: { domainName: "api.example.com" } },
        error: /domain needs a certificate for api\.example\.com: pass certificateArn .* or hostedZoneId/,
    },
    {
        name: "an EDGE domain with a certificate outside us-east-1",
        args: {
            openApiSpec: PETSTORE_OPENAPI,
            domain: {
                domainName: "api.example.com",
                endpointType: "EDGE",
                certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0e8c1a47-5b2d-4f4e-9a53-7d1e2f6a9b10",
            },
        },
        error: /domain\.certificateArn is in eu-west-1, and an EDGE domain's certificate must be in us-east-1/,
    },
    {
        name: "mutual TLS with the default endpoint kept on",
        args: {
            openApiSpec: PETSTORE_OPENAPI,
            disableExecuteApiEndpoint: false,
            domain: {
                domainName: "api.example.com",
                hostedZoneId: "Z0123456789ABCDEFGHIJ",
                mutualTls: { truststoreUri: "s3://my-truststore-bucket/truststore.pem" },
            },
        },
        error: /disableExecuteApiEndpoint: false leaves the default endpoint .* bypassing domain\.mutualTls/,
    },
    {
        name: "a web ACL of CLOUDFRONT scope on a REGIONAL stage",
        args: {
            openApiSpec: PETSTORE_OPENAPI,
            webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/api/a1b2c3d4-5678-90ab-cdef-111111111111",
        },
        error: /webAclArn is a CLOUDFRONT-scope web ACL .* a REGIONAL stage takes only a REGIONAL web ACL/,
    },
    {
        name: "a domain that is not an object",
        args: { openApiSpec: PETSTORE_OPENAPI, domain: "api.example.com" },
        error: /domain must be an object such as \{ domainName: "api\.example\.com"/,
    },
];

describe("bad specs and arguments fail at preview, naming the problem, with nothing registered", () => {
    it(`has at least 20 cases (${CASES.length})`, () => expect(CASES.length).to.be.greaterThanOrEqual(20));

    for (const { name, args, error } of CASES) {
        it(name, async () => {
            const { mocks } = await freshLocalAws(true);
            expect(() => new SecuredRestApi("api", args as unknown as SecuredRestApiArgs)).to.throw(error);
            expect(mocks.registrations, "registered resources").to.deep.equal([]);
        });
    }
});
