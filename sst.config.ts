import type { SSTConfig } from "sst";
import { HOME_REGION } from "./stacks/home.ts";

export default {
  config() {
    // `--region` overrides this to deploy a forwarder (see the README's Deploy section).
    return { name: "vigil", region: HOME_REGION };
  },
  async stacks(app) {
    // Imported here so that SST's quick read of this file (for name and region) skips the stacks.
    const { addVigilStacks } = await import("./stacks/app.ts");
    addVigilStacks(app);
  },
} satisfies SSTConfig;
