import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
    Finding,
    IMPORT_RULES,
    InvalidSecuredRestApiInput,
    prepareSpec,
    resolveSettings,
    SecuredRestApi,
} from "../../components";
import { allRegistrationsSettled } from "../../local-aws/engine/mocks";
import { freshLocalAws } from "../helpers/localAws";
import { openApi3, operation, PETSTORE_OPENAPI, PETSTORE_SWAGGER, PROJECT_DIR, swagger2 } from "../helpers/specs";

type Json = Record<string, unknown>;

function refusal(action: () => unknown): InvalidSecuredRestApiInput {
    try {
        action();
    } catch (e) {
        expect(e).to.be.instanceOf(InvalidSecuredRestApiInput);
        return e as InvalidSecuredRestApiInput;
    }
    throw new Error("expected a refusal");
}

const integration = (extra: Json): Json => ({ "x-amazon-apigateway-integration": extra });
const primitiveHtml = openApi3({
    "/": {
        get: operation({
            responses: { "200": { description: "page", content: { "text/html": { schema: { type: "string" } } } } },
        }),
    },
});

/** A document that triggers each rule API Gateway's import applies (and nothing worse than it). */
const TRIGGERS: Record<string, Json> = {
    "openapi-version": openApi3(undefined, { openapi: "3.1.0" }),
    "definition-size": openApi3(undefined, { info: { title: "t", version: "1", description: "x".repeat(6291456) } }),
    "model-name": openApi3(undefined, { components: { schemas: { "Pet-Item": { type: "object" } } } }),
    "path-segment": openApi3({ "/pets/pet@home": { get: operation() } }),
    "sibling-path-variables": openApi3({ "/a/{id}": { get: operation() }, "/a/{name}": { post: operation() } }),
    "integration-type": openApi3({ "/a": { get: operation(integration({ type: "LAMBDA" })) } }),
    "integration-uri": openApi3({
        "/a": { get: operation(integration({ type: "aws", httpMethod: "POST", uri: "arn:aws:lambda:us-west-2:1:f" })) },
    }),
    "integration-http-method": openApi3({
        "/a": { get: operation(integration({ type: "http_proxy", uri: "https://example.com/a" })) },
    }),
    "missing-integration": openApi3({ "/a": { get: { responses: { "200": { description: "ok" } } } } }),
    "primitive-response-schema": primitiveHtml,
    "multiple-servers": openApi3(undefined, {
        servers: [{ url: "https://a.example.com" }, { url: "https://b.example.com" }],
    }),
    "unexpected-attribute": openApi3({
        "/a/{id}": {
            get: operation({ parameters: [{ name: "id", in: "path", required: true, type: "string" }] }),
        },
    }),
    "model-keyword": openApi3(undefined, {
        components: { schemas: { Pet: { type: "object", additionalProperties: false } } },
    }),
    "undefined-security-scheme": openApi3({ "/a": { get: operation({ security: [{ oauth: [] }] }) } }),
    "security-scheme-type": swagger2(undefined, {
        securityDefinitions: { oauth: { type: "oauth2", flow: "implicit", authorizationUrl: "https://x", scopes: {} } },
    }),
};

const README = fs.readFileSync(path.join(PROJECT_DIR, "docs/import-rules.md"), "utf8");

