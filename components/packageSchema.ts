import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { SecuredRestApi } from "./securedRestApi";

/** The Pulumi package name other languages see (`pulumi package add`). */
export const PACKAGE_NAME = "secured-rest-api";

/**
 * Marks the component's secret outputs `secret: true` in a schema made by Pulumi's analyzer, which
 * cannot tell them apart (they are `pulumi.secret` at run time, so they stay secret on the wire; the
 * schema tells generated SDKs too).
 */
export function markSecretOutputs(schemaJson: string): string {
    const schema = JSON.parse(schemaJson) as {
        resources: Record<string, { properties?: Record<string, Record<string, unknown>> }>;
    };
    const properties = schema.resources[SecuredRestApi.typeToken]?.properties ?? {};
    for (const name of SecuredRestApi.secretOutputs) {
        if (!properties[name]) throw new Error(`The analyzed schema has no output ${name} to mark secret.`);
        properties[name].secret = true;
    }
    return JSON.stringify(schema);
}

/**
 * Makes every `ComponentProvider` (the one `componentProviderHost` creates included) serve the schema
 * with secret outputs marked, since the host offers no hook for it.
 */
export function serveSecretOutputsAsSecret(): void {
    const prototype = ComponentProvider.prototype;
    const analyzed = Object.getOwnPropertyDescriptor(prototype, "getSchema")!.value as (
        this: ComponentProvider,
    ) => Promise<string>;
    prototype.getSchema = async function (this: ComponentProvider) {
        return markSecretOutputs(await analyzed.call(this));
    };
}

/** The package schema of this repository, as `pulumi package add` receives it. */
export async function packageSchema(
    projectDir: string,
    provider = new ComponentProvider({ components: [SecuredRestApi], name: PACKAGE_NAME, dirname: projectDir }),
): Promise<string> {
    return markSecretOutputs(await provider.getSchema());
}
