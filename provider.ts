// The entry point `pulumi package add <this repository>` runs (package.json "main", PulumiPlugin.yaml):
// it serves SecuredRestApi to Pulumi programs in Python, Go, YAML, C# and Java.
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { SecuredRestApi } from "./components";
import { PACKAGE_NAME, serveSecretOutputsAsSecret } from "./components/packageSchema";

serveSecretOutputsAsSecret();
void componentProviderHost({ components: [SecuredRestApi], name: PACKAGE_NAME, dirname: __dirname });