describe("API Gateway's import rules: each one triggered, with its kind, and listed in docs/import-rules.md", () => {
    for (const rule of Object.values(IMPORT_RULES)) {
        it(`${rule.id} (${rule.kind})`, () => {
            const trigger = TRIGGERS[rule.id];
            expect(trigger, `a trigger for ${rule.id}`).to.not.equal(undefined);
            let findings: readonly Finding[];
            if (rule.kind === "refused") {
                findings = refusal(() => prepareSpec(trigger)).findings;
            } else {
                findings = prepareSpec(trigger).warnings;
            }
            const found = findings.find((f) => f.rule === rule.id);
            expect(found, `finding of ${rule.id} among ${JSON.stringify(findings)}`).to.not.equal(undefined);
            expect(found!.kind).to.equal(rule.kind);
            expect(found!.message).to.include(`(AWS: ${rule.awsRule})`);
            expect(found!.location).to.be.a("string").and.have.length.greaterThan(0);
            const row = README.split("\n").find((line) => line.startsWith(`| \`${rule.id}\``));
            expect(row, `README table row for ${rule.id}`).to.not.equal(undefined);
            expect(row).to.include(rule.kind).and.to.include(rule.source.split(" ")[0]);
        });
    }

    it("has a trigger for no rule that does not exist", () => {
        const ids = Object.values(IMPORT_RULES).map((r) => r.id);
        expect(Object.keys(TRIGGERS).sort()).to.deep.equal([...ids].sort());
    });
});

describe("what API Gateway imports is accepted, with failOnWarnings (the default)", () => {
    const CASES: { name: string; spec: unknown }[] = [
        { name: "Swagger 2.0 without info.version", spec: swagger2(undefined, { info: { title: "t" } }) },
        { name: "OpenAPI 3.0 without info.version", spec: openApi3(undefined, { info: { title: "t" } }) },
        {
            name: "a non-string info.version (jsonencode writes 1)",
            spec: openApi3(undefined, { info: { title: "t", version: 1 } }),
        },
        {
            name: "a Swagger 2.0 operation without responses",
            spec: swagger2({
                "/a": {
                    get: integration({ type: "mock", requestTemplates: { "application/json": '{"statusCode": 200}' } }),
                },
            }),
        },
        {
            name: "a Swagger 2.0 operation with responses: {}",
            spec: swagger2({ "/a": { get: operation({ responses: {} }) } }),
        },
        {
            name: "a parameter without type",
            spec: swagger2({ "/a": { get: operation({ parameters: [{ name: "q", in: "query" }] }) } }),
        },
        {
            name: "a duplicated body parameter, as in API Gateway's own exports",
            spec: swagger2(
                {
                    "/a": {
                        post: operation({
                            parameters: [
                                { in: "body", name: "Pet", required: true, schema: { $ref: "#/definitions/Pet" } },
                                { in: "body", name: "Pet", required: true, schema: { $ref: "#/definitions/Pet" } },
                            ],
                        }),
                    },
                },
                { definitions: { Pet: { type: "object" } } },
            ),
        },
        {
            name: "an OpenAPI 3 response header written with type instead of schema",
            spec: openApi3({
                "/a": {
                    get: operation({
                        responses: { "200": { description: "ok", headers: { "X-Id": { type: "string" } } } },
                    }),
                },
            }),
        },
        {
            name: "servers written as a mapping",
            spec: openApi3(undefined, { servers: { url: "https://example.com" } }),
        },
        {
            name: "$ref cycles between models",
            spec: openApi3(
                {
                    "/a": {
                        post: operation({
                            requestBody: {
                                content: { "application/json": { schema: { $ref: "#/components/schemas/Person" } } },
                            },
                        }),
                    },
                },
                {
                    components: {
                        schemas: {
                            Person: { type: "object", properties: { house: { $ref: "#/components/schemas/House" } } },
                            House: { type: "object", properties: { owner: { $ref: "#/components/schemas/Person" } } },
                            Node: { type: "object", properties: { next: { $ref: "#/components/schemas/Node" } } },
                        },
                    },
                },
            ),
        },
        {
            name: "JSON text with a byte order mark (the body is serialised anew)",
            spec: "\uFEFF" + JSON.stringify(openApi3()),
        },
        {
            name: "an OpenAPI 3.0 operation without responses",
            spec: openApi3({ "/a": { get: integration({ type: "mock" }) } }),
        },
        {
            name: "YAML status codes as integers, in responses and integration responses",
            spec: "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n      x-amazon-apigateway-integration:\n        type: mock\n        responses: {default: {statusCode: 200}}\n",
        },
    ];
    for (const { name, spec } of CASES) {
        it(name, () => {
            const settings = resolveSettings({ openApiSpec: spec });
            expect(settings.spec.warnings.filter((w) => w.kind !== "ignored")).to.deep.equal([]);
            expect(settings.spec.operations.every((o) => o.authorization === "AWS_IAM")).to.equal(true);
        });
    }
});

