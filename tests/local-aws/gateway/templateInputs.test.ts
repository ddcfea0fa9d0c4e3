import * as fs from "fs";
import { expect } from "chai";
import * as fc from "fast-check";
import { Compile, parse } from "velocityjs";
import { OpenApiDocument } from "../../../components/openapi/operations";
import { prepareSpec } from "../../../components";
import { templateInputs } from "../../../local-aws/gateway/templateInputs";
import { CompiledTemplates, compileTemplates, renderTemplate, TemplateRequest } from "../../../local-aws/gateway/vtl";
import { PETSTORE_OPENAPI_PATH } from "../../helpers/specs";

/** Templates that read the request every way a mapping template can. */
const TEMPLATES = [
    `{"statusCode": 200}`,
    `#set($id = $input.params('petId'))#if($id == "1"){"statusCode": 200}#else{"statusCode": 404}#end`,
    `{"q": "$input.params('q')", "h": "$input.params('X-Tag')", "both": "$input.params("q")$input.params('z')"}`,
    `#set($all = $input.params().querystring)[#foreach($k in $all.keySet())"$k=$all.get($k)",#end]`,
    `#set($name = "q")$input.params($name)`,
    `{"who": "$context.identity.userArn", "stage": "$context.stage", "path": "$context.path"}`,
    `#set($s = "id $input.params('petId') at $context.resourcePath")$s`,
    `$input.json('$.a') $input.path('$').b $util.escapeJavaScript($input.body) $input.body.length()`,
    `#set($p = $input.path('$'))#foreach($x in $p.items)$x,#end`,
    `$context.requestId`,
    `#macro(twice $v)$v$v#end#twice($input.params('q'))`,
    `#define($block)$input.params('q')#end$block`,
    `#evaluate("$input.params('q')")`,
    `$stageVariables.x $input`,
];

/** The example's own templates, as its deployment compiles them. */
const petstoreTemplates = (): string[] => {
    const document = JSON.parse(prepareSpec(fs.readFileSync(PETSTORE_OPENAPI_PATH, "utf8")).body) as OpenApiDocument;
    return [...compileTemplates(document).keys()];
};

const value = fc.stringMatching(/^[a-z0-9 "$#{}.]{0,4}$/);
const arbitraryRequest = fc.record({
    petId: fc.constantFrom("1", "2", "x"),
    query: fc.array(fc.tuple(fc.constantFrom("q", "z", "type", "constructor"), value), { maxLength: 3 }),
    tag: fc.option(value, { nil: undefined }),
    body: fc.oneof(fc.constant(""), fc.json(), value),
    userArn: fc.constantFrom("arn:aws:iam::123456789012:user/a", "arn:aws:iam::123456789012:user/b"),
    requestId: fc.constantFrom("r1", "r2"),
});

function make(r: {
    petId: string;
    query: [string, string][];
    tag: string | undefined;
    body: string;
    userArn: string;
    requestId: string;
}): TemplateRequest {
    return {
        requestId: r.requestId,
        accountId: "123456789012",
        apiId: "abc",
        stage: "test",
        httpMethod: "GET",
        resourcePath: "/pets/{petId}",
        path: `/test/pets/${r.petId}`,
        pathParams: new Map([["petId", r.petId]]),
        query: r.query.map(([name, v]) => ({ name, value: v, rawName: name, rawValue: v })),
        headers: [["Host", "h"], ...(r.tag === undefined ? [] : [["X-Tag", r.tag] as [string, string]])],
        sourceIp: "127.0.0.1",
        caller: { arn: r.userArn, accessKey: "AKIA", accountId: "123456789012", userId: "AIDAEXAMPLE" },
        requestTimeEpoch: 0,
        stageVariables: new Map(),
    };
}

/** The output velocityjs gives for this request with a template compiled afresh: no cache involved. */
function fresh(text: string, req: TemplateRequest, body: string): string {
    const scratch: CompiledTemplates = new Map();
    try {
        return renderTemplate(scratch, text, req, body);
    } catch (e) {
        return `failed: ${(e as Error).message}`;
    }
}

describe("mapping templates are rendered once per distinct request input (local gateway)", () => {
    it("finds what each template reads, and gives up on directives whose reads it cannot see", () => {
        expect(templateInputs(TEMPLATES[0])).to.deep.equal([]);
        expect(templateInputs(TEMPLATES[1])).to.deep.equal(["input.params:petId", "own"]);
        expect(templateInputs(TEMPLATES[4])).to.include("input.params()");
        expect(templateInputs(TEMPLATES[6])).to.include.members(["input.params:petId", "context.resourcePath"]);
        for (const opaque of TEMPLATES.slice(10, 13)) expect(templateInputs(opaque), opaque).to.equal(undefined);
        expect(new Compile(parse(TEMPLATES[0])).render({})).to.equal(TEMPLATES[0]);
    });

    it("property: a cached render always equals a fresh one (2,000 generated requests over every template)", () => {
        const texts = [...new Set([...TEMPLATES, ...petstoreTemplates()])];
        const templates = compileTemplates({
            openapi: "3.0.3",
            paths: {
                "/t": {
                    get: {
                        "x-amazon-apigateway-integration": {
                            type: "mock",
                            requestTemplates: Object.fromEntries(texts.map((t, i) => [`type/${i}`, t])),
                        },
                    },
                },
            },
        });
        expect([...templates.keys()]).to.have.members(texts);
        let cacheHits = 0;
        fc.assert(
            fc.property(arbitraryRequest, fc.nat(texts.length - 1), (r, i) => {
                const text = texts[i];
                const req = make(r);
                const before = templates.get(text)!.outputs.size;
                let cached: string;
                try {
                    cached = renderTemplate(templates, text, req, r.body);
                } catch (e) {
                    cached = `failed: ${(e as Error).message}`;
                }
                if (templates.get(text)!.outputs.size === before && templates.get(text)!.inputs) cacheHits++;
                expect(cached, `${text} for ${JSON.stringify(r)}`).to.equal(fresh(text, make(r), r.body));
            }),
            { numRuns: 2000, seed: 20261201 },
        );
        expect(cacheHits, "the cache must actually be used").to.be.greaterThan(500);
    });
});
