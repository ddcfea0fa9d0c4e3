import * as aws from "@pulumi/aws";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { runProgramLocally } from "../../local-aws/engine/runProgram";
import { loadStackConfig } from "../../local-aws/engine/stackConfig";
import { TRANSPILED } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";

const EXPECTED_OUTPUTS = [
    "accessKeyId",
    "invokeUrl",
    "operations",
    "region",
    "restApiId",
    "secretAccessKey",
    "stageName",
    "userArn",
];
const SECRET_OUTPUTS = ["accessKeyId", "secretAccessKey"];

describe("the program (index.ts, stack test)", () => {
    for (const preview of [true, false]) {
        it(`exports the documented outputs, the key pair as secrets (${preview ? "preview" : "update"})`, async () => {
            const { outputs, mocks } = await runProgramLocally({
                projectDir: PROJECT_DIR,
                stack: "test",
                preview,
                ...TRANSPILED,
            });
            expect(Object.keys(outputs).sort()).to.deep.equal(EXPECTED_OUTPUTS);
            for (const name of EXPECTED_OUTPUTS) {
                expect(outputs[name].secret, name).to.equal(SECRET_OUTPUTS.includes(name));
            }
            expect(
                mocks.registrations.filter((r) => r.type === "secured-rest-api:index:SecuredRestApi"),
            ).to.have.length(1);
            if (!preview) {
                expect(outputs.region.value).to.equal("us-west-2");
                expect(outputs.stageName.value).to.equal("test");
                expect(outputs.invokeUrl.value).to.match(
                    /^https:\/\/[a-z0-9]{10}\.execute-api\.us-west-2\.amazonaws\.com\/test$/,
                );
                expect(outputs.operations.value).to.deep.equal([
                    { verb: "GET", path: "/", authorization: "AWS_IAM" },
                    { verb: "GET", path: "/pets", authorization: "AWS_IAM" },
                    { verb: "POST", path: "/pets", authorization: "AWS_IAM" },
                    { verb: "GET", path: "/pets/{petId}", authorization: "AWS_IAM" },
                ]);
            }
        });
    }
});

describe("stack configuration as the CLI reads it", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            "name: demo\nruntime: nodejs\nconfig:\n  stageName:\n    type: string\n    default: test\n",
        );
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("applies Pulumi.yaml defaults, then the stack's values, namespacing bare keys to the project", () => {
        fs.writeFileSync(
            path.join(dir, "Pulumi.dev.yaml"),
            "config:\n  aws:region: eu-west-1\n  demo:stageName: v2\n  tags:\n    team: a\n",
        );
        expect(loadStackConfig(dir, "dev").values).to.deep.equal({
            "aws:region": "eu-west-1",
            "demo:stageName": "v2",
            "demo:tags": '{"team":"a"}',
        });
    });

    it("names a secure value it cannot decrypt, and a missing stack file", () => {
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  demo:token:\n    secure: AAABAxyz\n");
        expect(() => loadStackConfig(dir, "dev")).to.throw(/Config "demo:token" of stack "dev" is a secure value/);
        expect(() => loadStackConfig(dir, "prod")).to.throw(/Stack "prod" has no configuration file/);
    });
});

describe("a program's own secrets in local mode", () => {
    it("stay secret as the Pulumi engine keeps them (additionalSecretOutputs: an AccessKey's secret)", async () => {
        const { outputs } = await runProgramLocally({
            projectDir: PROJECT_DIR,
            program: () => {
                const user = new aws.iam.User("own");
                const key = new aws.iam.AccessKey("own", { user: user.name });
                return { secret: key.secret, id: key.id };
            },
        });
        expect(outputs.secret.secret).to.equal(true);
        expect(outputs.secret.value).to.have.length(40);
        expect(outputs.id.secret).to.equal(false);
    });
});
