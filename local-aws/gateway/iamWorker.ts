// The IAM evaluator's thread: answers one InvokeQuestion per message, so no evaluation runs on the
// gateway's event loop and one that never ends can be stopped without stopping the gateway.
import { parentPort } from "worker_threads";
import { evaluateInvoke, InvokeQuestion } from "./iamEvaluation";

parentPort!.on("message", ({ id, question }: { id: number; question: InvokeQuestion }) => {
    try {
        parentPort!.postMessage({ id, answer: evaluateInvoke(question) });
    } catch (e) {
        parentPort!.postMessage({ id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
});
