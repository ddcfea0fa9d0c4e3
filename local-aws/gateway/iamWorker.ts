// The IAM evaluator's thread: answers one InvokeQuestion per message, so no evaluation runs on the
// gateway's event loop and one that never ends can be stopped without stopping the gateway.
import { parentPort } from "worker_threads";
import { AssumeRoleQuestion, evaluateAssumeRole } from "../identity/trustEvaluation";
import { evaluateInvoke, InvokeQuestion } from "./iamEvaluation";

parentPort!.on("message", ({ id, question }: { id: number; question: InvokeQuestion | AssumeRoleQuestion }) => {
    try {
        const answer = "kind" in question ? evaluateAssumeRole(question) : evaluateInvoke(question);
        parentPort!.postMessage({ id, answer });
    } catch (e) {
        parentPort!.postMessage({ id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
});

// Evaluations first, so the simulator's data and code paths are loaded: from now on a deadline counts only its question.
evaluateInvoke({
    principal: { arn: "arn:aws:iam::000000000000:user/warmup", policies: [] },
    resourceAccountId: "000000000000",
    resourceArns: ["arn:aws:execute-api:us-east-1:000000000000:warmup/stage/GET/"],
    resourcePolicy: undefined,
    context: [],
});
evaluateAssumeRole({
    kind: "assumeRole",
    principal: "lambda.amazonaws.com",
    action: "sts:AssumeRole",
    roleArn: "arn:aws:iam::000000000000:role/warmup",
    roleAccountId: "000000000000",
    trustPolicy:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    identityPolicies: [],
    context: [],
});
parentPort!.postMessage({ ready: true });
