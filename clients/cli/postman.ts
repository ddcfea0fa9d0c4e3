import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { postmanEnvironment } from "../postman";
import { ApiCredentials } from "../signedFetch";
import { readStackOutputs } from "./stackOutputs";

/** Writes a Postman environment for the stack's API, the way most people first try an IAM-secured API. */
function main(): void {
    const { values } = parseArgs({
        options: {
            stack: { type: "string" },
            outputs: { type: "string" },
            out: { type: "string", default: "postman-environment.json" },
            name: { type: "string" },
        },
    });
    const outputs = readStackOutputs({ file: values.outputs, stack: values.stack }) as unknown as ApiCredentials;
    const name =
        values.name ?? `secured-rest-api ${values.stack ?? (values.outputs ? path.basename(values.outputs) : "test")}`;
    const file = path.resolve(values.out);
    fs.writeFileSync(file, JSON.stringify(postmanEnvironment(name, outputs), null, 2) + "\n", { mode: 0o600 });
    console.log(`Wrote ${path.relative(process.cwd(), file) || file} (the keys are in it: keep it private).`);
    console.log("In Postman: Environments → Import this file and select it; on a request choose");
    console.log('Authorization "AWS Signature" with AccessKey {{AccessKey}}, SecretKey {{SecretKey}},');
    console.log("AWS Region {{AWS Region}}, Service Name {{Service Name}}, and call {{baseUrl}}/pets.");
}

try {
    main();
} catch (e) {
    console.error(`postman: ${(e as Error).message}`);
    process.exit(2);
}
