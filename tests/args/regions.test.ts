import * as fs from "fs";
import * as path from "path";
import { Region } from "@pulumi/aws/types/enums";
import { expect } from "chai";
import { AWS_REGIONS, closestRegion } from "../../components/args/regions";
import { runProgramLocally } from "../../local-aws/engine/runProgram";
import { runTool } from "../helpers/cli";
import { TRANSPILED } from "../helpers/localAws";
import { makeUserProject } from "../helpers/userProject";

/** What a program run against a provider in `region` stops with, or the region its API got (tests/fixtures/runInRegion.ts). */
async function runIn(region: string, program: string, mode: "preview" | "up"): Promise<string> {
    const result = await runTool("tests/fixtures/runInRegion.ts", [region, program, mode]);
    return result.stdout.trim();
}

describe("regions: an unknown one is refused at preview, with the closest AWS region", () => {
    it("the list holds every region @pulumi/aws knows (its Region enum)", () => {
        for (const region of Object.values(Region)) expect(AWS_REGIONS, region).to.have.property(region);
    });

    it("the closest region: by its name (Oregon), else by its code (us-west-9, US-EAST-1)", () => {
        expect(closestRegion("Oregon")).to.equal("us-west-2");
        expect(closestRegion("frankfurt")).to.equal("eu-central-1");
        expect(closestRegion("us-west-9")).to.equal("us-west-1");
        expect(closestRegion("US-EAST-1")).to.equal("us-east-1");
        expect(closestRegion("eu-wst-1")).to.equal("eu-west-1");
    });

    it("the component refuses the provider's region at preview, naming the closest; the region it names previews", async () => {
        const [wrong, fixed] = await Promise.all([
            runIn("us-west-9", "index.ts", "preview"),
            runIn("us-west-1", "index.ts", "preview"),
        ]);
        expect(wrong).to.include(
            `SecuredRestApi: the AWS provider's region "us-west-9" is no AWS region; did you mean "us-west-1" (US West (N. California))? Set the stack's aws:region to it (pulumi config set aws:region us-west-1)`,
        );
        expect(fixed).to.equal("region us-west-1");
    });

    it("with a Lambda integration, the error is the region's, not a function name's (the program passes fn.arn)", async () => {
        const [wrong, fixed] = await Promise.all([
            runIn("Oregon", "examples/lambda/index.ts", "up"),
            runIn("us-west-2", "examples/lambda/index.ts", "up"),
        ]);
        expect(wrong).to.include(`region "Oregon" is no AWS region; did you mean "us-west-2" (US West (Oregon))?`);
        expect(wrong).not.to.include("not its name");
        expect(fixed).to.equal("region us-west-2");
    });

    it("local mode refuses a stack whose aws:region is none, before running it; the fix it names runs", async () => {
        const project = makeUserProject({ region: "Oregon" });
        try {
            const program = () => ({});
            const refused = await runProgramLocally({ projectDir: project, stack: "dev", program, ...TRANSPILED }).then(
                () => "ran",
                (e: Error) => e.message,
            );
            expect(refused).to.equal(
                'Stack "dev" sets aws:region to "Oregon" (Pulumi.dev.yaml), which is no AWS region; did you mean "us-west-2" (US West (Oregon))? Set aws:region: us-west-2 there.',
            );
            fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), "config:\n  aws:region: us-west-2\n");
            const run = await runProgramLocally({ projectDir: project, stack: "dev", program, ...TRANSPILED });
            expect(run.account.region).to.equal("us-west-2");
        } finally {
            fs.rmSync(project, { recursive: true, force: true });
        }
    });
});
