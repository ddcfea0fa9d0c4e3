import { expect } from "chai";
import * as fc from "fast-check";
import { ANY_STAGE, OperationRoutes, RoutableOperation } from "../../components/policies/operationReach";
import { iamMatches } from "../../components/policies/operationPolicy";
import { HTTP_METHODS } from "../../components/openapi/paths";
import { OpenApiDocument } from "../../components/openapi/operations";
import { matchRoute } from "../../local-aws/gateway/routing";

const operations = (...keys: string[]): RoutableOperation[] =>
    keys.map((k) => {
        const [verb, path] = k.split(" ");
        return { verb, path };
    });
const tail = (form: "stageTail") => ({ form });
const reached = (routes: OperationRoutes, pattern: string) => [...routes.reachedBy(pattern, tail("stageTail"))].sort();

/** A document of MOCK operations, for the gateway's own router. */
function documentOf(ops: readonly RoutableOperation[]): OpenApiDocument {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const { verb, path } of ops)
        (paths[path] ??= {})[verb === "ANY" ? "x-amazon-apigateway-any-method" : verb.toLowerCase()] = {
            key: `${verb} ${path}`,
        };
    return { openapi: "3.0.3", paths };
}

describe("which operations an IAM resource pattern opens (routes of the document, IAM's matching)", () => {
    const routes = new OperationRoutes(
        operations(
            "GET /",
            "GET /pets",
            "POST /pets",
            "ANY /pets",
            "GET /pets/{id}",
            "GET /pets/{id}/owner",
            "GET /{a}/x",
            "ANY /{proxy+}",
        ),
    );

    it("a parameter's * spans /: GET/pets/* reaches the owner, and every deeper path the greedy one catches", () => {
        expect(reached(routes, "GET/pets/*")).to.deep.equal([
            "ANY /{proxy+}",
            "GET /pets/{id}",
            "GET /pets/{id}/owner",
        ]);
    });

    it("a request counts for the operation it is routed to: /pets/x is GET /pets/{id}'s, never GET /{a}/x's", () => {
        expect(reached(routes, "GET/*/x")).to.deep.equal(["ANY /{proxy+}", "GET /pets/{id}", "GET /{a}/x"]);
        expect(reached(routes, "GET/pets")).to.deep.equal(["GET /pets"]);
        expect(reached(routes, "POST/pets")).to.deep.equal(["POST /pets"]);
        expect(reached(routes, "PUT/pets")).to.deep.equal(["ANY /pets"]);
        expect(reached(routes, "GET/")).to.deep.equal(["GET /"]);
        expect(reached(routes, "DELETE/")).to.deep.equal([]);
    });

    it("a verb's * spans the verb's segment too: */pets reaches any path ending in /pets", () => {
        const deep = new OperationRoutes(operations("GET /a/pets", "ANY /pets"));
        expect(reached(deep, "*/pets")).to.deep.equal(["ANY /pets", "GET /a/pets"]);
        expect(deep.tailsOf("ANY /pets")).to.have.length(7);
        expect(reached(deep, "GET/pets")).to.deep.equal(["ANY /pets"]);
    });

    it("reads resource-policy resources as API Gateway writes them: execute-api:/<stage>/…, or any ARN", () => {
        const resource = (pattern: string) =>
            [...routes.reachedBy(pattern, { form: "resource", stageName: "test" })].sort();
        expect(resource("execute-api:/test/GET/pets")).to.deep.equal(["GET /pets"]);
        expect(resource("execute-api:/prod/GET/pets")).to.deep.equal([]);
        expect(resource("execute-api:/*/GET/")).to.deep.equal(["GET /"]);
        expect(resource("execute-api:/*")).to.have.length(8);
        expect(resource("arn:aws:execute-api:us-east-1:123456789012:??????????/test/GET/pets")).to.deep.equal([
            "GET /pets",
        ]);
        // A * for the API id spans the stage and verb too: …:*/test/GET/pets also matches POST /x/test/GET/pets.
        expect(resource("arn:aws:execute-api:us-east-1:123456789012:*/test/GET/pets")).to.deep.equal([
            "ANY /{proxy+}",
            "GET /pets",
        ]);
        expect(resource("*")).to.have.length(8);
        // A policy variable is whatever IAM fills in: any text.
        expect(resource("execute-api:/test/GET/pets/${aws:username}")).to.include("GET /pets/{id}");
    });

    it("reads a resource for any stage when the stage is not known: a stage segment of [A-Za-z0-9_-]+", () => {
        const anyStage = { form: "resource", stageName: ANY_STAGE } as const;
        const resource = (pattern: string) => [...routes.reachedBy(pattern, anyStage)].sort();
        expect(resource("execute-api:/prod/GET/pets")).to.deep.equal(["GET /pets"]);
        expect(resource("execute-api:/v_1-b/GET/pets")).to.deep.equal(["GET /pets"]);
        expect(resource("execute-api:/?/GET/pets")).to.deep.equal(["GET /pets"]);
        expect(resource("arn:aws:execute-api:us-east-1:123456789012:??????????/v1/GET/pets")).to.deep.equal([
            "GET /pets",
        ]);
        // No stage has a "." or is empty: these reach nothing, whatever the stage.
        expect(resource("execute-api:/te.st/GET/pets")).to.deep.equal([]);
        expect(resource("execute-api://GET/pets")).to.deep.equal([]);
        expect([
            ...routes.reachedBy("execute-api:/te.st/GET/pets", { form: "resource", stageName: "te.st" }),
        ]).to.deep.equal(["GET /pets"]);
        // Covered for some stage: an Allow of one stage is enough when the stage may be that one.
        expect(routes.coveredBy("execute-api:/prod/GET/pets", "GET /pets", anyStage)).to.equal(true);
        expect(routes.coveredBy("execute-api:/te.st/GET/pets", "GET /pets", anyStage)).to.equal(false);
    });

    it("property: any stage reaches at least what each stage reaches (seed 20270115)", () => {
        const piece = fc.constantFrom("*", "?", "/", "test", "v1", "GET", "pets", "-", ".", "x");
        const pattern = fc.array(piece, { minLength: 1, maxLength: 8 }).map((p) => `execute-api:/${p.join("")}`);
        const stages = ["test", "v1", "prod-2", "a_b", "x"];
        fc.assert(
            fc.property(pattern, (p) => {
                const any = routes.reachedBy(p, { form: "resource", stageName: ANY_STAGE });
                for (const stageName of stages)
                    for (const key of routes.reachedBy(p, { form: "resource", stageName }))
                        if (!any.has(key))
                            throw new Error(`${p} reaches ${key} in stage ${stageName}, not for any stage`);
            }),
            { seed: 20270115, numRuns: 300 },
        );
    });

    it('compares characters as IAM compares a resource path, case included (IAM User Guide, "Resource")', () => {
        // /PETS is no literal of the document: the greedy path takes it, and GET/pets does not match it.
        expect(reached(routes, "GET/PETS")).to.deep.equal(["ANY /{proxy+}"]);
        expect(reached(routes, "GET/Pets/*")).to.deep.equal(["ANY /{proxy+}", "GET /{a}/x"]);
    });

    it("says a pattern covers an operation only when every request of it matches", () => {
        const covered = (pattern: string, key: string) =>
            routes.coveredBy(pattern, key, { form: "resource", stageName: "test" });
        expect(covered("execute-api:/*/GET/pets/*", "GET /pets/{id}")).to.equal(true);
        expect(covered("execute-api:/*/GET/pets/*", "GET /pets/{id}/owner")).to.equal(true);
        expect(covered("execute-api:/test/GET/pets/?", "GET /pets/{id}")).to.equal(false);
        expect(covered("execute-api:/test/GET/pets/1", "GET /pets/{id}")).to.equal(false);
        expect(covered("execute-api:/test/PUT/pets", "ANY /pets")).to.equal(false);
        expect(covered("execute-api:/test/*/pets", "ANY /pets")).to.equal(true);
    });

    it("property: every request the gateway routes to an operation and the pattern matches is found (seed 20261203)", () => {
        const literal = fc.constantFrom("a", "b", "pets", "x", "GET", "test");
        const segment = fc.oneof(
            { weight: 3, arbitrary: literal },
            { weight: 2, arbitrary: fc.constantFrom("{id}", "{v}") },
        );
        const path = fc
            .tuple(fc.array(segment, { maxLength: 3 }), fc.boolean())
            .map(([segments, greedy]) => `/${[...segments, ...(greedy ? ["{proxy+}"] : [])].join("/")}`);
        const document = fc.uniqueArray(
            fc.tuple(fc.constantFrom("GET", "POST", "ANY"), path).map(([verb, p]) => `${verb} ${p}`),
            { minLength: 1, maxLength: 8 },
        );
        const piece = fc.constantFrom("*", "?", "/", "a", "b", "pets", "x", "GET", "POST", "test", "p");
        const pattern = fc.array(piece, { minLength: 1, maxLength: 7 }).map((p) => p.join(""));
        // Request segments: literals, one in another case, and texts no template names.
        const values = ["a", "pets", "x", "GET", "test", "PETS", "zz", "p", "ap"];
        fc.assert(
            fc.property(document, fc.array(pattern, { minLength: 1, maxLength: 4 }), (keys, patterns) => {
                const ops = operations(...keys);
                // Only documents API Gateway would import: one variable name per level.
                const tree = new Map<string, string>();
                for (const o of ops) {
                    const parts = o.path.split("/");
                    for (let i = 1; i < parts.length; i++) {
                        const variable = /^\{/.test(parts[i]) ? parts[i].replace("+", "") : undefined;
                        if (variable === undefined) continue;
                        const level = parts.slice(0, i).join("/");
                        if ((tree.get(level) ?? variable) !== variable) return;
                        tree.set(level, variable);
                    }
                }
                const routes = new OperationRoutes(ops);
                const document = documentOf(ops);
                const requests: string[][] = [[]];
                for (let depth = 0; depth < 3; depth++)
                    for (const r of requests.filter((q) => q.length === depth))
                        for (const v of values) requests.push([...r, v]);
                const routed = requests.flatMap((segments) =>
                    HTTP_METHODS.flatMap((verb) => {
                        const route = matchRoute(document, verb, `/${segments.join("/")}`);
                        return route
                            ? [{ arnTail: `${verb}/${segments.join("/")}`, key: route.operation.key as string }]
                            : [];
                    }),
                );
                for (const p of patterns) {
                    const found = routes.reachedBy(p, { form: "stageTail" });
                    for (const { arnTail, key } of routed)
                        if (iamMatches(p, arnTail) && !found.has(key))
                            throw new Error(
                                `${p} matches ${arnTail}, routed to ${key}, not found: ${[...found].join(", ")}`,
                            );
                }
            }),
            { seed: 20261203, numRuns: 150 },
        );
    });
});
