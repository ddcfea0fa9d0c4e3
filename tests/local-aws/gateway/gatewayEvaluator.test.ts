import { execFile } from "child_process";
import * as os from "os";
import { promisify } from "util";
import { expect } from "chai";
import { IamEvaluator, InvokeQuestion } from "../../../local-aws/gateway/authorize";
import { formatLogEntry } from "../../../local-aws/gateway/log";
import { NODE_WITH_TSX } from "../../helpers/cli";
import { PROJECT_DIR } from "../../helpers/specs";

const question = (principal: string | undefined, tail: string): InvokeQuestion => ({
    principal: principal === undefined ? undefined : { arn: principal, policies: [] },
    resourceAccountId: "123456789012",
    resourceArns: [`arn:aws:execute-api:us-west-2:123456789012:abc/test/GET/${tail}`],
    resourcePolicy: undefined,
    context: [],
});

describe("the gateway's IAM evaluator and request log", () => {
    it("takes callers in turn: a flood of one caller's questions delays another's by a handful, not by the flood", async () => {
        const evaluator = new IamEvaluator();
        const order: string[] = [];
        const flood = Array.from({ length: 300 }, (_, i) =>
            evaluator.decide(question(undefined, `public/${i}`)).then(() => order.push("anonymous")),
        );
        const signed = evaluator
            .decide(question("arn:aws:iam::123456789012:user/u", "pets"))
            .then(() => order.push("signed"));
        await Promise.all([...flood, signed]);
        // Taken third; answers are counted, so a slower evaluation of its own may let a few more finish first.
        expect(order.indexOf("signed")).to.be.lessThan(30);
    });

    it("an evaluation that throws is an error, never a decision", async () => {
        const failure = await new IamEvaluator()
            .decide({ ...question(undefined, "x"), resourcePolicy: "{ not a policy" })
            .then(
                (answer) => answer,
                (e: Error) => e,
            );
        expect(failure).to.be.instanceOf(Error);
        expect((failure as Error).message).to.match(/^IAM evaluation failed inside the simulator: SyntaxError/);
    });

    it("loads its workers from any current folder (a program's project folder need not resolve tsx)", async () => {
        const { stdout } = await promisify(execFile)(
            NODE_WITH_TSX[0],
            [...NODE_WITH_TSX.slice(1), "tests/fixtures/evaluateFromElsewhere.ts", os.tmpdir()],
            { cwd: PROJECT_DIR, encoding: "utf8" },
        );
        expect(stdout.trim()).to.equal("ImplicitlyDenied");
    });

    it("a log line cannot be forged by a request's own text: control and line-separator characters are escaped", () => {
        const line = formatLogEntry(
            {
                requestId: "r",
                method: "GET",
                path: "/test/x%0D%0A",
                status: 403,
                errorType: "AccessDeniedException",
                caller: "anonymous",
                integrationMs: undefined,
                reason: "no statement allows execute-api:Invoke on …/GET/x\r\nFORGED 200\u2028",
            },
            new Date(0),
        );
        expect(line.split(/[\n\r\u2028\u2029]/)).to.have.length(1);
        expect(line).to.include("x\\u000d\\u000aFORGED 200\\u2028");
    });
});
