import * as policySdk from "@pulumi/policy";

/**
 * What the SDK does with a value only `pulumi up` knows: its index exports these, but its typings leave
 * them out (marked internal in proxy.ts). Reading an unknown value through the proxy throws the error,
 * which the SDK's analyzer reports as an advisory "can't run policy … during preview".
 */
const sdk = policySdk as unknown as {
    unknownCheckingProxy: <T extends object>(toProxy: T) => T;
    UnknownValueError: new (...args: never[]) => Error;
};
export const unknownCheckingProxy = sdk.unknownCheckingProxy;
export const UnknownValueError = sdk.UnknownValueError;