describe("import warnings: an error under failOnWarnings, a warning on the component otherwise", () => {
    it("names failOnWarnings: false as the way to accept them, and following it works", () => {
        const error = refusal(() => resolveSettings({ openApiSpec: primitiveHtml }));
        expect(error.findings.map((f) => f.rule)).to.deep.equal(["primitive-response-schema"]);
        expect(error.message).to.match(/Unsupported model type 'StringSchema' in 200 response to method 'GET \/'/);
        expect(error.message).to.include("set failOnWarnings: false to import the API with them");

        const settings = resolveSettings({ openApiSpec: primitiveHtml, failOnWarnings: false });
        expect(settings.failOnWarnings).to.equal(false);
        expect(settings.spec.warnings.map((w) => w.rule)).to.deep.equal(["primitive-response-schema"]);
    });

    it("logs each warning with pulumi.log.warn on the component, and sends failOnWarnings: false", async () => {
        const { mocks } = await freshLocalAws(true);
        const log = pulumi.log as unknown as { warn: (message: string, resource?: pulumi.Resource) => Promise<void> };
        const original = log.warn;
        const logged: { message: string; resource?: pulumi.Resource }[] = [];
        log.warn = (message, resource) => {
            logged.push({ message, resource });
            return Promise.resolve();
        };
        try {
            const api = new SecuredRestApi("warned", { openApiSpec: primitiveHtml, failOnWarnings: false });
            await allRegistrationsSettled();
            expect(logged).to.have.length(1);
            expect(logged[0].resource).to.equal(api);
            expect(logged[0].message).to.include("Unsupported model type 'StringSchema'");
        } finally {
            log.warn = original;
        }
        const restApi = mocks.registrations.find((r) => r.type === "aws:apigateway/restApi:RestApi")!;
        expect(restApi.inputs.failOnWarnings).to.equal(false);
    });

    it("ignored features are logged but never fail, even with failOnWarnings", () => {
        const spec = openApi3(undefined, {
            components: {
                schemas: { Pet: { type: "object", properties: { tags: { type: "array", items: { oneOf: [] } } } } },
            },
        });
        const settings = resolveSettings({ openApiSpec: spec });
        expect(settings.spec.warnings.map((w) => [w.kind, w.rule])).to.deep.equal([["ignored", "model-keyword"]]);
        expect(settings.spec.warnings[0].message).to.include("Model Pet (components.schemas.Pet) uses oneOf");
    });
});

