import { expect } from "chai";
import { OpenApiDocument } from "../../components/openapi/operations";
import { prepareSpec } from "../../components/openapi/prepare";
import { operationAuthorizations, SIGV4_SCHEME } from "../../components/openapi/secure";
import { openApi3, operation, PETSTORE_OPENAPI, PETSTORE_SWAGGER, swagger2 } from "../helpers/specs";

const LAMBDA_SCHEME = {
    type: "apiKey",
    name: "Authorization",
    in: "header",
    "x-amazon-apigateway-authtype": "custom",
    "x-amazon-apigateway-authorizer": { type: "token", authorizerUri: "arn:aws:apigateway:…" },
};
const COGNITO_SCHEME = {
    type: "apiKey",
    name: "Authorization",
    in: "header",
    "x-amazon-apigateway-authtype": "cognito_user_pools",
    "x-amazon-apigateway-authorizer": { type: "cognito_user_pools", providerARNs: ["arn:aws:cognito-idp:…"] },
};
const API_KEY_SCHEME = { type: "apiKey", name: "x-api-key", in: "header" };

/** `VERB /path` → the authorization the shared reading gives it. */
const verdicts = (document: OpenApiDocument) =>
    Object.fromEntries(operationAuthorizations(document).map((o) => [`${o.verb} ${o.path}`, o.authorization]));

describe("operationAuthorizations: how each operation of a document is authorized", () => {
    it("reads OpenAPI 3 components.securitySchemes and Swagger 2 securityDefinitions alike", () => {
        const paths = {
            "/iam": { get: operation({ security: [{ sig: [] }] }) },
            "/lambda": { get: operation({ security: [{ token: [] }] }) },
            "/cognito": { get: operation({ security: [{ pool: [] }] }) },
        };
        const schemes = { sig: SIGV4_SCHEME, token: LAMBDA_SCHEME, pool: COGNITO_SCHEME };
        const expected = { "GET /iam": "AWS_IAM", "GET /lambda": "CUSTOM", "GET /cognito": "COGNITO_USER_POOLS" };
        expect(verdicts(openApi3(paths, { components: { securitySchemes: schemes } }))).to.deep.equal(expected);
        expect(verdicts(swagger2(paths, { securityDefinitions: schemes }))).to.deep.equal(expected);
        // The same schemes in the other format's container define nothing: the requirements are dropped.
        expect(verdicts(swagger2(paths, { components: { securitySchemes: schemes } }))).to.deep.equal({
            "GET /iam": "NONE",
            "GET /lambda": "NONE",
            "GET /cognito": "NONE",
        });
    });

    it("reads x-amazon-apigateway-auth in any case, and an operation that says nothing as NONE", () => {
        const document = openApi3({
            "/a": { get: operation({ "x-amazon-apigateway-auth": { type: "aws_iam" } }) },
            "/b": { get: operation({ "x-amazon-apigateway-auth": { type: "None" } }) },
            "/c": { get: operation({ "x-amazon-apigateway-auth": { type: "OPEN" } }) },
            "/d": { get: operation() },
        });
        expect(verdicts(document)).to.deep.equal({
            "GET /a": "AWS_IAM",
            "GET /b": "NONE",
            "GET /c": "INVALID",
            "GET /d": "NONE",
        });
        expect(operationAuthorizations(document)[2].authExtension).to.deep.equal({ invalid: "OPEN" });
    });

    it("lets any sign of another authorization win over AWS_IAM", () => {
        const document = openApi3(
            {
                // OpenAPI's alternatives: a caller with either may call, so the Lambda authorizer opens it.
                "/either": { get: operation({ security: [{ sig: [] }, { token: [] }] }) },
                "/auth-says-iam": {
                    get: operation({ "x-amazon-apigateway-auth": { type: "AWS_IAM" }, security: [{ pool: [] }] }),
                },
                "/auth-says-none": {
                    get: operation({ "x-amazon-apigateway-auth": { type: "NONE" }, security: [{ sig: [] }] }),
                },
                "/with-key": { get: operation({ security: [{ sig: [], key: [] }] }) },
            },
            {
                components: {
                    securitySchemes: {
                        sig: SIGV4_SCHEME,
                        token: LAMBDA_SCHEME,
                        pool: COGNITO_SCHEME,
                        key: API_KEY_SCHEME,
                    },
                },
            },
        );
        expect(verdicts(document)).to.deep.equal({
            "GET /either": "CUSTOM",
            "GET /auth-says-iam": "COGNITO_USER_POOLS",
            "GET /auth-says-none": "NONE",
            "GET /with-key": "AWS_IAM",
        });
    });

    it("inherits the top-level security, and reads an undefined scheme as API Gateway drops it", () => {
        const document = openApi3(
            {
                "/inherits": { get: operation() },
                "/own": { get: operation({ security: [] }) },
                "/undefined": { get: operation({ security: [{ nowhere: [] }] }) },
            },
            { security: [{ token: [] }], components: { securitySchemes: { token: LAMBDA_SCHEME } } },
        );
        const [inherits, own, undefinedScheme] = operationAuthorizations(document);
        expect(inherits).to.include({ authorization: "CUSTOM", inherited: true });
        expect(own).to.include({ authorization: "NONE", inherited: false });
        expect(undefinedScheme.authorization).to.equal("NONE");
        expect(undefinedScheme.requirements).to.deep.equal([{ name: "nowhere", kind: "undefined" }]);
    });

    it("reads every operation of the component's secured documents as AWS_IAM, the public ones as NONE", () => {
        for (const spec of [PETSTORE_OPENAPI, PETSTORE_SWAGGER]) {
            const prepared = prepareSpec(spec, { publicOperations: ["GET /pets"] });
            const read = operationAuthorizations(prepared.document);
            expect(read.map((o) => `${o.verb} ${o.path} ${o.authorization}`)).to.deep.equal(
                prepared.operations.map((o) => `${o.verb} ${o.path} ${o.authorization}`),
            );
            expect(read.map((o) => o.authorization)).to.include("NONE");
        }
    });
});
