import { Worker } from "worker_threads";
import type { AssumeRoleQuestion } from "../identity/trustEvaluation";
import { loaderCode, ownModule } from "../packageLayout";
import { InvokeAnswer, InvokeQuestion } from "./iamEvaluation";

/** A question the IAM worker answers: an `execute-api:Invoke`, or assuming a role (the local STS). */
type IamQuestion = InvokeQuestion | AssumeRoleQuestion;

const describe = (question: IamQuestion): string =>
    "kind" in question ? `${question.action} on ${question.roleArn}` : question.resourceArns[0];

/** Whose turn a question waits for: the caller asking. */
const callerOf = (question: IamQuestion): string =>
    "kind" in question ? question.principal : (question.principal?.arn ?? "anonymous");

export { Decision, InvokeAnswer, InvokeQuestion, NamedPolicy } from "./iamEvaluation";

/**
 * `arn:<partition>:execute-api:<region>:<account>:<api>/<stage>/<VERB>/<tail>` for the concrete
 * request; the root resource's tail is empty (`…/test/GET/`).
 */
export function invokeResourceArn(
    partition: string,
    region: string,
    accountId: string,
    apiId: string,
    stage: string,
    verb: string,
    tail: string,
): string {
    return `arn:${partition}:execute-api:${region}:${accountId}:${apiId}/${stage}/${verb}/${tail}`;
}

/** How long one IAM evaluation may take before it is stopped as an emulator failure. */
export const DEFAULT_EVALUATION_TIMEOUT_MS = 1_000;

interface Pending {
    readonly id: number;
    readonly question: IamQuestion;
    readonly timeoutMs: number;
    readonly resolve: (answer: InvokeAnswer) => void;
    readonly reject: (error: Error) => void;
}

/** One worker thread, whether it has loaded the simulator, and the evaluation given to it, if any. */
interface Slot {
    worker: Worker | undefined;
    ready: boolean;
    current: { pending: Pending; timer: NodeJS.Timeout | undefined } | undefined;
}

/** Worker threads evaluating at once: a stuck evaluation holds one of them, never every caller. */
const POOL_SIZE = 2;

/**
 * Decides IAM questions on worker threads, each evaluation with a deadline. The gateway's event loop
 * never evaluates a policy, so no request, however long its ARN or however a policy's wildcards
 * backtrack, can hold up other requests; an evaluation past its deadline is stopped (its worker is
 * replaced) and reported as an error, never as a decision. The deadline runs from when a worker that
 * has loaded the simulator receives the question, so starting a worker never counts against it. One
 * pool serves every gateway of the process; it does not keep the process alive.
 */
class EvaluationPool {
    private readonly slots: Slot[] = Array.from({ length: POOL_SIZE }, () => ({
        worker: undefined,
        ready: false,
        current: undefined,
    }));
    /** Questions waiting, by caller, taken in turn: one caller's flood delays others by one question at most. */
    private readonly queues = new Map<string, Pending[]>();
    private nextId = 0;

    decide(question: IamQuestion, timeoutMs: number): Promise<InvokeAnswer> {
        return new Promise((resolve, reject) => {
            const caller = callerOf(question);
            const queue = this.queues.get(caller);
            const pending = { id: this.nextId++, question, timeoutMs, resolve, reject };
            if (queue) queue.push(pending);
            else this.queues.set(caller, [pending]);
            this.dispatch();
        });
    }

    /** The next question, from the caller whose turn it is (the caller then goes to the back). */
    private next(): Pending | undefined {
        const first = this.queues.entries().next();
        if (first.done) return undefined;
        const [caller, queue] = first.value;
        const pending = queue.shift()!;
        this.queues.delete(caller);
        if (queue.length > 0) this.queues.set(caller, queue);
        return pending;
    }

    /** Starts every worker now (they take a few hundred milliseconds to load the simulator). */
    warmUp(): void {
        for (const slot of this.slots) this.workerOf(slot);
    }

    private dispatch(): void {
        for (const slot of this.slots) {
            if (slot.current) continue;
            const pending = this.next();
            if (!pending) return;
            slot.current = { pending, timer: undefined };
            // A worker with a question keeps the process alive until it answers; an idle one does not.
            this.workerOf(slot).ref();
            if (slot.ready) this.begin(slot);
        }
    }

    /** Hands the slot's question to its loaded worker and starts the deadline. */
    private begin(slot: Slot): void {
        const current = slot.current!;
        const { pending } = current;
        current.timer = setTimeout(() => {
            const stuck = slot.worker;
            slot.worker = undefined;
            slot.ready = false;
            void stuck?.terminate();
            this.finish(
                slot,
                new Error(
                    `IAM evaluation of ${describe(pending.question)} did not finish within ${pending.timeoutMs} ms (a policy's wildcards may backtrack on this path); its worker was replaced.`,
                ),
            );
        }, pending.timeoutMs);
        slot.worker!.postMessage({ id: pending.id, question: pending.question });
    }

    /** Settles the slot's evaluation (with an answer, or an error) and starts the next one. */
    private finish(slot: Slot, result: InvokeAnswer | Error, id?: number): void {
        const current = slot.current;
        if (!current || (id !== undefined && current.pending.id !== id)) return;
        clearTimeout(current.timer);
        slot.current = undefined;
        slot.worker?.unref();
        if (result instanceof Error) current.pending.reject(result);
        else current.pending.resolve(result);
        this.dispatch();
    }

    private workerOf(slot: Slot): Worker {
        if (slot.worker) return slot.worker;
        // No execArgv: a worker inherits the parent's (`--require tsx/cjs`) and would resolve it from the
        // current folder, a program's project that need not hold tsx; the loader code names it by path.
        const worker = new Worker(loaderCode(ownModule(__dirname, "iamWorker")), { eval: true, execArgv: [] });
        worker.on("message", (message: { ready?: true; id: number; answer?: InvokeAnswer; error?: string }) => {
            if (message.ready) {
                slot.ready = true;
                if (slot.current) this.begin(slot);
                return;
            }
            this.finish(
                slot,
                message.answer ?? new Error(`IAM evaluation failed inside the simulator: ${message.error}`),
                message.id,
            );
        });
        worker.on("error", (e) => {
            if (slot.worker === worker) [slot.worker, slot.ready] = [undefined, false];
            this.finish(slot, new Error(`The IAM evaluator's thread failed: ${e.stack ?? e.message}`));
        });
        worker.on("exit", () => {
            if (slot.worker !== worker) return;
            [slot.worker, slot.ready] = [undefined, false];
            this.finish(slot, new Error("The IAM evaluator's thread exited during an evaluation."));
        });
        // After the listeners: attaching one refs the worker again, and it must not keep the process alive.
        worker.unref();
        slot.worker = worker;
        return worker;
    }
}

const pool = new EvaluationPool();

/** A gateway's handle on IAM evaluation: its own deadline, the process's evaluation thread. */
export class IamEvaluator {
    constructor(private readonly timeoutMs = DEFAULT_EVALUATION_TIMEOUT_MS) {
        pool.warmUp();
    }

    /** IAM's answer to one question; rejects when the evaluation throws or overruns its deadline. */
    decide(question: InvokeQuestion): Promise<InvokeAnswer> {
        return pool.decide(question, this.timeoutMs);
    }

    /** IAM's answer on assuming a role (trust policy and the caller's policies), on the same threads. */
    decideAssumeRole(question: AssumeRoleQuestion): Promise<InvokeAnswer> {
        return pool.decide(question, this.timeoutMs);
    }
}
