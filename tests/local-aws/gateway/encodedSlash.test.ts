import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { outputsAsJson } from "../../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../../local-aws/localMode";
import { TRANSPILED } from "../../helpers/localAws";
import { rawRequest } from "../../helpers/rawHttp";
import { mockIntegration, openApi3, PROJECT_DIR } from "../../helpers/specs";

const answered = { responses: { "200": { description: "ok" } }, "x-amazon-apigateway-integration": mockIntegration() };
const PUBLIC = { ...answered, "x-amazon-apigateway-auth": { type: "NONE" } };
const IAM = { ...answered, "x-amazon-apigateway-auth": { type: "AWS_IAM" } };

/** A public greedy proxy above an IAM operation, and a public parameter whose value may hold a "/". */
function program(): Record<string, unknown> {
    const body = openApi3({
        "/{proxy+}": { "x-amazon-apigateway-any-method": PUBLIC },
        "/admin/{id}": { get: IAM },
        "/files/{name}": { get: PUBLIC },
    });
    const api = new aws.apigateway.RestApi("slashes", { name: "slashes", body: JSON.stringify(body) });
    const deployment = new aws.apigateway.Deployment("slashes", { restApi: api.id });
    const stage = new aws.apigateway.Stage("slashes", {
        restApi: api.id,
        deployment: deployment.id,
        stageName: "test",
    });
    return { invokeUrl: stage.invokeUrl };
}

describe("an encoded slash never moves a request from one operation to another (AWS does not document how it routes one)", () => {
    let local: LocalMode;
    let url: URL;
    const unsigned = (path: string) =>
        rawRequest(Number(url.port), {
            method: "GET",
            target: `${url.pathname}${path}`,
            headers: [["Host", url.host]],
        });
    before(async () => {
        local = await startLocalMode({ projectDir: PROJECT_DIR, program, ...TRANSPILED });
        url = new URL((outputsAsJson(local.outputs) as { invokeUrl: string }).invokeUrl);
    });
    after(() => local.close());

    it("refuses a path whose encoded slash would reach the IAM operation if it were a separator (not served by the public proxy)", async () => {
        for (const path of ["/admin%2F1", "/admin%2f1"]) {
            const answer = await unsigned(path);
            expect([answer.status, answer.headers["x-amzn-errortype"]], path).to.deep.equal([
                403,
                "MissingAuthenticationTokenException",
            ]);
        }
        expect((await unsigned("/admin/1")).status, "the IAM operation itself").to.equal(403);
    });

    it("serves one where both readings reach the same operation, or the split one reaches none", async () => {
        // Both readings are the proxy's.
        expect((await unsigned("/other%2Fpath")).status).to.equal(200);
        // Split, /files/a/b is still the proxy's; as data it is /files/{name}: two operations, refused.
        expect((await unsigned("/files/a%2Fb")).status).to.equal(403);
        expect((await unsigned("/files/a")).status).to.equal(200);
    });
});
