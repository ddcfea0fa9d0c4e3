import { expect } from "chai";
import { prepareSpec } from "../../components/openapi/prepare";
import { broadInvokeGrants } from "../../components/policies/identityPolicy";
import { isManagedInvokePolicyArn, scopedInvokePolicy } from "../../components/policies/invokePolicy";
import { ANY_STAGE } from "../../components/policies/operationReach";
import { allowPublicOperations, documentPolicyProblems } from "../../components/policies/resourcePolicy";
import { stageGaps } from "../../components/restApi/stageRules";
import { openApi3, operation } from "../helpers/specs";

const allow = (Action: unknown, Resource: unknown, extra: Record<string, unknown> = {}) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action, Resource, ...extra }],
});
const scopes = (policy: unknown) => broadInvokeGrants(policy).map((g) => `${g.scope} ${g.resource}`);

describe("the rules the policy pack shares with the component (pure)", () => {
    it("broadInvokeGrants: Invoke on *, on any account, or on every API of one account", () => {
        expect(scopes(allow("execute-api:*", "*"))).to.deep.equal(["everything *"]);
        expect(
            scopes(JSON.stringify(allow(["s3:GetObject", "execute-api:Invoke"], "arn:aws:execute-api:*"))),
        ).to.deep.equal(["everything arn:aws:execute-api:*"]);
        expect(scopes(allow("*", "arn:aws:execute-api:us-east-1:*:abc1234567/prod/*"))).to.deep.equal([
            "everything arn:aws:execute-api:us-east-1:*:abc1234567/prod/*",
        ]);
        expect(scopes(allow("execute-api:Invoke", "arn:aws:execute-api:us-east-1:123456789012:*"))).to.deep.equal([
            "account arn:aws:execute-api:us-east-1:123456789012:*",
        ]);
        expect(
            scopes(allow("execute-api:invoke", "arn:aws:execute-api:*:123456789012:??????????/prod/*")),
        ).to.deep.equal(["account arn:aws:execute-api:*:123456789012:??????????/prod/*"]);
        expect(
            scopes(allow("execute-api:Invoke", undefined, { NotResource: "arn:aws:execute-api:*:*:x/*" })),
        ).to.deep.equal(['everything NotResource "arn:aws:execute-api:*:*:x/*"']);
    });

    it("broadInvokeGrants: one API's stage, another action or service, a Deny, or no JSON grant nothing broad", () => {
        const stage = scopedInvokePolicy("arn:aws:execute-api:us-east-1:123456789012:abc1234567/prod");
        expect(scopes(stage)).to.deep.equal([]);
        expect(scopes(allow("execute-api:ManageConnections", "*"))).to.deep.equal([]);
        expect(scopes(allow("*", "arn:aws:s3:::*"))).to.deep.equal([]);
        expect(scopes(allow("s3:*", "*", { NotAction: undefined }))).to.deep.equal([]);
        expect(scopes({ Statement: [{ Effect: "Deny", Action: "execute-api:*", Resource: "*" }] })).to.deep.equal([]);
        expect(scopes("{ not json")).to.deep.equal([]);
        // NotAction that leaves Invoke in is an Allow of it.
        expect(scopes({ Statement: [{ Effect: "Allow", NotAction: "s3:*", Resource: "*" }] })).to.deep.equal([
            "everything *",
        ]);
    });

    it("isManagedInvokePolicyArn: AWS's full-access policy in any partition, nothing else", () => {
        for (const partition of ["aws", "aws-cn", "aws-us-gov"])
            expect(
                isManagedInvokePolicyArn(`arn:${partition}:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess`),
            ).to.equal(true);
        expect(isManagedInvokePolicyArn("arn:aws:iam::123456789012:policy/AmazonAPIGatewayInvokeFullAccess")).to.equal(
            false,
        );
        expect(isManagedInvokePolicyArn("arn:aws:iam::aws:policy/AmazonAPIGatewayAdministrator")).to.equal(false);
        expect(isManagedInvokePolicyArn(undefined)).to.equal(false);
    });

    it("stageGaps: access logs need a destination, throttling a */* MethodSettings with both limits", () => {
        const throttled = { methodPath: "*/*", settings: { throttlingRateLimit: 100, throttlingBurstLimit: 200 } };
        expect(stageGaps({ destinationArn: "arn:aws:logs:…" }, [throttled])).to.deep.equal([]);
        expect(stageGaps(undefined, [throttled])).to.deep.equal(["accessLogs"]);
        expect(stageGaps({ destinationArn: "x" }, [])).to.deep.equal(["throttling"]);
        for (const settings of [
            { methodPath: "pets/GET", settings: throttled.settings },
            { methodPath: "*/*", settings: { throttlingRateLimit: -1, throttlingBurstLimit: 200 } },
            { methodPath: "*/*", settings: { throttlingRateLimit: 100 } },
        ])
            expect(stageGaps({ destinationArn: "x" }, [settings]), JSON.stringify(settings)).to.deep.equal([
                "throttling",
            ]);
    });

    it("documentPolicyProblems for any stage: an Allow of another stage still counts, an unknown endpoint skips its checks", () => {
        const { operations } = prepareSpec(
            openApi3({ "/pets/{id}": { get: operation() }, "/pets/{id}/owner": { get: operation() } }),
            { publicOperations: ["GET /pets/{id}"] },
        );
        const everyone = (Resource: string) => ({
            Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource }],
        });
        // Stage "test" would never be "prod": only for any stage does the prod pattern open the owner.
        const opens = /allows everyone \("\*"\) to invoke GET \/pets\/\{id\}\/owner/;
        const prod = everyone("execute-api:/prod/GET/pets/*");
        expect(documentPolicyProblems(prod, "REGIONAL", operations, "test").join()).not.to.match(opens);
        expect(documentPolicyProblems(prod, "REGIONAL", operations, ANY_STAGE).join()).to.match(opens);
        expect(
            documentPolicyProblems(
                { Statement: [allowPublicOperations(["GET /pets/{id}"])] },
                "REGIONAL",
                operations,
                ANY_STAGE,
            ),
        ).to.deep.equal([]);
        const vpc = {
            Statement: [
                {
                    Effect: "Deny",
                    Principal: "*",
                    Action: "execute-api:Invoke",
                    Resource: "execute-api:/*",
                    Condition: { StringNotEquals: { "aws:SourceVpce": ["vpce-1"] } },
                },
                allowPublicOperations(["GET /pets/{id}"]),
            ],
        };
        expect(documentPolicyProblems(vpc, "REGIONAL", operations, ANY_STAGE).join()).to.match(/aws:SourceVpc/);
        expect(documentPolicyProblems(vpc, undefined, operations, ANY_STAGE)).to.deep.equal([]);
    });
});
