import { expect } from "chai";
import { freshLocalAws } from "../../helpers/localAws";

interface Debuggable {
    debuggablePromise: <T>(this: void, promise: Promise<T>, context: unknown) => Promise<T>;
    promiseDebugString: (this: void, promise: Promise<unknown>) => string;
}

describe("Pulumi's promise stack traces under local mode: recorded, formatted only when read", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;
    before(() => freshLocalAws(true));

    it("each promise still carries its context and a trace naming where it was made, read as text", async () => {
        const promise = Promise.resolve(7) as Promise<number> & { _debugCtx: string; _debugStackTrace: unknown };
        expect(await debuggable.debuggablePromise(promise, "a test's promise")).to.equal(7);
        expect(promise._debugCtx).to.equal("a test's promise");
        expect(typeof promise._debugStackTrace).to.equal("object");
        // As the leak report prints it.
        expect(debuggable.promiseDebugString(promise)).to.match(
            /^CONTEXT\(\d+\): a test's promise\nSTACK_TRACE:\n {4}at debuggablePromise [\s\S]*promiseStacks\.test\.ts:\d+:\d+\)/,
        );
    });

    it("leaves every other error's stack as it was: formatted, source-mapped, Error.prepareStackTrace untouched", () => {
        // eslint-disable-next-line @typescript-eslint/unbound-method -- compared, never called
        const before = Error.prepareStackTrace;
        void debuggable.debuggablePromise(Promise.resolve(), "x");
        // eslint-disable-next-line @typescript-eslint/unbound-method -- compared, never called
        expect(Error.prepareStackTrace).to.equal(before);
        const stack = new Error("plain").stack;
        expect(stack)
            .to.be.a("string")
            .and.match(/^Error: plain\n/);
        expect(stack).to.match(/promiseStacks\.test\.ts:\d+:\d+/);
    });
});
