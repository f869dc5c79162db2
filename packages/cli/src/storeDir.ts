/** Where the embedded store lives unless --store says otherwise: apart from openStore.ts, so naming it in a usage text loads no store. */
export const DEFAULT_STORE_DIR = ".vigil";
