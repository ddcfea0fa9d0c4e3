import type * as pulumi from "@pulumi/pulumi";

/** The value of an Output, or the error that produced it (apply() would hang on a failed resource). */
export function settle<T>(output: pulumi.Output<T>): Promise<T | undefined> {
    // `promise()` is the SDK's own accessor; it is not in the public typings.
    return (output as unknown as { promise(): Promise<T | undefined> }).promise();
}
