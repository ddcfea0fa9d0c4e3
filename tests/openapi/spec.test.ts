import { expect } from "chai";
import {
    InvalidSecuredRestApiInput,
    listOperations,
    OpenApiDocument,
    prepareSpec,
    SIGV4_SCHEME,
} from "../../components";
import { openApi3, operation, PETSTORE_OPENAPI, PETSTORE_SWAGGER, swagger2 } from "../helpers/specs";

function expectRefused(action: () => unknown, pattern: RegExp): InvalidSecuredRestApiInput {
    try {
        action();
    } catch (e) {
        expect(e).to.be.instanceOf(InvalidSecuredRestApiInput);
        expect((e as Error).message).to.match(pattern);
        return e as InvalidSecuredRestApiInput;
    }
    throw new Error(`expected a refusal matching ${pattern}`);
}

describe("spec intake and securing (pure)", () => {
    describe("every operation of the deployed body is AWS_IAM", () => {
        it("for the OpenAPI 3.0 pet store (YAML text)", () => {
            const { document, operations } = prepareSpec(PETSTORE_OPENAPI);
            const ops = listOperations(document);
            expect(ops.map((o) => `${o.verb} ${o.path}`)).to.deep.equal([
                "GET /",
                "GET /pets",
                "POST /pets",
                "GET /pets/{petId}",
            ]);
            for (const { operation: op } of ops) {
                expect(op["x-amazon-apigateway-auth"]).to.deep.equal({ type: "AWS_IAM" });
                expect(op.security).to.deep.equal([{ sigv4: [] }]);
            }
            expect(operations.every((o) => o.authorization === "AWS_IAM")).to.equal(true);
            const components = document.components as { securitySchemes: Record<string, unknown> };
            expect(components.securitySchemes.sigv4).to.deep.equal(SIGV4_SCHEME);
        });

        it("for a Swagger 2.0 document with ANY, a greedy path and an API key, keeping the key requirement", () => {
            const { document, operations } = prepareSpec(PETSTORE_SWAGGER);
            const ops = listOperations(document);
            expect(ops.map((o) => `${o.verb} ${o.path}`)).to.include("ANY /files/{proxy+}");
            for (const { operation: op } of ops) {
                expect(op["x-amazon-apigateway-auth"]).to.deep.equal({ type: "AWS_IAM" });
                expect((op.security as object[])[0])
                    .to.have.property("sigv4")
                    .that.deep.equals([]);
            }
            const listPets = ops.find((o) => o.verb === "GET" && o.path === "/pets")!;
            expect(listPets.operation.security).to.deep.equal([{ sigv4: [], api_key: [] }]);
            expect(operations.find((o) => o.verb === "GET" && o.path === "/pets")!.apiKeyRequired).to.equal(true);
            expect((document.securityDefinitions as Record<string, unknown>).sigv4).to.deep.equal(SIGV4_SCHEME);
            expect(document).not.to.have.property("components");
        });

        it("leaves exactly the publicOperations without IAM, explicitly", () => {
            const { document, operations } = prepareSpec(PETSTORE_SWAGGER, { publicOperations: ["options /pets"] });
            const options = listOperations(document).find((o) => o.verb === "OPTIONS")!;
            expect(options.operation["x-amazon-apigateway-auth"]).to.deep.equal({ type: "NONE" });
            expect(options.operation.security).to.deep.equal([]);
            expect(
                operations.filter((o) => o.authorization === "NONE").map((o) => `${o.verb} ${o.path}`),
            ).to.deep.equal(["OPTIONS /pets"]);
        });

        it("overrides an explicit AWS_IAM or empty security without complaint", () => {
            const spec = openApi3({
                "/a": { get: operation({ security: [], "x-amazon-apigateway-auth": { type: "aws_iam" } }) },
            });
            const op = listOperations(prepareSpec(spec).document)[0].operation;
            expect(op.security).to.deep.equal([{ sigv4: [] }]);
        });
    });

    describe("determinism and isolation", () => {
        it("gives byte-identical bodies for the same input, as text or as object", () => {
            const a = prepareSpec(PETSTORE_OPENAPI).body;
            const b = prepareSpec(PETSTORE_OPENAPI).body;
            expect(a).to.equal(b);
            const fromObject = prepareSpec(JSON.parse(PETSTORE_SWAGGER) as OpenApiDocument).body;
            expect(fromObject).to.equal(prepareSpec(PETSTORE_SWAGGER).body);
        });

        it("never modifies the object it is given", () => {
            const spec = openApi3();
            const before = JSON.stringify(spec);
            prepareSpec(spec);
            expect(JSON.stringify(spec)).to.equal(before);
        });
    });

    describe("refusals name the problem, the place and the fix", () => {
        it("unparseable text", () => {
            expectRefused(() => prepareSpec("openapi: 3.0.3\npaths: [unclosed"), /not valid JSON or YAML/);
        });

        it("unsupported versions", () => {
            expectRefused(
                () => prepareSpec(openApi3(undefined, { openapi: "3.1.0" })),
                /Unsupported OpenAPI version "3\.1\.0".*3\.0\.x and Swagger 2\.0/,
            );
            expectRefused(
                () => prepareSpec({ swagger: "1.2", info: {}, paths: {} }),
                /Unsupported Swagger version "1\.2"/,
            );
            expectRefused(() => prepareSpec({ info: {}, paths: {} }), /declares neither/);
        });

        it("no paths", () => {
            expectRefused(() => prepareSpec(openApi3({})), /no paths/);
            expectRefused(() => prepareSpec(swagger2(undefined, { paths: undefined })), /no paths/);
        });

        it("a document whose operation API Gateway cannot create, with its location", () => {
            const spec = openApi3({
                "/pets": { get: operation({ "x-amazon-apigateway-integration": { type: "lambda" } }) },
            });
            expectRefused(
                () => prepareSpec(spec),
                /Operation GET \/pets \(paths\["\/pets"\]\.get\.x-amazon-apigateway-integration\) has integration type "lambda"\. API Gateway refuses it \(AWS: the integration type is one of aws, aws_proxy, http, http_proxy, mock\)/,
            );
        });

        it("an operation without x-amazon-apigateway-integration", () => {
            const spec = openApi3({
                "/pets": { get: operation(), post: { responses: { "200": { description: "ok" } } } },
            });
            expectRefused(
                () => prepareSpec(spec),
                /Operation POST \/pets \(paths\["\/pets"\]\.post\) has no x-amazon-apigateway-integration.*No integration defined for method/,
            );
        });

        it("an operation declaring auth NONE, unless listed in publicOperations", () => {
            const spec = openApi3({ "/health": { get: operation({ "x-amazon-apigateway-auth": { type: "NONE" } }) } });
            expectRefused(
                () => prepareSpec(spec),
                /Operation GET \/health .*declares x-amazon-apigateway-auth NONE.*publicOperations/,
            );
            expect(prepareSpec(spec, { publicOperations: ["GET /health"] }).operations[0].authorization).to.equal(
                "NONE",
            );
        });

        it("a Lambda authorizer on the operation's security requirement", () => {
            const spec = openApi3(
                { "/pets": { get: operation({ security: [{ lambda: [] }] }) } },
                {
                    components: {
                        securitySchemes: {
                            lambda: {
                                type: "apiKey",
                                name: "Authorization",
                                in: "header",
                                "x-amazon-apigateway-authtype": "custom",
                                "x-amazon-apigateway-authorizer": { type: "token" },
                            },
                        },
                    },
                },
            );
            expectRefused(
                () => prepareSpec(spec),
                /Operation GET \/pets .*Lambda \(custom\) authorizer through scheme "lambda"/,
            );
            expect(prepareSpec(spec, { publicOperations: ["GET /pets"] }).operations[0].authorization).to.equal("NONE");
        });

        it("a Cognito authorizer inherited from the top-level security", () => {
            const spec = swagger2(undefined, {
                security: [{ cognito: [] }],
                securityDefinitions: {
                    cognito: {
                        type: "apiKey",
                        name: "Authorization",
                        in: "header",
                        "x-amazon-apigateway-authtype": "cognito_user_pools",
                        "x-amazon-apigateway-authorizer": {
                            type: "cognito_user_pools",
                            providerARNs: ["arn:aws:cognito-idp:us-west-2:123456789012:userpool/x"],
                        },
                    },
                },
            });
            expectRefused(
                () => prepareSpec(spec),
                /Cognito user pool authorizer through scheme "cognito" \(inherited from the document's top-level security\)/,
            );
        });

        it("a publicOperations entry that matches no operation, or is malformed", () => {
            expectRefused(
                () => prepareSpec(openApi3(), { publicOperations: ["GET /pet"] }),
                /publicOperations entry "GET \/pet" matches no operation.*Operations are: GET \/pets/,
            );
            expectRefused(
                () => prepareSpec(openApi3(), { publicOperations: ["/pets"] }),
                /publicOperations entry "\/pets" is not of the form "VERB \/path"/,
            );
        });

        it("lists every problem at once", () => {
            const spec = openApi3({
                "/a": {
                    get: { responses: { "200": { description: "ok" } } },
                    post: { responses: { "200": { description: "ok" } } },
                },
            });
            const error = expectRefused(() => prepareSpec(spec, { publicOperations: ["GET /nowhere"] }), /3 problems/);
            expect(error.problems).to.have.length(3);
        });
    });
});
