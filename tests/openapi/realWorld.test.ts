import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { InvalidSecuredRestApiInput, listOperations, OpenApiDocument, resolveSettings } from "../../components";
import { OPERATION_VERBS } from "../../components/openapi/operations";
import { matchRoute } from "../../local-aws/gateway/routing";

const CORPUS_DIR = path.join(__dirname, "../fixtures/real-world");
const CORPUS = fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .sort();

/** The one call into local mode's router: adapt only this if routing.ts changes shape. */
function routedTemplate(document: OpenApiDocument, verb: string, concretePath: string) {
    const route = matchRoute(document, verb, concretePath);
    return route === undefined ? undefined : { template: route.pathTemplate, operation: route.operation };
}

/** A request path for a template: `{id}` → one segment, `{proxy+}` → two. */
function concretePath(template: string): string {
    return template.replace(/\{[^}]+\+\}/g, "p1x/p2x").replace(/\{[^}]+\}/g, "p1x");
}

interface DeliberateRefusal {
    /** The security rule the document breaks, on purpose of its authors. */
    readonly rule: string;
    readonly why: string;
    /** Operations that, listed public, make the document acceptable. */
    readonly publicOperations?: string[];
    /** Otherwise, the change to the document the error names. */
    readonly fix?: (document: Record<string, unknown>) => void;
}

/** Documents refused only for a deliberate security reason, named per file, with the fix that works. */
const DELIBERATE: Record<string, DeliberateRefusal> = {
    "localstack-pulumi.swagger.json": {
        rule: "authorizer-not-public",
        why: "GET /just_do_it accepts an existing Lambda token authorizer (Auth0) as an alternative",
        publicOperations: ["GET /just_do_it"],
    },
    "localstack-lambda-request-authorizer.swagger.json": {
        rule: "authorizer-not-public",
        why: "both methods use an existing Lambda request authorizer",
        publicOperations: ["GET /test", "OPTIONS /test"],
    },
    "localstack-global-auth.openapi.json": {
        rule: "authorizer-not-public",
        why: "a Lambda request authorizer in the top-level security applies to every operation",
        publicOperations: ["GET /pets", "ANY /echo/{data}"],
    },
    "localstack-cognito-auth.openapi.json": {
        rule: "authorizer-not-public",
        why: "an existing Cognito user pool authorizes every operation (per operation and at the top level)",
        publicOperations: [
            "GET /default-no-scope",
            "GET /default-scope-override",
            "GET /non-default-authorizer",
            "GET /pets",
        ],
    },
    "terraform-policy-set-by-body.swagger.json": {
        rule: "resource-policy",
        why: "its resource policy allows Principal * on the whole API, which with AWS_IAM admits any principal of the account",
        // The error's fix: a Deny instead of the Allow (the same IP fence, without admitting anyone).
        fix: (document) => {
            const statement = (document["x-amazon-apigateway-policy"] as { Statement: Record<string, unknown>[] })
                .Statement[0];
            statement.Effect = "Deny";
            statement.Condition = { NotIpAddress: { "aws:SourceIp": "123.123.123.123/32" } };
        },
    },
};

/** A JSON document of the corpus as an object, to apply a named fix to. */
function parsedJson(file: string): Record<string, unknown> {
    return JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, file), "utf8")) as Record<string, unknown>;
}

describe("real-world documents that API Gateway imports (tests/fixtures/real-world)", () => {
    it("holds at least 15 documents, of both versions, each listed in its README with its licence", () => {
        expect(CORPUS.length).to.be.greaterThanOrEqual(15);
        const readme = fs.readFileSync(path.join(CORPUS_DIR, "README.md"), "utf8");
        for (const file of CORPUS) {
            const row = readme.split("\n").find((line) => line.startsWith(`| \`${file}\``));
            expect(row, `README row for ${file}`).to.match(/Apache-2\.0|MIT-0|MIT|MPL-2\.0|CC-BY-SA/);
        }
        const versions = CORPUS.map((f) => (/\.swagger\./.test(f) ? "swagger2" : "openapi3"));
        expect(versions).to.include("swagger2").and.to.include("openapi3");
    });

    for (const file of CORPUS) {
        const deliberate = DELIBERATE[file];
        const title = deliberate
            ? `${file}: refused only because ${deliberate.why}; fixed as named`
            : `${file}: accepted`;
        it(title, () => {
            const source = fs.readFileSync(path.join(CORPUS_DIR, file), "utf8");
            let spec: unknown = source;
            let publicOperations: string[] = [];
            if (deliberate) {
                let refusal: unknown;
                try {
                    resolveSettings({ openApiSpec: source });
                } catch (e) {
                    refusal = e;
                }
                expect(refusal).to.be.instanceOf(InvalidSecuredRestApiInput);
                const findings = (refusal as InvalidSecuredRestApiInput).findings;
                expect(findings.length).to.be.greaterThan(0);
                expect(findings.map((f) => f.rule)).to.satisfy((rules: string[]) =>
                    rules.every((r) => r === deliberate.rule),
                );
                publicOperations = deliberate.publicOperations ?? [];
                if (deliberate.fix) {
                    const document = parsedJson(file);
                    deliberate.fix(document);
                    spec = document;
                }
            }
            // The default failOnWarnings: true, so nothing here would even import with a warning.
            const settings = resolveSettings({ openApiSpec: spec, publicOperations });
            expect(settings.spec.warnings.filter((w) => w.kind === "warning")).to.deep.equal([]);

            const document = settings.spec.document;
            const operations = listOperations(document);
            expect(operations.length).to.be.greaterThan(0);
            for (const { verb, path: template, methodKey, operation } of operations) {
                const key = `${verb} ${template}`;
                const expected = publicOperations.includes(key) ? "NONE" : "AWS_IAM";
                expect(operation["x-amazon-apigateway-auth"], key).to.deep.equal({ type: expected });
                expect(settings.spec.operations.find((o) => `${o.verb} ${o.path}` === key)?.authorization).to.equal(
                    expected,
                );

                const pathItem = (document.paths as Record<string, Record<string, unknown>>)[template];
                const requestVerb =
                    verb !== "ANY"
                        ? verb
                        : [...OPERATION_VERBS.entries()].find(([k, v]) => v !== "ANY" && pathItem[k] === undefined)![1];
                const route = routedTemplate(document, requestVerb, concretePath(template));
                expect(route?.template, `${requestVerb} ${concretePath(template)} (${methodKey})`).to.equal(template);
                expect(route?.operation).to.equal(operation);
            }
        });
    }

    it("AWS's Example API as the console imports it (no info.version) is accepted and fully secured", () => {
        const source = fs.readFileSync(path.join(CORPUS_DIR, "aws-example-api-petstore.swagger.json"), "utf8");
        expect((JSON.parse(source) as { info: Record<string, unknown> }).info).not.to.have.property("version");
        const settings = resolveSettings({ openApiSpec: source });
        expect(settings.spec.operations.map((o) => `${o.verb} ${o.path} ${o.authorization}`)).to.deep.equal([
            "GET / AWS_IAM",
            "GET /pets AWS_IAM",
            "POST /pets AWS_IAM",
            "OPTIONS /pets AWS_IAM",
            "GET /pets/{petId} AWS_IAM",
            "OPTIONS /pets/{petId} AWS_IAM",
        ]);
        expect(settings.spec.warnings).to.deep.equal([]);
    });
});