describe("a security requirement naming a scheme the document does not define", () => {
    const undefinedScheme = (security: Json) =>
        openApi3({ "/a": { get: operation(security) }, "/b": { post: operation() } }, { security: [{ partner: [] }] });

    it("is secured with AWS_IAM like every operation, and is an ignored finding even under failOnWarnings", () => {
        const settings = resolveSettings({ openApiSpec: undefinedScheme({ security: [{ oauth: [] }] }) });
        expect(settings.spec.operations.map((o) => `${o.verb} ${o.path} ${o.authorization}`)).to.deep.equal([
            "GET /a AWS_IAM",
            "POST /b AWS_IAM",
        ]);
        expect(settings.spec.warnings.map((w) => [w.kind, w.rule, w.location])).to.deep.equal([
            ["ignored", "undefined-security-scheme", 'paths["/a"].get'],
            ["ignored", "undefined-security-scheme", 'paths["/b"].post'],
        ]);
        expect(settings.spec.warnings[0].message).to.match(
            /^Operation GET \/a \(paths\["\/a"\]\.get\) requires security scheme "oauth", which the document does not define\. API Gateway ignores it/,
        );
        expect(settings.spec.warnings[1].message).to.include(
            'requires security scheme "partner" (inherited from the document\'s top-level security)',
        );
        const paths = settings.spec.document.paths as Record<string, Record<string, Json>>;
        expect(paths["/a"].get.security).to.deep.equal([{ sigv4: [] }]);
        expect(paths["/a"].get["x-amazon-apigateway-auth"]).to.deep.equal({ type: "AWS_IAM" });
        expect(settings.spec.body).not.to.include('"oauth"');
    });

    it("keeps an API-key requirement next to it, and its fix (removing the requirement) leaves no finding", () => {
        const apiKey = { type: "apiKey", name: "x-api-key", in: "header" };
        const spec = openApi3(
            { "/a": { get: operation({ security: [{ oauth: [], key: [] }] }) } },
            { components: { securitySchemes: { key: apiKey } } },
        );
        const settings = resolveSettings({ openApiSpec: spec });
        expect(settings.spec.operations[0]).to.include({ authorization: "AWS_IAM", apiKeyRequired: true });
        expect(settings.spec.warnings.map((w) => w.rule)).to.deep.equal(["undefined-security-scheme"]);
        expect(settings.spec.warnings[0].message).to.include("remove the requirement");
        const fixed = openApi3(
            { "/a": { get: operation({ security: [{ key: [] }] }) } },
            { components: { securitySchemes: { key: apiKey } } },
        );
        expect(resolveSettings({ openApiSpec: fixed }).spec.warnings).to.deep.equal([]);
    });
});

describe("findings are reported security first, and one slip does not fan out", () => {
    it("reports the security findings first, with the refusals of the same document", () => {
        const spec = openApi3(
            {
                "/a": { get: operation({ "x-amazon-apigateway-auth": { type: "NONE" } }) },
                "/b": { get: operation(integration({ type: "lambda" })) },
            },
            { components: { schemas: { Bad_Name: { type: "object" } } } },
        );
        const error = refusal(() => prepareSpec(spec));
        expect(error.findings.map((f) => f.kind)).to.deep.equal(["security", "refused", "refused"]);
        expect(error.problems[0]).to.match(/^Operation GET \/a .*declares x-amazon-apigateway-auth NONE/);
    });

    it("folds many findings of one rule into one message naming the places", () => {
        const paths: Json = {};
        for (let i = 0; i < 7; i++) paths[`/p${i}`] = { get: operation(integration({ type: "lambda" })) };
        const error = refusal(() => prepareSpec(openApi3(paths)));
        expect(error.problems).to.have.length(1);
        expect(error.problems[0]).to.match(/Operation GET \/p0 .* The same applies at paths\["\/p1"\].*and 2 more\.$/);
    });

    it("counts duplicate keys as a security finding: a repeated path would silently replace operations", () => {
        const error = refusal(() =>
            prepareSpec('{"openapi":"3.0.3","info":{"title":"t"},"paths":{"/a":{"get":{}},"/a":{"post":{}}}}'),
        );
        expect(error.findings.map((f) => [f.kind, f.rule])).to.deep.equal([["security", "duplicate-key"]]);
    });

    it("keeps every security finding, however many", () => {
        const paths: Json = {};
        for (let i = 0; i < 7; i++)
            paths[`/p${i}`] = { get: operation({ "x-amazon-apigateway-auth": { type: "NONE" } }) };
        expect(refusal(() => prepareSpec(openApi3(paths))).problems).to.have.length(7);
    });
});

describe("the documents this repository ships have no import findings", () => {
    const CONSUMER = fs.readFileSync(path.join(PROJECT_DIR, "examples/consumer/orders.openapi.yaml"), "utf8");
    for (const [name, spec] of [
        ["api/petstore.openapi.yaml (the example the test stack deploys)", PETSTORE_OPENAPI],
        ["tests/fixtures/petstore.swagger.json", PETSTORE_SWAGGER],
        ["examples/consumer/orders.openapi.yaml", CONSUMER],
    ] as const) {
        it(name, () => {
            expect(prepareSpec(spec).warnings).to.deep.equal([]);
        });
    }
});
