import { expect } from "chai";
import { prepareSpec, SecuredRestApi } from "../../components";
import {
    bindStageArn,
    MAX_POLICIES_PER_GROUP,
    MAX_POLICY_CHARS,
    operationGrants,
    operationPattern,
    operationPolicyDocuments,
    policyChars,
} from "../../components/policies/operationPolicy";
import { allRegistrationsSettled } from "../../local-aws/engine/mocks";
import { clientOutputs, freshLocalAws, serveLocally } from "../helpers/localAws";
import { openApi3, operation, PETSTORE_OPENAPI } from "../helpers/specs";

/** A document with `count` resources, each with GET and POST, and GET/DELETE on an item. */
function manyOperations(resources: number) {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < resources; i++) {
        paths[`/resource${i}`] = { get: operation(), post: operation() };
        paths[`/resource${i}/{id}`] = { get: operation(), delete: operation() };
    }
    return prepareSpec(openApi3(paths));
}

describe("per-operation invoke policies (invokeOperations)", () => {
    it("turn operations into resource patterns, path parameters into *", () => {
        expect(operationPattern("GET", "/")).to.equal("GET/");
        expect(operationPattern("GET", "/pets/{petId}")).to.equal("GET/pets/*");
        expect(operationPattern("ANY", "/files/{proxy+}")).to.equal("*/files/*");
    });

    it("grant exactly the listed operations of the pet store", () => {
        const { operations } = prepareSpec(PETSTORE_OPENAPI);
        expect(operationGrants(operations, ["GET /pets", "GET /pets/{petId}"])).to.deep.equal({
            allow: ["GET/pets", "GET/pets/*"],
            deny: [],
        });
        expect(() => operationGrants(operations, ["GET /pet"])).to.throw(
            /invokeOperations entry "GET \/pet" is not an IAM-secured operation/,
        );
    });

    it("deny an operation a granted pattern would also reach, since IAM's * spans /", () => {
        const { operations } = prepareSpec(
            openApi3({ "/pets/{id}": { get: operation() }, "/pets/{id}/secret": { get: operation() } }),
        );
        expect(operationGrants(operations, ["GET /pets/{id}"])).to.deep.equal({
            allow: ["GET/pets/*"],
            deny: ["GET/pets/*/secret"],
        });
        const { operations: nested } = prepareSpec(
            openApi3({ "/a/{x}": { get: operation() }, "/a/{x}/{y}": { get: operation() } }),
        );
        expect(operationGrants(nested, ["GET /a/{x}/{y}"])).to.deep.equal({ allow: ["GET/a/*/*"], deny: [] });
        // GET /pets goes to its own method, never to ANY: granting one leaves the other out, without a Deny.
        const { operations: verbs } = prepareSpec(
            openApi3({ "/pets": { get: operation(), "x-amazon-apigateway-any-method": operation() } }),
        );
        expect(operationGrants(verbs, ["GET /pets"])).to.deep.equal({ allow: ["GET/pets"], deny: [] });
        expect(operationGrants(verbs, ["ANY /pets"]).allow).to.deep.equal(
            ["DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"].map((v) => `${v}/pets`),
        );
        // A greedy path reaches /pets/a/b, which no pattern can tell from /pets/{id}'s /pets/a.
        const { operations: inseparable } = prepareSpec(
            openApi3({ "/pets/{id}": { get: operation() }, "/{proxy+}": { get: operation() } }),
        );
        expect(() => operationGrants(inseparable, ["GET /{proxy+}"])).to.throw(
            /GET \/pets\/\{id\} cannot be kept out while granting GET \/\{proxy\+\}/,
        );
    });

    it("pack into as few policies as IAM's limits allow, and refuse what cannot fit, at preview", async () => {
        const fits = manyOperations(50);
        const all = fits.operations.map((o) => `${o.verb} ${o.path}`);
        const documents = operationPolicyDocuments(operationGrants(fits.operations, all), "test");
        expect(documents.length).to.be.greaterThan(1).and.at.most(MAX_POLICIES_PER_GROUP);
        for (const d of documents) expect(policyChars(d)).to.be.at.most(MAX_POLICY_CHARS);
        const bound = bindStageArn(documents[0], "test", "arn:aws:execute-api:us-west-2:123456789012:abc123defg/test");
        expect((bound.Statement[0].Resource as string[])[0]).to.equal(
            "arn:aws:execute-api:us-west-2:123456789012:abc123defg/test/GET/resource0",
        );

        const tooMany = manyOperations(400);
        const { mocks } = await freshLocalAws(true);
        expect(
            () =>
                new SecuredRestApi("huge", {
                    openApiSpec: tooMany.document,
                    invokeOperations: tooMany.operations.map((o) => `${o.verb} ${o.path}`),
                }),
        ).to.throw(/need \d+ managed policies \(\d+ characters\); IAM allows 10 policies of 6144 characters per group/);
        expect(mocks.registrations).to.deep.equal([]);
        expect(
            () =>
                new SecuredRestApi("m", {
                    openApiSpec: PETSTORE_OPENAPI,
                    invokePolicy: "managed",
                    invokeOperations: ["GET /pets"],
                }),
        ).to.throw(/invokeOperations narrows the "scoped" policy/);
    });

    it("create one policy and attachment per document", async () => {
        const spec = manyOperations(50);
        const { mocks } = await freshLocalAws(false);
        const api = new SecuredRestApi("many", {
            openApiSpec: spec.document,
            invokeOperations: spec.operations.map((o) => `${o.verb} ${o.path}`),
        });
        await allRegistrationsSettled();
        const count = mocks.registrations.filter((r) => r.type === "aws:iam/policy:Policy").length;
        expect(count).to.be.greaterThan(1);
        expect(api.invokePolicies).to.have.length(count);
        expect(
            mocks.registrations.filter((r) => r.type === "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"),
        ).to.have.length(count);
    });

    it("are enforced by the local gateway: a granted operation passes, another is denied", async () => {
        const { local, get } = await serveLocally(() => {
            const api = new SecuredRestApi("narrow", {
                openApiSpec: PETSTORE_OPENAPI,
                invokeOperations: ["GET /pets"],
            });
            return clientOutputs(api);
        });
        try {
            expect((await get("/pets")).status).to.equal(200);
            const denied = await get("/pets/1");
            expect(denied.status).to.equal(403);
            expect(denied.headers["x-amzn-errortype"]).to.equal("AccessDeniedException");
            expect((await get("/")).headers["x-amzn-errortype"]).to.equal("AccessDeniedException");
        } finally {
            await local.close();
        }
    });

    it("treat the root resource (…/GET/, an empty path) like any other: granted alone, nothing else is", async () => {
        const { local, get } = await serveLocally(() =>
            clientOutputs(new SecuredRestApi("root", { openApiSpec: PETSTORE_OPENAPI, invokeOperations: ["GET /"] })),
        );
        try {
            expect((await get("/")).status).to.equal(200);
            for (const path of ["/pets", "/pets/1"])
                expect((await get(path)).headers["x-amzn-errortype"], path).to.equal("AccessDeniedException");
        } finally {
            await local.close();
        }
    });
});
